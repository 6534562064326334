import { MentionFilter, MENTION_STATUSES, OPEN_STATUSES } from '../mentions/filter.ts'
import { MENTION_SORTS, type MentionSort } from '../mentions/list.ts'

/** Query-string names the inbox understands; everything else in the URL is ignored. */
export const FILTER_PARAMS = ['status', 'sentiment', 'intent', 'source', 'lang', 'rating', 'version', 'assignee', 'tag', 'q', 'since', 'customer', 'ticket', 'followUp', 'answered', 'urgent'] as const


export interface InboxQuery {
  filter: MentionFilter
  sort: MentionSort
  /** The filter params as given, to rebuild links and form values. */
  params: Record<string, string>
  error?: string
}

/** URL query → the shared MentionFilter (the API's own schema); a bad value is reported, not a 500. */
export function parseInboxQuery(query: Record<string, string>): InboxQuery {
  const params: Record<string, string> = {}
  for (const k of FILTER_PARAMS) {
    const v = query[k]?.trim()
    if (v) params[k] = v
  }
  const sort: MentionSort = (MENTION_SORTS as readonly string[]).includes(query.sort ?? '') ? (query.sort as MentionSort) : 'priority'
  const raw: Record<string, unknown> = { ...params }
  if (!params.status) raw.status = [...OPEN_STATUSES]
  else if (params.status === 'all') delete raw.status
  const parsed = MentionFilter.safeParse(raw)
  if (parsed.success) return { filter: parsed.data, sort, params }
  return {
    filter: { status: [...OPEN_STATUSES] },
    sort,
    params: {},
    error: `Filter ignored: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  }
}

/** An inbox URL with these params (and optionally a selected mention / cursor); `path` for the inbox's other pages (export). */
export function inboxHref(params: Record<string, string>, extra: Record<string, string | undefined> = {}, path = '/app/inbox'): string {
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...params, ...extra })) if (v) qs.set(k, v)
  const s = qs.toString()
  return s ? `${path}?${s}` : path
}

export const STATUS_CHOICES = [['', 'Needs attention'], ['all', 'All'], ...MENTION_STATUSES.map((s) => [s, s.replace('_', ' ')])] as const

/** A saved view's filter as inbox URL params, so the page and its links treat it like any other filter. */
export function paramsFromFilter(filter: MentionFilter, sort: MentionSort): Record<string, string> {
  const params: Record<string, string> = {}
  for (const k of FILTER_PARAMS) {
    const v = filter[k]
    if (v === undefined) continue
    params[k] = Array.isArray(v) ? v.join(',') : String(v)
  }
  if (!params.status) params.status = 'all'
  if (sort !== 'priority') params.sort = sort
  return params
}
