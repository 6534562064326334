-- Alerts by e-mail: `emails` get each firing, one message an address, queued
-- with the firing (alert_mails) and sent by the tick after it commits. A sent
-- or failed message forgets its payload (it quotes people's words).
ALTER TABLE alerts ADD COLUMN emails text[] NOT NULL DEFAULT '{}';

CREATE TABLE alert_mails (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  alert_id     uuid NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  email        text NOT NULL,
  payload      jsonb NOT NULL,
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
  attempts     smallint NOT NULL DEFAULT 0,
  error        text,
  claimed_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz
);
CREATE INDEX alert_mails_due ON alert_mails (created_at) WHERE status IN ('queued', 'sending');
CREATE INDEX alert_mails_alert ON alert_mails (alert_id, created_at DESC);
