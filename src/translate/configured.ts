import { createHttpClient } from '../net/http-client.ts'
import { deepl } from './deepl.ts'
import { libreTranslate } from './libretranslate.ts'
import type { Env } from '../config.ts'
import type { Translator } from './translator.ts'

/** The translator the environment names, or none. */
export function configuredTranslator(env: Pick<Env, 'EARSHOT_LIBRETRANSLATE_URL' | 'EARSHOT_LIBRETRANSLATE_KEY' | 'EARSHOT_DEEPL_KEY'>, version: string): Translator | undefined {
  if (!env.EARSHOT_LIBRETRANSLATE_URL && !env.EARSHOT_DEEPL_KEY) return undefined
  // Someone is waiting on the answer: one retry, and no long sleeps on a rate limit (the caller gets retryAt instead).
  const http = createHttpClient({
    userAgent: `earshot/${version} (self-hosted social listening)`,
    // The operator's own setting, often a LibreTranslate beside earshot on a private network; never a user's URL.
    urlPolicy: { allowPrivate: true },
    maxAttempts: 2,
    timeoutMs: 15_000,
    maxWaitMs: 2_000,
  })
  if (env.EARSHOT_LIBRETRANSLATE_URL) return libreTranslate(http, env.EARSHOT_LIBRETRANSLATE_URL.replace(/\/+$/, ''), env.EARSHOT_LIBRETRANSLATE_KEY)
  return deepl(http, env.EARSHOT_DEEPL_KEY!)
}
