-- Counts behind the inbox header (GET /v1/mentions/stats and the web inbox):
-- counting a million mentions on every load took most of a second, seconds
-- under load. Every statement that adds, changes or removes mentions appends
-- what it changed in the counts, as signed deltas by (status, sentiment,
-- source); a read sums a workspace's rows. Appending never waits on another
-- writer, so ingestion stays as parallel as it was. Duplicates are left out:
-- whether one is listed depends on its leader (src/mentions/list.ts), so
-- src/mentions/stats.ts counts those few from the mentions themselves.
CREATE TABLE mention_counts (
  workspace_id        uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  status              text NOT NULL,
  effective_sentiment text,
  source_id           uuid,
  n                   bigint NOT NULL
);
CREATE INDEX mention_counts_workspace ON mention_counts (workspace_id);

-- Folds a workspace's deltas into one row per key. A single statement: it
-- sums exactly the rows it deleted, so a concurrent fold or append loses
-- nothing. The advisory lock only spares a second fold the wait; a workspace
-- being deleted is left to the cascade.
CREATE FUNCTION earshot_fold_mention_counts(ws uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM workspaces w WHERE w.id = ws)
     OR NOT pg_try_advisory_xact_lock(hashtext('earshot.mention_counts'), hashtext(ws::text)) THEN
    RETURN;
  END IF;
  WITH gone AS (DELETE FROM mention_counts WHERE workspace_id = ws RETURNING *)
  INSERT INTO mention_counts (workspace_id, status, effective_sentiment, source_id, n)
  SELECT ws, status, effective_sentiment, source_id, sum(n) FROM gone
  GROUP BY status, effective_sentiment, source_id HAVING sum(n) <> 0;
END
$$;

-- One function for the three statement triggers: a row that left counts -1
-- under its old values, a row that arrived +1 under its new ones; an update
-- that changed none of them cancels out. Deletes of a workspace being
-- deleted are skipped (its counts go by cascade). About one statement in 32
-- also folds its workspaces' deltas, so they stay a few hundred rows.
CREATE FUNCTION earshot_count_mentions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ws uuid;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO mention_counts (workspace_id, status, effective_sentiment, source_id, n)
    SELECT workspace_id, status, effective_sentiment, source_id, count(*) FROM added
    WHERE duplicate_of IS NULL GROUP BY 1, 2, 3, 4;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO mention_counts (workspace_id, status, effective_sentiment, source_id, n)
    SELECT workspace_id, status, effective_sentiment, source_id, sum(d) FROM (
      SELECT workspace_id, status, effective_sentiment, source_id, -1 AS d FROM removed WHERE duplicate_of IS NULL
      UNION ALL
      SELECT workspace_id, status, effective_sentiment, source_id, 1 FROM added WHERE duplicate_of IS NULL) c
    GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0;
  ELSE
    INSERT INTO mention_counts (workspace_id, status, effective_sentiment, source_id, n)
    SELECT r.workspace_id, r.status, r.effective_sentiment, r.source_id, -count(*) FROM removed r
    WHERE r.duplicate_of IS NULL AND EXISTS (SELECT 1 FROM workspaces w WHERE w.id = r.workspace_id)
    GROUP BY 1, 2, 3, 4;
  END IF;
  IF random() < 1.0 / 32 THEN
    IF TG_OP = 'DELETE' THEN
      FOR ws IN SELECT DISTINCT workspace_id FROM removed LOOP PERFORM earshot_fold_mention_counts(ws); END LOOP;
    ELSE
      FOR ws IN SELECT DISTINCT workspace_id FROM added LOOP PERFORM earshot_fold_mention_counts(ws); END LOOP;
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER mentions_count_inserts AFTER INSERT ON mentions
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION earshot_count_mentions();
CREATE TRIGGER mentions_count_updates AFTER UPDATE ON mentions
  REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION earshot_count_mentions();
CREATE TRIGGER mentions_count_deletes AFTER DELETE ON mentions
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION earshot_count_mentions();

-- The mentions already stored.
INSERT INTO mention_counts (workspace_id, status, effective_sentiment, source_id, n)
SELECT workspace_id, status, effective_sentiment, source_id, count(*) FROM mentions
WHERE duplicate_of IS NULL GROUP BY 1, 2, 3, 4;

-- The duplicates part of a count: a workspace's duplicates with what the
-- filter reads, without touching the table.
CREATE INDEX mentions_duplicates ON mentions (workspace_id) INCLUDE (duplicate_of, status, effective_sentiment, source_id)
  WHERE duplicate_of IS NOT NULL;
