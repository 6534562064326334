-- Review requests: when the person behind an answer followed the survey's
-- review link (once; the first time counts).
ALTER TABLE survey_responses ADD COLUMN review_clicked_at timestamptz;
