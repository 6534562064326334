-- Public replies to mentions, posted upstream under the source's account.
-- A row is written before the upstream call ('sending') so an answer that
-- never comes back still leaves a trace, and an Idempotency-Key repeated by a
-- client finds the attempt it already made instead of posting twice.
CREATE TABLE mention_replies (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id    uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  mention_id      uuid NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
  author          text NOT NULL,
  body            text NOT NULL,
  status          text NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'sent', 'failed')),
  external_id     text,
  url             text,
  error           text,
  idempotency_key text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  UNIQUE (workspace_id, idempotency_key)
);
CREATE INDEX mention_replies_mention ON mention_replies (mention_id, created_at);
-- The report's reply rate reads a workspace's sent replies without visiting the rest.
CREATE INDEX mention_replies_sent ON mention_replies (workspace_id, mention_id) WHERE status = 'sent';
