import type { Logger } from './logger.ts'
import type { Sql } from './db/sql.ts'

/** Settings the app needs at run time, derived from env at the entry point. */
export interface AppConfig {
  version: string
  allowPrivateUrls: boolean
  /** Key for encrypting integration tokens at rest; absent means integrations can't store secrets. */
  secretKey?: string
}

/** Everything a domain function may touch; passed in, never imported as a singleton. */
export interface Deps {
  sql: Sql
  config: AppConfig
  logger: Logger
  clock: () => Date
}
