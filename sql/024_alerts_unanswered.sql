-- `unanswered` alerts: a mention the filter matches has waited longer than
-- `reply_within` without a reply at its source (a response-time promise).
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('spike', 'negative_share', 'match', 'unanswered'));
ALTER TABLE alerts ADD COLUMN reply_within text NOT NULL DEFAULT '2h';
