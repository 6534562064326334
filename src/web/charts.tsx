import { stripBidiControls } from './text.tsx'
// Small server-rendered SVG charts: no chart library, no CDN, nothing to run
// in the browser. Every chart has a text alternative (title + a table nearby).

export const SENTIMENT_COLOURS = { positive: '#1a7f37', neutral: '#8c959f', negative: '#cf222e' } as const
const PALETTE = ['#0b5cad', '#bf3989', '#1a7f37', '#9a6700', '#8250df', '#cf222e', '#0a7b83', '#57606a']
export const colourAt = (i: number) => PALETTE[i % PALETTE.length]

export interface Series {
  name: string
  colour: string
  values: number[]
}

/** A line whose points may be missing (null: no data that period), drawn as separate runs, never as zeros. */
export interface GappySeries {
  name: string
  colour: string
  values: (number | null)[]
}

/** Consecutive runs of present values, with their x positions. */
function runs(values: (number | null)[]): { i: number; v: number }[][] {
  const out: { i: number; v: number }[][] = []
  let current: { i: number; v: number }[] = []
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length) out.push(current)
      current = []
    } else current.push({ i, v })
  })
  if (current.length) out.push(current)
  return out
}

const round = (n: number) => Math.round(n * 10) / 10

/** Lines over shared x labels; `min`/`max` fix the y range (e.g. NPS −100…100). */
export function LineChart({ labels, series, title, min, max, height = 180 }: {
  labels: string[]
  series: GappySeries[]
  title: string
  min?: number
  max?: number
  height?: number
}) {
  const width = 640
  const pad = { l: 36, r: 8, t: 8, b: 22 }
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null))
  const lo = min ?? Math.min(0, ...all)
  const hi = max ?? Math.max(1, ...all)
  const x = (i: number) => pad.l + (labels.length <= 1 ? 0 : (i * (width - pad.l - pad.r)) / (labels.length - 1))
  const y = (v: number) => pad.t + (height - pad.t - pad.b) * (1 - (v - lo) / (hi - lo || 1))
  const ticks = [lo, (lo + hi) / 2, hi]
  const every = Math.max(1, Math.ceil(labels.length / 6))
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
      <title>{title}</title>
      {ticks.map((t) => (
        <g>
          <line x1={pad.l} x2={width - pad.r} y1={round(y(t))} y2={round(y(t))} stroke="#d0d7de" />
          <text x={pad.l - 4} y={round(y(t)) + 4} text-anchor="end">{Math.round(t)}</text>
        </g>
      ))}
      {labels.map((l, i) => (i % every === 0 ? <text x={round(x(i))} y={height - 6} text-anchor="middle">{l}</text> : null))}
      {series.map((s) => (
        <g>
          {runs(s.values).map((run) =>
            run.length === 1 ? (
              <circle cx={round(x(run[0].i))} cy={round(y(run[0].v))} r="3" fill={s.colour} />
            ) : (
              <polyline fill="none" stroke={s.colour} stroke-width="2" points={run.map((p) => `${round(x(p.i))},${round(y(p.v))}`).join(' ')} />
            ),
          )}
        </g>
      ))}
    </svg>
  )
}

/** Stacked columns, one per label (e.g. mentions per day by sentiment). */
export function StackedBars({ labels, series, title, height = 180 }: { labels: string[]; series: Series[]; title: string; height?: number }) {
  const width = 640
  const pad = { l: 36, r: 8, t: 8, b: 22 }
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0))
  const hi = Math.max(1, ...totals)
  const slot = (width - pad.l - pad.r) / Math.max(1, labels.length)
  const scale = (v: number) => ((height - pad.t - pad.b) * v) / hi
  const every = Math.max(1, Math.ceil(labels.length / 6))
  return (
    <svg class="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
      <title>{title}</title>
      <line x1={pad.l} x2={width - pad.r} y1={height - pad.b} y2={height - pad.b} stroke="#8c959f" />
      <text x={pad.l - 4} y={pad.t + 8} text-anchor="end">{hi}</text>
      <text x={pad.l - 4} y={height - pad.b} text-anchor="end">0</text>
      {labels.map((l, i) => {
        let top = height - pad.b
        return (
          <g>
            {series.map((s) => {
              const h = scale(s.values[i] ?? 0)
              top -= h
              return h > 0 ? <rect x={round(pad.l + i * slot + 1)} y={round(top)} width={round(Math.max(1, slot - 2))} height={round(h)} fill={s.colour} /> : null
            })}
            {i % every === 0 ? <text x={round(pad.l + i * slot + slot / 2)} y={height - 6} text-anchor="middle">{l}</text> : null}
          </g>
        )
      })}
    </svg>
  )
}

/**
 * Horizontal bars with their numbers, for shares and distributions. Bars are
 * SVG, not styled divs: the CSP forbids inline style attributes.
 */
export function BarList({ rows, title }: { rows: { label: string; value: number; colour?: string }[]; title: string }) {
  const hi = Math.max(1, ...rows.map((r) => r.value))
  return (
    <table aria-label={title}>
      <tbody>
        {rows.map((r, i) => (
          <tr>
            <th scope="row">{stripBidiControls(r.label)}</th>
            <td class="barcell">
              <svg class="hbar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                <rect x="0" y="0" height="10" width={round(Math.max(0.5, (100 * r.value) / hi))} fill={r.colour ?? colourAt(i)} />
              </svg>
            </td>
            <td class="num">{r.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** A tiny trend line for table cells. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 96
  const h = 24
  const hi = Math.max(1, ...values)
  const points = values.map((v, i) => `${round(values.length <= 1 ? 0 : (i * (w - 2)) / (values.length - 1) + 1)},${round(h - 2 - ((h - 4) * v) / hi)}`)
  return (
    <svg class="spark" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline fill="none" stroke="#0b5cad" stroke-width="1.5" points={points.join(' ')} />
    </svg>
  )
}

export const Legend = ({ series }: { series: { name: string; colour: string }[] }) => (
  <div class="legend">
    {series.map((s) => (
      <span>
        <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" rx="2" fill={s.colour} /></svg>
        {s.name}
      </span>
    ))}
  </div>
)
