import { z } from 'zod'
import { permanentError, UpstreamError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { isNew, keptWithMark, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector, originOf } from '../types.ts'

const API_VERSION = '5.199'
/** VK's largest page for a search. */
const PAGE_SIZE = 200
/** A first run looks this far back (VK's own default is a day). */
const FIRST_LOOK_BACK_S = 7 * 86_400

const Config = z.strictObject({
  /** VK search syntax: words, "a phrase", -not, #hashtag. */
  query: z.string().min(1).max(500),
  /** A VK app's service token (Manage → your app → Settings → Service token), or a user token. */
  accessToken: z.string().min(1),
  ...commonConfig,
})

const Count = z.object({ count: z.number() }).optional()
const Post = z.object({
  id: z.number(),
  owner_id: z.number(),
  from_id: z.number(),
  date: z.number(),
  text: z.string().default(''),
  post_type: z.string().optional(),
  marked_as_ads: z.number().optional(),
  likes: Count,
  comments: Count,
  reposts: Count,
})
type Post = z.infer<typeof Post>
const Profile = z.object({ id: z.number(), first_name: z.string().optional(), last_name: z.string().optional(), screen_name: z.string().optional(), followers_count: z.number().optional() })
const Group = z.object({ id: z.number(), name: z.string().optional(), screen_name: z.string().optional(), members_count: z.number().optional() })
const Found = z.object({ items: z.array(Post), profiles: z.array(Profile).default([]), groups: z.array(Group).default([]), next_from: z.string().optional() })
/** VK answers errors with HTTP 200 and an `error` object instead of `response`. */
const Answer = z.union([z.object({ response: Found }), z.object({ error: z.object({ error_code: z.number(), error_msg: z.string() }) })])

// Error codes (dev.vk.com/reference/errors): the token or its access is wrong, so polling again cannot help.
const AUTH_FAILED = new Set([5, 15, 17, 18, 27, 28, 30, 100])
/** The method's daily quota is used up. */
const RATE_LIMIT_REACHED = 29

function failure(code: number, message: string, now: Date): UpstreamError {
  const detail = `api.vk.com: error ${code}: ${message}`
  if (AUTH_FAILED.has(code)) return permanentError(detail)
  if (code === RATE_LIMIT_REACHED) return new UpstreamError(detail, { retryAt: new Date(now.getTime() + 3_600_000) })
  return new UpstreamError(detail)
}

interface Authors {
  profiles: Map<number, z.infer<typeof Profile>>
  groups: Map<number, z.infer<typeof Group>>
}

/** A person (positive id) or a community (negative id), as VK names them. */
function authorOf(fromId: number, authors: Authors): MentionItem['author'] {
  if (fromId > 0) {
    const p = authors.profiles.get(fromId)
    const handle = p?.screen_name ?? `id${fromId}`
    const name = [p?.first_name, p?.last_name].filter(Boolean).join(' ')
    return { handle, ...(name ? { name } : {}), profileUrl: `https://vk.com/${handle}`, followers: p?.followers_count }
  }
  const g = authors.groups.get(-fromId)
  const handle = g?.screen_name ?? `club${-fromId}`
  return { handle, ...(g?.name ? { name: g.name } : {}), profileUrl: `https://vk.com/${handle}`, followers: g?.members_count }
}

function toMention(p: Post, authors: Authors): MentionItem {
  return {
    externalId: `${p.owner_id}_${p.id}`,
    url: `https://vk.com/wall${p.owner_id}_${p.id}`,
    author: authorOf(p.from_id, authors),
    text: p.text,
    publishedAt: new Date(p.date * 1000),
    engagement: { likes: p.likes?.count, replies: p.comments?.count, shares: p.reposts?.count },
    raw: p,
  }
}

export const vkConnector = defineConnector({
  kind: 'vk',
  description: 'Public VK (VKontakte) posts matching a search (newsfeed.search), with their authors and communities.',
  config: Config,
  cursor: Watermark,
  secrets: ['accessToken'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const url = `${originOf(config, 'https://api.vk.com')}/method/newsfeed.search`
    const startTime = cursor ? Math.floor(Date.parse(cursor.since) / 1000) : Math.floor(ctx.now.getTime() / 1000) - FIRST_LOOK_BACK_S
    const items: MentionItem[] = []
    let startFrom: string | undefined
    while (items.length < ctx.maxItems) {
      // The token goes in the body, never in an address that a log or an error might show.
      const form = new URLSearchParams({
        q: config.query, extended: '1', count: String(PAGE_SIZE), start_time: String(startTime),
        fields: 'screen_name,followers_count,members_count', access_token: config.accessToken, v: API_VERSION,
      })
      if (startFrom) form.set('start_from', startFrom)
      const answer = parseJson(await ctx.fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }), Answer)
      if ('error' in answer) throw failure(answer.error.error_code, answer.error.error_msg, ctx.now)
      const { items: posts, profiles, groups, next_from } = answer.response
      const authors = { profiles: new Map(profiles.map((p) => [p.id, p])), groups: new Map(groups.map((g) => [g.id, g])) }
      // Ads and reposts without a word of their own say nothing about anyone.
      items.push(...posts.filter((p) => !p.marked_as_ads && p.text.trim()).map((p) => toMention(p, authors)).filter((m) => isNew(m, cursor)))
      if (!next_from || posts.length === 0) break
      startFrom = next_from
    }
    return keptWithMark(items, cursor, ctx.maxItems)
  },
})
