import type { Sql, Tx } from '../db/sql.ts'
import { workspaceSettings } from '../workspaces/settings.ts'
import type { Deps } from '../deps.ts'
import { AppError, badRequest, notFound } from '../errors.ts'
import { encryptSecret } from '../crypto/secret-box.ts'
import { escapeHtml } from './html.ts'
import { DEFAULT_APPEARANCE, surveyTextProblems, type Appearance, type NewSurvey, type Recurring, type Survey, type SurveyKind, type SurveyPatch, type SurveySettings } from './schemas.ts'

/** A survey as stored; `identitySecret` is the sealed secret and stays server-side. */
export interface SurveyRecord {
  id: string
  workspaceId: string
  kind: SurveyKind
  name: string | null
  question: string
  status: 'active' | 'paused'
  publicKey: string
  settings: SurveySettings
  identitySecret: string | null
  createdAt: Date
  updatedAt: Date
}

// identity_secret holds the secret sealed (AES-GCM under EARSHOT_SECRET_KEY, bound to
// workspace and survey); it is opened only when a survey enters the live cache,
// since verifying an HMAC needs the raw key. Never returned after creation.
/** The sealing context of a survey's identity secret. */
export const identitySecretContext = (workspaceId: string, surveyId: string) => `survey-identity:${workspaceId}:${surveyId}`

const COLUMNS = (sql: Sql | Tx) => sql`
  id, workspace_id AS "workspaceId", kind, name, question, status, public_key AS "publicKey", settings,
  identity_secret AS "identitySecret", created_at AS "createdAt", updated_at AS "updatedAt"`

function newPublicKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18))
  return 'sv_' + btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_')
}

/** The embed's look; surveys made before it could be set have the default. */
export const appearanceOf = (settings: SurveySettings): Appearance => settings.appearance ?? DEFAULT_APPEARANCE

/** The API view: settings flattened, the secret reduced to whether there is one, the embed snippet ready to paste. */
export function presentSurvey(s: SurveyRecord, baseUrl: string): Survey {
  const { settings } = s
  return {
    id: s.id,
    kind: s.kind,
    name: s.name,
    question: s.question,
    followUp: settings.followUp,
    allowedOrigins: settings.allowedOrigins,
    locale: settings.locale,
    translations: settings.translations,
    display: settings.display,
    fatigueDays: settings.fatigueDays,
    redactPii: settings.redactPii,
    hasIdentitySecret: s.identitySecret !== null,
    status: s.status,
    recurring: settings.recurring ?? null,
    reviewLink: settings.reviewLink ?? null,
    choice: settings.choice ?? null,
    thanks: settings.thanks ?? null,
    appearance: appearanceOf(settings),
    closesAt: settings.closesAt ?? null,
    maxResponses: settings.maxResponses ?? null,
    publicKey: s.publicKey,
    embedSnippet: `<script src="${escapeHtml(baseUrl)}/embed.js" data-survey="${escapeHtml(s.publicKey)}" async></script>`,
    hostedUrl: `${baseUrl}/s/${s.publicKey}`,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  }
}

/** An active survey must not be past its closing time: the tick would pause it again at once. */
function assertOpen(deps: Deps, status: 'active' | 'paused', settings: SurveySettings) {
  if (status === 'active' && settings.closesAt && Date.parse(settings.closesAt) <= deps.clock().getTime()) {
    throw badRequest('closesAt has passed: set a later one, or null, to take answers again')
  }
}

