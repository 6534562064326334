-- Weekly digests: a claim row per workspace, period and first day, so the daily and the weekly digest are each sent once.
ALTER TABLE digests_sent ADD COLUMN period text NOT NULL DEFAULT 'day' CHECK (period IN ('day', 'week'));
ALTER TABLE digests_sent DROP CONSTRAINT digests_sent_pkey;
ALTER TABLE digests_sent ADD PRIMARY KEY (workspace_id, period, day);
