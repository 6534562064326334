// Strangers' text, shown as text. Explicit bidi overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) let a name like "invoice\u202Efdp.exe" read as
// something it isn't, and can flip the UI around it; they are dropped before
// display. Marks (U+200E/U+200F) and zero-width joiners are kept: real
// right-to-left text and emoji need them.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g

export const stripBidiControls = (s: string) => s.replace(BIDI_CONTROLS, '')

/** A time as the pages show it, minutes in UTC (`2026-03-03 11:45`); `—` for never. */
/**
 * A moment as a page shows it: in UTC from the server; app.js rewrites it into the reader's own time zone and keeps UTC
 * in the title, so a team spread over the world each reads their own clock.
 */
export const When = ({ d }: { d: Date | null | undefined }) =>
  d ? <time datetime={d.toISOString()} data-local>{d.toISOString().slice(0, 16).replace('T', ' ')}</time> : <>—</>

/** Untrusted text in its own bidi context; hono/jsx escapes it. */
/**
 * What a reply form says its writer saw, for `unlessRepliedSince`: just past the newest reply the page shows (the
 * database keeps microseconds, dates here milliseconds), or the epoch when it shows none. Read off the database's own
 * times rather than this server's clock, so a clock running ahead cannot hide a colleague's reply.
 */
export const seenMark = (shown: { createdAt: Date }[]) => new Date(shown.reduce((max, r) => Math.max(max, r.createdAt.getTime() + 1), 0)).toISOString()

export const Txt = ({ s }: { s: string | null | undefined }) => <bdi>{stripBidiControls(s ?? '')}</bdi>
