import { Hono } from 'hono'
import { APP_CSS } from './assets/app-css.ts'
import { APP_JS } from './assets/app-js.ts'
import type { WebEnv } from './env.ts'

// The assets are strings in the bundle (the Worker has no file system); the
// content hash in their URL lets browsers cache them forever.
function fnv1a(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}

const assets = {
  js: { body: APP_JS, type: 'text/javascript; charset=utf-8', hash: fnv1a(APP_JS) },
  css: { body: APP_CSS, type: 'text/css; charset=utf-8', hash: fnv1a(APP_CSS) },
}

/** URLs the layout links to; they change whenever the content does. */
export const assetUrls = {
  js: `/app/static/app.${assets.js.hash}.js`,
  css: `/app/static/app.${assets.css.hash}.css`,
}

export const staticRouter = new Hono<WebEnv>().get('/:file{app(\\.[0-9a-f]{8})?\\.(js|css)}', (c) => {
  const file = c.req.param('file')
  const asset = file.endsWith('.js') ? assets.js : assets.css
  const hashed = file !== 'app.js' && file !== 'app.css'
  if (hashed && !file.includes(asset.hash)) return c.text('stale asset', 404)
  c.header('content-type', asset.type)
  c.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
  c.header('etag', `"${asset.hash}"`)
  if (c.req.header('if-none-match') === `"${asset.hash}"`) return c.body(null, 304)
  return c.body(asset.body)
})
