import type { Env } from '../config.ts'
import type { Logger } from '../logger.ts'
import { startEmbedded, type EmbeddedServer } from './embedded.ts'
import { loadOrCreateSecretKey } from './secret-key-file.ts'

export interface OpenedDatabase {
  url: string
  embedded?: EmbeddedServer
  /** EARSHOT_SECRET_KEY, or with the embedded database one generated in its data dir. */
  secretKey?: string
}

/** The given server when DATABASE_URL is set, else an embedded one under the data dir. */
export async function openDatabase(env: Env, logger: Logger): Promise<OpenedDatabase> {
  if (env.DATABASE_URL) {
    if (!env.EARSHOT_SECRET_KEY) logger.warn('EARSHOT_SECRET_KEY is not set: storing tokens and signing secrets is refused until it is')
    return { url: env.DATABASE_URL, secretKey: env.EARSHOT_SECRET_KEY }
  }
  const embedded = await startEmbedded(env.EARSHOT_DATA_DIR, logger)
  return { url: embedded.url, embedded, secretKey: env.EARSHOT_SECRET_KEY ?? (await loadOrCreateSecretKey(env.EARSHOT_DATA_DIR)) }
}
