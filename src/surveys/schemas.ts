import { z } from '@hono/zod-openapi'

export const SURVEY_KINDS = ['nps', 'csat', 'ces'] as const
export type SurveyKind = (typeof SURVEY_KINDS)[number]

/** Locales the built-in UI strings exist for. */
export const LOCALES = ['en', 'es', 'de', 'fr', 'pt', 'ru', 'zh', 'el', 'no'] as const
export type Locale = (typeof LOCALES)[number]

export const SCALES: Record<SurveyKind, { min: number; max: number }> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
}

/** What a survey's headline score can be: NPS −100…100, CSAT a percentage, CES a mean of the scale. */
export const SCORE_RANGES: Record<SurveyKind, { min: number; max: number }> = {
  nps: { min: -100, max: 100 },
  csat: { min: 0, max: 100 },
  ces: SCALES.ces,
}

/**
 * Score bands per kind, low to high. NPS uses the standard names; CSAT and CES
 * have their own so a band name always means one range.
 */
export const BANDS = {
  nps: { detractor: [0, 6], passive: [7, 8], promoter: [9, 10] },
  csat: { unsatisfied: [1, 2], neutral: [3, 3], satisfied: [4, 5] },
  ces: { difficult: [1, 3], neutral: [4, 4], easy: [5, 7] },
} as const satisfies Record<SurveyKind, Record<string, readonly [number, number]>>

export const BAND_NAMES = ['detractor', 'passive', 'promoter', 'unsatisfied', 'neutral', 'satisfied', 'difficult', 'easy'] as const
export type BandName = (typeof BAND_NAMES)[number]

export function bandRange(kind: SurveyKind, band: BandName): readonly [number, number] | undefined {
  return (BANDS[kind] as Record<string, readonly [number, number]>)[band]
}

export function bandOf(kind: SurveyKind, score: number): BandName {
  for (const [name, [lo, hi]] of Object.entries(BANDS[kind])) if (score >= lo && score <= hi) return name as BandName
  throw new RangeError(`score ${score} is outside the ${kind} scale`)
}

/** The "unhappy" band whose comments feed the detractor themes. */
export const LOW_BAND: Record<SurveyKind, BandName> = { nps: 'detractor', csat: 'unsatisfied', ces: 'difficult' }
/** The happy band whose comments feed the promoter themes. */
export const HIGH_BAND: Record<SurveyKind, BandName> = { nps: 'promoter', csat: 'satisfied', ces: 'easy' }

/** Maps a score onto 1–5 so enrichment's star-rating prior reads every kind alike. */
export function scoreAsRating(kind: SurveyKind, score: number): number {
  const { min, max } = SCALES[kind]
  return Math.round(1 + ((score - min) * 4) / (max - min))
}

const Origin = z
  .url({ protocol: /^https?$/ })
  .max(300)
  .transform((u) => new URL(u).origin)

// A page's path; an asterisk stands for any run of characters ("/blog/" and an asterisk: every post).
const PagePattern = z.string().trim().max(200).regex(/^\/\S*$/, 'a path starting with /, with * for any characters')

const DisplayFields = {
  /** Seconds after page load before the embed appears. */
  delaySeconds: z.number().int().min(0).max(3600),
  /** Show to a visitor at most once per this many days (0 = every page view). */
  onceEveryDays: z.number().int().min(0).max(3650),
  /** Share of page views that see the survey. */
  samplePercent: z.number().min(0).max(100),
  /** Only on pages whose path matches one of these; on every page when empty. */
  pages: z.array(PagePattern).max(20),
  /** Never on pages whose path matches one of these (checkout, sign-in), whatever `pages` says. */
  excludePages: z.array(PagePattern).max(20),
}

export const DisplayRules = z.strictObject({
  delaySeconds: DisplayFields.delaySeconds.default(0),
  onceEveryDays: DisplayFields.onceEveryDays.default(30),
  samplePercent: DisplayFields.samplePercent.default(100),
  pages: DisplayFields.pages.default([]),
  excludePages: DisplayFields.excludePages.default([]),
})
export type DisplayRules = z.infer<typeof DisplayRules>

/** A change to some display rules; the others keep their values (no defaults here, or a PATCH would reset them). */
export const DisplayPatch = z.strictObject(DisplayFields).partial()

const FollowUp = z.partialRecord(z.enum(BAND_NAMES), z.string().min(1).max(500))

const ChoiceTexts = {
  question: z.string().trim().min(1).max(300),
  options: z
    .array(z.string().trim().min(1).max(100))
    .min(2)
    .max(10)
    .refine((o) => new Set(o).size === o.length, 'options must differ'),
}

/**
 * A second question after the score, answered by picking among options ("What is the main reason for your score?"):
 * one option, or several with `multiple`, shown to the `bands` listed (every band when absent).
 */
