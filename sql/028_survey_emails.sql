-- Surveys sent by e-mail: one row per recipient, queued by the API and sent
-- by the mailer loop. The link in each message carries a token (only its
-- SHA-256 is kept, written just before the message goes out) that ties the
-- answer to the recipient. Unsubscribes are per workspace and lower-cased.
CREATE TABLE survey_sends (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id     uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  survey_id        uuid NOT NULL,
  email            text NOT NULL,
  name             text,
  customer_id      uuid REFERENCES customers(id) ON DELETE SET NULL,
  -- The origin the API was called through: the message's links point there.
  link_base        text NOT NULL,
  subject          text,
  intro            text,
  token_hash       text UNIQUE,
  status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_expires_at timestamptz,
  error            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  responded_at     timestamptz,
  response_id      uuid,
  FOREIGN KEY (survey_id, workspace_id) REFERENCES surveys (id, workspace_id) ON DELETE CASCADE
);
CREATE INDEX survey_sends_due ON survey_sends (next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX survey_sends_survey ON survey_sends (survey_id, created_at DESC, id DESC);
CREATE INDEX survey_sends_email ON survey_sends (workspace_id, lower(email), created_at DESC);
-- Results by channel tell the answers that came through an invitation.
CREATE INDEX survey_sends_response ON survey_sends (response_id) WHERE response_id IS NOT NULL;

CREATE TABLE survey_unsubscribes (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  email        text NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, email)
);

ALTER TABLE survey_responses DROP CONSTRAINT survey_responses_customer_match_check;
ALTER TABLE survey_responses ADD CONSTRAINT survey_responses_customer_match_check
  CHECK (customer_match IN ('signed_identity', 'import_email', 'import_ref', 'survey_email'));
