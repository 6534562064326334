-- Response properties: what the page, an invitation or an import says about the
-- answer that the customer record doesn't (plan, order, A/B variant), as
-- {name: text}, NULL when none, to segment and filter results by.
ALTER TABLE survey_responses ADD COLUMN properties jsonb;
-- An invitation's properties go onto the answer given through its link.
ALTER TABLE survey_sends ADD COLUMN properties jsonb;
-- Properties may hold personal data (an order number), so retention erases them
-- with the rest: rows holding them enter the index of what is left to erase.
DROP INDEX survey_responses_personal;
CREATE INDEX survey_responses_personal ON survey_responses (workspace_id, responded_at)
  WHERE comment IS NOT NULL OR email IS NOT NULL OR respondent IS NOT NULL OR page IS NOT NULL OR customer_id IS NOT NULL
    OR properties IS NOT NULL;
