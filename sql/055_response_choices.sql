-- A survey's choice question ("the main reason for your score"): the options an
-- answer picked, in the survey's own language, NULL when it was not answered.
ALTER TABLE survey_responses ADD COLUMN choices text[];
