-- Snoozed mentions: out of the inbox's "needs attention" until snoozed_until,
-- when the scheduler tick reopens them. Only a snoozed mention has a time.
ALTER TABLE mentions
  DROP CONSTRAINT mentions_status_check,
  ADD COLUMN snoozed_until timestamptz,
  ADD CONSTRAINT mentions_status_check CHECK (status IN ('new', 'open', 'in_progress', 'snoozed', 'resolved', 'ignored', 'spam')),
  ADD CONSTRAINT mentions_snoozed_until CHECK ((status = 'snoozed') = (snoozed_until IS NOT NULL));
-- The tick's wake-up reads only the snoozed few.
CREATE INDEX mentions_snoozed ON mentions (snoozed_until) WHERE status = 'snoozed';
