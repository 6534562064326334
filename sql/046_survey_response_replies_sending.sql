-- A reply to a respondent is recorded as `sending` before the mail server is
-- asked, and the mail goes out after that record commits: the lock that makes
-- a second writer wait is no longer held across the mail server's answer, and
-- an e-mail on its way already counts against a colleague's.
ALTER TABLE survey_response_replies DROP CONSTRAINT survey_response_replies_status_check;
ALTER TABLE survey_response_replies ADD CONSTRAINT survey_response_replies_status_check CHECK (status IN ('sending', 'sent', 'failed'));
