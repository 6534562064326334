-- Surveys: respondent tokens for the two-step widget, channels, and the
-- indexes that fatigue checks and results need.

ALTER TABLE survey_responses
  -- SHA-256 of the token the public POST returns; lets the same respondent add
  -- a comment within 30 minutes without a second response.
  ADD COLUMN token_hash text,
  ADD COLUMN channel text NOT NULL DEFAULT 'embed' CHECK (channel IN ('embed', 'hosted', 'import')),
  ADD COLUMN customer_match text CHECK (customer_match IN ('signed_identity', 'import_email', 'import_ref')),
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Fatigue: "did this person answer any survey of the workspace lately?"
CREATE INDEX survey_responses_respondent ON survey_responses (workspace_id, respondent, responded_at DESC)
  WHERE respondent IS NOT NULL;
CREATE INDEX survey_responses_email ON survey_responses (workspace_id, lower(email), responded_at DESC)
  WHERE email IS NOT NULL;
-- Cursor pages of a survey's responses, newest first, ties broken by id.
CREATE INDEX survey_responses_page ON survey_responses (survey_id, responded_at DESC, id DESC);
DROP INDEX survey_responses_survey;
