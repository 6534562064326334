-- E-mails the team sends a respondent about their answer (closing the loop with
-- a detractor, thanking a promoter). Kept with the response; a customer's data
-- export lists them and erasing the customer deletes them.
CREATE TABLE survey_response_replies (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  response_id  uuid NOT NULL REFERENCES survey_responses(id) ON DELETE CASCADE,
  author       text NOT NULL,
  to_email     text NOT NULL,
  subject      text NOT NULL,
  body         text NOT NULL,
  reply_to     text,
  status       text NOT NULL CHECK (status IN ('sent', 'failed')),
  error        text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX survey_response_replies_response ON survey_response_replies (response_id, created_at);
