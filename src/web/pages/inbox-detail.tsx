// The inbox's detail pane: one mention with the why behind its labels, its
// customer and tickets, one-click triage forms, notes and history.
import { DAY_MS, isoWeekday, localMidnight, TimeZone, wallTimeAfter } from '../../time/wall-clock.ts'
import { findConnector } from '../../../connectors/registry.ts'
import { INTENT_LABELS, SENTIMENT_LABELS } from '../../enrich/index.ts'
import type { MentionDetail } from '../../mentions/detail.ts'
import { REPLY_MAX_CHARS } from '../../mentions/replies.ts'
import { fillSavedReply, inLanguageFirst, type SavedReply } from '../../mentions/saved-replies.ts'
import { OPEN_STATUSES } from '../../mentions/filter.ts'
import { PRESENCE_BEAT_MS, presenceLine, type Present } from '../../mentions/presence.ts'
import type { TicketMatch } from '../../tickets/similar-tickets.ts'
import type { Mention } from '../../mentions/shape.ts'
import { MAX_TRANSLATED_CHARS } from '../../translate/stored.ts'
import { languageName, TRANSLATION_TARGETS } from '../../translate/translator.ts'
import { Highlight } from '../highlight.tsx'
import { CsrfField } from '../layout.tsx'
import { safeHttpUrl } from '../safe-url.ts'
import type { WebSession } from '../sessions.ts'
import { seenMark, stripBidiControls, Txt, When } from '../text.tsx'

export const titleOf = (m: Mention) => m.title || m.text.slice(0, 90) || '(no text)'
export const authorOf = (m: Mention) => m.author.name || m.author.handle || 'unknown author'

const Why = ({ m }: { m: MentionDetail }) => {
  const tokens = (m.explanation as { sentiment?: { token: string; weight: number }[] }).sentiment ?? []
  return tokens.length ? (
    <p class="why">
      <span class="hint">Because of: </span>
      {tokens.slice(0, 12).map((t) => (
        <span class={`tok ${t.weight > 0 ? 's-positive' : t.weight < 0 ? 's-negative' : ''}`} title={`weight ${t.weight}`}><Txt s={t.token} /> {t.weight > 0 ? '+' : ''}{Math.round(t.weight * 100) / 100}</span>
      ))}
    </p>
  ) : <p class="hint">No words carried a strong sentiment.</p>
}

export type OpenTicket = { id: string; title: string }

const HOUR_MS = 3_600_000
const NINE_AM = 9 * 60

/**
 * What the inbox's Snooze forms offer: [form value, label, when the snooze
 * ends given now and the person's time zone (the browser's; without script, the workspace's)].
 */
export const SNOOZE_CHOICES: readonly (readonly [string, string, (now: number, timeZone: string) => number])[] = [
  ['1h', 'for 1 hour', (now) => now + HOUR_MS],
  ['4h', 'for 4 hours', (now) => now + 4 * HOUR_MS],
  ['1d', 'for 1 day', (now) => now + DAY_MS],
  ['3d', 'for 3 days', (now) => now + 3 * DAY_MS],
  ['7d', 'for 1 week', (now) => now + 7 * DAY_MS],
  ['tomorrow', 'until tomorrow 9:00', (now, tz) => wallTimeAfter(now, tz, 1, NINE_AM)],
  // Never today's Monday: from a Monday, the next one.
  ['monday', 'until Monday 9:00', (now, tz) => wallTimeAfter(now, tz, 8 - isoWeekday(localMidnight(now, tz)), NINE_AM)],
]

/** The time zone a form's hidden `tz` field carries (app.js fills it in from the browser), else UTC. */
export const formTimeZone = (tz: string) => (TimeZone.safeParse(tz).success ? tz : 'UTC')

/** The workspace's time zone, replaced with the browser's by app.js, for "until tomorrow 9:00". */
export const LocalTimeZoneField = ({ zone }: { zone: string }) => <input type="hidden" name="tz" value={zone} data-local-tz />

/** Longer than any upstream call may take (the HTTP client gives up at 20 s): a reply still `sending` after this never got its answer recorded. */
const SENDING_STALE_MS = 60_000

const ReplyStatus = ({ r }: { r: MentionDetail['replies'][number] }) => {
  const url = safeHttpUrl(r.url)
  if (r.status === 'sent') return url ? <a href={url} rel="noopener noreferrer nofollow" target="_blank">posted ↗</a> : <>posted</>
  if (r.status === 'failed') return <strong class="s-negative">not posted</strong>
  return Date.now() - r.createdAt.getTime() > SENDING_STALE_MS
    ? <strong>no answer recorded: the call did not finish, so check at the source before posting again</strong>
    : <>sending (no answer from the source yet)</>
}

