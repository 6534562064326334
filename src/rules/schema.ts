import { z } from '@hono/zod-openapi'
import { MentionFilter } from '../mentions/filter.ts'
import { RuleAction } from '../mentions/update.ts'

const fields = {
  name: z.string().trim().min(1).max(200),
  /** Which new mentions the rule acts on, in the inbox filter language; `{}` is every one. */
  filter: MentionFilter,
  /** What it does to them: the bulk action of the inbox (status, assignee, addTags, removeTags). */
  action: RuleAction,
  enabled: z.boolean(),
}

export const NewRule = z.strictObject({ ...fields, filter: fields.filter.default({}), enabled: fields.enabled.default(true) })
export type NewRule = z.infer<typeof NewRule>

export const RulePatch = z
  .strictObject({ name: fields.name.optional(), filter: fields.filter.optional(), action: fields.action.optional(), enabled: fields.enabled.optional() })
  .refine((p) => Object.keys(p).length > 0, 'nothing to change')
export type RulePatch = z.infer<typeof RulePatch>

export const Rule = z
  .object({
    id: z.uuid(),
    name: z.string(),
    filter: z.record(z.string(), z.unknown()),
    action: z.record(z.string(), z.unknown()),
    enabled: z.boolean(),
    /** New mentions it has acted on so far. */
    appliedCount: z.number().int(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi('Rule')
export type Rule = z.infer<typeof Rule>
