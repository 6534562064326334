import postgres from 'postgres'

export type Sql = postgres.Sql
/** A transaction handle as given by `sql.begin`; queries run like on `Sql`. */
export type Tx = postgres.TransactionSql

export interface SqlOptions {
  max?: number
  /** Workers: one connection per request, no prepared statements through poolers. */
  prepare?: boolean
}

export function createSql(url: string, opts: SqlOptions = {}): Sql {
  return postgres(url, {
    max: opts.max ?? 10,
    prepare: opts.prepare ?? true,
    onnotice: () => {},
    // numeric → JS number: our numerics (customer value, scores) fit in a double
    types: { numeric: { to: 1700, from: [1700], serialize: (v: number) => String(v), parse: (v: string) => Number(v) } },
    connection: { application_name: 'earshot' },
  })
}

/** A unique constraint refused the write (SQLSTATE 23505): for the caller to say which name or key is taken. */
export const isUniqueViolation = (e: unknown): e is postgres.PostgresError => (e as { code?: string } | null)?.code === '23505'
