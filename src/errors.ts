import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** The one error type domain code throws; app.onError maps it to `{ error: { code, message } }`. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`)
export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details)
export const forbidden = (message = 'your role may not do this') => new AppError(403, 'forbidden', message)
export const conflict = (message: string) => new AppError(409, 'conflict', message)
