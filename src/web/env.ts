import type { Deps } from '../deps.ts'
import type { PageCache } from '../mentions/page-cache.ts'
import type { WebSession } from './sessions.ts'

/** Context variables of the /app sub-app: `session` is set by requireSession. */
export interface WebEnv {
  Variables: { deps: Deps; inbox: PageCache; session: WebSession }
}
