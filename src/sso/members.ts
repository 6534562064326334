import type { Deps } from '../deps.ts'
import { AppError, notFound } from '../errors.ts'
import type { SignInConnection } from './connections.ts'
import { ROLES, type Role } from '../auth/keys.ts'
import type { IdClaims, MemberPatch, RoleMapping, SsoMember } from './schema.ts'

const columns = (deps: Deps) => deps.sql`
  id, email, name, role, disabled, created_at AS "createdAt", last_signed_in AS "lastSignedIn"`

/**
 * The member a verified sign-in is, created with the connection's default role
 * the first time. Refused (403) when the e-mail is unverified or outside the
 * allowed domains, or when an admin has disabled the member.
 */
export async function signInMember(deps: Deps, conn: SignInConnection, claims: IdClaims): Promise<SsoMember & { workspaceId: string }> {
  const email = claims.email.toLowerCase()
  if (claims.email_verified === false) throw new AppError(403, 'email_unverified', `the identity provider has not verified ${email}`)
  const domain = email.slice(email.lastIndexOf('@') + 1)
  if (conn.allowedDomains.length && !conn.allowedDomains.includes(domain)) {
    throw new AppError(403, 'domain_not_allowed', `${domain} addresses may not sign in to this workspace`)
  }
  // With a role mapping the provider decides the role at every sign-in; without one, the first sign-in takes the default.
  const mapped = conn.roleMapping ? roleFromClaims(conn.roleMapping, claims[conn.roleClaim]) ?? conn.defaultRole : null
  const [member]: [SsoMember] = await deps.sql`
    INSERT INTO sso_members (workspace_id, issuer, subject, email, name, role)
    VALUES (${conn.workspaceId}, ${conn.issuer}, ${claims.sub}, ${email}, ${claims.name ?? null}, ${mapped ?? conn.defaultRole})
    ON CONFLICT (workspace_id, issuer, subject) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name, last_signed_in = now(),
      role = coalesce(${mapped}, sso_members.role)
    RETURNING ${columns(deps)}`
  if (member.disabled) throw new AppError(403, 'member_disabled', `${email} has been turned away from this workspace by its admins`)
  if (mapped) await deps.sql`UPDATE web_sessions SET role = ${mapped} WHERE workspace_id = ${conn.workspaceId} AND member_id = ${member.id}`
  return { ...member, workspaceId: conn.workspaceId }
}

/** The highest role whose values the claim holds (a list, or one string as some providers send it). */
export function roleFromClaims(mapping: RoleMapping, claim: unknown): Role | undefined {
  const held = new Set(Array.isArray(claim) ? claim.filter((v) => typeof v === 'string') : typeof claim === 'string' ? [claim] : [])
  return [...ROLES].reverse().find((role) => mapping[role]?.some((value) => held.has(value)))
}

export const listMembers = (deps: Deps, workspaceId: string) =>
  deps.sql<SsoMember[]>`SELECT ${columns(deps)} FROM sso_members WHERE workspace_id = ${workspaceId} ORDER BY email, id`

/** A new role applies to the member's open sessions at once; disabling ends them. */
export async function updateMember(deps: Deps, workspaceId: string, id: string, patch: MemberPatch): Promise<SsoMember> {
  return deps.sql.begin(async (tx) => {
    const [member]: [SsoMember?] = await tx`
      UPDATE sso_members SET role = coalesce(${patch.role ?? null}, role), disabled = coalesce(${patch.disabled ?? null}, disabled)
      WHERE workspace_id = ${workspaceId} AND id = ${id}
      RETURNING ${columns(deps)}`
    if (!member) throw notFound('member')
    if (member.disabled) await tx`DELETE FROM web_sessions WHERE workspace_id = ${workspaceId} AND member_id = ${id}`
    else await tx`UPDATE web_sessions SET role = ${member.role} WHERE workspace_id = ${workspaceId} AND member_id = ${id}`
    return member
  })
}
