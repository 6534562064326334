/** Languages a mention can be translated into; the codes are the pipeline's own (`no` is Norwegian Bokmål). */
export const TRANSLATION_TARGETS = ['en', 'es', 'de', 'fr', 'it', 'pt', 'nl', 'ru', 'uk', 'pl', 'no', 'sv', 'da', 'fi', 'el', 'tr', 'zh', 'ja', 'ko', 'ar'] as const
export type TargetLang = (typeof TRANSLATION_TARGETS)[number]

export interface Translated {
  /** One per text given, in order. */
  texts: string[]
  /** The source language the translator detected, in the pipeline's codes; null when it did not say. */
  from: string | null
}

/** A machine translation service the operator configured (LibreTranslate or DeepL). */
export interface Translator {
  provider: 'libretranslate' | 'deepl'
  translate(texts: string[], to: TargetLang): Promise<Translated>
}

const names = new Intl.DisplayNames(['en'], { type: 'language' })
/** "Russian" for `ru`, "Norwegian Bokmål" for `no`: for labels in the web app. */
export function languageName(code: string): string {
  try {
    return names.of(code === 'no' ? 'nb' : code) ?? code
  } catch {
    // Not a language tag (an imported answer's free-text locale): shown as it is.
    return code
  }
}

/** The translator cannot translate into a language (it is not installed there): the caller's choice, not a failure. */
export class UnsupportedTarget extends Error {}

/** A provider's language code in the pipeline's terms: `nb` → `no`, `zh-Hans` → `zh`, `EN-US` → `en`. */
export function pipelineLang(code: string): string {
  const base = code.toLowerCase().split(/[-_]/)[0]
  return base === 'nb' || base === 'nn' ? 'no' : base
}
