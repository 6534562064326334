-- Alert rules and what they fired. `in_episode` remembers that a spike is
-- under way, so one spike is one event however many ticks see it.

CREATE TABLE alerts (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id       uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name               text NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('spike', 'negative_share', 'match')),
  -- the inbox filter language (src/mentions/filter.ts)
  filter             jsonb NOT NULL DEFAULT '{}',
  channels           uuid[] NOT NULL DEFAULT '{}',
  cooldown           text NOT NULL,
  "window"           text NOT NULL,
  min_count          integer NOT NULL,
  sensitivity        real NOT NULL,
  only_new           boolean NOT NULL DEFAULT false,
  min_customer_value numeric,
  enabled            boolean NOT NULL DEFAULT true,
  in_episode         boolean NOT NULL DEFAULT false,
  last_fired_at      timestamptz,
  last_evaluated_at  timestamptz,
  last_evaluation    jsonb,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_workspace ON alerts (workspace_id);
CREATE INDEX alerts_periodic ON alerts (last_evaluated_at) WHERE enabled AND kind <> 'match';
CREATE INDEX alerts_match ON alerts (workspace_id) WHERE enabled AND kind = 'match';

CREATE TABLE alert_events (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  alert_id     uuid NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  -- `mention:<id>` or `episode:<start>`: the same occurrence never fires twice
  dedup_key    text NOT NULL,
  mention_id   uuid REFERENCES mentions(id) ON DELETE SET NULL,
  explanation  jsonb NOT NULL,
  fired_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (alert_id, dedup_key)
);
CREATE INDEX alert_events_alert ON alert_events (alert_id, fired_at DESC);
