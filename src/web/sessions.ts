import { sha256Hex } from '../crypto/compare.ts'
import { authenticate, type Principal } from '../auth/api-keys.ts'
import type { Deps } from '../deps.ts'

/** A signed-in browser: the API key's principal plus the session's CSRF token. */
export interface WebSession extends Principal {
  csrfToken: string
}

const SESSION_TTL_MS = 7 * 24 * 3600 * 1000

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** 256 random bits, URL-safe: session ids and CSRF tokens. */
export const randomToken = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)))

/**
 * Trades a pasted API key for a session. Returns the session id for the
 * cookie (the only copy; the table keeps its hash), or undefined for a bad key.
 */
export async function createWebSession(deps: Deps, apiKey: string): Promise<{ token: string; session: WebSession } | undefined> {
  const principal = await authenticate(deps, apiKey.trim())
  if (!principal) return undefined
  const token = randomToken()
  const csrfToken = randomToken()
  const now = deps.clock()
  await deps.sql.begin(async (tx) => {
    await tx`DELETE FROM web_sessions WHERE workspace_id = ${principal.workspaceId} AND expires_at < ${now}`
    await tx`
      INSERT INTO web_sessions (id_hash, workspace_id, api_key_id, role, csrf_token, expires_at)
      VALUES (${await sha256Hex(token)}, ${principal.workspaceId}, ${principal.keyId}, ${principal.role}, ${csrfToken},
              ${new Date(now.getTime() + SESSION_TTL_MS)})`
  })
  return { token, session: { ...principal, csrfToken } }
}

export async function findWebSession(deps: Deps, token: string): Promise<WebSession | undefined> {
  const [row]: [WebSession?] = await deps.sql`
    SELECT s.api_key_id AS "keyId", s.workspace_id AS "workspaceId", w.name AS "workspaceName", s.role,
           s.csrf_token AS "csrfToken"
    FROM web_sessions s JOIN workspaces w ON w.id = s.workspace_id
    WHERE s.id_hash = ${await sha256Hex(token)} AND s.expires_at > ${deps.clock()}`
  return row
}

export async function deleteWebSession(deps: Deps, token: string): Promise<void> {
  await deps.sql`DELETE FROM web_sessions WHERE id_hash = ${await sha256Hex(token)}`
}