export const ChoiceQuestion = z.strictObject({
  ...ChoiceTexts,
  multiple: z.boolean().default(false),
  bands: z.array(z.enum(BAND_NAMES)).min(1).optional(),
})
export type ChoiceQuestion = z.infer<typeof ChoiceQuestion>

/** WCAG's contrast ratio of a #rrggbb colour against white, which the embed writes on it. */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
  return 1.05 / (luminance + 0.05)
}

const AppearanceFields = {
  accent: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
    .transform((c) => c.toLowerCase())
    // White text sits on it: below WCAG AA's 4.5:1 some visitors could not read the button.
    .refine((c) => contrastWithWhite(c) >= 4.5, 'too light for white text on it (WCAG AA asks a contrast of 4.5:1); pick a darker colour'),
  position: z.enum(['bottom-right', 'bottom-left']),
}
/** The look of a survey that sets none, and of those made before it could be set. */
export const DEFAULT_APPEARANCE = { accent: '#0969da', position: 'bottom-right' } as const
/** How the embed looks on the customer's site: its accent colour (the picked score, the button, focus rings) and corner. */
export const Appearance = z.strictObject({
  accent: AppearanceFields.accent.default(DEFAULT_APPEARANCE.accent),
  position: AppearanceFields.position.default(DEFAULT_APPEARANCE.position),
})
export type Appearance = z.infer<typeof Appearance>
/** A change to the look; what it leaves out keeps its value. */
const AppearancePatch = z.strictObject(AppearanceFields).partial()

/** The survey's own texts in another language; a band without a prompt gets that language's built-in one. */
const Translation = z.strictObject({
  question: z.string().min(1).max(500),
  followUp: FollowUp.default({}),
  /** The choice question and its options in this language, the options in the same order as the survey's own. */
  choice: z.strictObject(ChoiceTexts).optional(),
  /** The thank-you in this language; the language's built-in one when absent. */
  thanks: z.string().trim().min(1).max(300).optional(),
})
export type Translation = z.infer<typeof Translation>
/** Texts per language beside the survey's own `locale`; visitors get the one they read, else the survey's. */
const Translations = z.partialRecord(z.enum(LOCALES), Translation)
export type Translations = z.infer<typeof Translations>

/**
 * Surveys by e-mail on repeat: every customer with an address gets an invitation `firstAfterDays` after their record
 * was made, then every `everyDays`, as `POST …/sends` would send it (fatigue and unsubscribes hold).
 */
export const Recurring = z.strictObject({
  everyDays: z.number().int().min(7).max(730),
  firstAfterDays: z.number().int().min(0).max(365).default(0),
  /** Remind, once, those who have not answered this many days after an invitation. */
  remindAfterDays: z.number().int().min(1).max(14).nullable().default(null),
  /** Only customers on these plans (their record's `plan`); everyone with an address when absent. */
  plans: z.array(z.string().trim().min(1).max(100)).min(1).max(20).optional(),
})
export type Recurring = z.infer<typeof Recurring>

/** Where happy respondents are asked to say it in public (a Google, Trustpilot, G2 or app store review page): https only. */
const ReviewLink = z.url({ protocol: /^https$/ }).max(2000)

const SurveyFields = {
  name: z.string().min(1).max(200).nullable(),
  question: z.string().min(1).max(500),
  followUp: FollowUp,
  allowedOrigins: z.array(Origin).max(50),
  locale: z.enum(LOCALES),
  translations: Translations,
  display: DisplayRules,
  /** A respondent who answered any survey of the workspace in this many days is not shown another. */
  fatigueDays: z.number().int().min(0).max(3650),
  redactPii: z.boolean(),
  identitySecret: z.string().min(16).max(200).nullable(),
  status: z.enum(['active', 'paused']),
  recurring: Recurring.nullable(),
  reviewLink: ReviewLink.nullable(),
  choice: ChoiceQuestion.nullable(),
  /** Said after an answer instead of the built-in thank-you (in the survey's language; `translations` for others). */
  thanks: z.string().trim().min(1).max(300).nullable(),
  appearance: Appearance,
  /** When the survey stops taking answers: it is paused then (on the scheduler tick, within a minute). */
  closesAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString()).nullable(),
  /** How many answers it takes in all: once it has them, it is paused the same way. */
  maxResponses: z.number().int().min(1).max(10_000_000).nullable(),
}

