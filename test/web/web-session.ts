import type { Hono } from 'hono'

export interface BrowserSession {
  cookie: string
  csrf: string
}

/** Signs in through the form with an API key and returns what a browser would send back: the session cookie and the page's CSRF token. */
export async function webSession(app: Pick<Hono, 'request'>, key: string, landing = '/app/inbox'): Promise<BrowserSession> {
  const form = await app.request('/app/sign-in')
  const pre = /earshot_signin=([^;]+)/.exec(form.headers.getSetCookie().join('\n'))![1]
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]
  const res = await app.request('http://localhost/app/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `earshot_signin=${pre}`, host: 'localhost' },
    body: new URLSearchParams({ _csrf: csrf, key, next: landing }),
  })
  return sessionFrom(app, /earshot_session=([^;]+)/.exec(res.headers.getSetCookie().join('\n'))![1], landing)
}

/** The CSRF token a signed-in page carries, for a session cookie however it was obtained. */
export async function sessionFrom(app: Pick<Hono, 'request'>, sessionId: string, landing = '/app/inbox'): Promise<BrowserSession> {
  const cookie = `earshot_session=${sessionId}`
  const page = await (await app.request(`http://localhost${landing}`, { headers: { cookie } })).text()
  return { cookie, csrf: /name="csrf-token" content="([^"]+)"/.exec(page)![1] }
}

/** A form post from a signed-in page. */
export const postForm = (app: Pick<Hono, 'request'>, s: BrowserSession, path: string, fields: [string, string][]) =>
  app.request(`http://localhost${path}`, {
    method: 'POST',
    headers: { cookie: s.cookie, host: 'localhost', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([['_csrf', s.csrf], ...fields]),
  })
