import { z } from '@hono/zod-openapi'

/** `email`, `domain`, a source kind (`reddit`, `github`, …) or a pushed platform (`twitter`, `zendesk`, …). */
export const IdentityKind = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9_.-]{0,49}$/, 'lower-case letters, digits, _ . -')
export const IdentityInput = z.strictObject({ kind: IdentityKind, value: z.string().trim().min(1).max(500) })
export type IdentityInput = z.infer<typeof IdentityInput>

const fields = {
  name: z.string().trim().min(1).max(300).nullable(),
  email: z.email().max(320).nullable(),
  externalRef: z.string().trim().min(1).max(200).nullable().openapi({ description: 'The id in your CRM' }),
  company: z.string().trim().min(1).max(300).nullable(),
  plan: z.string().trim().min(1).max(100).nullable(),
  value: z.number().finite().min(0).nullable().openapi({ description: 'What the customer is worth to you, e.g. ARR' }),
  attributes: z.record(z.string(), z.unknown()),
  identities: z.array(IdentityInput).max(100),
}

export const CustomerInput = z
  .strictObject({
    name: fields.name.optional(),
    email: fields.email.optional(),
    externalRef: fields.externalRef.optional(),
    company: fields.company.optional(),
    plan: fields.plan.optional(),
    value: fields.value.optional(),
    attributes: fields.attributes.optional(),
    identities: fields.identities.optional(),
  })
  .openapi('CustomerInput')
export type CustomerInput = z.infer<typeof CustomerInput>

export const NewCustomer = CustomerInput.refine((c) => c.name || c.email || c.externalRef, 'give at least a name, an email or an externalRef')

/** `identities`, when given, replaces the customer's whole set. */
export const CustomerPatch = CustomerInput.refine((c) => Object.keys(c).length > 0, 'nothing to change')

export const CustomerSchema = z
  .object({
    id: z.uuid(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    externalRef: z.string().nullable(),
    company: z.string().nullable(),
    plan: z.string().nullable(),
    value: z.number().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    identities: z.array(z.object({ kind: z.string(), value: z.string() })),
    mentionCount: z.number().int(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .openapi('Customer')
export type Customer = z.infer<typeof CustomerSchema>
