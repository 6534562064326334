import { UI_STRINGS } from './locales.ts'
import { BANDS, bandRange, HIGH_BAND, SCALES, type Appearance, type BandName, type DisplayRules, type Locale, type SurveyKind } from './schemas.ts'
import { surveyTexts } from './survey-language.ts'
import { appearanceOf, type SurveyRecord } from './surveys.ts'

/** What the embed and the hosted page need to render a survey; nothing secret. */
export interface PublicSurveyConfig {
  kind: SurveyKind
  question: string
  min: number
  max: number
  /** Follow-up prompt per score range, the locale's default where the survey sets none. */
  bands: { lo: number; hi: number; prompt: string }[]
  display: DisplayRules
  lang: string
  strings: { low: string; high: string; send: string; thanks: string; close: string; error: string; reviewAsk: string; reviewLink: string }
  /** Answers from `from` up (the happy band) are asked for a public review at `url`. */
  review?: { url: string; from: number }
  appearance: Appearance
  /** The choice question, asked of scores within one of `ranges`; picks are sent by their place in `options`. */
  choice?: { question: string; options: string[]; multiple: boolean; ranges: { lo: number; hi: number }[] }
}

/** The survey's own thank-you in `locale`: that language's, or the survey's own language's text there. */
const thanksIn = (survey: SurveyRecord, locale: Locale): string | undefined =>
  locale === survey.settings.locale ? (survey.settings.thanks ?? undefined) : survey.settings.translations[locale]?.thanks

/** The survey's choice question in `locale` (its own texts where that language has none), with the score ranges it is asked of. */
function choiceIn(survey: SurveyRecord, locale: Locale): PublicSurveyConfig['choice'] {
  const choice = survey.settings.choice
  if (!choice) return undefined
  const texts = (locale === survey.settings.locale ? undefined : survey.settings.translations[locale]?.choice) ?? choice
  const bands = choice.bands ?? (Object.keys(BANDS[survey.kind]) as BandName[])
  const ranges = bands.map((b) => bandRange(survey.kind, b)).filter((r) => r !== undefined).map(([lo, hi]) => ({ lo, hi }))
  return { question: texts.question, options: texts.options, multiple: choice.multiple, ranges }
}

/** The survey in `locale`, one of its languages. */
export function publicConfig(survey: SurveyRecord, locale: Locale): PublicSurveyConfig {
  const { question, followUp } = surveyTexts(survey, locale)
  const s = UI_STRINGS[locale]
  return {
    kind: survey.kind,
    question,
    ...SCALES[survey.kind],
    bands: Object.entries(BANDS[survey.kind]).map(([name, [lo, hi]]) => ({ lo, hi, prompt: followUp[name as BandName] ?? s.comment })),
    display: survey.settings.display,
    lang: locale,
    strings: {
      low: s.low[survey.kind], high: s.high[survey.kind], send: s.send, thanks: thanksIn(survey, locale) ?? s.thanks, close: s.close, error: s.error,
      reviewAsk: s.reviewAsk, reviewLink: s.reviewLink,
    },
    appearance: appearanceOf(survey.settings),
    ...(survey.settings.choice ? { choice: choiceIn(survey, locale) } : {}),
    ...(survey.settings.reviewLink ? { review: { url: survey.settings.reviewLink, from: bandRange(survey.kind, HIGH_BAND[survey.kind])![0] } } : {}),
  }
}
