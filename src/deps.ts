import type { Context } from 'hono'
import type { Logger } from './logger.ts'
import type { Sql } from './db/sql.ts'
import type { Mailer } from './mail/mailer.ts'
import type { LookupHost } from './net/ssrf.ts'
import type { Translator } from './translate/translator.ts'

/** Settings the app needs at run time, derived from env at the entry point. */
export interface AppConfig {
  version: string
  allowPrivateUrls: boolean
  /** Key for encrypting integration tokens at rest; absent means integrations can't store secrets. */
  secretKey?: string
  /** EARSHOT_PUBLIC_URL without a trailing slash: where links sent out of band (e-mail) point. */
  publicUrl?: string
}

/** Everything a domain function may touch; passed in, never imported as a singleton. */
export interface Deps {
  sql: Sql
  config: AppConfig
  logger: Logger
  clock: () => Date
  /** DNS resolver for the SSRF guard; the Node entry passes one, Workers check literal hosts only. */
  lookupHost?: LookupHost
  /** The requesting client's IP (for per-client rate limits), as the runtime knows it; absent = unknown. */
  clientIp?: (c: Context) => string | undefined
  /** Outgoing mail (survey invitations); absent where none is configured (and on Workers). */
  mail?: Mailer
  /** Machine translation of mentions, survey comments and reply drafts (LibreTranslate or DeepL); absent where none is configured. */
  translator?: Translator
}
