import type { Child } from 'hono/jsx'
import { INTENT_LABELS, SENTIMENT_LABELS } from '../enrich/index.ts'
import { field, fieldList } from './form-data.ts'
import { Txt } from './text.tsx'

type Form = Record<string, string | string[]>

/** The "which mentions" fieldset of the alert and rule forms, as an inbox filter for the API's schema to validate. */
export function filterFromForm(form: Form): Record<string, unknown> {
  const filter: Record<string, unknown> = {}
  for (const key of ['sentiment', 'intent', 'source', 'rating'] as const) if (fieldList(form, key).length) filter[key] = fieldList(form, key)
  if (field(form, 'q')) filter.q = field(form, 'q')
  if (field(form, 'minPriority')) filter.minPriority = Number(field(form, 'minPriority'))
  if (field(form, 'urgent') === 'true') filter.urgent = true
  return filter
}

/** A filter's parts in words ("negative sentiment", "from Support forum", "“export”"). */
export function describeFilter(filter: unknown, sourceNames: Map<string, string>): string[] {
  const f = (filter ?? {}) as Record<string, unknown>
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)])
  return [
    ...list(f.sentiment).map((s) => `${s} sentiment`),
    ...list(f.intent).map((i) => i.replace('_', ' ')),
    ...list(f.source).map((id) => `from ${sourceNames.get(id) ?? 'a deleted source'}`),
    ...(list(f.rating).length ? [`${list(f.rating).join(', ')}★`] : []),
    ...(f.urgent === true ? ['urgent'] : []),
    ...(f.q ? [`“${String(f.q)}”`] : []),
    ...(f.minPriority !== undefined ? [`priority ≥ ${String(f.minPriority)}`] : []),
  ]
}

/** The fieldset itself; `children` go beside the priority field (the alert form's customer value). */
export const FilterFieldset = ({ form, sources, idPrefix, children }: {
  form: Form
  sources: { id: string; name: string }[]
  idPrefix: string
  children?: Child
}) => {
  const checked = (name: string, value: string) => fieldList(form, name).includes(value)
  return (
    <fieldset>
      <legend>Which mentions <span class="hint">(none checked: all)</span></legend>
      <div>{SENTIMENT_LABELS.map((s) => <label class="inline"><input type="checkbox" name="sentiment" value={s} checked={checked('sentiment', s)} /> {s}</label>)}</div>
      <div>{INTENT_LABELS.map((i) => <label class="inline"><input type="checkbox" name="intent" value={i} checked={checked('intent', i)} /> {i.replace('_', ' ')}</label>)}</div>
      <div>{[1, 2, 3, 4, 5].map((n) => <label class="inline"><input type="checkbox" name="rating" value={String(n)} checked={checked('rating', String(n))} /> {n}★</label>)}</div>
      <div><label class="inline"><input type="checkbox" name="urgent" value="true" checked={field(form, 'urgent') === 'true'} /> only urgent ones <span class="hint">(their words say it cannot wait)</span></label></div>
      {sources.length ? (
        <div>{sources.map((s) => <label class="inline"><input type="checkbox" name="source" value={s.id} checked={checked('source', s.id)} /> <Txt s={s.name} /></label>)}</div>
      ) : null}
      <label for={`${idPrefix}-q`}>Words <span class="hint">(search syntax: words, "phrases", -exclusions)</span></label>
      <input id={`${idPrefix}-q`} name="q" value={field(form, 'q')} maxlength={200} size={40} />
      <div class="grid">
        <div>
          <label for={`${idPrefix}-priority`}>Priority at least <span class="hint">(0–1)</span></label>
          <input id={`${idPrefix}-priority`} name="minPriority" type="number" min={0} max={1} step="0.05" value={field(form, 'minPriority')} />
        </div>
        {children}
      </div>
    </fieldset>
  )
}
