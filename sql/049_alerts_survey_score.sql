-- `survey_score` alerts: one survey's score (NPS, CSAT %, CES mean) over the
-- window falls below `below_score`, with at least min_count answers. Windows
-- of a week are for these and for `rating`.
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check,
  ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('spike', 'negative_share', 'match', 'unanswered', 'rating', 'response', 'survey_score')),
  ADD COLUMN below_score real;