/** The survey's answers, counted no further than `limit`. */
async function answersUpTo(sql: Sql | Tx, workspaceId: string, surveyId: string, limit: number): Promise<number> {
  const [{ n }] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM survey_responses WHERE workspace_id = ${workspaceId} AND survey_id = ${surveyId} LIMIT ${limit}) enough`
  return n
}

/**
 * Tick job: pauses the active surveys that reached their `closesAt` or their `maxResponses` answers. Counting stops
 * at the limit, so a survey with a million answers costs no more than its limit.
 */
export async function closeFinishedSurveys(deps: Deps, now: Date): Promise<number> {
  const closed = await deps.sql<{ id: string; workspaceId: string }[]>`
    UPDATE surveys s SET status = 'paused', updated_at = ${now}
    WHERE s.status = 'active' AND (
      (s.settings ->> 'closesAt')::timestamptz <= ${now}
      OR (jsonb_typeof(s.settings -> 'maxResponses') = 'number' AND (
        SELECT count(*) FROM (
          SELECT 1 FROM survey_responses r WHERE r.workspace_id = s.workspace_id AND r.survey_id = s.id
          LIMIT (s.settings ->> 'maxResponses')::int) enough) >= (s.settings ->> 'maxResponses')::int))
    RETURNING s.id, s.workspace_id AS "workspaceId"`
  for (const s of closed) deps.logger.info('survey closed', { surveyId: s.id, workspaceId: s.workspaceId })
  return closed.length
}

/** A schedule mails people from the tick, with no request to take links from: it needs mail and EARSHOT_PUBLIC_URL. */
function assertCanRecur(deps: Deps, recurring: Recurring | null | undefined) {
  if (!recurring) return
  if (!deps.mail) throw new AppError(409, 'mail_not_configured', 'no mail server is configured (EARSHOT_SMTP_URL and EARSHOT_MAIL_FROM)')
  if (!deps.config.publicUrl) throw new AppError(409, 'public_url_not_configured', 'sending on repeat needs EARSHOT_PUBLIC_URL for the links in the invitations')
}

export async function createSurvey(deps: Deps, workspaceId: string, input: NewSurvey): Promise<SurveyRecord> {
  const settings: SurveySettings = {
    followUp: input.followUp,
    allowedOrigins: [...new Set(input.allowedOrigins)],
    locale: input.locale,
    translations: input.translations,
    display: input.display,
    fatigueDays: input.fatigueDays,
    redactPii: input.redactPii ?? (await workspaceSettings(deps.sql, workspaceId)).redactPii,
    recurring: input.recurring,
    reviewLink: input.reviewLink,
    choice: input.choice,
    thanks: input.thanks,
    appearance: input.appearance,
    closesAt: input.closesAt,
    maxResponses: input.maxResponses,
  }
  assertOpen(deps, input.status, settings)
  assertCanRecur(deps, settings.recurring)
  const { sql } = deps
  const id = crypto.randomUUID()
  const sealed = input.identitySecret ? await encryptSecret(deps.config.secretKey, input.identitySecret, identitySecretContext(workspaceId, id)) : null
  const [row] = await sql<SurveyRecord[]>`
    INSERT INTO surveys (id, workspace_id, kind, name, public_key, question, status, settings, identity_secret)
    VALUES (${id}, ${workspaceId}, ${input.kind}, ${input.name ?? null}, ${newPublicKey()}, ${input.question}, ${input.status},
            ${sql.json(settings)}, ${sealed})
    RETURNING ${COLUMNS(sql)}`
  return row
}

export async function getSurvey(deps: Deps, workspaceId: string, id: string): Promise<SurveyRecord> {
  const { sql } = deps
  const [row]: [SurveyRecord?] = await sql`SELECT ${COLUMNS(sql)} FROM surveys WHERE workspace_id = ${workspaceId} AND id = ${id}`
  if (!row) throw notFound('survey')
  return row
}

/** For the public endpoints: the key is the only thing a visitor knows. */
export async function findSurveyByPublicKey(deps: Deps, publicKey: string): Promise<SurveyRecord | undefined> {
  const { sql } = deps
  const [row]: [SurveyRecord?] = await sql`SELECT ${COLUMNS(sql)} FROM surveys WHERE public_key = ${publicKey}`
  return row
}

export async function listSurveys(deps: Deps, workspaceId: string): Promise<SurveyRecord[]> {
  const { sql } = deps
  return sql<SurveyRecord[]>`SELECT ${COLUMNS(sql)} FROM surveys WHERE workspace_id = ${workspaceId} ORDER BY created_at DESC, id`
}

export async function updateSurvey(deps: Deps, workspaceId: string, id: string, patch: SurveyPatch): Promise<SurveyRecord> {
  return deps.sql.begin(async (tx) => {
    const [current]: [SurveyRecord?] = await tx`
      SELECT ${COLUMNS(tx)} FROM surveys WHERE workspace_id = ${workspaceId} AND id = ${id} FOR UPDATE`
    if (!current) throw notFound('survey')
    const s = current.settings
    const settings: SurveySettings = {
      followUp: patch.followUp ?? s.followUp,
      allowedOrigins: patch.allowedOrigins ? [...new Set(patch.allowedOrigins)] : s.allowedOrigins,
      locale: patch.locale ?? s.locale,
      translations: patch.translations ?? s.translations,
      display: { ...s.display, ...patch.display },
      fatigueDays: patch.fatigueDays ?? s.fatigueDays,
      redactPii: patch.redactPii ?? s.redactPii,
      recurring: patch.recurring === undefined ? (s.recurring ?? null) : patch.recurring,
      reviewLink: patch.reviewLink === undefined ? (s.reviewLink ?? null) : patch.reviewLink,
      choice: patch.choice === undefined ? (s.choice ?? null) : patch.choice,
      thanks: patch.thanks === undefined ? (s.thanks ?? null) : patch.thanks,
      appearance: { ...appearanceOf(s), ...patch.appearance },
      closesAt: patch.closesAt === undefined ? (s.closesAt ?? null) : patch.closesAt,
      maxResponses: patch.maxResponses === undefined ? (s.maxResponses ?? null) : patch.maxResponses,
    }
    assertOpen(deps, patch.status ?? current.status, settings)
    if ((patch.status ?? current.status) === 'active' && settings.maxResponses && (await answersUpTo(tx, workspaceId, id, settings.maxResponses)) >= settings.maxResponses) {
      throw badRequest(`the survey has its ${settings.maxResponses} answers (maxResponses): raise or clear it to take answers again`)
    }
    assertCanRecur(deps, patch.recurring)
    const [problem] = surveyTextProblems(current.kind, settings.locale, settings.followUp, settings.translations, settings.choice ?? null)
    if (problem) throw badRequest(`${problem.path.join('.')}: ${problem.message}`)
    const secret = patch.identitySecret === undefined
      ? current.identitySecret
      : patch.identitySecret && (await encryptSecret(deps.config.secretKey, patch.identitySecret, identitySecretContext(workspaceId, id)))
    const [row] = await tx<SurveyRecord[]>`
      UPDATE surveys SET
        name = ${patch.name === undefined ? current.name : patch.name},
        question = ${patch.question ?? current.question},
        status = ${patch.status ?? current.status},
        settings = ${tx.json(settings)},
        identity_secret = ${secret},
        updated_at = now()
      WHERE workspace_id = ${workspaceId} AND id = ${id}
      RETURNING ${COLUMNS(tx)}`
    return row
  })
}

export async function deleteSurvey(deps: Deps, workspaceId: string, id: string): Promise<SurveyRecord> {
  const { sql } = deps
  const [row]: [SurveyRecord?] = await sql`DELETE FROM surveys WHERE workspace_id = ${workspaceId} AND id = ${id} RETURNING ${COLUMNS(sql)}`
  if (!row) throw notFound('survey')
  return row
}
