import { z } from '@hono/zod-openapi'
import { notFound } from '../../errors.ts'

/** Path ids: anything that isn't a uuid is simply a page that doesn't exist (never a 500 from the database). */
export const IdParam = {
  parse(value: string | undefined): string {
    const parsed = z.uuid().safeParse(value)
    if (!parsed.success) throw notFound('page')
    return parsed.data
  },
}
