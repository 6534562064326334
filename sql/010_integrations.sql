-- Issue trackers per workspace and the link of each ticket to its tracker
-- issue. Tokens and webhook secrets are AES-GCM ciphertexts (key from
-- EARSHOT_SECRET_KEY); they are never stored or returned in clear.

CREATE TABLE integrations (
  id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id              uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  provider                  text NOT NULL CHECK (provider IN ('github', 'linear', 'jira')),
  name                      text NOT NULL,
  base_url                  text NOT NULL,
  -- Jira Cloud authenticates with the account's email + API token
  account_email             text,
  token_ciphertext          text NOT NULL,
  webhook_secret_ciphertext text,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, provider)
);
CREATE INDEX integrations_provider ON integrations (provider) WHERE webhook_secret_ciphertext IS NOT NULL;

CREATE TABLE ticket_trackers (
  ticket_id      uuid PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
  workspace_id   uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
  provider       text NOT NULL,
  -- stable upstream id: `owner/repo#12` (GitHub), issue uuid (Linear), issue id (Jira)
  external_id    text NOT NULL,
  external_key   text NOT NULL,
  external_url   text NOT NULL,
  remote_state   text,
  synced_at      timestamptz,
  next_poll_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, provider, external_id)
);
CREATE INDEX ticket_trackers_poll ON ticket_trackers (next_poll_at);
CREATE INDEX ticket_trackers_external ON ticket_trackers (provider, external_id);
