-- Sources that let people edit what they posted (Google Play reviews) bring a
-- mention back under the same id with new text or stars; the stored mention
-- takes the new version and remembers when (the first poll's time stays
-- published_at, so the inbox order and reply times keep their meaning).
ALTER TABLE mentions ADD COLUMN edited_at timestamptz;
ALTER TABLE source_runs ADD COLUMN edited integer NOT NULL DEFAULT 0;
