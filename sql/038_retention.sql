-- Retention: a workspace may keep personal data only so many days. The tick erases what grew older, a batch at a
-- time; these indexes hold only what still has something to erase, so each batch starts at the oldest such row
-- instead of stepping over everything erased before it.
CREATE INDEX mentions_unerased ON mentions (workspace_id, published_at) WHERE erased_at IS NULL;
CREATE INDEX survey_responses_personal ON survey_responses (workspace_id, responded_at)
  WHERE comment IS NOT NULL OR email IS NOT NULL OR respondent IS NOT NULL OR page IS NOT NULL OR customer_id IS NOT NULL;
CREATE INDEX survey_sends_age ON survey_sends (workspace_id, created_at);
