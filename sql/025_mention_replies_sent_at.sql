-- The mentions report's reply times start from the replies sent since the
-- period began (a mention's first reply comes after it was posted), so they
-- read a period's replies instead of every reply the workspace ever sent.
CREATE INDEX mention_replies_sent_at ON mention_replies (workspace_id, sent_at) WHERE status = 'sent';
