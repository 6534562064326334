import { languageName, TRANSLATION_TARGETS } from '../../translate/translator.ts'
import { Hono, type Context } from 'hono'
import { createApiKey, deleteApiKey, listApiKeys, NewApiKey } from '../../auth/api-keys.ts'
import { ROLES } from '../../auth/keys.ts'
import { badRequest } from '../../errors.ts'
import { deleteConnection, findConnection, saveConnection } from '../../sso/connections.ts'
import { listMembers, updateMember } from '../../sso/members.ts'
import { MemberPatch, SsoInput } from '../../sso/schema.ts'
import { SettingsPatch, updateWorkspaceSettings, workspaceSettings } from '../../workspaces/settings.ts'
import { retentionPreview } from '../../workspaces/retention.ts'
import { listBlockedAuthors, unblockAuthor } from '../../mentions/spam-filter.ts'
import type { WebEnv } from '../env.ts'
import { describeIssues, field, lines, orForm, readForm } from '../form-data.ts'
import { CsrfField, Layout } from '../layout.tsx'
import { noticeOf } from '../notices.ts'
import { requestOrigin } from '../request-origin.ts'
import { requireWebRole } from '../security.ts'
import { Txt, When } from '../text.tsx'
import { IdParam } from './params.ts'

type Form = Record<string, string | string[]>

const workspaceOf = (c: Context<WebEnv>) => ({ id: c.var.session.workspaceId, name: c.var.session.workspaceName })

const SPAM_CHOICES: [number | null, string][] = [
  [0.9, 'when signals agree (0.9, the default: few false alarms)'],
  [0.8, 'when one signal is strong (0.8)'],
  [0.7, 'readily (0.7: check the spam view now and then)'],
  [null, 'never by score: only blocked authors'],
]

/** The select's value: a number, `off`, or nothing when the form had no such field (then the setting stays). */
const spamThresholdOf = (v: string) => (v === 'off' ? null : v ? Number(v) : undefined)

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

