import { stringify } from 'csv-stringify/sync'

/**
 * A text cell a spreadsheet would read as a formula (=, +, -, @, tab, CR)
 * gets a leading apostrophe: titles and names come from people, and people
 * type `=HYPERLINK(…)`.
 */
export const escapeFormula = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s)

/** RFC 4180: CRLF line ends, quotes doubled, header row; UTF-8 with a BOM so spreadsheets pick the encoding. */
export function toCsv(header: string[], rows: unknown[][]): string {
  return stringify(rows, {
    bom: true,
    header: true,
    columns: header,
    record_delimiter: '\r\n',
    cast: { string: escapeFormula, date: (d) => d.toISOString(), number: (n) => String(n) },
  })
}
