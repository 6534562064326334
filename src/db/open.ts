import type { Env } from '../config.ts'
import type { Logger } from '../logger.ts'
import { startEmbedded, type EmbeddedServer } from './embedded.ts'

/** The given server when DATABASE_URL is set, else an embedded one under the data dir. */
export async function openDatabase(env: Env, logger: Logger): Promise<{ url: string; embedded?: EmbeddedServer }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL }
  const embedded = await startEmbedded(env.EARSHOT_DATA_DIR, logger)
  return { url: embedded.url, embedded }
}
