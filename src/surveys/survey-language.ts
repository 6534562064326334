// Which of a survey's languages a visitor gets: the first of the languages
// they read (as a browser, a host page or an invitation says) that the survey
// has, else the survey's own.
import { parseAccept } from 'hono/utils/accept'
import { LOCALES, type BandName, type Locale } from './schemas.ts'
import type { SurveyRecord } from './surveys.ts'

/** Bokmål and Nynorsk are both Norwegian here; every other tag is read by its primary language (`pt-BR` is `pt`). */
function localeOf(tag: string): Locale | undefined {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0]
  const lang = primary === 'nb' || primary === 'nn' ? 'no' : primary
  return (LOCALES as readonly string[]).includes(lang) ? (lang as Locale) : undefined
}

/** The survey's own language first, then those it has translations for. */
export const surveyLocales = (survey: SurveyRecord): Locale[] => [survey.settings.locale, ...(Object.keys(survey.settings.translations) as Locale[])]

/** The first of `wanted` (most wanted first) the survey has, else its own language. */
export function pickLocale(survey: SurveyRecord, wanted: readonly string[]): Locale {
  const available = surveyLocales(survey)
  for (const tag of wanted) {
    const locale = localeOf(tag)
    if (locale && available.includes(locale)) return locale
  }
  return survey.settings.locale
}

/** The survey's language for one that was asked for (an invitation's, an answer's): that one while the survey has it. */
export const localeFor = (survey: SurveyRecord, asked: string | null | undefined): Locale => pickLocale(survey, asked ? [asked] : [])

/** An Accept-Language header's languages, most wanted first. */
export const acceptedLanguages = (header: string | undefined): string[] =>
  header
    ? parseAccept(header)
        .filter((a) => a.q > 0)
        .sort((a, b) => b.q - a.q)
        .map((a) => a.type)
    : []

/** A comma-separated list of language tags, as the embed's `?lang=` and invitation links carry. */
export const languageList = (value: string | undefined): string[] => (value ? value.split(',').slice(0, 10) : [])

/** The survey's question and follow-up prompts in `locale` (its own texts when it has no translation there). */
export function surveyTexts(survey: SurveyRecord, locale: Locale): { question: string; followUp: Partial<Record<BandName, string>> } {
  const t = locale === survey.settings.locale ? undefined : survey.settings.translations[locale]
  return t ?? { question: survey.question, followUp: survey.settings.followUp }
}
