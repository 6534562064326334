-- Automation rules: every new mention that a rule's filter matches gets the
-- rule's action (status, assignee, tags) as it is stored, in creation order.
CREATE TABLE rules (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name          text NOT NULL,
  filter        jsonb NOT NULL,
  action        jsonb NOT NULL,
  enabled       boolean NOT NULL DEFAULT true,
  applied_count bigint NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, name)
);
