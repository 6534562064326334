-- Reviews carry stars and the version of the app they are about. The inbox
-- filters by both and the mentions report averages stars by period and by
-- version; with both in the time index the report keeps reading the index
-- alone (see sql/017). The index is rebuilt once; writes to mentions wait
-- while it is.
ALTER TABLE mentions ADD COLUMN app_version text;
CREATE INDEX mentions_newest_desc_v3 ON mentions (workspace_id, published_at DESC, id DESC)
  INCLUDE (status, effective_sentiment, effective_intents, source_id, kind, lang, assignee, tags, customer_id, priority, duplicate_of, search,
           author_kind, author_key, author_followers, rating, app_version);
DROP INDEX mentions_newest_desc;
ALTER INDEX mentions_newest_desc_v3 RENAME TO mentions_newest_desc;
