import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * The key that seals stored secrets when EARSHOT_SECRET_KEY is not given:
 * generated once beside the embedded database (mode 600) and reused, so a
 * zero-configuration install still encrypts tokens at rest. Losing the file
 * means re-entering those secrets, exactly like losing EARSHOT_SECRET_KEY.
 */
export async function loadOrCreateSecretKey(dataDir: string): Promise<string> {
  const file = path.join(path.resolve(dataDir), 'secret-key')
  try {
    return (await readFile(file, 'utf8')).trim()
  } catch {
    const key = randomBytes(32).toString('base64url')
    await writeFile(file, key + '\n', { mode: 0o600, flag: 'wx' }).catch(async (e) => {
      // another process created it first: use theirs
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    })
    return (await readFile(file, 'utf8')).trim()
  }
}
