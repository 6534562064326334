-- `response` alerts: each survey answer in the chosen bands (detractors by
-- default), of one survey or of any, fires once.
ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check,
  ADD CONSTRAINT alerts_kind_check CHECK (kind IN ('spike', 'negative_share', 'match', 'unanswered', 'rating', 'response')),
  ADD COLUMN survey_id uuid REFERENCES surveys(id) ON DELETE CASCADE,
  ADD COLUMN bands text[] NOT NULL DEFAULT '{detractor,unsatisfied,difficult}';
ALTER TABLE alert_events ADD COLUMN response_id uuid REFERENCES survey_responses(id) ON DELETE SET NULL;
