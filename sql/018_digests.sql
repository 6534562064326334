-- Daily digests sent: one row per workspace and day claims the digest, so
-- instances ticking together send it once.
CREATE TABLE digests_sent (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  day          date NOT NULL,
  sent_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, day)
);