/** The workspace's settings, its single sign-on, and the people who signed in with it. */
async function settingsPage(c: Context<WebEnv>, extra?: { form?: Form; error?: string; status?: 200 | 400; created?: { name: string; key: string } }) {
  const { deps, session } = c.var
  const [settings, conn, members, keys, blocked] = await Promise.all([
    workspaceSettings(deps.sql, session.workspaceId),
    findConnection(deps, workspaceOf(c), requestOrigin(c)),
    listMembers(deps, session.workspaceId),
    listApiKeys(deps, session.workspaceId),
    listBlockedAuthors(deps.sql, session.workspaceId),
  ])
  // With a retention set, what still waits to be erased under it (a backlog drains 1,000 of each kind a tick).
  const waiting = settings.retentionDays === null ? undefined : await retentionPreview(deps.sql, session.workspaceId, settings.retentionDays, deps.clock())
  const form = extra?.form
  const value = (name: string, saved: string | undefined) => (form ? field(form, name) : saved ?? '')
  const role = value('defaultRole', conn?.defaultRole) || 'viewer'
  return c.html(
    <Layout title="Settings" session={session} section="settings" notice={noticeOf(c)} error={extra?.error}>
      <h1>Settings</h1>
      <h2>Workspace</h2>
      <form method="post" action="/app/settings/workspace" class="stack card">
        <CsrfField session={session} />
        <label class="inline">
          <input type="checkbox" name="redactPii" value="true" checked={settings.redactPii} /> Redact personal data in stored text
          <span class="hint">— e-mail addresses, phone, card and IBAN numbers; new surveys start with the same choice</span>
        </label>
        <label for="time-zone">Time zone <span class="hint">(IANA, e.g. Europe/Oslo; the days of reports and charts, and the digest's day and hour, are read there)</span></label>
        <input id="time-zone" name="timeZone" value={settings.timeZone} size={24} list="time-zones" />
        <datalist id="time-zones">{['UTC', ...Intl.supportedValuesOf('timeZone')].map((tz) => <option value={tz} />)}</datalist>
        <label for="digest-hour">Daily digest hour <span class="hint">(for webhooks subscribed to digest.daily and the addresses below)</span></label>
        <select id="digest-hour" name="digestHour">
          {Array.from({ length: 24 }, (_, h) => <option value={String(h)} selected={h === settings.digestHour}>{`${String(h).padStart(2, '0')}:00`}</option>)}
        </select>
        <label for="digest-emails">Daily digest by e-mail to <span class="hint">(one address per line; {c.var.deps.mail ? 'up to 20' : 'needs EARSHOT_SMTP_URL on the server'})</span></label>
        <textarea id="digest-emails" name="digestEmails" rows={3}>{settings.digestEmails.join('\n')}</textarea>
        <label for="digest-weekday">Weekly digest on <span class="hint">(at the digest hour, the seven days before; for webhooks subscribed to digest.weekly and the addresses below)</span></label>
        <select id="digest-weekday" name="digestWeekday">
          {WEEKDAYS.map((name, i) => <option value={String(i + 1)} selected={i + 1 === settings.digestWeekday}>{name}</option>)}
        </select>
        <label for="weekly-digest-emails">Weekly digest by e-mail to <span class="hint">(one address per line; {c.var.deps.mail ? 'up to 20' : 'needs EARSHOT_SMTP_URL on the server'})</span></label>
        <textarea id="weekly-digest-emails" name="weeklyDigestEmails" rows={3}>{settings.weeklyDigestEmails.join('\n')}</textarea>
        <label class="inline">
          <input type="checkbox" name="assignmentEmails" value="true" checked={settings.assignmentEmails} /> E-mail members the mentions others assign to them
          <span class="hint">— members who sign in with single sign-on, at most one message a minute each; {c.var.deps.mail ? 'assigning to oneself tells nobody' : 'needs EARSHOT_SMTP_URL on the server'}</span>
        </label>
        <label for="spam-threshold">Send to spam <span class="hint">(new mentions whose spam score reaches this: links, promotional phrases, tag stuffing, gibberish, one text from many authors; blocked authors' always)</span></label>
        <select id="spam-threshold" name="spamThreshold">
          {[...SPAM_CHOICES, ...(SPAM_CHOICES.some(([v]) => v === settings.spamThreshold) ? [] : [[settings.spamThreshold, `from ${settings.spamThreshold} (set through the API)`] as const])].map(([v, label]) => <option value={v === null ? 'off' : String(v)} selected={settings.spamThreshold === v}>{label}</option>)}
        </select>
        <label for="translate-into">Translate new mentions into <span class="hint">({c.var.deps.translator ? 'as they come in, those in other languages, up to 20 a minute' : 'needs EARSHOT_LIBRETRANSLATE_URL or EARSHOT_DEEPL_KEY on the server'})</span></label>
        <select id="translate-into" name="translateInto">
          <option value="" selected={settings.translateInto === null}>no: translate on request</option>
          {TRANSLATION_TARGETS.map((l) => <option value={l} selected={settings.translateInto === l}>{languageName(l)}</option>)}
        </select>
        <label for="retention-days">Keep personal data for <span class="hint">(days, 7–3650; empty keeps it. Older mentions, survey answers and invitations lose their text, author, e-mail and links, keep what was counted, and their notes, replies and translations are deleted)</span></label>
        <input id="retention-days" name="retentionDays" type="number" min={7} max={3650} value={settings.retentionDays === null ? '' : String(settings.retentionDays)} size={6} />
        {waiting ? (
          <p class="hint" id="retention-waiting">
            Older than {settings.retentionDays} days and not yet erased: {waiting.mentions} mentions, {waiting.surveyResponses} survey answers,{' '}
            {waiting.surveyInvitations} invitations{waiting.mentions + waiting.surveyResponses + waiting.surveyInvitations ? ' (erased on the next ticks)' : ''}.
          </p>
        ) : null}
        <div><button class="primary" type="submit">Save settings</button></div>
      </form>
      <h2>Blocked authors</h2>
      {blocked.length ? (
        <table>
          <thead><tr><th>Author</th><th>On</th><th>Blocked by</th><th>Since</th><th></th></tr></thead>
          <tbody>
            {blocked.map((b) => (
              <tr>
                <td><Txt s={b.handle} /></td>
                <td><Txt s={b.platform} /></td>
                <td><Txt s={b.blockedBy} /></td>
                <td><When d={b.createdAt} /></td>
                <td>
                  <form method="post" action={`/app/settings/blocked/${b.id}/delete`}>
                    <CsrfField session={session} />
                    <button type="submit">Unblock</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p class="hint">Nobody. Block an author from a mention of theirs in the inbox: their mentions go to spam.</p>}
      <h2>Single sign-on</h2>
      <p class="hint">
        People sign in through your OpenID Connect provider instead of pasting an API key. Register{' '}
        <code>{requestOrigin(c)}/app/sso/callback</code> as the redirect URI of a confidential web client there.
        {conn ? <> They start at <a href={conn.signInUrl}><Txt s={conn.signInUrl} /></a> or from the sign-in page.</> : null}
      </p>
      <form method="post" action="/app/settings/sso" class="stack card">
        <CsrfField session={session} />
        <label for="sso-issuer">Issuer <span class="hint">(https; its /.well-known/openid-configuration is checked)</span></label>
        <input id="sso-issuer" name="issuer" type="url" value={value('issuer', conn?.issuer)} required maxlength={500} size={60} />
        <label for="sso-client">Client ID</label>
        <input id="sso-client" name="clientId" value={value('clientId', conn?.clientId)} required maxlength={500} size={40} />
        <label for="sso-secret">Client secret <span class="hint">{conn ? '(stored encrypted; leave empty to keep it)' : '(stored encrypted, never shown again)'}</span></label>
        <input id="sso-secret" name="clientSecret" type="password" autocomplete="off" required={!conn} maxlength={2000} size={40} />
        <label for="sso-domains">Allowed e-mail domains <span class="hint">(comma-separated; empty lets in anyone the provider verifies)</span></label>
        <input id="sso-domains" name="allowedDomains" value={value('allowedDomains', conn?.allowedDomains.join(', '))} size={40} />
        <label for="sso-role">Role of a first sign-in</label>
        <select id="sso-role" name="defaultRole">{ROLES.map((r) => <option selected={r === role}>{r}</option>)}</select>
        <fieldset>
          <legend>Roles from the provider <span class="hint">(optional: then every sign-in sets the role; the highest match wins)</span></legend>
          <label for="sso-claim">Claim</label>
          <input id="sso-claim" name="roleClaim" value={value('roleClaim', conn?.roleClaim) || 'groups'} maxlength={100} size={20} />
          {(['admin', 'agent', 'viewer'] as const).map((r) => (
            <>
              <label for={`sso-map-${r}`}>Values granting {r} <span class="hint">(comma-separated)</span></label>
              <input id={`sso-map-${r}`} name={`map-${r}`} value={value(`map-${r}`, conn?.roleMapping?.[r]?.join(', '))} size={40} />
            </>
          ))}
        </fieldset>
        <label class="inline"><input type="checkbox" name="enabled" value="true" checked={form ? field(form, 'enabled') === 'true' : conn?.enabled ?? true} /> On</label>
        <div><button class="primary" type="submit">Save single sign-on</button></div>
      </form>
      {conn ? (
        <form method="post" action="/app/settings/sso/delete" data-confirm="Turn single sign-on off? Everyone signed in with it is signed out.">
          <CsrfField session={session} />
          <button type="submit" class="danger">Turn off and remove</button>
        </form>
      ) : null}
      <h2>Members</h2>
      <div class="table-wrap">
        <table>
          <thead><tr><th>E-mail</th><th>Name</th><th>Role</th><th>Last signed in</th><th></th></tr></thead>
          <tbody>
            {members.map((m) => (
              <tr>
                <td><Txt s={m.email} />{m.disabled ? <span class="badge s-negative">turned away</span> : null}</td>
                <td><Txt s={m.name ?? ''} /></td>
                <td>
                  <form method="post" action={`/app/settings/members/${m.id}`} class="filters">
                    <CsrfField session={session} />
                    <label class="sr-only" for={`role-${m.id}`}>Role of {m.email}</label>
                    <select id={`role-${m.id}`} name="role">{ROLES.map((r) => <option selected={r === m.role}>{r}</option>)}</select>
                    <button type="submit">Save</button>
                  </form>
                </td>
                <td><When d={m.lastSignedIn} /></td>
                <td class="actions">
                  <form method="post" action={`/app/settings/members/${m.id}`}>
                    <CsrfField session={session} />
                    <input type="hidden" name="disabled" value={m.disabled ? 'false' : 'true'} />
                    <button type="submit">{m.disabled ? 'Let back in' : 'Turn away'}</button>
                  </form>
                </td>
              </tr>
            ))}
            {members.length === 0 ? <tr><td colspan={5} class="hint">No one has signed in with single sign-on yet.</td></tr> : null}
          </tbody>
        </table>
      </div>
      <h2>API keys</h2>
      {extra?.created ? (
        <section class="card" aria-label="New API key">
          <p class="notice" role="status">Key <Txt s={extra.created.name} /> created. Copy it now: it is not shown again.</p>
          <p><code>{extra.created.key}</code></p>
        </section>
      ) : null}
      <div class="table-wrap">
        <table>
          <thead><tr><th>Name</th><th>Role</th><th>Key</th><th>Created</th><th>Last used</th><th></th></tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr>
                <td><Txt s={k.name} /></td>
                <td>{k.role}</td>
                <td><code>{k.prefix}…</code></td>
                <td><When d={k.createdAt} /></td>
                <td>{k.lastUsedAt ? <When d={k.lastUsedAt} /> : 'never'}</td>
                <td class="actions">
                  <form method="post" action={`/app/settings/keys/${k.id}/delete`} data-confirm="Revoke this key? Everything using it stops working, browser sessions signed in with it included.">
                    <CsrfField session={session} />
                    <button type="submit" class="danger">Revoke</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form method="post" action="/app/settings/keys" class="filters">
        <CsrfField session={session} />
        <div>
          <label for="key-name">Name</label>
          <input id="key-name" name="name" required maxlength={200} size={24} />
        </div>
        <div>
          <label for="key-role">Role</label>
          <select id="key-role" name="role">{ROLES.map((r) => <option selected={r === 'agent'}>{r}</option>)}</select>
        </div>
        <div><button type="submit">Create key</button></div>
      </form>
    </Layout>,
    extra?.status ?? 200,
  )
}

export const settingsRouter = new Hono<WebEnv>()
  .use(requireWebRole('admin'))
  .get('/', (c) => settingsPage(c))
  .post('/workspace', async (c) => {
    const form = await readForm(c)
    const patch = SettingsPatch.safeParse({
      redactPii: field(form, 'redactPii') === 'true',
      timeZone: field(form, 'timeZone').trim() || 'UTC',
      digestHour: Number(field(form, 'digestHour')),
      digestEmails: lines(field(form, 'digestEmails')),
      digestWeekday: Number(field(form, 'digestWeekday') || 1),
      weeklyDigestEmails: lines(field(form, 'weeklyDigestEmails')),
      translateInto: field(form, 'translateInto') || null,
      retentionDays: field(form, 'retentionDays').trim() ? Number(field(form, 'retentionDays')) : null,
      assignmentEmails: field(form, 'assignmentEmails') === 'true',
      spamThreshold: spamThresholdOf(field(form, 'spamThreshold')),
    })
    if (!patch.success) throw badRequest(describeIssues(patch.error))
    await updateWorkspaceSettings(c.var.deps.sql, c.var.session.workspaceId, patch.data)
    return c.redirect('/app/settings?notice=settings-saved', 303)
  })
  .post('/blocked/:id/delete', async (c) => {
    await unblockAuthor(c.var.deps.sql, c.var.session.workspaceId, IdParam.parse(c.req.param('id')))
    return c.redirect('/app/settings?notice=author-unblocked', 303)
  })
  .post('/sso', async (c) => {
    const form = await readForm(c)
    const list = (name: string) => field(form, name).split(/\s*,\s*/).filter(Boolean)
    const domains = list('allowedDomains')
    const mapping = Object.fromEntries((['admin', 'agent', 'viewer'] as const).flatMap((r) => (list(`map-${r}`).length ? [[r, list(`map-${r}`)]] : [])))
    const input = SsoInput.safeParse({
      issuer: field(form, 'issuer'),
      clientId: field(form, 'clientId'),
      clientSecret: field(form, 'clientSecret') || undefined,
      allowedDomains: domains,
      defaultRole: field(form, 'defaultRole') || undefined,
      roleClaim: field(form, 'roleClaim') || undefined,
      roleMapping: Object.keys(mapping).length ? mapping : null,
      enabled: field(form, 'enabled') === 'true',
    })
    if (!input.success) return settingsPage(c, { form, error: describeIssues(input.error), status: 400 })
    const saved = await orForm(() => saveConnection(c.var.deps, workspaceOf(c), input.data, requestOrigin(c)), (error) => settingsPage(c, { form, error, status: 400 }))
    if (saved instanceof Response) return saved
    return c.redirect('/app/settings?notice=sso-saved', 303)
  })
  .post('/sso/delete', async (c) => {
    await deleteConnection(c.var.deps, c.var.session.workspaceId)
    return c.redirect('/app/settings?notice=sso-deleted', 303)
  })
  .post('/keys', async (c) => {
    const form = await readForm(c)
    const input = NewApiKey.safeParse({ name: field(form, 'name'), role: field(form, 'role') })
    if (!input.success) return settingsPage(c, { error: describeIssues(input.error), status: 400 })
    const created = await createApiKey(c.var.deps, c.var.session.workspaceId, input.data)
    // Shown in this response only: a redirect would have to carry the key in a URL.
    return settingsPage(c, { created: { name: created.name, key: created.key } })
  })
  .post('/keys/:id/delete', async (c) => {
    await deleteApiKey(c.var.deps, c.var.session.workspaceId, IdParam.parse(c.req.param('id')))
    return c.redirect('/app/settings?notice=key-revoked', 303)
  })
  .post('/members/:id', async (c) => {
    const form = await readForm(c)
    const patch = MemberPatch.safeParse({
      role: field(form, 'role') || undefined,
      disabled: field(form, 'disabled') ? field(form, 'disabled') === 'true' : undefined,
    })
    if (!patch.success) throw badRequest(describeIssues(patch.error))
    await updateMember(c.var.deps, c.var.session.workspaceId, IdParam.parse(c.req.param('id')), patch.data)
    return c.redirect('/app/settings?notice=member-saved', 303)
  })
