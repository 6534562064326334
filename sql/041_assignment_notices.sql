-- Assignment e-mails: how far each workspace's have been sent. Assignments recorded in the audit log up to `through`
-- have been told; the partial index finds the ones after it without reading every mention's history.
CREATE TABLE assignment_notices (
  workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
  through timestamptz NOT NULL
);
CREATE INDEX audit_log_assignments ON audit_log (workspace_id, at) WHERE entity = 'mention' AND changes ? 'assignee';
