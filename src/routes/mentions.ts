import { createRoute, z } from '@hono/zod-openapi'
import type { TypedResponse } from 'hono'
import type { JSONParsed } from 'hono/utils/types'
import { AuditRecordSchema } from '../audit/schema.ts'
import { requireRole } from '../auth/middleware.ts'
import { createRouter, ErrorSchema, errorResponses, IdParam, jsonBody, jsonResponse } from '../http/types.ts'
import { PageQuery } from '../http/pagination.ts'
import { getMention, getMentionHistory, loadMention } from '../mentions/detail.ts'
import { exportMentionsCsv, exportName } from '../mentions/export.ts'
import { csvDownload } from '../reports/csv.ts'
import { MentionFilter, pinTimeBounds } from '../mentions/filter.ts'
import { listMentionsJson, MENTION_SORTS } from '../mentions/list.ts'
import { TIME_GRAIN_MS } from '../mentions/page-cache.ts'
import { MentionSchema } from '../mentions/shape.ts'
import { ReplyInput, ReplySchema, sendReply, listReplies } from '../mentions/replies.ts'
import { notePresence, PresenceInput, PresentSchema } from '../mentions/presence.ts'
import { SimilarTicket } from '../tickets/schema.ts'
import { ticketsLike } from '../tickets/similar-tickets.ts'
import { mentionStats } from '../mentions/stats.ts'
import { translateStored, TranslationInput, TranslationSchema } from '../translate/stored.ts'
import { translationResponses } from './translate.ts'
import { addNote, BulkInput, bulkUpdateMentions, linkMentionCustomer, MentionPatch, patchMention, unlinkMentionCustomer } from '../mentions/update.ts'

const ListQuery = MentionFilter.extend({ ...PageQuery.shape, sort: z.enum(MENTION_SORTS).default('priority') })
const MentionPage = z.object({ items: z.array(MentionSchema), nextCursor: z.string().nullable() })
const Note = z.object({ id: z.uuid(), author: z.string(), body: z.string(), createdAt: z.date() }).openapi('MentionNote')
const MentionDetailSchema = MentionSchema.extend({
  customer: z
    .object({ id: z.uuid(), name: z.string().nullable(), email: z.string().nullable(), company: z.string().nullable(), plan: z.string().nullable(), value: z.number().nullable() })
    .nullable(),
  tickets: z.array(z.object({ id: z.uuid(), title: z.string(), status: z.string(), linkId: z.uuid() })),
  notes: z.array(Note),
  replies: z.array(ReplySchema),
  translations: z.array(TranslationSchema),
  replyUnavailable: z.string().nullable().openapi({ description: 'Why a reply cannot be posted from earshot (source kind, missing credentials, erased), or null' }),
  history: z.array(AuditRecordSchema),
  duplicates: z.array(z.object({ id: z.uuid(), sourceId: z.uuid(), url: z.string().nullable(), publishedAt: z.date() })),
  priorityComponents: z.record(z.string(), z.unknown()),
  explanation: z.record(z.string(), z.unknown()),
}).openapi('MentionDetail')
const Stats = z
  .object({
    total: z.number().int(),
    byStatus: z.record(z.string(), z.number().int()),
    bySentiment: z.record(z.string(), z.number().int()),
    bySource: z.array(z.object({ sourceId: z.uuid(), name: z.string(), kind: z.string(), count: z.number().int() })),
  })
  .openapi('MentionStats')

const actorOf = (c: { var: { principal: { keyId: string } } }) => ({ keyId: c.var.principal.keyId })

