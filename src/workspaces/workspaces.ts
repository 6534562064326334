import type { Deps } from '../deps.ts'
import { conflict } from '../errors.ts'
import { insertApiKey } from '../auth/api-keys.ts'
import { hashApiKey } from '../auth/keys.ts'

export const DEFAULT_WORKSPACE = 'default'
// Any constant shared by every instance; the migration lock uses its neighbour.
const BOOTSTRAP_LOCK = 0x6561_7274

/** Creates a workspace together with its first admin key, returned once. */
export async function createWorkspace(deps: Deps, name: string) {
  return deps.sql.begin(async (tx) => {
    const [ws]: [{ id: string; name: string }?] = await tx`
      INSERT INTO workspaces (name) VALUES (${name}) ON CONFLICT (name) DO NOTHING RETURNING id, name`
    if (!ws) throw conflict(`workspace "${name}" already exists`)
    const key = await insertApiKey(tx, ws.id, 'first admin key', 'admin')
    return { id: ws.id, name: ws.name, key: key.key }
  })
}

export async function findWorkspaceByName(deps: Deps, name: string) {
  const [ws]: [{ id: string; name: string }?] = await deps.sql`SELECT id, name FROM workspaces WHERE name = ${name}`
  return ws
}

/**
 * Start-up guarantees: with an admin key from env, the `default` workspace
 * holds it; with no key at all, the first start mints one. Returns a key to
 * print only when one was minted here.
 */
export async function bootstrapWorkspaces(deps: Deps, adminKey?: string): Promise<{ mintedKey?: string }> {
  return deps.sql.begin(async (tx) => {
    // Two instances starting together must not both mint a first key.
    await tx`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`
    await tx`INSERT INTO workspaces (name) VALUES (${DEFAULT_WORKSPACE}) ON CONFLICT (name) DO NOTHING`
    const [ws] = await tx<{ id: string }[]>`SELECT id FROM workspaces WHERE name = ${DEFAULT_WORKSPACE}`
    if (adminKey) {
      const hash = await hashApiKey(adminKey)
      const [existing] = await tx`SELECT id FROM api_keys WHERE key_hash = ${hash}`
      if (!existing) await insertApiKey(tx, ws.id, 'EARSHOT_ADMIN_KEY', 'admin', adminKey)
      return {}
    }
    const [{ n }] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM api_keys`
    if (n > 0) return {}
    const minted = await insertApiKey(tx, ws.id, 'first admin key', 'admin')
    return { mintedKey: minted.key }
  })
}
