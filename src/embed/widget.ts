// The survey embed: `<script src="https://HOST/embed.js" data-survey="KEY" async>`.
// Dependency-free, rendered in a shadow root so the host page's CSS can't reach
// in and ours can't leak out. Whatever goes wrong, it logs to the console and
// leaves the host page alone. Built into bundle.ts by scripts/build-embed.ts.

interface Config {
  kind: string
  question: string
  min: number
  max: number
  bands: { lo: number; hi: number; prompt: string }[]
  display: { delaySeconds: number; onceEveryDays: number; samplePercent: number; pages?: string[]; excludePages?: string[] }
  lang: string
  strings: { low: string; high: string; send: string; thanks: string; close: string; error: string; reviewAsk: string; reviewLink: string }
  /** Happy answers (from `from` up) are asked for a public review at `url`. */
  review?: { url: string; from: number }
  appearance?: { accent: string; position: string }
  /** Asked of scores within `ranges`; picks go back by their place in `options`. */
  choice?: { question: string; options: string[]; multiple: boolean; ranges: { lo: number; hi: number }[] }
}

const DAY = 86_400_000

const warn = (...args: unknown[]) => console.warn('[earshot]', ...args)

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v)
  if (text !== undefined) node.textContent = text
  return node
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One retry after a network error or a 5xx; a 4xx is an answer, not a glitch. */
async function send(url: string, method: string, body: unknown): Promise<Record<string, string>> {
  for (let retried = false; ; retried = true) {
    let res: Response
    try {
      res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit', keepalive: true })
    } catch (e) {
      if (retried) throw e
      await sleep(1000)
      continue
    }
    if (res.ok) return res.json()
    if (res.status < 500 || retried) throw new Error(`${method} ${url}: ${res.status}`)
    await sleep(1000)
  }
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { credentials: 'omit' })
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`)
  return res.json() as Promise<T>
}

/** Last time this visitor was shown the survey; null = never, undefined = storage unavailable. */
function lastShown(storeKey: string): number | null | undefined {
  try {
    const v = localStorage.getItem(storeKey)
    return v === null ? null : Number(v) || 0
  } catch {
    return undefined
  }
}

function markShown(storeKey: string) {
  try {
    localStorage.setItem(storeKey, String(Date.now()))
  } catch {
    // storage refused: the survey simply may show again
  }
}

const STYLE = `
:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.card{background:#fff;color:#1b1f24;border:1px solid #d0d7de;border-radius:12px;padding:16px;font-size:15px;line-height:1.4;
  box-shadow:0 8px 28px rgba(0,0,0,.18);width:min(380px,calc(100vw - 16px))}