/** The current page with one more query parameter, for links that keep the inbox as it is. */
const withParam = (href: string, key: string, value: string) => `${href}${href.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`

/** A draft the page hands back in the reply form (translated, or not posted), with a word on why. */
export interface Draft {
  text: string
  note: string
}

/** What fills the reply form: a saved reply chosen by link, or a draft handed back. */
type ReplyChoice = { savedReplies: SavedReply[]; chosenReply?: string; draft?: Draft }

/** Public replies at the source, and the form to post one where the source can. */
const Replies = ({ m, session, back, canTriage, canTranslate, savedReplies, chosenReply, draft: given }: { m: MentionDetail; session: WebSession; back: string; canTriage: boolean; canTranslate: boolean } & ReplyChoice) => {
  const last = m.replies.at(-1)
  const limit = findConnector(m.kind)?.reply?.maxGraphemes
  const chosen = savedReplies.find((r) => r.id === chosenReply)
  const draft = given?.text ?? (chosen ? fillSavedReply(chosen.body, m) : last?.status === 'failed' ? last.text : '')
  // Replies are usually drafted in English; an English mention needs no translated draft.
  const translateInto = canTranslate && m.lang !== 'en' && (TRANSLATION_TARGETS as readonly string[]).includes(m.lang) ? languageName(m.lang) : undefined
  return (
    <>
      <h3>Replies at the source</h3>
      {m.replies.length ? (
        <ul class="timeline">
          {m.replies.map((r) => (
            <li><span class="text"><Txt s={r.text} /></span>
              <div class="meta"><Txt s={r.author} /> · <When d={r.createdAt} /> · <ReplyStatus r={r} /></div>
              {r.error ? <div class="hint"><Txt s={r.error} /></div> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {!canTriage ? null : m.replyUnavailable ? (
        <p class="hint"><Txt s={`Replying from here is not available: ${m.replyUnavailable}.`} /></p>
      ) : (
        <form method="post" action={`/app/inbox/${m.id}/replies`} class="stack">
          <CsrfField session={session} />
          <input type="hidden" name="back" value={back} />
          {/* One key per rendered form: a double submit or a resent form posts once. */}
          <input type="hidden" name="key" value={crypto.randomUUID()} />
          {/* A reply someone else sends after this page was read stops this one: the writer never saw it. */}
          <input type="hidden" name="seen" value={seenMark(m.replies)} />
          <label for="reply">Reply publicly as the source's account <kbd>r</kbd>{limit ? <span class="hint"> (at most {limit} characters on {m.kind})</span> : null}</label>
          <textarea id="reply" name="text" required maxlength={REPLY_MAX_CHARS}>{draft}</textarea>
          <div class="actions">
            <button type="submit">Post reply</button>
            {translateInto ? <button type="submit" formaction={`/app/inbox/${m.id}/reply-translation`}>Translate the draft into {translateInto}</button> : null}
          </div>
          {given ? <p class="hint" role="status"><Txt s={given.note} /></p> : null}
          <p class="hint">
            {savedReplies.length ? <>Fill in a saved reply: {inLanguageFirst(savedReplies, m.lang).map((r, i) => <>{i ? ' · ' : ''}<a href={`${withParam(back, 'reply', r.id)}#reply`}><Txt s={r.name} /></a></>)} · </> : null}
            <a href="/app/saved-replies">Manage saved replies</a>
          </p>
        </form>
      )}
    </>
  )
}

/** Machine translations of the text, and the form asking for one where a translator is configured. */
const Translations = ({ m, session, back, canTranslate }: { m: MentionDetail; session: WebSession; back: string; canTranslate: boolean }) => (
  <section aria-label="Translation" id="translation">
    {m.translations.map((t) => (
      <div class="translation">
        <p class="hint">
          Machine translation into {languageName(t.lang)}{t.from ? ` from ${languageName(t.from)}` : ''} ({t.provider}
          {t.truncated ? `; the first ${MAX_TRANSLATED_CHARS.toLocaleString('en')} characters` : ''})
        </p>
        <div lang={t.lang}>
          {t.title ? <p><strong><Txt s={t.title} /></strong></p> : null}
          <p class="text"><Txt s={t.text} /></p>
        </div>
      </div>
    ))}
    {canTranslate && !m.erased ? (
      <form method="post" action={`/app/inbox/${m.id}/translation`} class="actions">
        <CsrfField session={session} />
        <input type="hidden" name="back" value={back} />
        <label class="inline" for="translate-to">Translate into</label>
        <select id="translate-to" name="to">
          {TRANSLATION_TARGETS.filter((l) => l !== m.lang).map((l) => <option value={l} selected={l === 'en'}>{languageName(l)}</option>)}
        </select>
        <button type="submit">Translate</button>
      </form>
    ) : null}
  </section>
)

/** The right-hand pane of the inbox for the selected mention. */
export function Detail({ m, session, back, terms, tickets, alike, savedReplies, chosenReply, draft, canTranslate, timeZone, others }: { m: MentionDetail; session: WebSession; back: string; terms: string[]; tickets: OpenTicket[]; alike: TicketMatch[]; canTranslate: boolean; timeZone: string; others: Present[] } & ReplyChoice) {
  const link = safeHttpUrl(m.url)
  const profile = safeHttpUrl(m.author.profileUrl)
  const canTriage = session.role !== 'viewer'
  const action = `/app/inbox/${m.id}/update`
  return (
    <article class="detail" data-id={m.id} aria-label="Mention">
      <h2><bdi><Highlight text={titleOf(m)} terms={terms} /></bdi></h2>
      <p class="meta">
        <span>
          {profile ? <a href={profile} rel="noopener noreferrer nofollow" target="_blank"><Txt s={authorOf(m)} /></a> : <Txt s={authorOf(m)} />}
          {m.author.handle && m.author.name ? <> (<Txt s={m.author.handle} />)</> : null}
          {m.author.followers != null ? ` · ${m.author.followers} followers` : ''}
        </span>
        <span>{m.kind}{m.platform && m.platform !== m.kind ? ` / ${m.platform}` : ''}</span>
        <When d={m.publishedAt} />
        {m.editedAt ? <span>edited at the source <When d={m.editedAt} /></span> : null}
        <span>lang {m.lang}</span>
        {m.rating != null ? <span>{m.rating}★</span> : null}
        {m.appVersion ? <span>app version <Txt s={m.appVersion} /></span> : null}
        {m.snoozedUntil ? <span>snoozed until <When d={m.snoozedUntil} /></span> : null}
      </p>
      {/* app.js renews the viewer's presence and this line every PRESENCE_BEAT_MS. */}
      <p class="presence" role="status" data-presence={`/app/inbox/${m.id}/presence`} data-beat-ms={PRESENCE_BEAT_MS}>{presenceLine(others)}</p>
      <p class="text"><Highlight text={m.text} terms={terms} /></p>
      <Translations m={m} session={session} back={back} canTranslate={canTranslate} />
      <p>{link ? <a href={link} rel="noopener noreferrer nofollow" target="_blank">Open at the source ↗</a> : <span class="hint">No web link for this mention.</span>}</p>
      <dl class="kv">
        <dt>Customer</dt>
        <dd>{m.customer ? <a href={`/app/customers/${m.customer.id}`}><Txt s={m.customer.name ?? m.customer.email ?? 'customer'} /></a> : 'not linked'}
          {m.customer?.plan ? ` · ${m.customer.plan}` : ''}{m.customer?.value != null ? ` · value ${m.customer.value}` : ''}
          {m.customerMatch ? <span class="hint"> (matched by {m.customerMatch})</span> : null}</dd>
        {canTriage ? (
          <>
            <dt><span class="sr-only">Change customer</span></dt>
            <dd>
              <form method="post" action={`/app/inbox/${m.id}/customer`} class="actions">
                <CsrfField session={session} />
                <input type="hidden" name="back" value={back} />
                <label class="sr-only" for="customer-q">Customer email, CRM id or name</label>
                <input id="customer-q" name="customer" placeholder="email, CRM id or name" size={22} maxlength={300} />
                <button type="submit">Link customer</button>
                {m.customerMatch === 'manual' ? <button type="submit" name="unlink" value="1">Undo manual link</button> : null}
              </form>
            </dd>
          </>
        ) : null}
        <dt>Sentiment</dt>
        <dd><span class={`badge s-${m.sentiment}`}>{m.sentiment}</span>{' '}
          {m.sentimentOverride ? <span class="hint">set by a person; model said {m.model.sentiment.label}</span>
            : <span class="hint">score {m.model.sentiment.score.toFixed(2)}, confidence {m.model.sentiment.confidence.toFixed(2)}</span>}
        </dd>
        <dt>Why</dt>
        <dd><Why m={m} /></dd>
        {m.urgent ? (
          <>
            <dt>Urgent</dt>
            <dd>it says {((m.explanation as { urgency?: string[] }).urgency ?? []).map((cue, i) => <>{i ? ', ' : ''}“<Txt s={cue} />”</>)}</dd>
          </>
        ) : null}
        <dt>Intents</dt>
        <dd>{m.intents.length ? m.intents.map((i) => <span class="badge st">{i.replace('_', ' ')}</span>) : 'none'}
          {m.model.intents.length ? <span class="hint"> (model: {m.model.intents.map((i) => `${i.label}${i.score != null ? ` ${i.score.toFixed(2)}` : ''}`).join(', ')})</span> : null}</dd>
        <dt>Priority</dt>
        <dd>{m.priority.toFixed(2)} <span class="hint">{Object.entries(m.priorityComponents).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(2) : String(v)}`).join(' · ')}</span></dd>
        <dt>Tickets</dt>
        <dd>{m.tickets.length ? m.tickets.map((t) => <><a href={`/app/tickets/${t.id}`}><Txt s={t.title} /></a> <span class="hint">({t.status})</span> </>) : 'none'}</dd>
        {m.duplicates.length ? <><dt>Copies</dt><dd>{m.duplicates.length} near-duplicates grouped here</dd></> : null}
      </dl>

      {canTriage ? (
        <section aria-label="Triage">
          <div class="actions">
            {(['resolved', 'in_progress', 'ignored', 'spam'] as const).map((s) => (
              <form method="post" action={action}>
                <CsrfField session={session} />
                <input type="hidden" name="back" value={back} />
                <input type="hidden" name="status" value={s} />
                <button type="submit" class={s === 'resolved' ? 'primary' : undefined} disabled={m.status === s} data-action={s}>
                  {s === 'resolved' ? 'Resolve (e)' : s === 'in_progress' ? 'In progress' : s === 'ignored' ? 'Ignore' : 'Spam'}
                </button>
              </form>
            ))}
            {m.status !== 'open' && m.status !== 'new' ? (
              <form method="post" action={action}>
                <CsrfField session={session} />
                <input type="hidden" name="back" value={back} />
                <input type="hidden" name="status" value="open" />
                <button type="submit">Reopen</button>
              </form>
            ) : null}
          </div>
          {/* Resolved, ignored and spam mentions owe nothing: there is nothing to put off. */}
          {m.status === 'snoozed' || (OPEN_STATUSES as readonly string[]).includes(m.status) ? (
            <form method="post" action={action} class="actions">
              <CsrfField session={session} />
              <input type="hidden" name="back" value={back} />
              <LocalTimeZoneField zone={timeZone} />
              <label class="inline" for="snooze-for">{m.snoozedUntil ? 'Snooze again' : 'Snooze'}</label>
              <select id="snooze-for" name="snoozeFor">
                {SNOOZE_CHOICES.map(([value, label]) => <option value={value} selected={value === '1d'}>{label}</option>)}
              </select>
              <button type="submit">Snooze</button>
              <span class="hint">out of Needs attention until then, when it reopens</span>
            </form>
          ) : null}
          {tickets.length ? (
            <form method="post" action={`/app/inbox/${m.id}/link`} class="actions">
              <CsrfField session={session} />
              <input type="hidden" name="back" value={back} />
              <label class="inline" for="link-ticket">Link to ticket</label>
              <select id="link-ticket" name="ticketId">
                {tickets.filter((t) => !m.tickets.some((l) => l.id === t.id)).map((t) => <option value={t.id}>{stripBidiControls(t.title)}</option>)}
              </select>
              <button type="submit" id="link-ticket-button">Link</button>
            </form>
          ) : null}
          {alike.length ? (
            <ul class="alike" aria-label="Open tickets like this mention">
              {alike.map((t) => (
                <li>
                  <form method="post" action={`/app/inbox/${m.id}/link`} class="actions">
                    <CsrfField session={session} />
                    <input type="hidden" name="back" value={back} />
                    <input type="hidden" name="ticketId" value={t.id} />
                    <span class="hint">Looks like</span> <a href={`/app/tickets/${t.id}`}><Txt s={t.title} /></a>
                    <span class="hint">({t.status.replace('_', ' ')}, {t.links} linked)</span>
                    <button type="submit">Link to it</button>
                  </form>
                </li>
              ))}
            </ul>
          ) : null}
          <form method="post" action={action} class="actions">
            <CsrfField session={session} />
            <input type="hidden" name="back" value={back} />
            <label class="inline" for="assignee">Assignee <kbd>a</kbd></label>
            <input id="assignee" name="assignee" value={m.assignee ?? ''} size={12} placeholder="nobody" />
            <label class="inline" for="tags">Tags</label>
            <input id="tags" name="tags" value={m.tags.join(', ')} size={16} placeholder="comma, separated" />
            <label class="inline" for="sentiment">Sentiment</label>
            <select id="sentiment" name="sentiment">
              <option value="model" selected={!m.sentimentOverride}>model ({m.model.sentiment.label})</option>
              {SENTIMENT_LABELS.map((s) => <option value={s} selected={m.sentimentOverride === s}>{s}</option>)}
            </select>
            <button type="submit" id="save-triage">Save</button>
          </form>
          <form method="post" action={action} class="actions">
            <CsrfField session={session} />
            <input type="hidden" name="back" value={back} />
            <input type="hidden" name="intentsForm" value="1" />
            <fieldset class="inline-set">
              <legend>Intents</legend>
              {INTENT_LABELS.filter((i) => i !== 'other').map((i) => (
                <label class="inline"><input type="checkbox" name="intents" value={i} checked={m.intents.includes(i)} /> {i.replace('_', ' ')}</label>
              ))}
            </fieldset>
            <button type="submit">Save intents</button>
            {m.intentsOverride ? <button type="submit" name="intentsReset" value="1">Back to the model's</button> : null}
          </form>
        </section>
      ) : null}

      <Replies m={m} session={session} back={back} canTriage={canTriage} canTranslate={canTranslate} savedReplies={savedReplies} chosenReply={chosenReply} draft={draft} />

      <h3>Notes</h3>
      {m.notes.length ? (
        <ul class="timeline">{m.notes.map((n) => <li><span class="text"><Txt s={n.body} /></span><div class="meta"><Txt s={n.author} /> · <When d={n.createdAt} /></div></li>)}</ul>
      ) : <p class="hint">No notes.</p>}
      {canTriage ? (
        <form method="post" action={`/app/inbox/${m.id}/notes`} class="stack">
          <CsrfField session={session} />
          <input type="hidden" name="back" value={back} />
          <label for="note">Add a note <span class="hint">(@dana, the start of a colleague's sign-in e-mail, e-mails it to them)</span></label>
          <textarea id="note" name="body" required maxlength={5000}></textarea>
          <button type="submit">Add note</button>
        </form>
      ) : null}

      <h3>History</h3>
      {m.history.length ? (
        <ul class="timeline">
          {m.history.map((h) => (
            <li>{h.action === 'edited_at_source' ? 'edited by its author at the source' : <>{h.action.replace('_', ' ')} by <Txt s={h.actor} /></>} · <When d={h.at} />
              <div class="hint"><Txt s={Object.entries(h.changes).map(([k, v]) => describeChange(k, v)).join('; ')} /></div>
            </li>
          ))}
        </ul>
      ) : <p class="hint">No changes yet.</p>}
      {canTriage && m.author.handle ? (
        <form method="post" action={`/app/inbox/${m.id}/block-author`} class="inline">
          <CsrfField session={session} />
          <input type="hidden" name="back" value={back} />
          <button type="submit">Block this author</button>
          <span class="hint"> Their mentions on <Txt s={(m.platform ?? m.kind).toLowerCase()} /> go to spam, these and the ones to come (admins unblock in Settings).</span>
        </form>
      ) : null}
      {session.role === 'admin' && m.author.handle ? (
        <details>
          <summary>Erase this author</summary>
          <form method="post" action={`/app/inbox/${m.id}/erase-author`} class="stack">
            <CsrfField session={session} />
            <input type="hidden" name="back" value={back} />
            <p class="hint">
              When <Txt s={m.author.handle} /> asks to be forgotten: everything they said on <Txt s={(m.platform ?? m.kind).toLowerCase()} /> loses
              its text, author, links, notes and replies, for good. What was counted stays.
            </p>
            <label class="inline"><input type="checkbox" name="confirm" value="yes" required /> This cannot be undone</label>
            <div><button type="submit">Erase everything they said</button></div>
          </form>
        </details>
      ) : null}
    </article>
  )
}

function describeChange(key: string, value: unknown): string {
  if (value && typeof value === 'object' && 'to' in value) {
    const { from, to } = value as { from: unknown; to: unknown }
    const show = (x: unknown) => (x === null || x === undefined ? 'none' : Array.isArray(x) ? x.join(', ') || 'none' : String(x))
    return `${key}: ${show(from)} → ${show(to)}`
  }
  return `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`
}
