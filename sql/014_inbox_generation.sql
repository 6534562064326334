-- A generation per workspace that moves whenever anything an inbox page is
-- built from changes: mentions, the ticket links the `ticket` filter reads and
-- the ticket statuses `followUp` reads. The API keeps inbox pages in memory
-- under the generation they were built at (src/mentions/page-cache.ts).
-- Bumped inside the writing transaction, the new value becomes visible with
-- the change itself, to the first read after the commit on every server, so a
-- cached page is never served past a change.
--
-- The generation is the sum of a few counters (shards): each transaction
-- bumps the one of its connection, so concurrent writers in one workspace
-- rarely wait on the same row. Any committed bump raises the sum.
CREATE TABLE inbox_generations (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  shard        smallint NOT NULL,
  generation   bigint NOT NULL,
  PRIMARY KEY (workspace_id, shard)
);

-- Fired at commit (deferred), after every statement of the transaction: the
-- row lock it takes comes after all of the statements' locks, so a writer
-- never holds it while waiting for a row another writer has. Once per
-- workspace and transaction; the other rows' calls return at the check.
-- Workspaces being deleted are skipped (their rows go by cascade).
CREATE FUNCTION earshot_bump_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ws uuid := CASE TG_OP WHEN 'DELETE' THEN OLD.workspace_id ELSE NEW.workspace_id END;
  bumped text := coalesce(current_setting('earshot.inbox_bumped', true), '');
BEGIN
  IF strpos(bumped, ws::text) > 0 THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('earshot.inbox_bumped', bumped || ws::text || ',', true);
  IF EXISTS (SELECT 1 FROM workspaces w WHERE w.id = ws) THEN
    INSERT INTO inbox_generations AS g (workspace_id, shard, generation) VALUES (ws, pg_backend_pid() % 8, 1)
    ON CONFLICT (workspace_id, shard) DO UPDATE SET generation = g.generation + 1;
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER mentions_inbox AFTER INSERT OR UPDATE OR DELETE ON mentions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION earshot_bump_inbox();
CREATE CONSTRAINT TRIGGER ticket_links_inbox AFTER INSERT OR UPDATE OR DELETE ON ticket_links
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION earshot_bump_inbox();
CREATE CONSTRAINT TRIGGER tickets_inbox AFTER UPDATE OR DELETE ON tickets
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION earshot_bump_inbox();
