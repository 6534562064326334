-- Machine translations of mentions, made when someone asks for one and kept so the
-- next reader costs no translator call. source_md5 is the digest of the text that was
-- translated: an edit at the source leaves the translation stale, and it is neither
-- shown nor reused. Erasing a customer deletes the translations of their mentions.
CREATE TABLE mention_translations (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  mention_id    uuid NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
  lang          text NOT NULL,
  source_md5    text NOT NULL,
  title         text,
  body          text NOT NULL,
  detected_lang text,
  provider      text NOT NULL,
  truncated     boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, mention_id, lang)
);
CREATE INDEX mention_translations_mention ON mention_translations (mention_id);
