-- Colleagues named in a note (@dana): each is e-mailed the note and its
-- mention once, on the scheduler tick. The partial index holds only what is
-- still to be told.
CREATE TABLE note_mentions (
  note_id      uuid NOT NULL REFERENCES mention_notes(id) ON DELETE CASCADE,
  member_id    uuid NOT NULL REFERENCES sso_members(id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  mailed_at    timestamptz,
  PRIMARY KEY (note_id, member_id)
);
CREATE INDEX note_mentions_unmailed ON note_mentions (note_id) WHERE mailed_at IS NULL;
