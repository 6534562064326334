-- Surveys in several languages: each survey's settings hold its texts per
-- language beside its own (none until added), and each invitation the
-- language it is written in (null: the survey's own).
UPDATE surveys SET settings = settings || '{"translations": {}}' WHERE NOT settings ? 'translations';
ALTER TABLE survey_sends ADD COLUMN locale text;