.pop{position:fixed;right:8px;bottom:8px;z-index:2147483647}
.pop.left{right:auto;left:8px}
.page{position:relative;margin:24px auto;box-shadow:none;width:min(560px,100%)}
.q{margin:0 32px 12px 0;font-weight:600}
.scale{display:grid;grid-template-columns:repeat(var(--n),minmax(0,1fr));gap:3px}
.scale button{min-width:0;min-height:36px;padding:0;border:1px solid #8c959f;border-radius:6px;background:#f6f8fa;
  color:#1b1f24;font-size:14px;cursor:pointer}
.scale button[aria-checked=true]{background:var(--accent);border-color:var(--accent);color:#fff}
button:focus-visible,textarea:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.ends{display:flex;justify-content:space-between;font-size:12px;color:#57606a;margin-top:4px}
.more{margin-top:12px}
.more[hidden]{display:none}
label{display:block;margin-bottom:4px}
textarea{width:100%;min-height:64px;border:1px solid #8c959f;border-radius:6px;padding:6px;font-size:14px;color:#1b1f24;background:#fff}
.send{margin-top:8px;padding:8px 16px;border:0;border-radius:6px;background:var(--accent);color:#fff;font-size:14px;cursor:pointer}
.send:disabled{opacity:.6}
.x{position:absolute;top:8px;right:8px;width:32px;height:32px;border:0;background:none;font-size:20px;color:#57606a;cursor:pointer}
.hp{position:absolute;left:-9999px;width:1px;height:1px;opacity:0}
.status{margin:8px 0 0}
.status:empty{display:none}
.review{margin:8px 0 0}
fieldset{border:0;padding:0;margin:0 0 10px}
fieldset[hidden]{display:none}
legend{padding:0;margin-bottom:4px}
.opt{display:flex;gap:6px;align-items:center;margin:3px 0}
.opt input{margin:0;width:16px;height:16px;accent-color:var(--accent)}
input:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.review a{display:inline-block;margin-top:6px;padding:8px 16px;border-radius:6px;background:#1a7f37;color:#fff;text-decoration:none}
`

function render(cfg: Config, base: string, key: string, page: boolean, target: Element, preset: number | undefined, extra: Record<string, unknown>) {
  const host = el('div', { 'data-earshot-survey': key })
  const root = host.attachShadow({ mode: 'open' })
  const s = cfg.strings
  const corner = cfg.appearance?.position === 'bottom-left' ? ' left' : ''
  const card = el('div', { class: `card ${page ? 'page' : `pop${corner}`}`, role: page ? 'region' : 'dialog', 'aria-labelledby': 'q', lang: cfg.lang })
  card.style.setProperty('--accent', cfg.appearance?.accent ?? '#0969da')
  const question = el('p', { id: 'q', class: 'q' }, cfg.question)
  const scale = el('div', { class: 'scale', role: 'radiogroup', 'aria-labelledby': 'q' })
  // One row for the whole scale, however narrow the screen.
  scale.style.setProperty('--n', String(cfg.max - cfg.min + 1))
  const ends = el('div', { class: 'ends', 'aria-hidden': 'true' })
  ends.append(el('span', {}, s.low), el('span', {}, s.high))
  const form = el('form', { novalidate: '' })
  const more = el('div', { class: 'more', hidden: '' })
  const label = el('label', { for: 'c' })
  // 2,000 characters keep even a CJK comment (3 bytes each) under the endpoint's 8 KB body limit.
  const comment = el('textarea', { id: 'c', maxlength: '2000', rows: '3' })
  // Honeypot: off-screen and out of the tab order, so only bots fill it.
  const trap = el('input', { class: 'hp', name: 'website', tabindex: '-1', autocomplete: 'off', 'aria-hidden': 'true' })
  const submit = el('button', { type: 'submit', class: 'send' }, s.send)
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite', tabindex: '-1' })
  const close = el('button', { type: 'button', class: 'x', 'aria-label': s.close }, '×')
  // The choice question: radio buttons for one pick, checkboxes for several; labels make each option a large target.
  const picks: HTMLInputElement[] = []
  const choiceSet = el('fieldset', { hidden: '' })
  if (cfg.choice) {
    choiceSet.append(el('legend', {}, cfg.choice.question))
    cfg.choice.options.forEach((option, i) => {
      const input = el('input', { type: cfg.choice!.multiple ? 'checkbox' : 'radio', name: 'choice', id: `o${i}`, value: String(i) })
      const row = el('label', { class: 'opt', for: `o${i}` })
      row.append(input, el('span', {}, option))
      picks.push(input)
      choiceSet.append(row)
    })
  }
  more.append(choiceSet, label, comment, trap, submit)
  form.append(scale, ends, more)
  card.append(question, form, status)
  if (!page) card.append(close)
  root.append(el('style', {}, STYLE), card)

  let score: number | undefined
  let saved: { id: string; token: string } | undefined
  let done = false
  let presetSent: Promise<void> | undefined
  const url = `${base}/s/${encodeURIComponent(key)}/responses`
  const radios: HTMLButtonElement[] = []

  /** The options picked, when the question is shown for this score. */
  const picked = () => (choiceSet.hidden ? [] : picks.filter((p) => p.checked).map((p) => Number(p.value)))
  const body = (withComment: boolean) => ({
    score,
    ...(withComment && comment.value.trim() ? { comment: comment.value } : {}),
    ...(picked().length ? { choices: picked() } : {}),
    ...(trap.value ? { website: trap.value } : {}),
    ...extra,
    // The language the survey was shown in, so results can be read per language.
    locale: cfg.lang,
  })

  function choose(value: number, focus: boolean) {
    score = value
    radios.forEach((r, i) => {
      const on = cfg.min + i === value
      r.setAttribute('aria-checked', String(on))
      r.tabIndex = on ? 0 : -1
      if (on && focus) r.focus()
    })
    const band = cfg.bands.find((b) => value >= b.lo && value <= b.hi)
    label.textContent = band ? band.prompt : ''
    choiceSet.hidden = !cfg.choice?.ranges.some((r) => value >= r.lo && value <= r.hi)
    more.hidden = false
  }

  for (let v = cfg.min; v <= cfg.max; v++) {
    // The scale's ends are shown as text beside it; screen readers hear them on the end points.
    const name = v === cfg.min ? `${v}, ${s.low}` : v === cfg.max ? `${v}, ${s.high}` : String(v)
    const r = el('button', { type: 'button', role: 'radio', 'aria-checked': 'false', 'aria-label': name }, String(v))
    r.tabIndex = v === cfg.min ? 0 : -1
    r.addEventListener('click', () => !saved && choose(v, false))
    r.addEventListener('keydown', (e) => {
      if (saved) return
      const current = score ?? v
      const next = { ArrowRight: current + 1, ArrowDown: current + 1, ArrowLeft: current - 1, ArrowUp: current - 1, Home: cfg.min, End: cfg.max }[e.key]
      if (next === undefined) return
      e.preventDefault()
      choose(Math.min(cfg.max, Math.max(cfg.min, next)), true)
    })
    radios.push(r)
    scale.append(r)
  }

  function finish() {
    done = true
    form.remove()
    status.textContent = s.thanks
    status.focus()
    // A happy answer is asked to say so in public; the card then stays until closed, to leave time to click.
    const review = cfg.review && score !== undefined && score >= cfg.review.from ? cfg.review : undefined
    if (review) {
      const ask = el('p', { class: 'review' }, s.reviewAsk)
      // Through earshot, which counts the answer as followed and sends the browser on to the review page.
      const href = saved ? `${base}/s/${encodeURIComponent(key)}/review?response=${encodeURIComponent(saved.id)}` : review.url
      ask.append(el('br'), el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, s.reviewLink))
      status.after(ask)
    } else if (!page) setTimeout(() => host.remove(), 4000)
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    if (score === undefined || done) return
    submit.disabled = true
    // After a one-click score, wait for it to be stored so the comment joins it instead of making a second response.
    const request = (presetSent ?? Promise.resolve()).then(() =>
      saved
        ? comment.value.trim() || picked().length
          ? send(`${url}/${saved.id}`, 'PATCH', {
              token: saved.token,
              ...(comment.value.trim() ? { comment: comment.value } : {}),
              ...(picked().length ? { choices: picked() } : {}),
            })
          : undefined
        : send(url, 'POST', body(true)).then((r) => void (saved = { id: r.id, token: r.token })),
    )
    request.then(finish, (err) => {
      warn(err)
      submit.disabled = false
      status.textContent = s.error
    })
  })

  // Closing after picking a score still records the score.
  close.addEventListener('click', () => {
    if (score !== undefined && !saved && !done) send(url, 'POST', body(false)).catch(warn)
    host.remove()
  })
  card.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !page) close.click()
  })

  target.append(host)

  // One-click email links: the score in the link is recorded at once; a comment can follow.
  if (preset !== undefined && preset >= cfg.min && preset <= cfg.max) {
    choose(preset, false)
    presetSent = send(url, 'POST', body(false)).then(
      (r) => {
        saved = { id: r.id, token: r.token }
        radios.forEach((b) => b.setAttribute('aria-disabled', 'true'))
      },
      (err) => warn(err),
    )
  }
}

/** Tells the host page what the embed decided, as an `earshot:survey` event on window. */
function announce(survey: string | undefined, state: 'waiting' | 'shown' | 'skipped' | 'failed', reason?: string) {
  try {
    window.dispatchEvent(new CustomEvent('earshot:survey', { detail: { survey, state, reason } }))
  } catch {
    // an old browser without CustomEvent: nothing to tell
  }
}

/** A path without its trailing slash, so "/pricing/" is "/pricing". */
const trimmed = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path)

/** Whether `path` matches a pattern of the survey's page rules: `*` stands for any run of characters. */
const pathMatches = (pattern: string, path: string) =>
  new RegExp(`^${trimmed(pattern).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(trimmed(path))

/** Whether the survey may show on this page: on one `pages` names (any, when none does) and none `excludePages` names. */
function onPage({ pages = [], excludePages = [] }: Config['display']): boolean {
  let path = location.pathname
  try {
    // "/блог" as written in the rules, not as percent-encoded in the address.
    path = decodeURI(path)
  } catch {
    // A malformed escape: compare the path as it is.
  }
  return (pages.length === 0 || pages.some((p) => pathMatches(p, path))) && !excludePages.some((p) => pathMatches(p, path))
}

/** Why the popup should not show on this page view, or undefined when it should. */
async function skipReason(cfg: Config, base: string, key: string, user?: string, signature?: string): Promise<string | undefined> {
  const { onceEveryDays, samplePercent } = cfg.display
  if (!onPage(cfg.display)) return 'page'
  const storeKey = `earshot:${key}`
  if (onceEveryDays > 0) {
    const last = lastShown(storeKey)
    // Without storage the once-per-N-days promise can't be kept, so don't ask at all.
    if (last === undefined) return 'no-storage'
    if (last !== null && Date.now() - last < onceEveryDays * DAY) return 'recently-shown'
  }
  if (Math.random() * 100 >= samplePercent) return 'sample'
  if (user) {
    const q = new URLSearchParams({ user, ...(signature ? { signature } : {}) })
    const { eligible } = await getJson<{ eligible: boolean }>(`${base}/s/${encodeURIComponent(key)}/eligibility?${q}`)
    if (!eligible) return 'ineligible'
  }
  return undefined
}

const PROPERTY_NAME = /^[\p{L}\p{N}_][\p{L}\p{N}_ .-]{0,39}$/u

/**
 * The host page's properties for the answer, as the endpoint takes them. One it would refuse is left out with a
 * warning rather than sent: a typo in the page's markup must not cost the visitor's answer.
 */
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function properties(given: unknown): Record<string, string | number | boolean> {
  const kept: Record<string, string | number | boolean> = {}
  if (given === undefined) return kept
  if (!isRecord(given)) {
    warn('properties must be an object of name: value')
    return kept
  }
  for (const [name, value] of Object.entries(given)) {
    const ok =
      PROPERTY_NAME.test(name) &&
      ((typeof value === 'string' && value.trim() !== '' && value.length <= 200) || typeof value === 'boolean' || (typeof value === 'number' && isFinite(value)))
    if (ok && Object.keys(kept).length < 20) kept[name] = value
    else warn(`property ${name} left out (at most 20; names of 1–40 letters, digits, _ - . or spaces; values up to 200 characters)`)
  }
  return kept
}

/** `data-properties='{"plan": "pro"}'` on the script tag. */
function propertiesAttribute(script: HTMLScriptElement): unknown {
  const text = script.dataset.properties
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch {
    warn('data-properties is not JSON')
    return undefined
  }
}

/**
 * Resolves, with the properties the page gives then, when the host page asks for this survey:
 * `window.dispatchEvent(new CustomEvent('earshot:show', {detail: {survey: KEY, properties: {…}}}))`.
 */
const asked = (key: string) =>
  new Promise<unknown>((resolve) => {
    const listener = (e: Event) => {
      const detail = (e as CustomEvent<{ survey?: string; properties?: unknown } | null>).detail
      if (detail?.survey !== undefined && detail.survey !== key) return
      window.removeEventListener('earshot:show', listener)
      resolve(detail?.properties)
    }
    window.addEventListener('earshot:show', listener)
  })

async function start(script: HTMLScriptElement, key: string) {
  const base = new URL(script.src).origin
  const page = script.dataset.mode === 'page'
  const user = script.dataset.user
  const signature = script.dataset.userSignature
  // The host page may know the visitor's language better than their browser does (a site switched to Norwegian).
  const lang = script.dataset.locale
  // A moment the page chooses (an order placed, a task done in a single-page app) rather than the page load.
  const shown = script.dataset.trigger === 'manual' ? asked(key) : undefined
  const cfg = await getJson<Config>(`${base}/s/${encodeURIComponent(key)}/config${lang ? `?${new URLSearchParams({ lang })}` : ''}`)
  let given = propertiesAttribute(script)
  if (shown) {
    announce(key, 'waiting')
    const atShow = await shown
    // What the page knows at that moment (the order just placed) joins what its markup said.
    if (atShow !== undefined) given = isRecord(given) && isRecord(atShow) ? { ...given, ...atShow } : atShow
  }
  if (!page) {
    const reason = await skipReason(cfg, base, key, user, signature)
    if (reason) return announce(key, 'skipped', reason)
    if (cfg.display.delaySeconds > 0) await sleep(cfg.display.delaySeconds * 1000)
    markShown(`earshot:${key}`)
  }
  const extra: Record<string, unknown> = {}
  const props = properties(given)
  if (Object.keys(props).length) extra.properties = props
  if (user) extra.user = user
  if (signature) extra.signature = signature
  if (!page) extra.page = location.href.slice(0, 2000)
  // The hosted page opened from an e-mailed invitation: the answer is the invitee's.
  if (page && script.dataset.send) extra.send = script.dataset.send
  // An async script in <head> can run before <body> exists.
  if (document.readyState === 'loading') await new Promise((r) => document.addEventListener('DOMContentLoaded', r, { once: true }))
  // A single-page app may insert the script again; one survey per page is enough.
  if (document.querySelector(`[data-earshot-survey="${CSS.escape(key)}"]`)) return announce(key, 'skipped', 'already-shown')
  const targetId = script.dataset.target
  const target = (targetId && document.getElementById(targetId)) || document.body
  const preset = script.dataset.score === undefined ? undefined : Number(script.dataset.score)
  render(cfg, base, key, page, target, Number.isInteger(preset) ? preset : undefined, extra)
  announce(key, 'shown')
}

const current = document.currentScript
if (current instanceof HTMLScriptElement) {
  const key = current.dataset.survey
  const fail = (e: unknown) => {
    warn(e)
    announce(key, 'failed')
  }
  try {
    if (key) start(current, key).catch(fail)
    else warn('data-survey is missing on the script tag')
  } catch (e) {
    fail(e)
  }
}

// A module, so these helpers stay out of the project's global scope when type-checking.
export {}