export const mentionsRouter = createRouter()
  .openapi(
    createRoute({
      method: 'get', path: '/', tags: ['Mentions'], summary: 'The inbox: filter, search, sort (priority | newest), cursor pages',
      request: { query: ListQuery },
      responses: { 200: jsonResponse('A page of mentions', MentionPage), ...errorResponses },
    }),
    async (c) => {
      const { cursor, limit, sort, ...query } = c.req.valid('query')
      const { deps, inbox, principal } = c.var
      const filter = pinTimeBounds(query, deps.clock(), TIME_GRAIN_MS)
      const key = JSON.stringify([filter, sort, cursor ?? null, limit])
      const page = await inbox.get(principal.workspaceId, key, () => listMentionsJson(deps, principal.workspaceId, { filter, sort, cursor, limit }))
      // JSON text built by PostgreSQL (see listMentionsJson): the document MentionPage describes, not re-serialised here.
      return c.body(page, 200, { 'content-type': 'application/json' }) as unknown as TypedResponse<JSONParsed<z.infer<typeof MentionPage>>, 200, 'json'>
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/stats', tags: ['Mentions'], summary: 'Counts by status, sentiment and source for a filter',
      request: { query: MentionFilter },
      responses: { 200: jsonResponse('Counts', Stats), ...errorResponses },
    }),
    async (c) => c.json(await mentionStats(c.var.deps, c.var.principal.workspaceId, c.req.valid('query'), c.var.inbox), 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/export', tags: ['Mentions'],
      summary: 'Every mention a filter matches as CSV (copies included, with the mention they repeat), streamed',
      request: { query: MentionFilter.extend({ sort: z.enum(MENTION_SORTS).default('newest') }) },
      responses: { 200: { description: 'RFC 4180 CSV, UTF-8 with a BOM', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
    }),
    (c) => {
      const { sort, ...filter } = c.req.valid('query')
      const { deps, principal } = c.var
      return c.body(exportMentionsCsv(deps, principal.workspaceId, filter, sort), 200, csvDownload(exportName(deps.clock())))
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/bulk', tags: ['Mentions'], summary: 'Apply status / assignee / tags to listed ids or to everything a filter matches',
      middleware: [requireRole('agent')] as const,
      request: { body: jsonBody(BulkInput) },
      responses: { 200: jsonResponse('How many matched and changed', z.object({ matched: z.number().int(), updated: z.number().int() })), ...errorResponses },
    }),
    async (c) => c.json(await bulkUpdateMentions(c.var.deps, c.var.principal.workspaceId, c.req.valid('json'), actorOf(c)), 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}', tags: ['Mentions'], summary: 'A mention with its customer, tickets, notes, history and grouped copies',
      request: { params: IdParam },
      responses: { 200: jsonResponse('The mention', MentionDetailSchema), ...errorResponses },
    }),
    async (c) => c.json(await getMention(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch', path: '/{id}', tags: ['Mentions'], summary: 'Triage: status, assignee, tags, sentiment / intent override',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam, body: jsonBody(MentionPatch) },
      responses: { 200: jsonResponse('The updated mention', MentionSchema), ...errorResponses },
    }),
    async (c) => c.json(await patchMention(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json'), actorOf(c)), 200),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}/history', tags: ['Mentions'], summary: 'Every change to a mention: who, when, what',
      request: { params: IdParam },
      responses: { 200: jsonResponse('Audit entries, oldest first', z.object({ items: z.array(AuditRecordSchema) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await getMentionHistory(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post', path: '/{id}/notes', tags: ['Mentions'], summary: 'Add an internal note',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam, body: jsonBody(z.strictObject({ body: z.string().trim().min(1).max(10_000) })) },
      responses: {
        201: jsonResponse(
          'The note, and the colleagues it names (`@dana`: the only member whose e-mail starts `dana@`, or `@dana@acme.com`) who are told by e-mail',
          Note.extend({ notifies: z.array(z.object({ email: z.string(), name: z.string().nullable() })) }),
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await addNote(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json').body, actorOf(c)), 201),
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}/replies', tags: ['Mentions'], summary: 'Replies posted to a mention at its source, oldest first',
      request: { params: IdParam },
      responses: { 200: jsonResponse('Replies', z.object({ items: z.array(ReplySchema) })), ...errorResponses },
    }),
    async (c) => {
      const { deps, principal } = c.var
      const { id } = c.req.valid('param')
      await loadMention(deps.sql, principal.workspaceId, id)
      return c.json({ items: await listReplies(deps.sql, principal.workspaceId, id) }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/{id}/replies', tags: ['Mentions'],
      summary: 'Reply publicly at the source (GitHub, Mastodon, Discourse, Bluesky), under the source’s account',
      description: 'Not retried: an upstream failure answers 502 and is kept as a `failed` reply. Send `Idempotency-Key` to make a retried request safe: a repeat answers 200 with the first attempt. Send `unlessRepliedSince` (when you read the mention) so that a colleague’s reply in the meantime stops yours.',
      middleware: [requireRole('agent')] as const,
      request: {
        params: IdParam,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: jsonBody(ReplyInput),
      },
      responses: {
        201: jsonResponse('Posted', ReplySchema),
        200: jsonResponse('A repeat of an Idempotency-Key: the first attempt, not posted again', ReplySchema),
        ...errorResponses,
        409: jsonResponse('This mention cannot be answered from earshot (the message says why), or `already_replied`: someone replied after `unlessRepliedSince` (`details.replies`)', ErrorSchema),
        502: jsonResponse('The source refused or did not answer; the attempt is kept as a failed reply', ErrorSchema),
      },
    }),
    async (c) => {
      const { deps, principal } = c.var
      const key = c.req.valid('header')['idempotency-key']
      const { text, unlessRepliedSince } = c.req.valid('json')
      const { reply, repeated } = await sendReply(deps, principal.workspaceId, c.req.valid('param').id, text, actorOf(c), { idempotencyKey: key, unlessRepliedSince })
      return repeated ? c.json(reply, 200) : c.json(reply, 201)
    },
  )
  .openapi(
    createRoute({
      method: 'get', path: '/{id}/similar-tickets', tags: ['Mentions'],
      summary: 'Open tickets this mention is like, to link it to: up to 3, most alike first',
      description: 'Each open ticket (open, planned, in progress) not yet linked to the mention is read as its title, description and latest linked mentions, and compared with the mention by TF-IDF cosine; below 0.15 a ticket is not offered.',
      request: { params: IdParam },
      responses: { 200: jsonResponse('Tickets like it', z.object({ items: z.array(SimilarTicket) })), ...errorResponses },
    }),
    async (c) => c.json({ items: await ticketsLike(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id) }, 200),
  )
  .openapi(
    createRoute({
      method: 'post', path: '/{id}/presence', tags: ['Mentions'],
      summary: 'Say you have the mention open (and whether you are writing a reply); answers who else has',
      description: 'A client showing a mention renews this every 15 s; after 40 s without it a person has left. `gone` leaves at once. The web inbox does this itself.',
      request: { params: IdParam, body: jsonBody(PresenceInput) },
      responses: { 200: jsonResponse('Who else has it open, those writing a reply first', z.object({ others: z.array(PresentSchema) })), ...errorResponses },
    }),
    async (c) => {
      const { deps, principal } = c.var
      return c.json({ others: await notePresence(deps.sql, principal.workspaceId, c.req.valid('param').id, actorOf(c), c.req.valid('json')) }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/{id}/translation', tags: ['Mentions'],
      summary: 'Translate the title and text (LibreTranslate or DeepL, as configured); kept, so asking again costs no call',
      description: 'Any role may ask. 409 `translation_not_configured` when neither EARSHOT_LIBRETRANSLATE_URL nor EARSHOT_DEEPL_KEY is set; 502 when the translator fails (with `details.retryAt` when it rate-limited).',
      request: { params: IdParam, body: jsonBody(TranslationInput) },
      responses: translationResponses('text'),
    }),
    async (c) => {
      const { deps, principal } = c.var
      const { translation, cached } = await translateStored(deps, principal.workspaceId, { kind: 'mention', id: c.req.valid('param').id }, c.req.valid('json').to)
      return cached ? c.json(translation, 200) : c.json(translation, 201)
    },
  )
  .openapi(
    createRoute({
      method: 'post', path: '/{id}/customer', tags: ['Mentions'], summary: 'Link the author to a customer by hand (null: no customer); beats automatic resolution',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam, body: jsonBody(z.strictObject({ customerId: z.uuid().nullable() })) },
      responses: { 200: jsonResponse('The mention', MentionSchema), ...errorResponses },
    }),
    async (c) =>
      c.json(await linkMentionCustomer(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, c.req.valid('json').customerId, actorOf(c)), 200),
  )
  .openapi(
    createRoute({
      method: 'delete', path: '/{id}/customer', tags: ['Mentions'], summary: 'Drop a manual link; identity resolution decides again',
      middleware: [requireRole('agent')] as const,
      request: { params: IdParam },
      responses: { 200: jsonResponse('The mention', MentionSchema), ...errorResponses },
    }),
    async (c) => c.json(await unlinkMentionCustomer(c.var.deps, c.var.principal.workspaceId, c.req.valid('param').id, actorOf(c)), 200),
  )
