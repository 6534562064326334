-- `rating` alerts: the reviews of the window average fewer stars than
-- `below_rating` (with at least min_count of them).
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('spike', 'negative_share', 'match', 'unanswered', 'rating'));
ALTER TABLE alerts ADD COLUMN below_rating real NOT NULL DEFAULT 3;