export const NewSurvey = z
  .strictObject({
    kind: z.enum(SURVEY_KINDS),
    name: SurveyFields.name.optional(),
    question: SurveyFields.question,
    followUp: SurveyFields.followUp.default({}),
    allowedOrigins: SurveyFields.allowedOrigins.default([]),
    locale: SurveyFields.locale.default('en'),
    translations: SurveyFields.translations.default({}),
    display: DisplayRules.default({ delaySeconds: 0, onceEveryDays: 30, samplePercent: 100, pages: [], excludePages: [] }),
    fatigueDays: SurveyFields.fatigueDays.default(30),
    /** Default: the workspace's `redactPii` setting (on unless turned off). */
    redactPii: SurveyFields.redactPii.optional(),
    identitySecret: SurveyFields.identitySecret.optional(),
    status: SurveyFields.status.default('active'),
    recurring: SurveyFields.recurring.default(null),
    reviewLink: SurveyFields.reviewLink.default(null),
    choice: SurveyFields.choice.default(null),
    thanks: SurveyFields.thanks.default(null),
    appearance: SurveyFields.appearance.default(DEFAULT_APPEARANCE),
    closesAt: SurveyFields.closesAt.default(null),
    maxResponses: SurveyFields.maxResponses.default(null),
  })
  .superRefine(checkSurveyTexts)
export type NewSurvey = z.infer<typeof NewSurvey>

export const SurveyPatch = z.strictObject({
  name: SurveyFields.name.optional(),
  question: SurveyFields.question.optional(),
  followUp: SurveyFields.followUp.optional(),
  allowedOrigins: SurveyFields.allowedOrigins.optional(),
  locale: SurveyFields.locale.optional(),
  /** Replaces every translation; `{}` removes them all. */
  translations: SurveyFields.translations.optional(),
  display: DisplayPatch.optional(),
  fatigueDays: SurveyFields.fatigueDays.optional(),
  redactPii: SurveyFields.redactPii.optional(),
  identitySecret: SurveyFields.identitySecret.optional(),
  status: SurveyFields.status.optional(),
  /** Replaces the schedule; null stops it. */
  recurring: SurveyFields.recurring.optional(),
  reviewLink: SurveyFields.reviewLink.optional(),
  /** Replaces the choice question; null removes it (answers keep what was picked). */
  choice: SurveyFields.choice.optional(),
  thanks: SurveyFields.thanks.optional(),
  appearance: AppearancePatch.optional(),
  closesAt: SurveyFields.closesAt.optional(),
  maxResponses: SurveyFields.maxResponses.optional(),
})
export type SurveyPatch = z.infer<typeof SurveyPatch>

/** What is wrong with a survey's follow-ups, choice question and translations for its kind and language, each with the path to it. */
export function surveyTextProblems(kind: SurveyKind, locale: Locale, followUp: Partial<Record<BandName, string>>, translations: Translations, choice: ChoiceQuestion | null) {
  const bandProblems = (bands: BandName[], path: (string | number)[]) =>
    bands
      .filter((band) => !bandRange(kind, band))
      .map((band) => ({ path: [...path, band], message: `${band} is not a ${kind} band (${Object.keys(BANDS[kind]).join(', ')})` }))
  return [
    ...bandProblems(Object.keys(followUp) as BandName[], ['followUp']),
    ...bandProblems(choice?.bands ?? [], ['choice', 'bands']),
    ...Object.entries(translations).flatMap(([lang, t]) => [
      ...(lang === locale ? [{ path: ['translations', lang], message: `${lang} is the survey's own locale: its texts are question and followUp` }] : []),
      ...bandProblems(Object.keys(t.followUp) as BandName[], ['translations', lang, 'followUp']),
      ...(t.choice && !choice ? [{ path: ['translations', lang, 'choice'], message: 'the survey has no choice question to translate' }] : []),
      ...(t.choice && choice && t.choice.options.length !== choice.options.length
        ? [{ path: ['translations', lang, 'choice', 'options'], message: `give the ${choice.options.length} options in the survey's order` }]
        : []),
    ]),
  ]
}

function checkSurveyTexts(
  s: { kind: SurveyKind; locale: Locale; followUp: Partial<Record<BandName, string>>; translations: Translations; choice: ChoiceQuestion | null },
  ctx: z.RefinementCtx,
) {
  for (const p of surveyTextProblems(s.kind, s.locale, s.followUp, s.translations, s.choice)) ctx.addIssue({ code: 'custom', ...p })
}

/** What settings jsonb holds; the columns hold the rest. */
export const SurveySettings = z.object({
  followUp: FollowUp,
  allowedOrigins: z.array(z.string()),
  locale: z.enum(LOCALES),
  translations: Translations,
  display: DisplayRules,
  fatigueDays: z.number(),
  redactPii: z.boolean(),
  /** Absent on surveys made before schedules existed. */
  recurring: Recurring.nullable().optional(),
  /** Absent on surveys made before review links existed. */
  reviewLink: z.string().nullable().optional(),
  /** Absent on surveys made before choice questions existed. */
  choice: ChoiceQuestion.nullable().optional(),
  /** Absent on surveys made before either existed. */
  thanks: z.string().nullable().optional(),
  appearance: Appearance.optional(),
  closesAt: z.string().nullable().optional(),
  maxResponses: z.number().nullable().optional(),
})
export type SurveySettings = z.infer<typeof SurveySettings>

