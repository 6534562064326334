import { describe, expect, it } from 'vitest'
import { decryptSecret, encryptSecret } from '../../src/crypto/secret-box.ts'

const KEY = 'a-long-enough-secret-key-for-tests'

describe('integration secrets at rest', () => {
  it('round-trips and never contains the plaintext', async () => {
    const sealed = await encryptSecret(KEY, 'ghp_supersecret', 'ws:github:token')
    expect(sealed).toMatch(/^v1\./)
    expect(sealed).not.toContain('ghp_supersecret')
    expect(await decryptSecret(KEY, sealed, 'ws:github:token')).toBe('ghp_supersecret')
  })

  it('uses a fresh IV each time', async () => {
    expect(await encryptSecret(KEY, 'same', 'c')).not.toBe(await encryptSecret(KEY, 'same', 'c'))
  })

  it('refuses another key, another context and a tampered ciphertext', async () => {
    const sealed = await encryptSecret(KEY, 'token', 'ws-a:github:token')
    await expect(decryptSecret('another-secret-key-entirely', sealed, 'ws-a:github:token')).rejects.toThrow(/cannot be decrypted/)
    await expect(decryptSecret(KEY, sealed, 'ws-b:github:token')).rejects.toThrow(/cannot be decrypted/)
    const [v, iv, data] = sealed.split('.')
    const flipped = `${v}.${iv}.${data.slice(0, -4)}${data.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`
    await expect(decryptSecret(KEY, flipped, 'ws-a:github:token')).rejects.toThrow()
  })

  it('says how to fix a missing key', async () => {
    await expect(encryptSecret(undefined, 'x', 'c')).rejects.toMatchObject({ status: 409, code: 'secret_key_missing' })
  })
})
