import { github } from './providers/github.ts'
import { jira } from './providers/jira.ts'
import { linear } from './providers/linear.ts'
import type { Provider, Tracker } from './tracker.ts'

const TRACKERS: Record<Provider, Tracker> = { github, linear, jira }

export const trackerFor = (provider: Provider): Tracker => TRACKERS[provider]
