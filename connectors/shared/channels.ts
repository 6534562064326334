/**
 * Reads each channel past its mark, oldest first, sharing a run's budget: each
 * channel gets an even share of what is left, so a busy channel early in the
 * list cannot starve the others run after run. The cursor moves, per channel,
 * to the newest row read (kept or not) and never past what a share left for
 * the next run; null when no channel has a mark yet.
 */
export async function readChannels<Row>(
  channels: string[],
  cursor: Record<string, string> | null,
  budget: number,
  read: (channel: string, mark: string | undefined, share: number) => Promise<Row[]>,
  idOf: (row: Row) => string,
): Promise<{ read: { channel: string; rows: Row[] }[]; cursor: Record<string, string> | null }> {
  const next: Record<string, string> = {}
  const out: { channel: string; rows: Row[] }[] = []
  let left = budget
  for (const [i, channel] of channels.entries()) {
    const mark = cursor?.[channel]
    const share = Math.ceil(left / (channels.length - i))
    const rows = share > 0 ? await read(channel, mark, share) : []
    left -= rows.length
    const newest = rows.length ? idOf(rows[rows.length - 1]) : mark
    if (newest !== undefined) next[channel] = newest
    out.push({ channel, rows })
  }
  return { read: out, cursor: Object.keys(next).length ? next : null }
}
