import { z } from '@hono/zod-openapi'
import type { Sql, Tx } from '../db/sql.ts'
import type postgres from 'postgres'
import { TimeZone } from '../time/wall-clock.ts'
import { TRANSLATION_TARGETS } from '../translate/translator.ts'

// A week at least: a mention must live long enough to be read and answered.
export const RetentionDays = z.number().int().min(7).max(3650)

const SpamThreshold = z.number().min(0.5).max(1)
/** Only what several strong signals agree on (two promotional phrases, a post copied by ten authors): few false alarms. */
export const DEFAULT_SPAM_THRESHOLD = 0.9

/** What a workspace decides for itself; stored as jsonb, read with these defaults. */
export const WorkspaceSettings = z
  .object({
    /** Replace e-mail addresses, phone, card and IBAN numbers in stored text (they are flagged either way). */
    redactPii: z.boolean().default(true),
    /** The workspace's time zone: its days and its digest hour are read there. */
    timeZone: TimeZone.default('UTC'),
    /** The hour (in `timeZone`) at which webhooks subscribed to `digest.daily` get the day before's digest. */
    digestHour: z.number().int().min(0).max(23).default(8),
    /** Addresses that get the daily digest by e-mail too (the server needs EARSHOT_SMTP_URL). */
    digestEmails: z.array(z.string()).default([]),
    /** The ISO weekday (1 = Monday … 7 = Sunday) on which the weekly digest covers the seven days before, at `digestHour`. */
    digestWeekday: z.number().int().min(1).max(7).default(1),
    /** Addresses that get the weekly digest by e-mail. */
    weeklyDigestEmails: z.array(z.string()).default([]),
    /** Translate new mentions in other languages into this one as they come in (needs a translator); null: on request only. */
    translateInto: z.enum(TRANSLATION_TARGETS).nullable().default(null),
    /** Erase the personal data of mentions, survey answers and invitations this many days old; null keeps them. */
    retentionDays: RetentionDays.nullable().default(null),
    /** E-mail members (single sign-on) the mentions others assign to them (the server needs EARSHOT_SMTP_URL). */
    assignmentEmails: z.boolean().default(true),
    /** New mentions whose spam score is at least this come in as spam; null: only blocked authors' do. */
    spamThreshold: SpamThreshold.nullable().default(DEFAULT_SPAM_THRESHOLD),
  })
  .openapi('WorkspaceSettings')
export type WorkspaceSettings = z.infer<typeof WorkspaceSettings>

export const SettingsPatch = z
  .strictObject({
    redactPii: z.boolean().optional(),
    timeZone: TimeZone.optional(),
    digestHour: z.number().int().min(0).max(23).optional(),
    digestEmails: z.array(z.email().max(320)).max(20).optional(),
    digestWeekday: z.number().int().min(1).max(7).optional(),
    weeklyDigestEmails: z.array(z.email().max(320)).max(20).optional(),
    translateInto: z.enum(TRANSLATION_TARGETS).nullable().optional(),
    retentionDays: RetentionDays.nullable().optional(),
    assignmentEmails: z.boolean().optional(),
    spamThreshold: SpamThreshold.nullable().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'give at least one setting' })
export type SettingsPatch = z.infer<typeof SettingsPatch>

export async function workspaceSettings(sql: Sql | Tx, workspaceId: string): Promise<WorkspaceSettings> {
  const [ws]: [{ settings: unknown }?] = await sql`SELECT settings FROM workspaces WHERE id = ${workspaceId}`
  return WorkspaceSettings.parse(ws?.settings ?? {})
}

export async function updateWorkspaceSettings(sql: Sql, workspaceId: string, patch: SettingsPatch): Promise<WorkspaceSettings> {
  const [ws]: [{ settings: unknown }] = await sql`
    UPDATE workspaces SET settings = settings || ${sql.json(patch as postgres.JSONValue)}::jsonb WHERE id = ${workspaceId} RETURNING settings`
  return WorkspaceSettings.parse(ws.settings)
}
