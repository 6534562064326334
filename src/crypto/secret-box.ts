// Secrets at rest: AES-256-GCM under a key derived (HKDF-SHA-256) from
// EARSHOT_SECRET_KEY. The associated data binds a ciphertext to its
// workspace and purpose, so a row's secret can't be replayed into another.

import { AppError } from '../errors.ts'

const encoder = new TextEncoder()
const VERSION = 'v1'
const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

// The HKDF info keeps its first name: it is part of every sealed value, whatever the secret's kind.
async function deriveKey(secretKey: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secretKey), 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('earshot'), info: encoder.encode('integration-secrets-v1') },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

const requireKey = (secretKey: string | undefined) => {
  if (!secretKey) throw new AppError(409, 'secret_key_missing', 'set EARSHOT_SECRET_KEY to store tokens and signing secrets')
  return secretKey
}

/** Seals and opens secrets under one derived key: derive once when handling many (an inbound hook checks every candidate). */
export interface SecretBox {
  /** `v1.<iv>.<ciphertext>`; `context` must be given again to open it. */
  seal(plaintext: string, context: string): Promise<string>
  /** A changed key or context is an error, never garbage. */
  open(sealed: string, context: string): Promise<string>
}

export async function openSecretBox(secretKey: string | undefined): Promise<SecretBox> {
  const key = await deriveKey(requireKey(secretKey))
  return {
    async seal(plaintext, context) {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, key, encoder.encode(plaintext))
      return `${VERSION}.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`
    },
    async open(sealed, context) {
      const [version, iv, data] = sealed.split('.')
      if (version !== VERSION || !iv || !data) throw new Error('unknown secret format')
      try {
        const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv), additionalData: encoder.encode(context) }, key, fromBase64(data))
        return new TextDecoder().decode(plain)
      } catch {
        throw new AppError(500, 'secret_undecryptable', 'a stored secret cannot be decrypted: was EARSHOT_SECRET_KEY changed?')
      }
    },
  }
}

export async function encryptSecret(secretKey: string | undefined, plaintext: string, context: string): Promise<string> {
  return (await openSecretBox(secretKey)).seal(plaintext, context)
}

export async function decryptSecret(secretKey: string | undefined, sealed: string, context: string): Promise<string> {
  return (await openSecretBox(secretKey)).open(sealed, context)
}
