import { sha256Hex } from '../crypto/compare.ts'
import { authenticate } from '../auth/api-keys.ts'
import type { Role } from '../auth/keys.ts'
import type { Actor } from '../audit/audit.ts'
import type { Deps } from '../deps.ts'

/** A signed-in browser: who acts (an API key or a single-sign-on member), in which workspace and role, and the session's CSRF token. */
export interface WebSession {
  workspaceId: string
  workspaceName: string
  role: Role
  actor: SessionActor
  /** Who is signed in, as assignments name them: the member's e-mail, or the API key's name. */
  name: string
  csrfToken: string
}

/** Who a browser session acts as: an API key or a single-sign-on member. */
type SessionActor = Required<Pick<Actor, 'keyId' | 'memberId'>>

const SESSION_TTL_MS = 7 * 24 * 3600 * 1000

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** 256 random bits, URL-safe: session ids and CSRF tokens. */
export const randomToken = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)))

/** Returns the session id for the cookie (the only copy; the table keeps its hash). */
async function openSession(deps: Deps, workspaceId: string, role: Role, actor: SessionActor): Promise<string> {
  const token = randomToken()
  const now = deps.clock()
  await deps.sql.begin(async (tx) => {
    await tx`DELETE FROM web_sessions WHERE workspace_id = ${workspaceId} AND expires_at < ${now}`
    await tx`
      INSERT INTO web_sessions (id_hash, workspace_id, api_key_id, member_id, role, csrf_token, expires_at)
      VALUES (${await sha256Hex(token)}, ${workspaceId}, ${actor.keyId}, ${actor.memberId}, ${role}, ${randomToken()},
              ${new Date(now.getTime() + SESSION_TTL_MS)})`
  })
  return token
}

/** Trades a pasted API key for a session id, or undefined for a bad key. */
export async function createWebSession(deps: Deps, apiKey: string): Promise<string | undefined> {
  const principal = await authenticate(deps, apiKey.trim())
  return principal && openSession(deps, principal.workspaceId, principal.role, { keyId: principal.keyId, memberId: null })
}

/** A session for a member who signed in through the workspace's identity provider. */
export const createMemberSession = (deps: Deps, member: { id: string; workspaceId: string; role: Role }) =>
  openSession(deps, member.workspaceId, member.role, { keyId: null, memberId: member.id })

export async function findWebSession(deps: Deps, token: string): Promise<WebSession | undefined> {
  const [row]: [(Omit<WebSession, 'actor'> & SessionActor)?] = await deps.sql`
    SELECT s.api_key_id AS "keyId", s.member_id AS "memberId", s.workspace_id AS "workspaceId", w.name AS "workspaceName",
           s.role, s.csrf_token AS "csrfToken", coalesce(m.email, k.name, 'someone') AS name
    FROM web_sessions s JOIN workspaces w ON w.id = s.workspace_id
    LEFT JOIN sso_members m ON m.id = s.member_id AND m.workspace_id = s.workspace_id
    LEFT JOIN api_keys k ON k.id = s.api_key_id AND k.workspace_id = s.workspace_id
    WHERE s.id_hash = ${await sha256Hex(token)} AND s.expires_at > ${deps.clock()}`
  if (!row) return undefined
  const { keyId, memberId, ...rest } = row
  return { ...rest, actor: { keyId, memberId } }
}

export async function deleteWebSession(deps: Deps, token: string): Promise<void> {
  await deps.sql`DELETE FROM web_sessions WHERE id_hash = ${await sha256Hex(token)}`
}
