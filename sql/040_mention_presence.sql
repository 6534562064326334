-- Who has a mention open in the web inbox right now, and whether they are writing a reply, so two people don't answer
-- the same post. Rows are seconds old by design (each open page renews its own), so the table is UNLOGGED: a crash
-- that empties it loses nothing anyone needs.
CREATE UNLOGGED TABLE mention_presence (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  mention_id uuid NOT NULL,
  person text NOT NULL,
  name text NOT NULL,
  replying boolean NOT NULL DEFAULT false,
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, mention_id, person)
);
