import { parse } from 'csv-parse/sync'
import type { Deps } from '../deps.ts'
import { findCustomers } from './customer-lookup.ts'
import { badRequest } from '../errors.ts'
import { checkScore, enrichComment, picksProblem, storeResponses, type ResponseInsert } from './responses.ts'
import { newResponseId } from './response-id.ts'
import { ImportRow, PROPERTY_COLUMN, propertiesOf, type ChoiceQuestion } from './schemas.ts'
import { getSurvey } from './surveys.ts'

export const MAX_IMPORT_ROWS = 10_000
const CHUNK = 1000

export type ImportInput = { rows: unknown[] } | { csv: string }

export interface ImportResult {
  inserted: number
  rejected: { index: number; reason: string }[]
}

// CSV headers people actually export, mapped onto our field names.
const HEADER_ALIASES: Record<string, string> = {
  score: 'score',
  comment: 'comment',
  email: 'email',
  customerref: 'customerRef',
  customer_ref: 'customerRef',
  respondedat: 'respondedAt',
  responded_at: 'respondedAt',
  locale: 'locale',
  choices: 'choices',
}

function rowsFromCsv(text: string): unknown[] {
  let records: Record<string, string>[]
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => HEADER_ALIASES[h.trim().toLowerCase()] ?? h.trim()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
    })
  } catch (e) {
    throw badRequest(`CSV could not be parsed: ${(e as Error).message}`)
  }
  return records.map((r) => {
    const row: Record<string, unknown> = {}
    const properties: Record<string, string> = {}
    for (const [k, v] of Object.entries(r)) {
      if (v === '') continue
      // A column `properties.plan` is the property `plan` (a cell left empty: that answer has none).
      if (k.startsWith(PROPERTY_COLUMN)) properties[k.slice(PROPERTY_COLUMN.length)] = v
      // As the export writes them: "Price; Support".
      else if (k === 'choices') row.choices = v.split(';').map((o) => o.trim()).filter(Boolean)
      else row[k] = k === 'score' && /^-?\d+$/.test(v) ? Number(v) : v
    }
    if (Object.keys(properties).length) row.properties = properties
    return row
  })
}

/** Why imported picks do not fit the survey's choice question (any band may have answered it in another tool). */
function unfitChoices(choice: ChoiceQuestion | null | undefined, picks: string[]): string | undefined {
  if (!choice) return 'choices: this survey asks no choice question'
  const problem = picksProblem(choice, picks)
  if (problem) return problem
  const unknown = picks.find((p) => !choice.options.includes(p))
  return unknown === undefined ? undefined : `choices: "${unknown}" is not an option (${choice.options.join(', ')})`
}

function reasonOf(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0]
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message
}

/**
 * Bulk import (an email campaign, another tool): every row through the same
 * validation and enrichment as a public response, no rate limit; a bad row is
 * reported by index and the rest go in, all in one transaction.
 */
export async function importResponses(deps: Deps, workspaceId: string, surveyId: string, input: ImportInput): Promise<ImportResult> {
  const survey = await getSurvey(deps, workspaceId, surveyId)
  const raw = 'csv' in input ? rowsFromCsv(input.csv) : input.rows
  if (!Array.isArray(raw)) throw badRequest('send a JSON array of responses or CSV (text/csv)')
  if (raw.length > MAX_IMPORT_ROWS) throw badRequest(`at most ${MAX_IMPORT_ROWS} rows per import`)
  const rejected: ImportResult['rejected'] = []
  const valid: { index: number; row: ImportRow }[] = []
  raw.forEach((item, index) => {
    const parsed = ImportRow.safeParse(item)
    if (!parsed.success) return rejected.push({ index, reason: reasonOf(parsed.error) })
    const rangeError = checkScore(survey.kind, parsed.data.score)
    if (rangeError) return rejected.push({ index, reason: rangeError })
    const choiceError = parsed.data.choices && unfitChoices(survey.settings.choice, parsed.data.choices)
    if (choiceError) return rejected.push({ index, reason: choiceError })
    valid.push({ index, row: parsed.data })
  })

  const refs = [...new Set(valid.flatMap(({ row }) => (row.customerRef ? [row.customerRef] : [])))]
  const emails = [...new Set(valid.flatMap(({ row }) => (row.email ? [row.email.toLowerCase()] : [])))]
  const { byRef, byEmail } = await findCustomers(deps.sql, workspaceId, refs, emails)

  const now = deps.clock()
  const rows: ResponseInsert[] = []
  for (const { index, row } of valid) {
    const refCustomer = row.customerRef ? byRef.get(row.customerRef) : undefined
    if (row.customerRef && !refCustomer) {
      rejected.push({ index, reason: `customerRef: no customer with externalRef "${row.customerRef}"` })
      continue
    }
    const customerId = refCustomer ?? (row.email ? byEmail.get(row.email.toLowerCase()) : undefined) ?? null
    rows.push({
      id: newResponseId(),
      workspace_id: workspaceId,
      survey_id: survey.id,
      score: row.score,
      ...enrichComment(survey.kind, row.score, row.comment, survey.settings.redactPii),
      email: row.email ?? null,
      respondent: row.customerRef ?? null,
      customer_id: customerId,
      customer_match: refCustomer ? 'import_ref' : customerId ? 'import_email' : null,
      page: null,
      locale: row.locale ?? null,
      properties: propertiesOf(row.properties),
      choices: row.choices ?? null,
      token: null,
      channel: 'import',
      responded_at: row.respondedAt ? new Date(row.respondedAt).toISOString() : now.toISOString(),
    })
  }
  await deps.sql.begin(async (tx) => {
    for (let i = 0; i < rows.length; i += CHUNK) await storeResponses(tx, rows.slice(i, i + CHUNK))
  })
  rejected.sort((a, b) => a.index - b.index)
  return { inserted: rows.length, rejected }
}
