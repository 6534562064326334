import { apiConnector } from './api/index.ts'
import { appstoreConnector } from './appstore/index.ts'
import { appstoreconnectConnector } from './appstoreconnect/index.ts'
import { blueskyConnector } from './bluesky/index.ts'
import { discordConnector } from './discord/index.ts'
import { discourseConnector } from './discourse/index.ts'
import { facebookConnector } from './facebook/index.ts'
import { freshdeskConnector } from './freshdesk/index.ts'
import { githubConnector } from './github/index.ts'
import { googlebusinessConnector } from './googlebusiness/index.ts'
import { googleplayConnector } from './googleplay/index.ts'
import { hackernewsConnector } from './hackernews/index.ts'
import { helpscoutConnector } from './helpscout/index.ts'
import { instagramConnector } from './instagram/index.ts'
import { intercomConnector } from './intercom/index.ts'
import { mastodonConnector } from './mastodon/index.ts'
import { producthuntConnector } from './producthunt/index.ts'
import { redditConnector } from './reddit/index.ts'
import { rssConnector } from './rss/index.ts'
import { rustoreConnector } from './rustore/index.ts'
import { slackConnector } from './slack/index.ts'
import { stackexchangeConnector } from './stackexchange/index.ts'
import { telegramConnector } from './telegram/index.ts'
import { threadsConnector } from './threads/index.ts'
import { trustpilotConnector } from './trustpilot/index.ts'
import { vkConnector } from './vk/index.ts'
import { xConnector } from './x/index.ts'
import { youtubeConnector } from './youtube/index.ts'
import { zendeskConnector } from './zendesk/index.ts'
import type { Connector } from './types.ts'

const connectors: Connector[] = [
  redditConnector,
  hackernewsConnector,
  mastodonConnector,
  blueskyConnector,
  appstoreConnector,
  appstoreconnectConnector,
  googleplayConnector,
  rustoreConnector,
  googlebusinessConnector,
  rssConnector,
  githubConnector,
  stackexchangeConnector,
  xConnector,
  youtubeConnector,
  discourseConnector,
  producthuntConnector,
  facebookConnector,
  instagramConnector,
  threadsConnector,
  telegramConnector,
  discordConnector,
  slackConnector,
  vkConnector,
  trustpilotConnector,
  zendeskConnector,
  intercomConnector,
  freshdeskConnector,
  helpscoutConnector,
  apiConnector,
]

const byKind = new Map(connectors.map((c) => [c.kind, c]))

/** Every kind a source can have. */
export const listConnectors = (): readonly Connector[] => connectors

export const findConnector = (kind: string): Connector | undefined => byKind.get(kind)
