import { z } from '@hono/zod-openapi'
import { MentionFilter } from '../mentions/filter.ts'
import { BAND_NAMES, LOW_BAND, PROPERTY_NAME, Text } from '../surveys/schemas.ts'
import { BusinessHours } from './business-hours.ts'

export const ALERT_KINDS = ['spike', 'negative_share', 'match', 'unanswered', 'rating', 'response', 'survey_score'] as const
export const ALERT_WINDOWS = ['15m', '1h', '1d', '7d'] as const
/** Kinds that take a week's window: they compare a level with the week before, where a spike needs many windows of history. */
export const WEEK_WINDOW_KINDS: readonly string[] = ['rating', 'survey_score']

const DURATION = /^(\d{1,5})([smhd])$/
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** `90s`, `15m`, `1h`, `2d` → milliseconds. */
export function durationMs(text: string): number {
  const m = DURATION.exec(text)
  if (!m) throw new Error(`not a duration: ${text}`)
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]
}

const Cooldown = z
  .string()
  .refine((s) => DURATION.test(s) && durationMs(s) <= 30 * UNIT_MS.d, 'a duration such as 30m, 1h, 1d; at most 30d')
  .openapi({ example: '1h' })

export const AnswerProperty = z
  .strictObject({ name: z.string().regex(PROPERTY_NAME, 'a property name'), value: Text(200).trim().min(1) })
  .openapi({ example: { name: 'plan', value: 'enterprise' } })
export type AnswerProperty = z.infer<typeof AnswerProperty>

const fields = {
  name: z.string().trim().min(1).max(200),
  /** Which mentions count, in the inbox filter language. */
  filter: MentionFilter,
  /** Webhook ids that receive `alert.fired`. */
  channels: z.array(z.uuid()).max(20),
  /** Addresses that get each firing by e-mail (needs EARSHOT_SMTP_URL). */
  emails: z.array(z.email().max(320)).max(20),
  cooldown: Cooldown,
  enabled: z.boolean(),
  /** spike / negative_share / rating / survey_score: the window counted against the baseline (`7d`: rating and survey_score only). */
  window: z.enum(ALERT_WINDOWS),
  /** spike / negative_share / rating / survey_score: never fire on fewer mentions (rating: reviews with stars; survey_score: answers) than this in the window. */
  minCount: z.number().int().min(1).max(1_000_000),
  /** spike / negative_share: how far above normal is abnormal, in standard deviations (lower fires more). */
  sensitivity: z.number().min(1).max(10),
  /** match: only mentions published after the alert was created. */
  onlyNew: z.boolean(),
  /** Only mentions from customers whose value is at least this. */
  minCustomerValue: z.number().min(0).nullable(),
  /** unanswered: how long a matching mention may wait for a reply at its source. */
  replyWithin: z
    .string()
    .refine((s) => DURATION.test(s) && durationMs(s) >= 5 * UNIT_MS.m && durationMs(s) <= 7 * UNIT_MS.d, 'a duration such as 30m, 2h, 1d; from 5m to 7d')
    .openapi({ example: '2h' }),
  /** unanswered: count `replyWithin` in these working hours only; null counts around the clock. */
  businessHours: BusinessHours.nullable(),
  /** rating: fire when the window's reviews average fewer stars than this. */
  belowRating: z.number().min(1).max(5),
  /** response: the survey whose answers count; null counts every survey of the workspace. survey_score: the survey (required). */
  surveyId: z.uuid().nullable(),
  /** response: the bands an answer must fall in (each survey kind has its own: detractor, unsatisfied, difficult, …). */
  bands: z.array(z.enum(BAND_NAMES)).min(1).max(BAND_NAMES.length),
  /** response: also every answer whose comment says it cannot wait, whatever its band. */
  urgentAnswers: z.boolean(),
  /** survey_score: fire when the survey's score over the window is below this (NPS −100…100, CSAT % 0…100, CES mean 1…7). */
  belowScore: z.number().min(-100).max(100).nullable(),
  /** response / survey_score: only answers whose property `name` is `value` (the enterprise plan's); null counts every answer. */
  answerProperty: AnswerProperty.nullable(),
}

