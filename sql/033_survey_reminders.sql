-- One reminder to invitees who have not answered: remind_after_days is asked
-- for when the invitation is queued; remind_at is set when it is sent, and
-- serves as the reminder's next attempt (and lease) until reminded_at or a
-- final failure clears it. The reminder's links carry a token of their own, so
-- the first message's links keep working.
ALTER TABLE survey_sends
  ADD COLUMN remind_after_days smallint CHECK (remind_after_days BETWEEN 1 AND 14),
  ADD COLUMN remind_at timestamptz,
  ADD COLUMN reminder_token_hash text UNIQUE,
  ADD COLUMN reminder_attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN reminder_error text,
  ADD COLUMN reminded_at timestamptz;
CREATE INDEX survey_sends_remind ON survey_sends (remind_at) WHERE remind_at IS NOT NULL;
