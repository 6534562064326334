// A source's config form, generated from its connector's JSON Schema (the one
// GET /v1/connectors publishes), and the way back from form fields to config.

/** The slice of JSON Schema that connector configs use. */
export interface JsonSchema {
  type?: string | string[]
  format?: string
  description?: string
  enum?: unknown[]
  items?: JsonSchema
  properties?: Record<string, JsonSchema>
  required?: string[]
  minimum?: number
  maximum?: number
  default?: unknown
  anyOf?: JsonSchema[]
}

const PREFIX = 'config.'

/** `anyOf: [X, {type: null}]` (an optional/nullable field) reads as X. */
function simplify(s: JsonSchema): JsonSchema {
  if (s.anyOf) {
    const real = s.anyOf.filter((x) => x.type !== 'null')
    if (real.length === 1) return { ...real[0], description: s.description ?? real[0].description }
  }
  return s
}

const typeOf = (s: JsonSchema) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type)

const humanize = (name: string) =>
  name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase()).replace(/\b(Url|Id|Api)\b/g, (w) => w.toUpperCase())

function Field({ name, schema: raw, required, secret, value }: { name: string; schema: JsonSchema; required: boolean; secret: boolean; value: unknown }) {
  const schema = simplify(raw)
  const id = `cfg-${name}`
  const label = (
    <label for={id}>
      {humanize(name)} {required ? null : <span class="hint">(optional)</span>}
      {schema.description ? <span class="hint"> — {schema.description}</span> : null}
    </label>
  )
  const type = typeOf(schema)
  if (schema.enum) {
    return (
      <div>
        {label}
        <select id={id} name={PREFIX + name}>
          {required ? null : <option value="">default</option>}
          {schema.enum.map((v) => <option selected={value === v}>{String(v)}</option>)}
        </select>
      </div>
    )
  }
  if (type === 'array' && schema.items?.enum) {
    const chosen = Array.isArray(value) ? value : []
    return (
      <fieldset>
        <legend>{humanize(name)} {schema.description ? <span class="hint">— {schema.description}</span> : null}</legend>
        {schema.items.enum.map((v) => (
          <label class="inline"><input type="checkbox" name={PREFIX + name} value={String(v)} checked={chosen.includes(v)} /> {String(v)}</label>
        ))}
      </fieldset>
    )
  }
  if (type === 'array') {
    return (
      <div>
        {label}
        <textarea id={id} name={PREFIX + name} placeholder="one per line">{Array.isArray(value) ? value.join('\n') : ''}</textarea>
      </div>
    )
  }
  if (type === 'boolean') {
    return (
      <div>
        <label class="inline"><input id={id} type="checkbox" name={PREFIX + name} value="true" checked={value === true} /> {humanize(name)}</label>
      </div>
    )
  }
  const inputType = secret ? 'password' : type === 'integer' || type === 'number' ? 'number' : schema.format === 'uri' ? 'url' : 'text'
  return (
    <div>
      {label}
      <input
        id={id}
        name={PREFIX + name}
        type={inputType}
        required={required}
        min={schema.minimum}
        max={schema.maximum}
        step={type === 'number' ? 'any' : undefined}
        value={value === undefined || value === null ? '' : String(value)}
        autocomplete={secret ? 'off' : undefined}
        size={40}
      />
    </div>
  )
}

/** One input per config property: text, url, number, checkbox, select or checkbox group, by its schema. */
export function SchemaFields({ schema, secrets, values }: { schema: JsonSchema; secrets: readonly string[]; values: Record<string, unknown> }) {
  const props = Object.entries(schema.properties ?? {})
  if (props.length === 0) return <p class="hint">This kind has no settings.</p>
  const required = new Set(schema.required ?? [])
  // Required fields first, so the form reads top-down as "what must I give".
  props.sort(([a], [b]) => Number(required.has(b)) - Number(required.has(a)))
  return (
    <>
      {props.map(([name, s]) => <Field name={name} schema={s} required={required.has(name)} secret={secrets.includes(name)} value={values[name]} />)}
    </>
  )
}

/**
 * Form fields → a config object typed by the schema. Blank fields are left
 * out so the connector's defaults apply; the connector's zod schema then
 * validates the result like any API call.
 */
export function configFromForm(schema: JsonSchema, form: Record<string, string | string[]>): Record<string, unknown> {
  const config: Record<string, unknown> = {}
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    const s = simplify(raw)
    const value = form[PREFIX + name]
    const values = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => v.trim())
    const type = typeOf(s)
    if (type === 'array') {
      const list = s.items?.enum ? values.filter(Boolean) : values.flatMap((v) => v.split(/\r?\n/)).map((v) => v.trim()).filter(Boolean)
      const numeric = s.items && ['number', 'integer'].includes(typeOf(s.items) ?? '')
      if (list.length) config[name] = numeric ? list.map(Number) : list
    } else if (type === 'boolean') {
      // An unticked box sends nothing: that is an explicit "no".
      config[name] = values[0] === 'true'
    } else if (values[0]) {
      config[name] = type === 'integer' || type === 'number' ? Number(values[0]) : values[0]
    }
  }
  return config
}

/** Fields as they were posted, for re-showing a form that failed validation. */
export function configValuesFromForm(form: Record<string, string | string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(form)) if (k.startsWith(PREFIX)) out[k.slice(PREFIX.length)] = v
  return out
}
