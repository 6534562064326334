-- response and survey_score alerts may count only the answers with one property
-- value ({"name": "plan", "value": "enterprise"}): NULL counts every answer.
ALTER TABLE alerts ADD COLUMN answer_property jsonb;
