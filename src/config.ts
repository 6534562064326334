import { z } from 'zod'

const flag = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : ['1', 'true', 'on', 'yes'].includes(v)))

/** Environment the service reads, parsed once at an entry point and passed down. */
export const envSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  EARSHOT_DATA_DIR: z.string().min(1).default('./.earshot'),
  EARSHOT_ADMIN_KEY: z.string().min(16, 'EARSHOT_ADMIN_KEY must be at least 16 characters').optional(),
  EARSHOT_ALLOW_PRIVATE_URLS: flag(false),
  EARSHOT_CRON: flag(true),
  /** Behind one reverse proxy that appends the client to X-Forwarded-For: trust its last entry as the client IP. */
  EARSHOT_TRUST_PROXY: flag(false),
  EARSHOT_SECRET_KEY: z.string().min(16, 'EARSHOT_SECRET_KEY must be at least 16 characters').optional(),
  /** The address people reach earshot at; links in survey e-mails use it instead of the address the API was called through. */
  EARSHOT_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Where survey invitations are sent through: smtp:// or smtps://user:password@host:port. */
  EARSHOT_SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  /** The From of survey invitations, e.g. "Acme <feedback@acme.example>". */
  EARSHOT_MAIL_FROM: z.string().min(3).max(320).optional(),
  /** A LibreTranslate server (self-hosted or libretranslate.com) that translates mentions and survey comments on request. */
  EARSHOT_LIBRETRANSLATE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Its API key, when the server asks for one. */
  EARSHOT_LIBRETRANSLATE_KEY: z.string().min(1).optional(),
  /** A DeepL API key (free-plan keys end in ":fx") instead of LibreTranslate. */
  EARSHOT_DEEPL_KEY: z.string().min(8).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
})
  .refine((e) => !e.EARSHOT_SMTP_URL === !e.EARSHOT_MAIL_FROM, { message: 'EARSHOT_SMTP_URL and EARSHOT_MAIL_FROM go together', path: ['EARSHOT_MAIL_FROM'] })
  .refine((e) => !(e.EARSHOT_LIBRETRANSLATE_URL && e.EARSHOT_DEEPL_KEY), { message: 'set one translator: EARSHOT_LIBRETRANSLATE_URL or EARSHOT_DEEPL_KEY', path: ['EARSHOT_DEEPL_KEY'] })
  .refine((e) => !e.EARSHOT_LIBRETRANSLATE_KEY || e.EARSHOT_LIBRETRANSLATE_URL, { message: 'EARSHOT_LIBRETRANSLATE_KEY needs EARSHOT_LIBRETRANSLATE_URL', path: ['EARSHOT_LIBRETRANSLATE_KEY'] })

export type Env = z.infer<typeof envSchema>

/** Parses env or throws an Error whose message lists every bad variable. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === '' ? undefined : v]))
  const result = envSchema.safeParse(cleaned)
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`invalid environment:\n${lines.join('\n')}`)
  }
  return result.data
}
