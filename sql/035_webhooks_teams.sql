-- Webhooks may post to a Microsoft Teams channel (an Adaptive Card for a Teams workflow).
ALTER TABLE webhooks DROP CONSTRAINT webhooks_format_check,
  ADD CONSTRAINT webhooks_format_check CHECK (format IN ('json', 'slack', 'teams'));
