-- `unanswered` alerts may count their reply time in working hours only:
-- {timeZone, days, start, end}, or NULL for around the clock.
ALTER TABLE alerts ADD COLUMN business_hours jsonb;