export const NewAlert = z
  .strictObject({
    kind: z.enum(ALERT_KINDS),
    name: fields.name,
    filter: fields.filter.default({}),
    channels: fields.channels.default([]),
    emails: fields.emails.default([]),
    cooldown: fields.cooldown.default('1h'),
    enabled: fields.enabled.default(true),
    window: fields.window.default('1h'),
    minCount: fields.minCount.default(5),
    sensitivity: fields.sensitivity.default(3),
    onlyNew: fields.onlyNew.default(false),
    minCustomerValue: fields.minCustomerValue.default(null),
    replyWithin: fields.replyWithin.default('2h'),
    belowRating: fields.belowRating.default(3),
    businessHours: fields.businessHours.default(null),
    surveyId: fields.surveyId.default(null),
    bands: fields.bands.default(Object.values(LOW_BAND)),
    urgentAnswers: fields.urgentAnswers.default(false),
    belowScore: fields.belowScore.default(null),
    answerProperty: fields.answerProperty.default(null),
  })
  .refine((a) => a.kind === 'match' || !a.onlyNew, { message: 'onlyNew applies to match alerts', path: ['onlyNew'] })
export type NewAlert = z.infer<typeof NewAlert>

export const AlertPatch = z.strictObject({
  name: fields.name.optional(),
  filter: fields.filter.optional(),
  channels: fields.channels.optional(),
  emails: fields.emails.optional(),
  cooldown: fields.cooldown.optional(),
  enabled: fields.enabled.optional(),
  window: fields.window.optional(),
  minCount: fields.minCount.optional(),
  sensitivity: fields.sensitivity.optional(),
  onlyNew: fields.onlyNew.optional(),
  minCustomerValue: fields.minCustomerValue.optional(),
  replyWithin: fields.replyWithin.optional(),
  belowRating: fields.belowRating.optional(),
  businessHours: fields.businessHours.optional(),
  surveyId: fields.surveyId.optional(),
  bands: fields.bands.optional(),
  urgentAnswers: fields.urgentAnswers.optional(),
  belowScore: fields.belowScore.optional(),
  answerProperty: fields.answerProperty.optional(),
})
export type AlertPatch = z.infer<typeof AlertPatch>

export const ExplanationSchema = z
  .object({
    observed: z.number(),
    expected: z.number(),
    threshold: z.number().nullable(),
    anomalous: z.boolean(),
    baseline: z.enum(['seasonal', 'trailing', 'none']),
    samples: z.number(),
  })
  .openapi('AlertExplanation')

/** An unanswered alert's last check: how many matching mentions are past their reply time, and the longest wait. */
export const UnansweredCheckSchema = z
  .object({ waiting: z.number().int(), oldestMinutes: z.number().nullable(), replyWithin: z.string() })
  .openapi('UnansweredCheck')
export type UnansweredCheck = z.infer<typeof UnansweredCheckSchema>

export const Alert = z
  .object({
    id: z.uuid(),
    kind: z.enum(ALERT_KINDS),
    name: z.string(),
    filter: z.record(z.string(), z.unknown()),
    channels: z.array(z.uuid()),
    emails: z.array(z.string()),
    cooldown: z.string(),
    enabled: z.boolean(),
    window: z.enum(ALERT_WINDOWS),
    minCount: z.number(),
    sensitivity: z.number(),
    onlyNew: z.boolean(),
    minCustomerValue: z.number().nullable(),
    replyWithin: z.string(),
    belowRating: z.number(),
    businessHours: BusinessHours.nullable(),
    surveyId: z.uuid().nullable(),
    bands: z.array(z.enum(BAND_NAMES)),
    urgentAnswers: z.boolean(),
    belowScore: z.number().nullable(),
    answerProperty: AnswerProperty.nullable(),
    inEpisode: z.boolean(),
    lastFiredAt: z.date().nullable(),
    lastEvaluatedAt: z.date().nullable(),
    lastEvaluation: z.union([ExplanationSchema, UnansweredCheckSchema]).nullable(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi('Alert')
export type Alert = z.infer<typeof Alert>

export const AlertEvent = z
  .object({
    id: z.uuid(),
    firedAt: z.date(),
    mentionId: z.uuid().nullable(),
    responseId: z.uuid().nullable(),
    explanation: z.record(z.string(), z.unknown()),
  })
  .openapi('AlertEvent')
export type AlertEvent = z.infer<typeof AlertEvent>
