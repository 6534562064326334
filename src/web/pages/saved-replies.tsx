// Saved replies: the team's recurring answers, kept here and filled into the
// inbox's reply form for one mention at a time.
import { Hono, type Context } from 'hono'
import { createSavedReply, deleteSavedReply, listSavedReplies, SavedReplyInput, SavedReplyPatch, updateSavedReply } from '../../mentions/saved-replies.ts'
import type { WebEnv } from '../env.ts'
import { describeIssues, field, orForm, readForm } from '../form-data.ts'
import { CsrfField, Layout } from '../layout.tsx'
import { noticeOf } from '../notices.ts'
import { requireWebRole } from '../security.ts'
import { Txt } from '../text.tsx'
import { IdParam } from './params.ts'

type Form = Record<string, string | string[]>

const ReplyFields = ({ form, idPrefix }: { form: Form; idPrefix: string }) => (
  <>
    <label for={`${idPrefix}-name`}>Name</label>
    <input id={`${idPrefix}-name`} name="name" value={field(form, 'name')} required maxlength={100} size={40} />
    <label for={`${idPrefix}-body`}>Text <span class="hint">({'{{name}}'}, {'{{author}}'} and {'{{source}}'} are filled in from the mention)</span></label>
    <textarea id={`${idPrefix}-body`} name="body" required maxlength={5000}>{field(form, 'body')}</textarea>
  </>
)

async function savedRepliesPage(c: Context<WebEnv>, extra?: { form?: Form; error?: string; status?: 200 | 400 }) {
  const { deps, session } = c.var
  const replies = await listSavedReplies(deps, session.workspaceId)
  const canEdit = session.role !== 'viewer'
  return c.html(
    <Layout title="Saved replies" session={session} section="inbox" notice={noticeOf(c)} error={extra?.error}>
      <h1>Saved replies</h1>
      <p class="hint">Answers the team keeps giving. In the inbox, pick one under a mention's reply form: it is filled in for that mention, and you edit it before posting. Nothing is posted on its own.</p>
      {replies.length === 0 ? <p class="hint">No saved replies yet.</p> : null}
      {replies.map((r) => (
        <section class="card">
          <h2><Txt s={r.name} /></h2>
          <p class="text"><Txt s={r.body} /></p>
          <p class="hint">by <Txt s={r.createdBy} /></p>
          {canEdit ? (
            <details>
              <summary>Edit</summary>
              <form method="post" action={`/app/saved-replies/${r.id}`} class="stack">
                <CsrfField session={session} />
                <ReplyFields form={{ name: r.name, body: r.body }} idPrefix={`r-${r.id}`} />
                <div><button type="submit">Save</button></div>
              </form>
              <form method="post" action={`/app/saved-replies/${r.id}/delete`} data-confirm="Delete this saved reply?">
                <CsrfField session={session} />
                <button type="submit" class="danger">Delete</button>
              </form>
            </details>
          ) : null}
        </section>
      ))}
      {canEdit ? (
        <>
          <h2>New saved reply</h2>
          <form method="post" action="/app/saved-replies" class="stack card">
            <CsrfField session={session} />
            <ReplyFields form={extra?.form ?? {}} idPrefix="new" />
            <div><button class="primary" type="submit">Save reply</button></div>
          </form>
        </>
      ) : null}
    </Layout>,
    extra?.status ?? 200,
  )
}

export const savedRepliesRouter = new Hono<WebEnv>()
  .get('/', (c) => savedRepliesPage(c))
  .post('/', requireWebRole('agent'), async (c) => {
    const form = await readForm(c)
    const input = SavedReplyInput.safeParse({ name: field(form, 'name'), body: field(form, 'body') })
    if (!input.success) return savedRepliesPage(c, { form, error: describeIssues(input.error), status: 400 })
    const created = await orForm(() => createSavedReply(c.var.deps, c.var.session.workspaceId, input.data, c.var.session.actor), (error) => savedRepliesPage(c, { form, error, status: 400 }))
    if (created instanceof Response) return created
    return c.redirect('/app/saved-replies?notice=saved-reply-saved', 303)
  })
  .post('/:id', requireWebRole('agent'), async (c) => {
    const form = await readForm(c)
    const patch = SavedReplyPatch.safeParse({ name: field(form, 'name'), body: field(form, 'body') })
    if (!patch.success) return savedRepliesPage(c, { error: describeIssues(patch.error), status: 400 })
    const id = IdParam.parse(c.req.param('id'))
    const saved = await orForm(() => updateSavedReply(c.var.deps, c.var.session.workspaceId, id, patch.data), (error) => savedRepliesPage(c, { error, status: 400 }))
    if (saved instanceof Response) return saved
    return c.redirect('/app/saved-replies?notice=saved-reply-saved', 303)
  })
  .post('/:id/delete', requireWebRole('agent'), async (c) => {
    await deleteSavedReply(c.var.deps, c.var.session.workspaceId, IdParam.parse(c.req.param('id')))
    return c.redirect('/app/saved-replies?notice=saved-reply-deleted', 303)
  })
