// Translation as mentions and survey comments come in, for workspaces that
// ask for it (`translateInto`): a tick job, so neither ingestion nor a
// survey's answer ever waits on a translator.
import type { Deps } from '../deps.ts'
import { WorkspaceSettings } from '../workspaces/settings.ts'
import { mentionTextDigest, translateStored, type Subject } from './stored.ts'

/** Texts translated per workspace and tick: 1,200 an hour, and a translator's rate limit is met a tick at a time. */
const PER_TICK = 20
/** Older texts are translated on request only: turning the setting on does not translate the archive. */
const LOOK_BACK_MS = 86_400_000

/** A tick job: translates the newest untranslated mentions and survey comments of each workspace with `translateInto`. */
export async function translateNewMentions(deps: Deps, now: Date): Promise<{ translated: number }> {
  if (!deps.translator) return { translated: 0 }
  const workspaces = await deps.sql<{ id: string; settings: unknown }[]>`
    SELECT id, settings FROM workspaces WHERE settings ->> 'translateInto' IS NOT NULL`
  const since = new Date(now.getTime() - LOOK_BACK_MS)
  let translated = 0
  for (const ws of workspaces) {
    const to = WorkspaceSettings.parse(ws.settings).translateInto
    if (!to) continue
    // Among the newest not yet translated into `to`; a translation of an older text (edited since) counts as none.
    // Mentions first, then comments, PER_TICK in all.
    const due = await deps.sql<{ id: string; surveyId: string | null }[]>`
      (SELECT m.id, NULL::uuid AS "surveyId" FROM mentions m
       WHERE m.workspace_id = ${ws.id} AND m.published_at > ${since} AND m.duplicate_of IS NULL
         AND m.erased_at IS NULL AND m.lang NOT IN (${to}, 'und')
         AND NOT EXISTS (SELECT 1 FROM translations t WHERE t.mention_id = m.id AND t.lang = ${to} AND t.source_md5 = ${mentionTextDigest(deps.sql, 'm')})
       ORDER BY m.published_at DESC LIMIT ${PER_TICK})
      UNION ALL
      (SELECT r.id, r.survey_id FROM survey_responses r
       WHERE r.workspace_id = ${ws.id} AND r.responded_at > ${since} AND r.comment IS NOT NULL AND r.lang NOT IN (${to}, 'und')
         AND NOT EXISTS (SELECT 1 FROM translations t WHERE t.response_id = r.id AND t.lang = ${to} AND t.source_md5 = md5(r.comment))
       ORDER BY r.responded_at DESC LIMIT ${PER_TICK})`
    for (const { id, surveyId } of due.slice(0, PER_TICK)) {
      const subject: Subject = surveyId ? { kind: 'response', surveyId, id } : { kind: 'mention', id }
      try {
        await translateStored(deps, ws.id, subject, to)
        translated++
      } catch (err) {
        // A refusal or a rate limit holds for the rest of this workspace's batch too: try again next tick.
        deps.logger.warn('translation on arrival failed', { workspaceId: ws.id, [surveyId ? 'responseId' : 'mentionId']: id, err: err instanceof Error ? err.message : String(err) })
        break
      }
    }
  }
  return { translated }
}
