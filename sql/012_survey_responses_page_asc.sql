-- Pages of a survey's responses are read newest first, which a backward scan
-- of an ascending index serves just as well. Ascending, each new response
-- lands on the index's rightmost page, where PostgreSQL inserts without
-- descending the tree and splits pages 90/10 rather than 50/50.

CREATE INDEX survey_responses_page_asc ON survey_responses (survey_id, responded_at, id);
DROP INDEX survey_responses_page;
ALTER INDEX survey_responses_page_asc RENAME TO survey_responses_page;
