-- Outgoing webhooks and their durable outbox. A delivery row is written in the
-- same transaction as the change it reports, so nothing is announced that did
-- not happen and nothing that happened is lost across a restart.

CREATE TABLE webhooks (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id         uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  url                  text NOT NULL,
  events               text[] NOT NULL,
  format               text NOT NULL DEFAULT 'json' CHECK (format IN ('json', 'slack')),
  -- `whsec_` + base64 key; needed in clear to sign, never returned after creation
  secret               text NOT NULL,
  description          text,
  enabled              boolean NOT NULL DEFAULT true,
  consecutive_failures integer NOT NULL DEFAULT 0,
  disabled_reason      text,
  disabled_at          timestamptz,
  -- one dispatcher at a time per webhook keeps its deliveries in order
  lease_owner          text,
  lease_expires_at     timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_workspace ON webhooks (workspace_id);

CREATE TABLE webhook_deliveries (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- delivery order within a webhook
  seq             bigint GENERATED ALWAYS AS IDENTITY,
  workspace_id    uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  webhook_id      uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  -- the `webhook-id` header: the same for every attempt and every endpoint of one event
  message_id      text NOT NULL,
  event_type      text NOT NULL,
  -- the exact bytes that are signed and sent, fixed at enqueue time
  body            text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_status     integer,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, seq DESC);

CREATE TABLE webhook_attempts (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id    uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  delivery_id     uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  status_code     integer,
  error           text,
  response_body   text,
  duration_ms     integer NOT NULL,
  at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
