import { createHmac } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll } from 'vitest'

export interface Received {
  headers: http.IncomingHttpHeaders
  body: string
}

/**
 * A real HTTP receiver on a free port. `answer` decides each status, so a
 * test can script failures; closed in afterAll.
 */
export async function startReceiver() {
  const received: Received[] = []
  let answer: (r: Received, n: number) => number = () => 200
  const server = http.createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    const r = { headers: req.headers, body }
    received.push(r)
    res.writeHead(answer(r, received.length))
    res.end('ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answerWith: (fn: (r: Received, n: number) => number) => {
      answer = fn
    },
  }
}

/** Verifies a request the way the Standard Webhooks libraries do, independently of our signer. */
export function verifiesAsStandardWebhook(r: Received, secret: string): boolean {
  const id = r.headers['webhook-id'], ts = r.headers['webhook-timestamp'], sig = r.headers['webhook-signature']
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return false
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const want = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest('base64')
  return sig.split(' ').includes(`v1,${want}`)
}
