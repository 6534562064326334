import { sha256Hex } from '../crypto/compare.ts'
export const ROLES = ['viewer', 'agent', 'admin'] as const
export type Role = (typeof ROLES)[number]

export const roleAtLeast = (have: Role, need: Role) => ROLES.indexOf(have) >= ROLES.indexOf(need)

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** A new API key: 256 random bits behind a recognisable prefix. Shown once, never stored. */
export function generateApiKey(): string {
  return 'esk_' + toBase64Url(crypto.getRandomValues(new Uint8Array(32)))
}

export const hashApiKey = (key: string): Promise<string> => sha256Hex(key)

/** The first characters of a key, safe to show so people can tell keys apart. */
export const keyPrefix = (key: string) => key.slice(0, 10)
