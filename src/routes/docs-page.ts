import { html } from 'hono/html'

interface Operation {
  summary?: string
  tags?: string[]
}
interface OpenApiDoc {
  info: { title: string; version: string }
  paths?: object
}

/** A readable, dependency-free page of every route in the OpenAPI document. */
export function renderDocs(doc: OpenApiDoc) {
  const rows = Object.entries(doc.paths ?? {}).flatMap(([path, ops]) =>
    Object.entries(ops as Record<string, Operation>).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  )
  const byTag = new Map<string, typeof rows>()
  for (const r of rows) {
    const tag = r.op.tags?.[0] ?? 'Other'
    byTag.set(tag, [...(byTag.get(tag) ?? []), r])
  }
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${doc.info.title} API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
code{font:13px ui-monospace,monospace}table{border-collapse:collapse;width:100%}td{padding:.3rem .5rem;border-top:1px solid #ddd;vertical-align:top}
.m{font-weight:600;width:5rem}h2{margin-top:2rem}</style></head>
<body><h1>${doc.info.title} API <small>${doc.info.version}</small></h1>
<p>Authenticate with <code>Authorization: Bearer &lt;API key&gt;</code>. Errors are <code>{"error":{"code","message"}}</code>.
Lists take <code>?cursor=&amp;limit=</code> and return <code>{items, nextCursor}</code>.
The machine-readable document is at <a href="/openapi.json">/openapi.json</a>.</p>
${[...byTag].map(
  ([tag, ops]) => html`<h2>${tag}</h2><table>${ops.map(
    (r) => html`<tr><td class="m">${r.method}</td><td><code>${r.path}</code></td><td>${r.op.summary ?? ''}</td></tr>`,
  )}</table>`,
)}
</body></html>`
}
