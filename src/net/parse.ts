import { XMLParser } from 'fast-xml-parser'
import type { z } from 'zod'
import { UpstreamError } from './errors.ts'
import type { HttpResponse } from './http-client.ts'

const host = (res: HttpResponse) => new URL(res.url).host

/** Parses a JSON body against the upstream's schema; a malformed or unexpected body fails the run, never the process. */
export function parseJson<T extends z.ZodType>(res: HttpResponse, schema: T): z.infer<T> {
  let data: unknown
  try {
    data = JSON.parse(res.text)
  } catch {
    throw new UpstreamError(`${host(res)}: malformed JSON (HTTP ${res.status}, ${res.text.length} bytes)`, { status: res.status })
  }
  const parsed = schema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new UpstreamError(`${host(res)}: unexpected response shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, { status: res.status })
  }
  return parsed.data
}

/** An error body read against `schema`, or undefined when it is not JSON or not that shape: the status alone then tells. */
export function errorBody<T extends z.ZodType>(res: HttpResponse, schema: T): z.infer<T> | undefined {
  let data: unknown
  try {
    data = JSON.parse(res.text)
  } catch {
    return undefined
  }
  const parsed = schema.safeParse(data)
  return parsed.success ? parsed.data : undefined
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  trimValues: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
})

/** Parses an XML body; anything that is not well-formed XML fails the run. */
export function parseXml(res: HttpResponse): Record<string, unknown> {
  const text = res.text.trim()
  if (!text.startsWith('<')) throw new UpstreamError(`${host(res)}: malformed XML (does not start with a tag)`)
  try {
    const doc = xml.parse(text, true)
    if (!doc || typeof doc !== 'object') throw new Error('empty document')
    return doc as Record<string, unknown>
  } catch (e) {
    throw new UpstreamError(`${host(res)}: malformed XML: ${(e as Error).message.split('\n')[0].slice(0, 160)}`)
  }
}
