-- A response's survey and workspace are checked by one foreign key instead of
-- two: the pair must name a survey of that very workspace (stronger than
-- before, when each only had to exist), and every insert runs one
-- referential check per row instead of two. Deleting a workspace still
-- removes its responses, through its surveys.

ALTER TABLE surveys ADD CONSTRAINT surveys_id_workspace UNIQUE (id, workspace_id);

ALTER TABLE survey_responses
  DROP CONSTRAINT survey_responses_workspace_id_fkey,
  DROP CONSTRAINT survey_responses_survey_id_fkey,
  ADD CONSTRAINT survey_responses_survey FOREIGN KEY (survey_id, workspace_id) REFERENCES surveys (id, workspace_id) ON DELETE CASCADE;
