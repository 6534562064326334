import { z } from 'zod'
import { permanentError } from '../../src/net/errors.ts'
import { parseJson } from '../../src/net/parse.ts'
import type { MentionItem } from '../../src/pipeline/mention-item.ts'
import { graph, graphBase, postGraphComment } from '../shared/graph.ts'
import { isNew, keptWithMark, Watermark } from '../shared/watermark.ts'
import { commonConfig, defineConnector } from '../types.ts'

/** The account's latest posts whose comments are read each run. */
const MEDIA = 25
/** Comments a page of them; a post's comments are read up to PAGES pages deep. */
const COMMENTS = 50
/** Instagram does not promise an order for comments, so each post's are read whole, up to this many pages. */
const PAGES = 4

const Config = z.strictObject({
  /** The Instagram professional account's id (the Page's `instagram_business_account`). */
  igUserId: z.string().regex(/^\d{5,25}$/, 'the numeric id of the Instagram professional account'),
  /** A token with instagram_basic, instagram_manage_comments and pages_read_engagement. */
  accessToken: z.string().min(20),
  ...commonConfig,
})

const Author = z.object({ id: z.string(), username: z.string().optional() }).optional()
const Reply = z.object({ id: z.string(), text: z.string().default(''), timestamp: z.string(), username: z.string().optional(), like_count: z.number().optional(), from: Author })
const Comment = Reply.extend({ replies: z.object({ data: z.array(Reply) }).optional() })
const Paging = z.object({ next: z.string().optional() }).optional()
const Comments = z.object({ data: z.array(Comment), paging: Paging })
const Media = z.object({ data: z.array(z.object({ id: z.string(), permalink: z.string().optional(), comments: Comments.optional() })) })
type Reply = z.infer<typeof Reply>

/** What a reply needs: the comment answered, and the one it replied to when it was itself a reply. */
const Answerable = z.object({ id: z.string(), parentId: z.string().optional() })

function toMention(c: Reply, permalink: string | undefined, parentId?: string): MentionItem {
  const handle = c.username ?? c.from?.username ?? ''
  return {
    externalId: c.id,
    // Instagram has no address for a comment: the post's.
    url: permalink ?? '',
    author: { handle, ...(handle ? { profileUrl: `https://www.instagram.com/${handle}/` } : {}) },
    text: c.text,
    publishedAt: new Date(c.timestamp),
    engagement: { likes: c.like_count },
    raw: { ...c, parentId },
  }
}

const REPLY_FIELDS = 'id,text,timestamp,username,like_count,from{id,username}'

export const instagramConnector = defineConnector({
  kind: 'instagram',
  description: 'Comments and replies people leave on your Instagram professional account’s latest posts (Graph API); replies as the account.',
  config: Config,
  cursor: Watermark,
  secrets: ['accessToken'],
  urls: ['baseUrl'],
  async poll(ctx, config, cursor) {
    const fields = `id,permalink,comments.limit(${COMMENTS}){${REPLY_FIELDS},replies{${REPLY_FIELDS}}}`
    const media = parseJson(await graph(ctx.fetch, `${graphBase(config)}/${config.igUserId}/media?${new URLSearchParams({ fields, limit: String(MEDIA) })}`, config.accessToken), Media).data
    const items: MentionItem[] = []
    for (const post of media) {
      let page = post.comments
      for (let n = 1; page; n++) {
        for (const c of page.data) {
          items.push(toMention(c, post.permalink), ...(c.replies?.data ?? []).map((r) => toMention(r, post.permalink, c.id)))
        }
        if (n >= PAGES || !page.paging?.next) break
        page = parseJson(await graph(ctx.fetch, page.paging.next, config.accessToken), Comments)
      }
    }
    // The account's own comments are the team's answers.
    const fresh = items.filter((m) => (m.raw as Reply).from?.id !== config.igUserId && isNew(m, cursor))
    // Every new comment was read, so past the first run the oldest go first: the mark moves only past what a run
    // keeps, and the next run takes the rest. The first run keeps the latest.
    fresh.sort((a, b) => (cursor ? 1 : -1) * (a.publishedAt.getTime() - b.publishedAt.getTime()))
    return keptWithMark(fresh, cursor, ctx.maxItems)
  },
  reply: {
    requires: ['accessToken'],
    maxGraphemes: 2200,
    async send(ctx, config, target, text) {
      const comment = Answerable.safeParse(target.raw)
      if (!comment.success) throw permanentError('the stored comment has no id to answer')
      // Instagram threads one level deep: an answer to a reply goes under the comment it replied to.
      return postGraphComment(ctx.fetch, config, `${comment.data.parentId ?? comment.data.id}/replies`, text)
    },
  },
})
