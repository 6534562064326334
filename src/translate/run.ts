import { AppError, badRequest } from '../errors.ts'
import { UpstreamError } from '../net/errors.ts'
import { UnsupportedTarget, type TargetLang, type Translated, type Translator } from './translator.ts'

/** Calls the configured translator, answering what went wrong in the API's terms. */
export async function runTranslator(translator: Translator | undefined, texts: string[], to: TargetLang): Promise<Translated & { provider: Translator['provider'] }> {
  if (!translator) throw new AppError(409, 'translation_not_configured', 'no translator is configured: set EARSHOT_LIBRETRANSLATE_URL or EARSHOT_DEEPL_KEY')
  try {
    return { ...(await translator.translate(texts, to)), provider: translator.provider }
  } catch (err) {
    if (err instanceof UnsupportedTarget) throw badRequest(err.message)
    if (err instanceof UpstreamError) {
      const refused = err.status === 401 || err.status === 403 ? `it refused earshot's key (HTTP ${err.status})` : err.message
      throw new AppError(502, 'translation_failed', `${translator.provider} did not translate: ${refused}`, err.retryAt ? { retryAt: err.retryAt } : undefined)
    }
    throw err
  }
}
