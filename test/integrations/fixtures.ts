import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'

const DIR = new URL('../fixtures/', import.meta.url)

/** A recorded-shape fixture body as text (so signatures are over exact bytes). */
export const fixtureText = (path: string) => readFileSync(new URL(path, DIR), 'utf8')
export const fixture = (path: string) => JSON.parse(fixtureText(path))

export const hexHmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex')
