-- Browser sessions for the /app web UI: signing in with an API key creates one.
-- Only a SHA-256 of the random session id is stored, so a leaked table can't be
-- replayed as cookies. Revoking the key ends its sessions (ON DELETE CASCADE).
CREATE TABLE web_sessions (
  id_hash      text PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  api_key_id   uuid NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
  role         text NOT NULL CHECK (role IN ('admin', 'agent', 'viewer')),
  -- synchronizer token every state-changing request must echo back
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX web_sessions_key ON web_sessions (api_key_id);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
