import type { Sql, Tx } from '../db/sql.ts'
import type { Deps } from '../deps.ts'
import { AppError, conflict, notFound } from '../errors.ts'
import { createHttpClient } from '../net/http-client.ts'
import { assertPublicUrl } from '../net/ssrf.ts'
import { UpstreamError } from '../net/errors.ts'
import { decryptSecret, encryptSecret } from '../crypto/secret-box.ts'
import { trackerFor } from './registry.ts'
import type { Integration, IntegrationPatch, NewIntegration } from './schema.ts'
import type { Provider, TrackerContext } from './tracker.ts'

const columns = (sql: Sql | Tx) => sql`
  id, provider, name, base_url AS "baseUrl", account_email AS email,
  webhook_secret_ciphertext IS NOT NULL AS "hasWebhookSecret", created_at AS "createdAt", updated_at AS "updatedAt"`

/** Encryption context: a ciphertext only opens for the workspace, provider and purpose it was sealed for. */
export const secretContext = (workspaceId: string, provider: Provider, purpose: 'token' | 'webhook') => `${workspaceId}:${provider}:${purpose}`

async function assertReachable(deps: Deps, baseUrl: string) {
  try {
    await assertPublicUrl(baseUrl, { allowPrivate: deps.config.allowPrivateUrls, lookup: deps.lookupHost })
  } catch (e) {
    if (e instanceof UpstreamError) throw new AppError(400, 'bad_request', e.message)
    throw e
  }
}

export async function createIntegration(deps: Deps, workspaceId: string, input: NewIntegration): Promise<Integration> {
  const baseUrl = input.baseUrl ?? trackerFor(input.provider).defaultBaseUrl!
  await assertReachable(deps, baseUrl)
  const token = await encryptSecret(deps.config.secretKey, input.token, secretContext(workspaceId, input.provider, 'token'))
  const hookSecret = input.webhookSecret
    ? await encryptSecret(deps.config.secretKey, input.webhookSecret, secretContext(workspaceId, input.provider, 'webhook'))
    : null
  const [row]: [Integration?] = await deps.sql`
    INSERT INTO integrations (workspace_id, provider, name, base_url, account_email, token_ciphertext, webhook_secret_ciphertext)
    VALUES (${workspaceId}, ${input.provider}, ${input.name ?? input.provider}, ${baseUrl}, ${input.email ?? null}, ${token}, ${hookSecret})
    ON CONFLICT (workspace_id, provider) DO NOTHING
    RETURNING ${columns(deps.sql)}`
  if (!row) throw conflict(`this workspace already has a ${input.provider} integration`)
  return row
}

export async function listIntegrations(deps: Deps, workspaceId: string): Promise<Integration[]> {
  return deps.sql<Integration[]>`SELECT ${columns(deps.sql)} FROM integrations WHERE workspace_id = ${workspaceId} ORDER BY provider`
}

export async function getIntegration(deps: Deps, workspaceId: string, id: string): Promise<Integration> {
  const [row]: [Integration?] = await deps.sql`SELECT ${columns(deps.sql)} FROM integrations WHERE workspace_id = ${workspaceId} AND id = ${id}`
  if (!row) throw notFound('integration')
  return row
}

export async function updateIntegration(deps: Deps, workspaceId: string, id: string, patch: IntegrationPatch): Promise<Integration> {
  const current = await getIntegration(deps, workspaceId, id)
  const set: Record<string, unknown> = { updated_at: deps.clock() }
  if (patch.name !== undefined) set.name = patch.name
  if (patch.baseUrl !== undefined) {
    await assertReachable(deps, patch.baseUrl)
    set.base_url = patch.baseUrl
  }
  if (patch.email !== undefined) set.account_email = patch.email
  if (patch.token !== undefined) set.token_ciphertext = await encryptSecret(deps.config.secretKey, patch.token, secretContext(workspaceId, current.provider, 'token'))
  if (patch.webhookSecret !== undefined) {
    set.webhook_secret_ciphertext = patch.webhookSecret === null
      ? null
      : await encryptSecret(deps.config.secretKey, patch.webhookSecret, secretContext(workspaceId, current.provider, 'webhook'))
  }
  const [row]: [Integration?] = await deps.sql`
    UPDATE integrations SET ${deps.sql(set)} WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING ${columns(deps.sql)}`
  if (!row) throw notFound('integration')
  return row
}

export async function deleteIntegration(deps: Deps, workspaceId: string, id: string): Promise<void> {
  const rows = await deps.sql`DELETE FROM integrations WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING id`
  if (rows.length === 0) throw notFound('integration')
}

export interface IntegrationRow {
  id: string
  workspaceId: string
  provider: Provider
  baseUrl: string
  email: string | null
  tokenCiphertext: string
}

/** The integration of `provider` with its credentials decrypted, ready for tracker calls. */
export async function trackerContext(deps: Deps, row: IntegrationRow): Promise<TrackerContext> {
  return {
    http: createHttpClient({
      userAgent: `earshot/${deps.config.version} (self-hosted social listening)`,
      urlPolicy: { allowPrivate: deps.config.allowPrivateUrls, lookup: deps.lookupHost },
      maxAttempts: 2,
      timeoutMs: 15_000,
      maxWaitMs: 5_000,
    }),
    baseUrl: row.baseUrl,
    token: await decryptSecret(deps.config.secretKey, row.tokenCiphertext, secretContext(row.workspaceId, row.provider, 'token')),
    email: row.email,
  }
}

export async function findIntegration(sql: Sql | Tx, workspaceId: string, provider: Provider): Promise<IntegrationRow> {
  const [row]: [IntegrationRow?] = await sql`
    SELECT id, workspace_id AS "workspaceId", provider, base_url AS "baseUrl", account_email AS email, token_ciphertext AS "tokenCiphertext"
    FROM integrations WHERE workspace_id = ${workspaceId} AND provider = ${provider}`
  if (!row) throw new AppError(409, 'integration_missing', `configure a ${provider} integration first (POST /v1/integrations)`)
  return row
}
