import { z } from 'zod'
import type { HttpClient } from '../net/http-client.ts'
import { UpstreamError } from '../net/errors.ts'
import { parseJson } from '../net/parse.ts'
import { pipelineLang, UnsupportedTarget, type TargetLang, type Translator } from './translator.ts'

// LibreTranslate: https://docs.libretranslate.com/guides/api_usage/
const Languages = z.array(z.object({ code: z.string() }))
const Detected = z.object({ language: z.string() })
const Answer = z.object({
  translatedText: z.union([z.string(), z.array(z.string())]),
  detectedLanguage: z.union([Detected, z.array(Detected)]).optional(),
})

// Servers name some languages differently by version (Chinese became zh-Hans); the first one installed is used.
const CANDIDATES: Partial<Record<TargetLang, string[]>> = { no: ['nb', 'no'], zh: ['zh-Hans', 'zh'] }
const LANGUAGES_TTL_MS = 60 * 60 * 1000

export function libreTranslate(http: HttpClient, baseUrl: string, apiKey: string | undefined, now = Date.now): Translator {
  let installed: { at: number; codes: Promise<Set<string>> } | undefined
  const languages = () => {
    if (!installed || now() - installed.at > LANGUAGES_TTL_MS) {
      const codes = http(`${baseUrl}/languages`).then((res) => new Set(parseJson(res, Languages).map((l) => l.code)))
      installed = { at: now(), codes }
      // A failed lookup is asked again next time, not remembered for an hour.
      codes.catch(() => (installed = undefined))
    }
    return installed.codes
  }

  return {
    provider: 'libretranslate',
    async translate(texts, to) {
      const codes = await languages()
      const target = (CANDIDATES[to] ?? [to]).find((c) => codes.has(c))
      if (!target) throw new UnsupportedTarget(`the LibreTranslate server has no ${to} installed`)
      const res = await http(`${baseUrl}/translate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ q: texts, source: 'auto', target, format: 'text', ...(apiKey ? { api_key: apiKey } : {}) }),
      })
      const answer = parseJson(res, Answer)
      const out = typeof answer.translatedText === 'string' ? [answer.translatedText] : answer.translatedText
      if (out.length !== texts.length) throw new UpstreamError(`${new URL(res.url).host}: ${out.length} translations for ${texts.length} texts`)
      const detected = Array.isArray(answer.detectedLanguage) ? answer.detectedLanguage[0] : answer.detectedLanguage
      return { texts: out, from: detected ? pipelineLang(detected.language) : null }
    },
  }
}
