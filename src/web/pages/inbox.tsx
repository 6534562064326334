import { exportMentionsCsv, exportName } from '../../mentions/export.ts'
import { csvDownload } from '../../reports/csv.ts'
import { Hono, type Context } from 'hono'
import { z } from '@hono/zod-openapi'
import { listCustomers } from '../../customers/customers.ts'
import { INTENT_LABELS, SENTIMENT_LABELS } from '../../enrich/index.ts'
import { getMention, loadMention } from '../../mentions/detail.ts'
import { listTranslations, MAX_TRANSLATED_CHARS, TextTranslationInput, translateStored, TranslationInput, type Translation } from '../../translate/stored.ts'
import { languageName } from '../../translate/translator.ts'
import { workspaceSettings } from '../../workspaces/settings.ts'
import { runTranslator } from '../../translate/run.ts'
import { MENTION_STATUSES, SETTABLE_STATUSES } from '../../mentions/filter.ts'
import { REPLY_MAX_CHARS, ReplyInput, sendReply } from '../../mentions/replies.ts'
import { notePresence, othersPresent, presenceLine, presenceTag, type Present } from '../../mentions/presence.ts'
import { listSavedReplies } from '../../mentions/saved-replies.ts'
import { listMentions } from '../../mentions/list.ts'
import { createView, deleteView, getView, listViews, type SavedView } from '../../mentions/views.ts'
import type { Mention } from '../../mentions/shape.ts'
import { mentionStats, type MentionStats } from '../../mentions/stats.ts'
import { addNote, bulkUpdateMentions, linkMentionCustomer, MentionPatch, patchMention, unlinkMentionCustomer } from '../../mentions/update.ts'
import { listSources } from '../../sources/find-sources.ts'
import { OPEN_TICKET_STATUSES } from '../../tickets/schema.ts'
import { ticketsLike } from '../../tickets/similar-tickets.ts'
import { addLinks, listTickets } from '../../tickets/tickets.ts'
import { AppError, badRequest, notFound } from '../../errors.ts'
import { eraseAuthorOf } from '../../customers/privacy.ts'
import { blockAuthorOf } from '../../mentions/spam-filter.ts'
import type { WebEnv } from '../env.ts'
import { describeIssues, field, fieldList, readForm, wantsJson } from '../form-data.ts'
import { searchTerms, Snippet } from '../highlight.tsx'
import { inboxHref, paramsFromFilter, parseInboxQuery, STATUS_CHOICES, type InboxQuery } from '../inbox-filter.ts'
import { CsrfField, Layout } from '../layout.tsx'
import { noticeOf } from '../notices.ts'
import { stripBidiControls, Txt, When } from '../text.tsx'
import { requireWebRole } from '../security.ts'
import type { WebSession } from '../sessions.ts'
import { authorOf, Detail, formTimeZone, type Draft, LocalTimeZoneField, SNOOZE_CHOICES, titleOf } from './inbox-detail.tsx'
import { IdParam } from './params.ts'

/** The stars select: single ratings, and the low and high ends reviews are usually triaged by. */
const STAR_CHOICES = [['1,2', '1–2★'], ['4,5', '4–5★'], ['1', '1★'], ['2', '2★'], ['3', '3★'], ['4', '4★'], ['5', '5★']] as const

const PAGE_SIZE = 50
const POLL_MS = 15_000
const NEW_LIMIT = 50
const LINKABLE_TICKETS = 100


/** After a form post, go back to the page it came from, but only within the inbox. */
const backTo = (value: string, fallback: string) => (/^\/app\/inbox(\?|$)/.test(value) ? value : fallback)

