-- Urgency (src/enrich/urgency.ts): the mention's words say it cannot wait. Rows stored before it read false until
-- `earshot reclassify` reads them again; the partial index serves the inbox's `urgent=true` filter.
ALTER TABLE mentions ADD COLUMN urgent boolean NOT NULL DEFAULT false;
CREATE INDEX mentions_urgent ON mentions (workspace_id, published_at DESC) WHERE urgent;
