import type { Role } from '../auth/keys.ts'
import { decryptSecret, encryptSecret } from '../crypto/secret-box.ts'
import type { Sql, Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { badRequest, notFound } from '../errors.ts'
import type { UrlPolicy } from '../net/ssrf.ts'
import { discover, SsoError, type OidcClient } from './oidc.ts'
import type { RoleMapping, SsoInput } from './schema.ts'

/** The AES-GCM associated data binding a sealed client secret to its workspace. */
const secretContext = (workspaceId: string) => `sso:${workspaceId}`

export const urlPolicy = (deps: Deps): UrlPolicy => ({ allowPrivate: deps.config.allowPrivateUrls, lookup: deps.lookupHost })

export const callbackPath = '/app/sso/callback'
export const signInPath = (workspaceName: string) => `/app/sso/start?workspace=${encodeURIComponent(workspaceName)}`

interface ConnectionRow {
  issuer: string
  clientId: string
  allowedDomains: string[]
  defaultRole: Role
  roleClaim: string
  roleMapping: RoleMapping | null
  enabled: boolean
  updatedAt: Date
}

const shape = (row: ConnectionRow, origin: string, workspaceName: string) => ({
  ...row,
  redirectUri: origin + callbackPath,
  signInUrl: origin + signInPath(workspaceName),
})

const columns = (deps: Deps) => deps.sql`
  issuer, client_id AS "clientId", allowed_domains AS "allowedDomains", default_role AS "defaultRole", role_claim AS "roleClaim",
  role_mapping AS "roleMapping", enabled, updated_at AS "updatedAt"`

/**
 * Creates or replaces the workspace's connection. The issuer must answer
 * discovery first, so a typo is a 400 now rather than a broken sign-in later.
 * Turning it off ends every session its members hold.
 */
export async function saveConnection(deps: Deps, ws: { id: string; name: string }, input: SsoInput, origin: string) {
  const [existing]: [{ sealed: string }?] = await deps.sql`SELECT client_secret_sealed AS sealed FROM sso_connections WHERE workspace_id = ${ws.id}`
  if (!input.clientSecret && !existing) throw badRequest('clientSecret is required when setting up single sign-on')
  try {
    await discover(input.issuer, urlPolicy(deps))
  } catch (err) {
    if (err instanceof SsoError) throw badRequest(`issuer: ${err.message}`)
    throw err
  }
  const sealed = input.clientSecret ? await encryptSecret(deps.config.secretKey, input.clientSecret, secretContext(ws.id)) : existing!.sealed
  const row = await deps.sql.begin(async (tx) => {
    const [saved]: [ConnectionRow] = await tx`
      INSERT INTO sso_connections (workspace_id, issuer, client_id, client_secret_sealed, allowed_domains, default_role, role_claim, role_mapping, enabled)
      VALUES (${ws.id}, ${input.issuer}, ${input.clientId}, ${sealed}, ${input.allowedDomains}, ${input.defaultRole}, ${input.roleClaim},
              ${input.roleMapping && deps.sql.json(input.roleMapping)}, ${input.enabled})
      ON CONFLICT (workspace_id) DO UPDATE SET
        issuer = EXCLUDED.issuer, client_id = EXCLUDED.client_id, client_secret_sealed = EXCLUDED.client_secret_sealed,
        allowed_domains = EXCLUDED.allowed_domains, default_role = EXCLUDED.default_role, role_claim = EXCLUDED.role_claim,
        role_mapping = EXCLUDED.role_mapping, enabled = EXCLUDED.enabled, updated_at = now()
      RETURNING ${columns(deps)}`
    if (!input.enabled) await endMemberSessions(tx, ws.id)
    return saved
  })
  return shape(row, origin, ws.name)
}

export async function findConnection(deps: Deps, ws: { id: string; name: string }, origin: string) {
  const [row]: [ConnectionRow?] = await deps.sql`SELECT ${columns(deps)} FROM sso_connections WHERE workspace_id = ${ws.id}`
  return row && shape(row, origin, ws.name)
}

export async function getConnection(deps: Deps, ws: { id: string; name: string }, origin: string) {
  const found = await findConnection(deps, ws, origin)
  if (!found) throw notFound('single sign-on connection')
  return found
}

/** Members stay listed (and audited) but can no longer sign in; their sessions end. */
export async function deleteConnection(deps: Deps, workspaceId: string): Promise<void> {
  await deps.sql.begin(async (tx) => {
    const deleted = await tx`DELETE FROM sso_connections WHERE workspace_id = ${workspaceId}`
    if (deleted.count === 0) throw notFound('single sign-on connection')
    await endMemberSessions(tx, workspaceId)
  })
}

export const endMemberSessions = (sql: Sql | Tx, workspaceId: string) =>
  sql`DELETE FROM web_sessions WHERE workspace_id = ${workspaceId} AND member_id IS NOT NULL`

export interface SignInConnection extends OidcClient {
  workspaceId: string
  allowedDomains: string[]
  defaultRole: Role
  roleClaim: string
  roleMapping: RoleMapping | null
}

/** The enabled connection of a workspace, by the workspace's name or id, with its secret opened. */
export async function connectionForSignIn(deps: Deps, by: { name: string } | { id: string }): Promise<SignInConnection | undefined> {
  const [row]: [(Omit<SignInConnection, 'clientSecret'> & { sealed: string })?] = await deps.sql`
    SELECT c.workspace_id AS "workspaceId", c.issuer, c.client_id AS "clientId", c.client_secret_sealed AS sealed,
           c.allowed_domains AS "allowedDomains", c.default_role AS "defaultRole", c.role_claim AS "roleClaim", c.role_mapping AS "roleMapping"
    FROM sso_connections c JOIN workspaces w ON w.id = c.workspace_id
    WHERE c.enabled AND ${'name' in by ? deps.sql`w.name = ${by.name}` : deps.sql`w.id = ${by.id}`}`
  if (!row) return undefined
  const { sealed, ...rest } = row
  return { ...rest, clientSecret: await decryptSecret(deps.config.secretKey, sealed, secretContext(row.workspaceId)) }
}
