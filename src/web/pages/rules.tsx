import { Hono, type Context } from 'hono'
import { SETTABLE_STATUSES } from '../../mentions/filter.ts'
import { applyRuleToExisting, createRule, deleteRule, listRules, updateRule } from '../../rules/rules.ts'
import { NewRule, type Rule } from '../../rules/schema.ts'
import { listSources } from '../../sources/find-sources.ts'
import type { WebEnv } from '../env.ts'
import { describeIssues, field, orForm, readForm } from '../form-data.ts'
import { CsrfField, Layout, SwitchAndDelete } from '../layout.tsx'
import { describeFilter, FilterFieldset, filterFromForm } from '../mention-filter-form.tsx'
import { noticeOf } from '../notices.ts'
import { requireWebRole } from '../security.ts'
import { Txt } from '../text.tsx'
import { IdParam } from './params.ts'

type Form = Record<string, string | string[]>

/** What a rule does, in words. */
function doing(action: Rule['action']): string {
  const a = action as { status?: string; assignee?: string | null; assignAmong?: string[]; addTags?: string[]; removeTags?: string[] }
  const parts = [
    a.status ? `mark ${a.status.replace('_', ' ')}` : undefined,
    a.assignee ? `assign to ${a.assignee}` : a.assignee === null ? 'unassign' : undefined,
    a.assignAmong ? `share out among ${a.assignAmong.join(', ')} (whoever has the fewest open)` : undefined,
    a.addTags?.length ? `tag ${a.addTags.join(', ')}` : undefined,
    a.removeTags?.length ? `untag ${a.removeTags.join(', ')}` : undefined,
  ]
  return parts.filter(Boolean).join('; ')
}

/** The form's fields as a rule: the API's schema validates it, so the page and the API accept the same rules. */
function ruleInput(form: Form) {
  const action: Record<string, unknown> = {}
  if (field(form, 'status')) action.status = field(form, 'status')
  const assignees = field(form, 'assignee').split(/\s*,\s*/).filter(Boolean)
  if (assignees.length === 1) action.assignee = assignees[0]
  if (assignees.length > 1) action.assignAmong = assignees
  const tags = field(form, 'addTags').split(/\s*,\s*/).filter(Boolean)
  if (tags.length) action.addTags = tags
  return NewRule.safeParse({ name: field(form, 'name'), filter: filterFromForm(form), action })
}

async function rulesPage(c: Context<WebEnv>, extra?: { form?: Form; error?: string; status?: 200 | 400 }) {
  const { deps, session } = c.var
  const [rules, sources] = await Promise.all([listRules(deps, session.workspaceId), listSources(deps, session.workspaceId, { limit: 200 })])
  const sourceNames = new Map(sources.items.map((s) => [s.id, s.name]))
  const canEdit = session.role !== 'viewer'
  const form = extra?.form ?? {}
  return c.html(
    <Layout title="Rules" session={session} section="rules" notice={noticeOf(c)} error={extra?.error}>
      <h1>Rules</h1>
      <p class="hint">New mentions a rule matches get its action as they come in, in this order, before alerts and webhooks see them. Mentions already stored are left alone unless you apply a rule to them.</p>
      <div class="table-wrap">
        <table>
          <thead><tr><th>Rule</th><th>When a new mention is</th><th>Then</th><th class="num">Applied</th><th>Status</th>{canEdit ? <th></th> : null}</tr></thead>
          <tbody>
            {rules.map((r) => (
              <tr>
                <td><Txt s={r.name} /></td>
                <td><Txt s={describeFilter(r.filter, sourceNames).join(', ') || 'any mention'} /></td>
                <td><Txt s={doing(r.action)} /></td>
                <td class="num">{r.appliedCount}</td>
                <td>{r.enabled ? 'on' : 'paused'}</td>
                {canEdit ? (
                  <td class="actions">
                    <form method="post" action={`/app/rules/${r.id}/apply`} data-confirm="Apply this rule now to the mentions already stored that it matches?">
                      <CsrfField session={session} />
                      <button type="submit">Apply to existing</button>
                    </form>
                    <SwitchAndDelete session={session} base={`/app/rules/${r.id}`} enabled={r.enabled} turnOn="Resume" turnOff="Pause" confirm="Delete this rule? What it did stays." />
                  </td>
                ) : null}
              </tr>
            ))}
            {rules.length === 0 ? <tr><td colspan={canEdit ? 6 : 5} class="hint">No rules yet.</td></tr> : null}
          </tbody>
        </table>
      </div>
      {canEdit ? (
        <>
          <h2>New rule</h2>
          <form method="post" action="/app/rules" class="stack card">
            <CsrfField session={session} />
            <label for="rule-name">Name</label>
            <input id="rule-name" name="name" value={field(form, 'name')} required maxlength={200} size={40} />
            <FilterFieldset form={form} sources={sources.items} idPrefix="rule" />
            <fieldset>
              <legend>Then</legend>
              <label for="rule-status">Set status</label>
              <select id="rule-status" name="status">
                <option value="">keep</option>
                {SETTABLE_STATUSES.map((s) => <option value={s} selected={field(form, 'status') === s}>{s.replace('_', ' ')}</option>)}
              </select>
              <label for="rule-assignee">Assign to <span class="hint">(several names, comma-separated: each mention goes to whoever has the fewest open)</span></label>
              <input id="rule-assignee" name="assignee" value={field(form, 'assignee')} maxlength={1000} size={30} />
              <label for="rule-tags">Add tags <span class="hint">(comma-separated)</span></label>
              <input id="rule-tags" name="addTags" value={field(form, 'addTags')} size={40} />
            </fieldset>
            <div><button class="primary" type="submit">Create rule</button></div>
          </form>
        </>
      ) : null}
    </Layout>,
    extra?.status ?? 200,
  )
}

export const rulesRouter = new Hono<WebEnv>()
  .get('/', (c) => rulesPage(c))
  .post('/', requireWebRole('agent'), async (c) => {
    const form = await readForm(c)
    const input = ruleInput(form)
    if (!input.success) return rulesPage(c, { form, error: describeIssues(input.error), status: 400 })
    const created = await orForm(() => createRule(c.var.deps, c.var.session.workspaceId, input.data), (error) => rulesPage(c, { form, error, status: 400 }))
    if (created instanceof Response) return created
    return c.redirect('/app/rules?notice=rule-created', 303)
  })
  .post('/:id/enabled', requireWebRole('agent'), async (c) => {
    const form = await readForm(c)
    await updateRule(c.var.deps, c.var.session.workspaceId, IdParam.parse(c.req.param('id')), { enabled: field(form, 'enabled') === 'true' })
    return c.redirect('/app/rules?notice=rule-saved', 303)
  })
  .post('/:id/apply', requireWebRole('agent'), async (c) => {
    await applyRuleToExisting(c.var.deps, c.var.session.workspaceId, IdParam.parse(c.req.param('id')))
    return c.redirect('/app/rules?notice=rule-applied', 303)
  })
  .post('/:id/delete', requireWebRole('agent'), async (c) => {
    await deleteRule(c.var.deps, c.var.session.workspaceId, IdParam.parse(c.req.param('id')))
    return c.redirect('/app/rules?notice=rule-deleted', 303)
  })
