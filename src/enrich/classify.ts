// What `POST /v1/classify` returns for each text: the enrichment without
// anything that needs stored context (reach, customer, recency).
import { enrich, type Enrichment } from './index.ts'

export interface ClassifyItem {
  text: string
  lang?: string
  rating?: number
  kind?: string
}

export type Classification = Pick<Enrichment, 'lang' | 'langConfidence' | 'sentiment' | 'intents' | 'spam' | 'pii' | 'explanation'>

/** Classify texts without storing them; PII offsets index into the normalized text. */
export function classifyTexts(items: ClassifyItem[]): Classification[] {
  return items.map((item) => {
    const { lang, langConfidence, sentiment, intents, spam, pii, explanation } = enrich(item)
    return { lang, langConfidence, sentiment, intents, spam, pii, explanation }
  })
}
