// Loading and the deterministic train / held-out split shared by the training
// scripts and `npm run eval`. The reference data lives beside the project
// (../shared/data) and is never copied into it.
import { readFileSync } from 'node:fs'

export const DATA_DIR = new URL('../../shared/data/', import.meta.url)

export const SENTIMENT_LANGS = ['en', 'es', 'de', 'fr', 'it', 'pt', 'ru', 'no', 'zh'] as const

export interface SentimentRow {
  lang: string
  label: 'pos' | 'neg' | 'neu'
  text: string
  source?: string
}

export interface IntentRow {
  id: string
  source: string
  lang: string
  text: string
  intents: string[]
  orig_labels: string[]
  stars?: number
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** One item in five is held out, decided by a hash of its text, so the same text is always on the same side. */
export const isHeldOut = (text: string) => fnv1a(text) % 5 === 0
/** Inside the training side, one in six is used to tune thresholds and hyper-parameters. */
export const isTuning = (text: string) => !isHeldOut(text) && fnv1a(`tune:${text}`) % 6 === 0

function readJsonl<T>(path: string): T[] {
  return readFileSync(new URL(path, DATA_DIR), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T)
}

export const loadSentiment = (lang: string) => readJsonl<SentimentRow>(`sentiment/${lang}.jsonl`)
export const loadIntent = (set: string) => readJsonl<IntentRow>(`intent/${set}.jsonl`)
