import { z } from 'zod'
import type { HttpClient } from '../net/http-client.ts'
import { UpstreamError } from '../net/errors.ts'
import { parseJson } from '../net/parse.ts'
import { pipelineLang, type TargetLang, type Translator } from './translator.ts'

// DeepL: https://developers.deepl.com/docs/api-reference/translate
const Answer = z.object({ translations: z.array(z.object({ text: z.string(), detected_source_language: z.string().optional() })) })

// DeepL wants a variant for English and Portuguese, and calls Norwegian Bokmål NB.
const TARGETS: Partial<Record<TargetLang, string>> = { en: 'EN-US', pt: 'PT-BR', no: 'NB', zh: 'ZH-HANS' }

/** Free-plan keys end in ":fx" and are served by a host of their own. */
export const deeplBaseUrl = (key: string) => (key.endsWith(':fx') ? 'https://api-free.deepl.com' : 'https://api.deepl.com')

export function deepl(http: HttpClient, key: string, baseUrl = deeplBaseUrl(key)): Translator {
  return {
    provider: 'deepl',
    async translate(texts, to) {
      const res = await http(`${baseUrl}/v2/translate`, {
        method: 'POST',
        headers: { authorization: `DeepL-Auth-Key ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: texts, target_lang: TARGETS[to] ?? to.toUpperCase() }),
      })
      const { translations } = parseJson(res, Answer)
      if (translations.length !== texts.length) throw new UpstreamError(`${new URL(res.url).host}: ${translations.length} translations for ${texts.length} texts`)
      const from = translations[0]?.detected_source_language
      return { texts: translations.map((t) => t.text), from: from ? pipelineLang(from) : null }
    },
  }
}
