import type { Hono } from 'hono'
import type { WebEnv } from '../env.ts'
import { alertsRouter } from './alerts.tsx'
import { customersRouter } from './customers.tsx'
import { dashboardRouter } from './dashboard.tsx'
import { inboxRouter } from './inbox.tsx'
import { sourcesRouter } from './sources.tsx'
import { surveysRouter } from './surveys.tsx'
import { ticketsRouter } from './tickets.tsx'
import { rulesRouter } from './rules.tsx'
import { savedRepliesRouter } from './saved-replies.tsx'
import { settingsRouter } from './settings.tsx'
import { webhooksRouter } from './webhooks.tsx'

/** Every signed-in section of /app, mounted under its path by the web router. */
export const pageRouters: [string, Hono<WebEnv>][] = [
  ['/inbox', inboxRouter],
  ['/sources', sourcesRouter],
  ['/customers', customersRouter],
  ['/tickets', ticketsRouter],
  ['/surveys', surveysRouter],
  ['/alerts', alertsRouter],
  ['/rules', rulesRouter],
  ['/saved-replies', savedRepliesRouter],
  ['/webhooks', webhooksRouter],
  ['/settings', settingsRouter],
  ['/dashboard', dashboardRouter],
]
