/**
 * Why an upstream call failed, in the terms the scheduler acts on:
 * `permanent` stops polling until the config changes; `retryAt` defers the
 * next run without counting a failure; anything else backs off.
 */
export class UpstreamError extends Error {
  readonly permanent: boolean
  readonly status?: number
  readonly retryAt?: Date

  constructor(message: string, opts: { permanent?: boolean; status?: number; retryAt?: Date } = {}) {
    super(message)
    this.name = 'UpstreamError'
    this.permanent = opts.permanent ?? false
    this.status = opts.status
    this.retryAt = opts.retryAt
  }
}

export const permanentError = (message: string, status?: number) => new UpstreamError(message, { permanent: true, status })

/** The upstream took a post (a 2xx) but its answer could not be read: what was posted is out there, its address unknown. */
export class PostedUnreadable extends UpstreamError {
  constructor(message: string, status: number) {
    super(message, { status })
    this.name = 'PostedUnreadable'
  }
}