/** A row of the inbox; `translation`, when the workspace translates new mentions, shows under the original. */
function MentionRowItem({ m, q, selected, translation, others }: { m: Mention; q: InboxQuery; selected: boolean; translation?: Translation; others?: Present[] }) {
  return (
    <li data-id={m.id} class={selected ? 'current' : undefined}>
      <input type="checkbox" name="ids" value={m.id} form="bulk" aria-label={`select: ${titleOf(m)}`} />
      <a class="item" href={inboxHref(q.params, { sort: q.sort === 'priority' ? undefined : q.sort, m: m.id })} aria-current={selected ? 'true' : undefined}>
        {m.title ? <span class="title"><Txt s={m.title} /></span> : null}
        <span class={m.title ? 'snippet' : 'snippet lead'}>{m.snippetHtml ? <Snippet html={m.snippetHtml} /> : <Txt s={m.text.slice(0, 240) || '(no text)'} />}</span>
        {translation ? (
          <span class="snippet translated" lang={translation.lang}>
            <span class="hint">{languageName(translation.lang)}: </span><Txt s={[translation.title, translation.text].filter(Boolean).join(' — ').slice(0, 240)} />
          </span>
        ) : null}
        <span class="meta">
          <span data-status>{m.status.replace('_', ' ')}</span>
          <span class={`badge s-${m.sentiment}`}>{m.sentiment}</span>
          {m.urgent ? <span class="badge s-negative">urgent</span> : null}
          {m.intents.map((i) => <span class="badge st">{i.replace('_', ' ')}</span>)}
          {m.rating != null ? <span aria-label={`${m.rating} of 5 stars`}>{m.rating}★</span> : null}
          <span><Txt s={authorOf(m)} /> · {m.kind}</span>
          <When d={m.publishedAt} />
          {m.assignee ? <span>→ <Txt s={m.assignee} /></span> : null}
          {m.tags.map((t) => <span class="badge st">#<Txt s={t} /></span>)}
          {m.duplicateCount ? <span>+{m.duplicateCount} copies</span> : null}
          {others?.length ? <span class="presence-tag"><Txt s={presenceTag(others)} /></span> : null}
        </span>
      </a>
    </li>
  )
}

function Filters({ q, sources }: { q: InboxQuery; sources: { id: string; name: string }[] }) {
  const p = q.params
  return (
    <form method="get" action="/app/inbox" class="filters" role="search">
      <div>
        <label for="q">Search <kbd>/</kbd></label>
        <input id="q" name="q" type="search" value={p.q ?? ''} placeholder="words, &quot;a phrase&quot;, -not" />
      </div>
      <div>
        <label for="f-status">Status</label>
        <select id="f-status" name="status">{STATUS_CHOICES.map(([v, l]) => <option value={v} selected={(p.status ?? '') === v}>{l}</option>)}</select>
      </div>
      <div>
        <label for="f-sentiment">Sentiment</label>
        <select id="f-sentiment" name="sentiment">
          <option value="">any</option>
          {SENTIMENT_LABELS.map((s) => <option selected={p.sentiment === s}>{s}</option>)}
        </select>
      </div>
      <div>
        <label for="f-intent">Intent</label>
        <select id="f-intent" name="intent">
          <option value="">any</option>
          {INTENT_LABELS.map((i) => <option value={i} selected={p.intent === i}>{i.replace('_', ' ')}</option>)}
        </select>
      </div>
      <div>
        <label for="f-source">Source</label>
        <select id="f-source" name="source">
          <option value="">any</option>
          {sources.map((s) => <option value={s.id} selected={p.source === s.id}>{s.name}</option>)}
        </select>
      </div>
      <div>
        <label for="f-lang">Language</label>
        <input id="f-lang" name="lang" value={p.lang ?? ''} size={4} placeholder="en" />
      </div>
      <div>
        <label for="f-assignee">Assignee</label>
        <input id="f-assignee" name="assignee" value={p.assignee ?? ''} size={10} placeholder="unassigned" />
      </div>
      <div>
        <label for="f-tag">Tag</label>
        <input id="f-tag" name="tag" value={p.tag ?? ''} size={10} />
      </div>
      <div>
        <label for="f-rating">Stars</label>
        <select id="f-rating" name="rating">
          <option value="">any</option>
          {STAR_CHOICES.map(([value, label]) => <option value={value} selected={p.rating === value}>{label}</option>)}
        </select>
      </div>
      <div>
        <label for="f-version">App version</label>
        <input id="f-version" name="version" value={p.version ?? ''} size={8} placeholder="4.12.0" />
      </div>
      <div>
        <label for="f-answered">Answered</label>
        <select id="f-answered" name="answered">
          <option value="">any</option>
          <option value="false" selected={p.answered === 'false'}>not yet</option>
          <option value="true" selected={p.answered === 'true'}>replied</option>
        </select>
      </div>
      <div>
        <label for="f-urgent">Urgent</label>
        <select id="f-urgent" name="urgent">
          <option value="">any</option>
          <option value="true" selected={p.urgent === 'true'}>urgent only</option>
        </select>
      </div>
      <div>
        <label for="f-sort">Sort</label>
        <select id="f-sort" name="sort">
          <option value="priority" selected={q.sort === 'priority'}>priority</option>
          <option value="newest" selected={q.sort === 'newest'}>newest</option>
        </select>
      </div>
      <div>
        <button type="submit" class="primary">Apply</button> <a href="/app/inbox">Reset</a>{' '}
        <a href={inboxHref(p, { sort: q.sort }, '/app/inbox/export')} download>Export CSV</a>
      </div>
    </form>
  )
}

/** Questions that still need attention and have no answer sent at their source: people waiting on a reply. */
const OPEN_QUESTIONS = { intent: 'question', answered: 'false' }
const URGENT = { urgent: 'true' }
/** What the spam filter and blocked authors set aside, for a look now and then (README: Spam). */
const SPAM = { status: 'spam' }
const sameParams = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v)

function Views({ views, current, session, params, sort }: { views: SavedView[]; current?: string; session: WebSession; params: Record<string, string>; sort: string }) {
  return (
    <nav aria-label="Saved views" class="counts">
      <span>Views:</span>
      <a href="/app/inbox" aria-current={!current && Object.keys(params).length === 0 ? 'page' : undefined}>Needs attention</a>
      <a href={inboxHref({ assignee: session.name })} aria-current={!current && Object.keys(params).length === 1 && params.assignee === session.name ? 'page' : undefined}>
        Assigned to me
      </a>
      <a href={inboxHref(OPEN_QUESTIONS)} aria-current={!current && sameParams(params, OPEN_QUESTIONS) ? 'page' : undefined}>Open questions</a>
      <a href={inboxHref(URGENT)} aria-current={!current && sameParams(params, URGENT) ? 'page' : undefined}>Urgent</a>
      <a href={inboxHref(SPAM)} aria-current={!current && sameParams(params, SPAM) ? 'page' : undefined}>Spam</a>
      {views.map((v) => (
        <a href={`/app/inbox?view=${v.id}`} aria-current={v.id === current ? 'page' : undefined}><Txt s={v.name} /></a>
      ))}
      {session.role !== 'viewer' ? (
        <form method="post" action="/app/inbox/views" class="actions">
          <CsrfField session={session} />
          {Object.entries({ ...params, ...(sort === 'priority' ? {} : { sort }) }).map(([k, v]) => <input type="hidden" name={k} value={v} />)}
          <label class="sr-only" for="view-name">Name for this view</label>
          <input id="view-name" name="name" placeholder="save this filter as…" size={18} maxlength={100} required />
          <button type="submit">Save view</button>
        </form>
      ) : null}
      {current && session.role !== 'viewer' ? (
        <form method="post" action={`/app/inbox/views/${current}/delete`} data-confirm="Delete this saved view?">
          <CsrfField session={session} />
          <button type="submit" class="danger">Delete view</button>
        </form>
      ) : null}
    </nav>
  )
}

const HelpDialog = () => (
  <dialog id="shortcut-help" aria-label="Keyboard shortcuts">
    <h2>Keyboard shortcuts</h2>
    <dl class="kv">
      <dt><kbd>j</kbd> / <kbd>k</kbd></dt><dd>next / previous mention</dd>
      <dt><kbd>Enter</kbd></dt><dd>open it</dd>
      <dt><kbd>e</kbd></dt><dd>resolve it</dd>
      <dt><kbd>a</kbd></dt><dd>assign it</dd>
      <dt><kbd>r</kbd></dt><dd>reply to it</dd>
      <dt><kbd>/</kbd></dt><dd>search</dd>
      <dt><kbd>?</kbd></dt><dd>this help</dd>
    </dl>
    <form method="dialog"><button type="submit">Close</button></form>
  </dialog>
)

/** The header's count links: by status and by sentiment, each narrowing the current filter. */
function countLinks(query: InboxQuery, stats: MentionStats) {
  const sort = query.sort === 'priority' ? undefined : query.sort
  return [
    ...MENTION_STATUSES.filter((s) => stats.byStatus[s]).map((s) => ({
      label: s.replace('_', ' '), count: stats.byStatus[s], cls: 'st', href: inboxHref({ ...query.params, status: s }, { sort }),
    })),
    ...SENTIMENT_LABELS.filter((s) => stats.bySentiment[s]).map((s) => ({
      label: s, count: stats.bySentiment[s], cls: `s-${s}`, href: inboxHref({ ...query.params, sentiment: s }, { sort }),
    })),
  ]
}

/**
 * The inbox for `params` (the page's query string). `draft` fills the reply
 * form: a draft translated on the server comes back in the page itself, never in a URL.
 */
async function inboxPage(c: Context<WebEnv>, params: Record<string, string> = c.req.query(), draft?: Draft) {
  const { deps, session } = c.var
  const ws = session.workspaceId
  const viewId = z.uuid().safeParse(params.view).data
  const view = viewId ? await getView(deps, ws, viewId) : undefined
  const query = parseInboxQuery(view ? paramsFromFilter(view.filter, view.sort) : params)
  const selectedId = z.uuid().safeParse(params.m).data
  const cursor = params.cursor || undefined
  // Counting every match is O(matches); the first page must not wait for it,
  // so app.js fetches the counts after load (?counts=1 renders them without JS).
  const withCounts = params.counts === '1'
  const canReply = selectedId !== undefined && session.role !== 'viewer'
  const [page, stats, sources, detail, tickets, views, savedReplies, settings, alike] = await Promise.all([
    listMentions(deps, ws, { filter: query.filter, sort: query.sort, cursor, limit: PAGE_SIZE }),
    withCounts ? mentionStats(deps, ws, query.filter, c.var.inbox) : Promise.resolve(undefined),
    listSources(deps, ws, { limit: 200 }),
    selectedId ? getMention(deps, ws, selectedId) : Promise.resolve(undefined),
    selectedId && session.role !== 'viewer' ? listTickets(deps, ws, { status: [...OPEN_TICKET_STATUSES], limit: LINKABLE_TICKETS }) : Promise.resolve(undefined),
    listViews(deps, ws),
    canReply ? listSavedReplies(deps, ws) : Promise.resolve([]),
    workspaceSettings(deps.sql, ws),
    selectedId && session.role !== 'viewer' ? ticketsLike(deps, ws, selectedId) : Promise.resolve([]),
  ])
  const ids = page.items.map((m) => m.id)
  const [translations, present] = await Promise.all([
    // Where new mentions are translated as they come in, the list shows the translation under each one that has it.
    settings.translateInto ? listTranslations(deps.sql, ws, { kind: 'mention' }, ids) : new Map<string, Translation[]>(),
    // Who else is on these mentions right now.
    othersPresent(deps.sql, ws, selectedId ? [...ids, selectedId] : ids, session.actor),
  ])
  const translationOf = (m: Mention) => (m.lang === settings.translateInto ? undefined : translations.get(m.id)?.find((t) => t.lang === settings.translateInto))
  const sortParam = query.sort === 'priority' ? undefined : query.sort
  const here = inboxHref(query.params, { sort: sortParam, cursor, m: selectedId })
  const terms = searchTerms(query.filter.q)
  return c.html(
    <Layout title="Inbox" session={session} section="inbox" notice={noticeOf(c)} error={query.error}>
      <h1>Inbox <span class="hint" id="total">{stats ? `${stats.total} matching` : ''}</span></h1>
      <Views views={views} current={view?.id} session={session} params={query.params} sort={query.sort} />
      <Filters q={query} sources={sources.items} />
      <div class="counts">
        <span id="counts" data-src={inboxHref(query.params, { sort: sortParam }).replace('/app/inbox', '/app/inbox/counts')} data-loaded={stats ? '' : undefined}>
          {stats ? countLinks(query, stats).map((l) => <a class={l.cls} href={l.href}>{l.label} <strong>{l.count}</strong></a>) : (
            <a href={inboxHref(query.params, { sort: sortParam, m: selectedId, counts: '1' })}>Show counts</a>
          )}
        </span>
        <button type="button" data-open-help>Shortcuts <kbd>?</kbd></button>
      </div>
      <div class="inbox">
        <section aria-label="Mentions">
          {session.role !== 'viewer' ? (
            <form id="bulk" method="post" action="/app/inbox/bulk" class="bulkbar">
              <CsrfField session={session} />
              <LocalTimeZoneField zone={settings.timeZone} />
              <input type="hidden" name="back" value={here} />
              <label class="inline"><input type="checkbox" data-select-all /> Select all</label>
              <select name="status" aria-label="Bulk action">
                <option value="resolved">Resolve</option>
                <option value="ignored">Ignore</option>
                <option value="spam">Mark spam</option>
                <option value="open">Reopen</option>
                <optgroup label="Snooze">
                  {SNOOZE_CHOICES.map(([value, label]) => <option value={`snooze:${value}`}>Snooze {label}</option>)}
                </optgroup>
              </select>
              <button type="submit">Apply to selected</button>
            </form>
          ) : null}
          <button type="button" id="new-banner" class="banner" hidden aria-live="polite"></button>
          <ul id="mention-list" class="list" data-since={deps.clock().toISOString()} data-poll-ms={POLL_MS}>
            {page.items.map((m) => <MentionRowItem m={m} q={query} selected={m.id === selectedId} translation={translationOf(m)} others={present.get(m.id)} />)}
          </ul>
          {page.items.length === 0 ? <p id="empty-inbox" class="hint">Nothing here. Inbox zero for this filter.</p> : null}
          {page.nextCursor ? <p><a href={inboxHref(query.params, { sort: sortParam, cursor: page.nextCursor })}>Next page →</a></p> : null}
        </section>
        <section aria-label="Detail">
          {detail ? <Detail m={detail} session={session} back={here} terms={terms} tickets={tickets?.items ?? []} savedReplies={savedReplies} chosenReply={params.reply} draft={draft} canTranslate={deps.translator !== undefined} timeZone={settings.timeZone} others={present.get(detail.id) ?? []} alike={alike} /> : (
            <div class="detail"><p class="hint">Select a mention to see it here. <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> opens.</p></div>
          )}
        </section>
      </div>
      <HelpDialog />
    </Layout>,
  )
}

/** Form fields of the triage form → the API's MentionPatch; `now` for a snooze's end. */
function patchFromForm(form: Record<string, string | string[]>, now: number) {
  const patch: Record<string, unknown> = {}
  if (form.status !== undefined) patch.status = field(form, 'status')
  if (form.assignee !== undefined) patch.assignee = field(form, 'assignee') || null
  if (form.tags !== undefined) patch.tags = field(form, 'tags').split(',').map((t) => t.trim()).filter(Boolean)
  if (form.sentiment !== undefined) patch.sentiment = field(form, 'sentiment') === 'model' ? null : field(form, 'sentiment')
  if (form.intentsForm !== undefined) patch.intents = form.intentsReset !== undefined ? null : fieldList(form, 'intents')
  if (form.snoozeFor !== undefined) {
    const choice = SNOOZE_CHOICES.find(([value]) => value === field(form, 'snoozeFor'))
    patch.snoozedUntil = choice ? new Date(choice[2](now, formTimeZone(field(form, 'tz')))) : field(form, 'snoozeFor')
  }
  return MentionPatch.safeParse(patch)
}

export const inboxRouter = new Hono<WebEnv>()
  .get('/', (c) => inboxPage(c))
  .get('/export', (c) => {
    const { deps, session } = c.var
    // The same filter the page shows (open statuses unless chosen otherwise), every matching mention.
    const query = parseInboxQuery(c.req.query())
    if (query.error) throw badRequest(query.error)
    return c.body(exportMentionsCsv(deps, session.workspaceId, query.filter, query.sort), 200, csvDownload(exportName(deps.clock())))
  })
  .get('/counts', async (c) => {
    const query = parseInboxQuery(c.req.query())
    const stats = await mentionStats(c.var.deps, c.var.session.workspaceId, query.filter, c.var.inbox)
    return c.json({ total: stats.total, links: countLinks(query, stats) })
  })
  .get('/new', async (c) => {
    const { deps, session } = c.var
    const after = new Date(c.req.query('after') ?? '')
    if (Number.isNaN(after.getTime())) return c.json({ error: { code: 'bad_request', message: 'after must be an ISO date' } }, 400)
    const query = parseInboxQuery(c.req.query())
    // The rows on screen, whose "who is on it" words are renewed with each poll.
    const shown = (c.req.query('ids') ?? '').split(',').filter((id) => z.uuid().safeParse(id).success).slice(0, PAGE_SIZE)
    const [page, present] = await Promise.all([
      listMentions(deps, session.workspaceId, { filter: query.filter, sort: 'newest', limit: NEW_LIMIT }),
      othersPresent(deps.sql, session.workspaceId, shown, session.actor),
    ])
    const fresh = page.items.filter((m) => m.createdAt > after)
    const since = fresh.reduce((max, m) => (m.createdAt > max ? m.createdAt : max), after)
    return c.json({
      since: since.toISOString(),
      present: Object.fromEntries([...present].map(([id, others]) => [id, stripBidiControls(presenceTag(others))])),
      items: fresh.map((m) => ({
        id: m.id,
        href: inboxHref(query.params, { m: m.id }),
        title: stripBidiControls(m.title ?? ''),
        snippet: stripBidiControls(m.text.slice(0, 240)) || '(no text)',
        status: m.status,
        sentiment: m.sentiment,
        author: stripBidiControls(authorOf(m)),
        source: m.kind,
      })),
    })
  })
  .post('/views', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const form = await readForm(c)
    const name = field(form, 'name')
    if (!name || name.length > 100) throw badRequest('A view needs a name of 1–100 characters.')
    const params = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]))
    const query = parseInboxQuery(params)
    if (query.error) throw badRequest(query.error)
    const view = await createView(deps, session.workspaceId, { name, filter: query.filter, sort: query.sort }, session.actor)
    return c.redirect(`/app/inbox?view=${view.id}&notice=view-saved`, 303)
  })
  .post('/views/:id/delete', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    await deleteView(deps, session.workspaceId, IdParam.parse(c.req.param('id')), session.actor)
    return c.redirect('/app/inbox?notice=view-deleted', 303)
  })
  .post('/bulk', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const form = await readForm(c)
    const back = backTo(field(form, 'back'), '/app/inbox')
    const ids = fieldList(form, 'ids')
    const chosen = field(form, 'status')
    const snooze = SNOOZE_CHOICES.find(([value]) => `snooze:${value}` === chosen)
    const status = z.enum(SETTABLE_STATUSES).safeParse(chosen)
    if (ids.length === 0 || !(status.success || snooze)) return c.redirect(back, 303)
    const parsedIds = z.array(z.uuid()).max(1000).safeParse(ids)
    if (!parsedIds.success) throw badRequest('invalid selection')
    const action = snooze ? { snoozedUntil: new Date(snooze[2](deps.clock().getTime(), formTimeZone(field(form, 'tz')))) } : { status: status.data }
    const result = await bulkUpdateMentions(deps, session.workspaceId, { ids: parsedIds.data, action }, session.actor)
    if (wantsJson(c)) return c.json(result)
    return c.redirect(withNotice(back, 'bulk-done'), 303)
  })
  .post('/:id/update', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    const patch = patchFromForm(form, deps.clock().getTime())
    if (!patch.success) throw badRequest(`Could not save: ${describeIssues(patch.error)}`)
    const mention = await patchMention(deps, session.workspaceId, id, patch.data, session.actor)
    if (wantsJson(c)) return c.json({ id: mention.id, status: mention.status, assignee: mention.assignee, sentiment: mention.sentiment })
    return c.redirect(withNotice(backTo(field(form, 'back'), `/app/inbox?m=${id}`), 'mention-updated'), 303)
  })
  .post('/:id/link', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    const ticketId = IdParam.parse(field(form, 'ticketId'))
    await addLinks(deps, session.workspaceId, ticketId, { mentionIds: [id] }, session.actor)
    return c.redirect(withNotice(backTo(field(form, 'back'), `/app/inbox?m=${id}`), 'mention-updated'), 303)
  })
  .post('/:id/customer', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    const back = backTo(field(form, 'back'), `/app/inbox?m=${id}`)
    const actor = session.actor
    if (form.unlink !== undefined) {
      await unlinkMentionCustomer(deps, session.workspaceId, id, actor)
      return c.redirect(withNotice(back, 'mention-updated'), 303)
    }
    const q = field(form, 'customer')
    // A person typed this: link only when exactly one customer matches, never a guess.
    const found = q ? await listCustomers(deps, session.workspaceId, { q, limit: 2 }) : { items: [] }
    if (found.items.length !== 1) {
      throw badRequest(found.items.length ? `More than one customer matches "${q}"; be more specific (an email or CRM id).` : `No customer matches "${q}".`)
    }
    await linkMentionCustomer(deps, session.workspaceId, id, found.items[0].id, actor)
    return c.redirect(withNotice(back, 'mention-updated'), 303)
  })
  .post('/:id/erase-author', requireWebRole('admin'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    if (field(form, 'confirm') !== 'yes') throw badRequest('Tick the box to confirm the erasure; it cannot be undone.')
    if (!(await eraseAuthorOf(deps, session.workspaceId, id, session.actor))) throw notFound('mention with an author')
    return c.redirect(withNotice(backTo(field(form, 'back'), `/app/inbox?m=${id}`), 'author-erased'), 303)
  })
  .post('/:id/block-author', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    if (!(await blockAuthorOf(deps, session.workspaceId, id, session.actor))) throw notFound('mention with an author')
    return c.redirect(withNotice(backTo(field(form, 'back'), `/app/inbox?m=${id}`), 'author-blocked'), 303)
  })
  .post('/:id/notes', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    const body = field(form, 'body')
    if (!body || body.length > 5000) throw badRequest('A note needs 1–5000 characters.')
    const note = await addNote(deps, session.workspaceId, id, body, session.actor)
    return c.redirect(withNotice(backTo(field(form, 'back'), `/app/inbox?m=${id}`), note.notifies.length ? 'note-added-told' : 'note-added'), 303)
  })
  .post('/:id/translation', async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    const input = TranslationInput.safeParse({ to: field(form, 'to') })
    if (!input.success) throw badRequest('Choose a language to translate into.')
    await translateStored(deps, session.workspaceId, { kind: 'mention', id }, input.data.to)
    return c.redirect(withNotice(backTo(field(form, 'back'), `/app/inbox?m=${id}`), 'translated'), 303)
  })
  .post('/:id/reply-translation', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    const back = backTo(field(form, 'back'), `/app/inbox?m=${id}`)
    const mention = await loadMention(deps.sql, session.workspaceId, id)
    const input = TextTranslationInput.safeParse({ text: field(form, 'text'), to: mention.lang })
    if (!input.success) throw badRequest(`Write a draft of 1–${MAX_TRANSLATED_CHARS} characters to translate into the mention's language.`)
    const { texts } = await runTranslator(deps.translator, [input.data.text], input.data.to)
    return inboxPage(c, paramsOf(back), { text: texts[0], note: `Machine-translated into ${languageName(mention.lang)}: read it before you post.` })
  })
  .post('/:id/replies', requireWebRole('agent'), async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    const back = backTo(field(form, 'back'), `/app/inbox?m=${id}`)
    const input = ReplyInput.safeParse({ text: field(form, 'text'), unlessRepliedSince: field(form, 'seen') || undefined })
    if (!input.success) throw badRequest(`A reply needs 1–${REPLY_MAX_CHARS} characters.`)
    const key = z.uuid().safeParse(field(form, 'key'))
    const { text, unlessRepliedSince } = input.data
    try {
      await sendReply(deps, session.workspaceId, id, text, session.actor, { idempotencyKey: key.success ? `web:${key.data}` : undefined, unlessRepliedSince })
    } catch (err) {
      if (err instanceof AppError && err.code === 'upstream_error') return c.redirect(withNotice(back, 'reply-failed'), 303)
      // The page comes back with their reply listed and this draft in the form: posting it now is a decision, not an accident.
      if (err instanceof AppError && err.code === 'already_replied') return inboxPage(c, paramsOf(back), { text, note: `${err.message}.` })
      throw err
    }
    return c.redirect(withNotice(back, 'reply-sent'), 303)
  })
  .post('/:id/presence', async (c) => {
    const { deps, session } = c.var
    const id = IdParam.parse(c.req.param('id'))
    const form = await readForm(c)
    const others = await notePresence(deps.sql, session.workspaceId, id, session.actor, { replying: field(form, 'replying') === '1', gone: field(form, 'gone') === '1' })
    return c.json({ line: presenceLine(others) })
  })

/** The query of a same-site URL, to render the page a form came from. */
const paramsOf = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams)

/** Adds (or replaces) the notice code of a same-site URL. */
function withNotice(url: string, notice: string): string {
  const u = new URL(url, 'http://x')
  u.searchParams.set('notice', notice)
  return u.pathname + u.search
}
