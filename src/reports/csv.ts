import { stringify } from 'csv-stringify/sync'

/**
 * A text cell a spreadsheet would read as a formula (=, +, -, @, tab, CR)
 * gets a leading apostrophe: titles and names come from people, and people
 * type `=HYPERLINK(…)`.
 */
export const escapeFormula = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s)

// Booleans as words: csv-stringify's own "1" and "" read as a count and a blank in a spreadsheet.
const CELLS = {
  record_delimiter: '\r\n',
  cast: { string: escapeFormula, date: (d: Date) => d.toISOString(), number: (n: number) => String(n), boolean: (b: boolean) => String(b) },
} as const

/** RFC 4180: CRLF line ends, quotes doubled, header row; UTF-8 with a BOM so spreadsheets pick the encoding. */
export const toCsv = (header: string[], rows: unknown[][]): string => stringify(rows, { ...CELLS, bom: true, header: true, columns: header })

/** More rows of a CSV that toCsv (or a first chunk of it) began: same cells, no BOM, no header. */
export const csvRows = (rows: unknown[][]): string => stringify(rows, CELLS)

/** Response headers of a CSV download saved as `name`.csv. */
export const csvDownload = (name: string) => ({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` })
