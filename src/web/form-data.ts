import type { Context } from 'hono'
import { z } from '@hono/zod-openapi'
import { AppError } from '../errors.ts'

/** Form fields as strings (files and the CSRF field dropped); repeated names become arrays. */
export async function readForm(c: Context): Promise<Record<string, string | string[]>> {
  const body = await c.req.parseBody({ all: true })
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf') continue
    if (typeof v === 'string') out[k] = v
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string')
  }
  return out
}

export const field = (form: Record<string, string | string[]>, name: string): string => {
  const v = form[name]
  return (Array.isArray(v) ? v[0] : v ?? '').trim()
}

export const fieldList = (form: Record<string, string | string[]>, name: string): string[] => {
  const v = form[name]
  return (Array.isArray(v) ? v : v ? [v] : []).map((s) => s.trim()).filter(Boolean)
}

/** Lines of a textarea, blanks dropped. */
export const lines = (value: string) => value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean)

/** A readable one-line summary of what failed validation, for the form's error box. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ')
}

/** Whether the caller is app.js (wants JSON) rather than a plain form post (wants a redirect). */
export const wantsJson = (c: Context) => (c.req.header('accept') ?? '').includes('application/json')

/** Runs `work`; a validation error or a conflict from the domain (a 400 or 409: a taken name, say) re-renders the form with its message instead of an error page. */
export async function orForm<T>(work: () => Promise<T>, onInvalid: (message: string) => Response | Promise<Response>): Promise<T | Response> {
  try {
    return await work()
  } catch (e) {
    if (e instanceof AppError && (e.status === 400 || e.status === 409)) return onInvalid(`${e.message}${e.details ? ` ${JSON.stringify(e.details)}` : ''}`)
    throw e
  }
}