export const Survey = z
  .object({
    id: z.uuid(),
    kind: z.enum(SURVEY_KINDS),
    name: z.string().nullable(),
    question: z.string(),
    followUp: FollowUp,
    allowedOrigins: z.array(z.string()),
    locale: z.enum(LOCALES),
    translations: Translations,
    display: DisplayRules,
    fatigueDays: z.number(),
    redactPii: z.boolean(),
    hasIdentitySecret: z.boolean(),
    status: z.enum(['active', 'paused']),
    recurring: Recurring.nullable(),
    reviewLink: z.string().nullable().openapi({ description: 'Shown after a happy answer (promoter, satisfied, easy) as a link to leave a public review' }),
    choice: ChoiceQuestion.nullable(),
    thanks: z.string().nullable(),
    appearance: Appearance,
    closesAt: z.string().nullable(),
    maxResponses: z.number().nullable(),
    publicKey: z.string(),
    embedSnippet: z.string(),
    hostedUrl: z.string(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi('Survey')
export type Survey = z.infer<typeof Survey>

const Email = z.email().max(320)
/** An invitation link's token: 32 random bytes, hex. */
export const SEND_TOKEN = /^[0-9a-f]{64}$/

/** PostgreSQL text can't hold NUL; refuse it here rather than fail the whole batch later. */
export const Text = (max: number) => z.string().max(max).refine((v) => !v.includes('\u0000'), 'must not contain NUL characters')

export const MAX_PROPERTIES = 20
/** A property's name: letters of any script, digits, `_`, `-`, `.` and spaces, starting with a letter, digit or `_`. */
export const PROPERTY_NAME = /^[\p{L}\p{N}_][\p{L}\p{N}_ .-]{0,39}$/u

/**
 * What the page, an invitation or an import says about an answer that the customer record may not (plan, order,
 * A/B variant, product): up to 20 names, each with a text, number or boolean, kept as text so results segment alike.
 */
export const Properties = z
  .record(z.string().regex(PROPERTY_NAME, 'a name of 1–40 letters, digits, _, -, . or spaces'), z.union([Text(200).trim().min(1), z.number(), z.boolean()]).transform(String))
  .refine((p) => Object.keys(p).length <= MAX_PROPERTIES, `at most ${MAX_PROPERTIES} properties`)
  .openapi({ description: 'Up to 20 `name: value` pairs (text up to 200 characters, number or boolean; kept as text) to segment results by', example: { plan: 'pro', variant: 'B' } })
export type Properties = z.infer<typeof Properties>

/** The CSV column of a property: `properties.plan`, in exports and imports alike. */
export const PROPERTY_COLUMN = 'properties.'

/** Properties as stored: none is NULL, not `{}`, so "has properties" is one test. */
export const propertiesOf = (p: Properties | null | undefined): Properties | null => (p && Object.keys(p).length ? p : null)

/** Body of the public `POST /s/:publicKey/responses`; the score range is checked against the kind afterwards. */
export const PublicResponse = z.strictObject({
  score: z.number().int(),
  comment: Text(5000).optional(),
  email: Email.optional(),
  user: Text(200).min(1).optional(),
  signature: z.string().regex(/^[0-9a-fA-F]{1,128}$/, 'hex').optional(),
  page: Text(2000).optional(),
  locale: Text(35).optional(),
  /** Honeypot: hidden from people, filled in by naive bots. */
  website: Text(500).optional(),
  /** The token of an e-mailed invitation's link: the answer is the invitee's. */
  send: z.string().regex(SEND_TOKEN, 'an invitation link token').optional(),
  properties: Properties.optional(),
  /** The options picked in the choice question, by their place in its list (0 first). */
  choices: z.array(z.number().int().min(0).max(9)).min(1).max(10).optional(),
})
export type PublicResponse = z.infer<typeof PublicResponse>

export const CommentPatch = z
  .strictObject({
    token: z.string().min(20).max(100),
    comment: Text(5000).min(1).optional(),
    choices: PublicResponse.shape.choices,
  })
  .refine((p) => p.comment !== undefined || p.choices !== undefined, 'give a comment, choices or both')

/** One row of a bulk import; validated row by row so one bad row is reported, not fatal. */
export const ImportRow = z.strictObject({
  score: z.number().int(),
  comment: Text(5000).optional(),
  email: Email.optional(),
  customerRef: Text(200).min(1).optional(),
  respondedAt: z.iso.datetime({ offset: true }).optional(),
  locale: Text(35).optional(),
  properties: Properties.optional(),
  /** Options of the survey's choice question, by their text in its own language. */
  choices: z.array(Text(100).trim().min(1)).min(1).max(10).optional(),
})
export type ImportRow = z.infer<typeof ImportRow>
