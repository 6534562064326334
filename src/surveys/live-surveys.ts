import type { Deps } from '../deps.ts'
import { decryptSecret } from '../crypto/secret-box.ts'
import { importIdentityKey } from './identity.ts'
import { findSurveyByPublicKey, identitySecretContext, type SurveyRecord } from './surveys.ts'

/** A survey as the public endpoints need it, with its HMAC key imported once. */
export interface LiveSurvey {
  survey: SurveyRecord
  identityKey: CryptoKey | null
  origins: ReadonlySet<string>
}

/** Public-key → survey lookups for the public endpoints, cached briefly so a busy survey costs no query per response. */
export interface LiveSurveys {
  get(publicKey: string): Promise<LiveSurvey | undefined>
  /** Drops a cached survey after a change made through this instance. */
  forget(publicKey: string): void
}

export interface LiveSurveysOptions {
  /** How stale another instance's change may be seen here. */
  ttlMs: number
  maxEntries: number
  now: () => number
}

export function createLiveSurveys(deps: Deps, opts: LiveSurveysOptions): LiveSurveys {
  const cache = new Map<string, { at: number; value: Promise<LiveSurvey | undefined> }>()

  async function load(publicKey: string): Promise<LiveSurvey | undefined> {
    const survey = await findSurveyByPublicKey(deps, publicKey)
    if (!survey) return undefined
    return {
      survey,
      identityKey: survey.identitySecret
        ? await importIdentityKey(await decryptSecret(deps.config.secretKey, survey.identitySecret, identitySecretContext(survey.workspaceId, survey.id)))
        : null,
      origins: new Set(survey.settings.allowedOrigins),
    }
  }

  return {
    get(publicKey) {
      const now = opts.now()
      const hit = cache.get(publicKey)
      if (hit && now - hit.at < opts.ttlMs) return hit.value
      if (cache.size >= opts.maxEntries) cache.clear()
      const value = load(publicKey)
      cache.set(publicKey, { at: now, value })
      // A failed lookup must not be remembered.
      value.catch(() => cache.delete(publicKey))
      return value
    },
    forget(publicKey) {
      cache.delete(publicKey)
    },
  }
}
