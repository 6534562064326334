-- Triage: human overrides, identity keys, full-text search, near-duplicate
-- grouping, notes, saved views, and the indexes that keep the inbox fast.

-- Handles arrive as '@Alice', 'u/alice', '/u/alice', 'https://reddit.com/user/alice',
-- 'https://mastodon.social/@alice' or '@alice@mastodon.social'; all of them
-- reduce to one key so identities and authors compare by equality.
CREATE FUNCTION earshot_handle_key(handle text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
  SELECT nullif(
    regexp_replace(
      regexp_replace(
        regexp_replace(
          regexp_replace(lower(btrim(handle)), '^https?://([^/]+)/@([^/?#]+).*$', '\2@\1'),
          '^https?://[^/]+/(u/|user/|users/)?([^/?#]+).*$', '\2'),
        '^/?(u|user)/', ''),
      '^@', ''),
    '')
$$;

-- Identity values are stored normalized so lookups are exact matches.
CREATE FUNCTION earshot_identity_value(kind text, value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
  SELECT CASE lower(kind)
    WHEN 'email' THEN nullif(lower(btrim(value)), '')
    WHEN 'domain' THEN nullif(regexp_replace(regexp_replace(lower(btrim(value)), '^(https?://)?(www\.)?@?', ''), '[/:?#].*$', ''), '')
    ELSE earshot_handle_key(value)
  END
$$;

-- The text-search configuration for a detected language; unknown text is
-- stemmed as English, the language most unlabelled feedback is written in.
CREATE FUNCTION earshot_ts_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE lang
    WHEN 'es' THEN 'spanish'::regconfig
    WHEN 'de' THEN 'german'::regconfig
    WHEN 'fr' THEN 'french'::regconfig
    WHEN 'it' THEN 'italian'::regconfig
    WHEN 'pt' THEN 'portuguese'::regconfig
    WHEN 'nl' THEN 'dutch'::regconfig
    WHEN 'ru' THEN 'russian'::regconfig
    WHEN 'no' THEN 'norwegian'::regconfig
    WHEN 'el' THEN 'greek'::regconfig
    WHEN 'zh' THEN 'simple'::regconfig
    ELSE 'english'::regconfig
  END
$$;

-- Reposts and syndicated copies differ in links, @mentions, hashtags, case and
-- punctuation; what is left is compared. Short texts ("great app!") are said
-- independently by many people, so they never group.
CREATE FUNCTION earshot_fingerprint(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
  SELECT CASE WHEN length(t) >= 40 THEN md5(t) END
  FROM (SELECT regexp_replace(regexp_replace(lower(body), '(https?://\S+|[@#]\w+|^rt\s)', '', 'g'), '[^[:alnum:]]+', '', 'g') AS t) s
$$;

-- Intent labels as text[], from enrichment's [{label, score}] or a human
-- override's ["label"], so filters compare arrays instead of walking jsonb.
CREATE FUNCTION earshot_intent_labels(intents jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(coalesce(e->>'label', e#>>'{}')), '{}')
  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(intents) = 'array' THEN intents ELSE '[]' END) e
$$;

ALTER TABLE mentions
  ADD COLUMN sentiment_override text CHECK (sentiment_override IN ('positive', 'neutral', 'negative')),
  ADD COLUMN intents_override jsonb,
  ADD COLUMN duplicate_of uuid REFERENCES mentions(id) ON DELETE SET NULL,
  ADD COLUMN erased_at timestamptz,
  -- What the inbox filters on: the human override when there is one, else the model.
  ADD COLUMN effective_sentiment text GENERATED ALWAYS AS (coalesce(sentiment_override, sentiment_label)) STORED,
  ADD COLUMN effective_intents text[] GENERATED ALWAYS AS (earshot_intent_labels(coalesce(intents_override, intents))) STORED,
  ADD COLUMN author_kind text GENERATED ALWAYS AS (lower(coalesce(platform, kind))) STORED,
  ADD COLUMN author_key text GENERATED ALWAYS AS (earshot_handle_key(author_handle)) STORED,
  ADD COLUMN fingerprint text GENERATED ALWAYS AS (earshot_fingerprint(body)) STORED,
  ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector(earshot_ts_config(lang), coalesce(title, '') || ' ' || body)) STORED;

-- Keyset pagination walks (priority, id) and (published_at, id) in one
-- direction; these replace the mixed-direction indexes of 001. They carry
-- every column the inbox filters on, so a filtered page is an index-only
-- walk in sort order that stops after one page of matches, whatever the
-- filter's selectivity estimate. The search vector rides along so a search
-- for a common word is the same walk (see listMentions).
DROP INDEX mentions_inbox;
DROP INDEX mentions_newest;
CREATE INDEX mentions_inbox_desc ON mentions (workspace_id, priority DESC, id DESC)
  INCLUDE (status, effective_sentiment, effective_intents, source_id, kind, lang, assignee, tags, customer_id, published_at, duplicate_of, search);
CREATE INDEX mentions_newest_desc ON mentions (workspace_id, published_at DESC, id DESC)
  INCLUDE (status, effective_sentiment, effective_intents, source_id, kind, lang, assignee, tags, customer_id, priority, duplicate_of, search);
CREATE INDEX mentions_search ON mentions USING gin (search);
CREATE INDEX mentions_author ON mentions (workspace_id, author_kind, author_key) WHERE author_key IS NOT NULL;
CREATE INDEX mentions_author_key ON mentions (workspace_id, author_key) WHERE author_key LIKE '%_@_%';
-- Ticket numbers and the issue report look up a linked mention's customer
-- and sentiment only; this answers them without visiting the table.
CREATE INDEX mentions_link_facts ON mentions (id) INCLUDE (customer_id, effective_sentiment, published_at, source_id);
CREATE INDEX mentions_duplicate_of ON mentions (duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX mentions_fingerprint ON mentions (workspace_id, fingerprint) WHERE fingerprint IS NOT NULL;
CREATE INDEX mentions_assignee ON mentions (workspace_id, assignee) WHERE assignee IS NOT NULL;
CREATE INDEX mentions_tags ON mentions USING gin (tags);
CREATE INDEX ticket_links_response_id ON ticket_links (response_id) WHERE response_id IS NOT NULL;
CREATE INDEX ticket_links_ticket ON ticket_links (ticket_id, created_at);

-- Every insert path (polls, pushes, imports) groups near-duplicates the same
-- way: a new mention whose fingerprint was seen before points at the first
-- copy, which stays the one the inbox shows.
CREATE FUNCTION earshot_group_duplicates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE mentions m SET duplicate_of = g.leader
  FROM (
    SELECT n.id, (
      SELECT o.id FROM mentions o
      WHERE o.workspace_id = n.workspace_id AND o.fingerprint = n.fingerprint
        AND o.duplicate_of IS NULL AND (o.created_at, o.id) < (n.created_at, n.id)
      ORDER BY o.created_at, o.id LIMIT 1) AS leader
    FROM inserted n WHERE n.fingerprint IS NOT NULL
  ) g
  WHERE m.id = g.id AND g.leader IS NOT NULL;
  RETURN NULL;
END
$$;
CREATE TRIGGER mentions_group_duplicates AFTER INSERT ON mentions
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION earshot_group_duplicates();

CREATE TABLE mention_notes (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  mention_id   uuid NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
  author       text NOT NULL,
  body         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mention_notes_mention ON mention_notes (mention_id, created_at);

CREATE TABLE saved_views (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name         text NOT NULL,
  filter       jsonb NOT NULL DEFAULT '{}',
  sort         text NOT NULL DEFAULT 'priority' CHECK (sort IN ('priority', 'newest')),
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, name)
);

-- When the evidence was said, copied onto the link so the issue report
-- selects a period's links by index instead of visiting every mention.
ALTER TABLE ticket_links ADD COLUMN at timestamptz;
CREATE FUNCTION earshot_ticket_link_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.at := coalesce(
    (SELECT published_at FROM mentions WHERE id = NEW.mention_id),
    (SELECT responded_at FROM survey_responses WHERE id = NEW.response_id),
    now());
  RETURN NEW;
END
$$;
CREATE TRIGGER ticket_links_at BEFORE INSERT ON ticket_links FOR EACH ROW EXECUTE FUNCTION earshot_ticket_link_at();
CREATE INDEX ticket_links_at ON ticket_links (workspace_id, at);

ALTER TABLE audit_log ADD COLUMN actor_id uuid;
CREATE INDEX customers_workspace_name ON customers (workspace_id, lower(name), id);
CREATE INDEX tickets_workspace_status ON tickets (workspace_id, status);
