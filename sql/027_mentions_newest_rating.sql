-- The mentions report averages the stars of a period's reviews. With the
-- rating in the time index it keeps reading the index alone (see sql/017).
-- The index is rebuilt once; writes to mentions wait while it is.
CREATE INDEX mentions_newest_desc_v3 ON mentions (workspace_id, published_at DESC, id DESC)
  INCLUDE (status, effective_sentiment, effective_intents, source_id, kind, lang, assignee, tags, customer_id, priority, duplicate_of, search,
           author_kind, author_key, author_followers, rating);
DROP INDEX mentions_newest_desc;
ALTER INDEX mentions_newest_desc_v3 RENAME TO mentions_newest_desc;
