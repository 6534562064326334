-- Single sign-on (OpenID Connect) per workspace. People who sign in through
-- it become members of the workspace: a role of their own that admins can
-- change, and a switch that shuts them out and ends their sessions.
CREATE TABLE sso_connections (
  workspace_id         uuid PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
  issuer               text NOT NULL,
  client_id            text NOT NULL,
  -- AES-GCM under EARSHOT_SECRET_KEY, bound to the workspace (src/crypto/secret-box.ts)
  client_secret_sealed text NOT NULL,
  -- e-mail domains allowed in; empty lets in anyone the identity provider vouches for
  allowed_domains      text[] NOT NULL DEFAULT '{}',
  default_role         text NOT NULL CHECK (default_role IN ('admin', 'agent', 'viewer')),
  enabled              boolean NOT NULL DEFAULT true,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sso_members (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id   uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  issuer         text NOT NULL,
  subject        text NOT NULL,
  email          text NOT NULL,
  name           text,
  role           text NOT NULL CHECK (role IN ('admin', 'agent', 'viewer')),
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_signed_in timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, issuer, subject)
);

-- A sign-in under way: the browser holds the state in a cookie, this row the
-- nonce and PKCE verifier. Only the state's SHA-256 is kept; a row is used once.
CREATE TABLE sso_sign_ins (
  state_hash    text PRIMARY KEY,
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  nonce         text NOT NULL,
  code_verifier text NOT NULL,
  next          text NOT NULL,
  expires_at    timestamptz NOT NULL
);
CREATE INDEX sso_sign_ins_expiry ON sso_sign_ins (expires_at);
CREATE INDEX sso_sign_ins_workspace ON sso_sign_ins (workspace_id);

-- A browser session belongs to an API key or to a member, never both.
ALTER TABLE web_sessions ALTER COLUMN api_key_id DROP NOT NULL;
ALTER TABLE web_sessions ADD COLUMN member_id uuid REFERENCES sso_members(id) ON DELETE CASCADE;
ALTER TABLE web_sessions ADD CONSTRAINT web_sessions_one_principal CHECK (num_nonnulls(api_key_id, member_id) = 1);
CREATE INDEX web_sessions_member ON web_sessions (member_id) WHERE member_id IS NOT NULL;
