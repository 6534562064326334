-- Urgency for survey comments, read as mentions' are (src/enrich/urgency.ts). A bare score is never urgent; answers
-- stored before it read false until `earshot reclassify` reads their comments again.
ALTER TABLE survey_responses ADD COLUMN urgent boolean NOT NULL DEFAULT false;
