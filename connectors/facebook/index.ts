import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { graph, graphBase, postGraphComment } from '../shared/graph.ts'
import { isNew, keptWithMark, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector } from '../types.ts'

/** The Page's latest posts whose comments are read each run. */
const POSTS = 25
/** Comments read with each post; a post with more new ones pages on. */
const COMMENTS = 50

const Config = z.strictObject({
  /** The Page's numeric id (Page → About → Page transparency, or the Graph API Explorer's `me?fields=id` with its token). */
  pageId: z.string().regex(/^\d{5,20}$/, 'the numeric id of the Page'),
  /** A Page access token with pages_read_engagement and pages_read_user_content (pages_manage_engagement to reply). */
  accessToken: z.string().min(20),
  ...commonConfig,
})
type Config = z.infer<typeof Config>

const Comment = z.object({
  id: z.string(),
  message: z.string().default(''),
  created_time: z.string(),
  // Absent without pages_read_user_content: the comment still counts, nameless.
  from: z.object({ id: z.string(), name: z.string().optional() }).optional(),
  permalink_url: z.string().optional(),
  like_count: z.number().optional(),
  comment_count: z.number().optional(),
  parent: z.object({ id: z.string() }).optional(),
})
type Comment = z.infer<typeof Comment>
const Paging = z.object({ next: z.string().optional() }).optional()
const Comments = z.object({ data: z.array(Comment), paging: Paging })
const Posts = z.object({
  data: z.array(z.object({ id: z.string(), permalink_url: z.string().optional(), comments: Comments.optional() })),
})
function toMention(c: Comment, postUrl: string | undefined): MentionItem {
  return {
    externalId: c.id,
    url: c.permalink_url ?? (postUrl ? `${postUrl}${postUrl.includes('?') ? '&' : '?'}comment_id=${c.id.split('_').at(-1)}` : ''),
    // Page-scoped ids name nobody outside the Page: the name is what people see.
    author: { handle: c.from?.id ?? '', ...(c.from?.name ? { name: c.from.name } : {}) },
    text: c.message,
    publishedAt: new Date(c.created_time),
    engagement: { likes: c.like_count, replies: c.comment_count },
    raw: c,
  }
}

const COMMENT_FIELDS = 'id,message,created_time,from{id,name},permalink_url,like_count,comment_count,parent{id}'

export const facebookConnector = defineConnector({
  kind: 'facebook',
  description: 'Comments people leave on your Facebook Page’s latest posts (Graph API, a Page access token); replies as the Page.',
  config: Config,
  cursor: Watermark,
  secrets: ['accessToken'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    // One call reads the latest posts with their newest comments (replies included: filter=stream).
    const fields = `id,permalink_url,comments.filter(stream).order(reverse_chronological).limit(${COMMENTS}){${COMMENT_FIELDS}}`
    const posts = parseJson(await graph(ctx.fetch, `${graphBase(config)}/${config.pageId}/posts?${new URLSearchParams({ fields, limit: String(POSTS) })}`, config.accessToken), Posts).data
    const items: MentionItem[] = []
    for (const post of posts) {
      let page = post.comments
      while (page && items.length < ctx.maxItems) {
        const seen = page.data.map((c) => ({ mention: toMention(c, post.permalink_url), byPage: c.from?.id === config.pageId }))
        // The Page's own comments are the team's answers.
        items.push(...seen.filter((s) => !s.byPage && isNew(s.mention, cursor)).map((s) => s.mention))
        // Newest first: a comment the mark covers means the rest are older still.
        if (seen.some((s) => !isNew(s.mention, cursor)) || !page.paging?.next) break
        page = parseJson(await graph(ctx.fetch, page.paging.next, config.accessToken), Comments)
      }
    }
    items.sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime())
    return keptWithMark(items, cursor, ctx.maxItems)
  },
  reply: {
    requires: ['accessToken'],
    maxGraphemes: 8000,
    async send(ctx, config, target, text) {
      const comment = Comment.safeParse(target.raw)
      if (!comment.success) throw permanentError('the stored comment has no id to answer')
      // Facebook threads one level deep: an answer to a reply goes under the comment it replied to.
      return postGraphComment(ctx.fetch, config, `${comment.data.parent?.id ?? comment.data.id}/comments`, text)
    },
  },
})
