import { z } from '@hono/zod-openapi'
import { ROLES } from '../auth/keys.ts'

const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a domain such as acme.com')

const RoleMapping = z
  .strictObject({
    admin: z.array(z.string().min(1).max(200)).max(50).optional(),
    agent: z.array(z.string().min(1).max(200)).max(50).optional(),
    viewer: z.array(z.string().min(1).max(200)).max(50).optional(),
  })
  .openapi('SsoRoleMapping')
export type RoleMapping = z.infer<typeof RoleMapping>

/** PUT /v1/sso: the workspace's OpenID Connect provider (Okta, Entra ID, Google, Keycloak, Authentik…). */
export const SsoInput = z.strictObject({
  /** The issuer URL; its /.well-known/openid-configuration must answer. */
  issuer: z.url({ protocol: /^https$/ }).max(500).transform((u) => u.replace(/\/+$/, '')),
  clientId: z.string().trim().min(1).max(500),
  /** Stored encrypted; never returned. Omit on a later PUT to keep the stored one. */
  clientSecret: z.string().min(1).max(2000).optional(),
  /** E-mail domains let in (verified e-mail only); empty lets in anyone the provider vouches for. */
  allowedDomains: z.array(Domain).max(50).default([]),
  /** Role of a person's first sign-in; admins change it per member afterwards (unless roleMapping decides). */
  defaultRole: z.enum(ROLES).default('viewer'),
  /** The ID token claim listing a person's groups (or roles) at the provider. */
  roleClaim: z.string().trim().min(1).max(100).default('groups'),
  /** Claim values granting each role: with it, every sign-in sets the role from the provider (highest match; defaultRole without one). */
  roleMapping: RoleMapping.nullable().default(null),
  enabled: z.boolean().default(true),
})
export type SsoInput = z.infer<typeof SsoInput>

export const SsoConnection = z
  .object({
    issuer: z.string(),
    clientId: z.string(),
    allowedDomains: z.array(z.string()),
    defaultRole: z.enum(ROLES),
    roleClaim: z.string(),
    roleMapping: RoleMapping.nullable(),
    enabled: z.boolean(),
    /** Register this as the redirect (callback) URI at the provider. */
    redirectUri: z.string(),
    /** Where people start signing in (also offered on the sign-in page). */
    signInUrl: z.string(),
    updatedAt: z.date(),
  })
  .openapi('SsoConnection')

export const SsoMember = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(ROLES),
    disabled: z.boolean(),
    createdAt: z.date(),
    lastSignedIn: z.date(),
  })
  .openapi('SsoMember')
export type SsoMember = z.infer<typeof SsoMember>

export const MemberPatch = z
  .strictObject({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional() })
  .refine((p) => p.role !== undefined || p.disabled !== undefined, { message: 'give role or disabled' })
export type MemberPatch = z.infer<typeof MemberPatch>

/** What the provider's ID token says about the person, as far as earshot reads it. */
export const IdClaims = z.looseObject({
  sub: z.string().min(1).max(500),
  email: z.email().max(320),
  email_verified: z.boolean().optional(),
  name: z.string().max(500).optional(),
})
export type IdClaims = z.infer<typeof IdClaims>
