import { describe, expect, it } from 'vitest'
import { parseEnv } from '../../src/config.ts'

describe('environment', () => {
  it('has the documented defaults', () => {
    expect(parseEnv({})).toMatchObject({
      HOST: '127.0.0.1', PORT: 3000, EARSHOT_DATA_DIR: './.earshot', EARSHOT_ALLOW_PRIVATE_URLS: false, EARSHOT_CRON: true, LOG_LEVEL: 'info',
    })
  })

  it('reads flags the way people write them', () => {
    expect(parseEnv({ EARSHOT_CRON: 'off', EARSHOT_ALLOW_PRIVATE_URLS: '1' })).toMatchObject({ EARSHOT_CRON: false, EARSHOT_ALLOW_PRIVATE_URLS: true })
  })

  it('names every bad variable in one message', () => {
    expect(() => parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' })).toThrow(/PORT[\s\S]*DATABASE_URL|DATABASE_URL[\s\S]*PORT/)
    expect(() => parseEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/)
    expect(() => parseEnv({ EARSHOT_ADMIN_KEY: 'short' })).toThrow(/EARSHOT_ADMIN_KEY/)
  })
})
