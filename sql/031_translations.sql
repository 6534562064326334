-- Machine translations of a mention's title and text or a survey response's
-- comment, made when someone asks for one and kept so the next reader costs no
-- translator call. source_md5 is the digest of the text that was translated: an
-- edit at the source leaves the translation stale, and it is neither shown nor
-- reused. Erasing a customer deletes the translations of their words.
CREATE TABLE translations (
  workspace_id  uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  mention_id    uuid REFERENCES mentions(id) ON DELETE CASCADE,
  response_id   uuid REFERENCES survey_responses(id) ON DELETE CASCADE,
  lang          text NOT NULL,
  source_md5    text NOT NULL,
  title         text,
  body          text NOT NULL,
  detected_lang text,
  provider      text NOT NULL,
  truncated     boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((mention_id IS NULL) <> (response_id IS NULL))
);
CREATE UNIQUE INDEX translations_mention ON translations (mention_id, lang) WHERE mention_id IS NOT NULL;
CREATE UNIQUE INDEX translations_response ON translations (response_id, lang) WHERE response_id IS NOT NULL;
