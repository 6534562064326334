-- Core schema: tenants, keys, sources, mentions, customers, tickets, audit.
-- Every table carries workspace_id; every query filters on it.

CREATE TABLE workspaces (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL UNIQUE,
  settings    jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('admin', 'agent', 'viewer')),
  -- SHA-256 of the key: keys are 256-bit random, so a fast hash is enough and
  -- lets the lookup be a single indexed equality.
  key_hash     text NOT NULL UNIQUE,
  prefix       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id);

CREATE TABLE sources (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id         uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind                 text NOT NULL,
  name                 text NOT NULL,
  config               jsonb NOT NULL DEFAULT '{}',
  schedule             text,
  enabled              boolean NOT NULL DEFAULT true,
  cursor               jsonb,
  next_run_at          timestamptz,
  lease_owner          text,
  lease_expires_at     timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  last_error           text,
  last_run_at          timestamptz,
  disabled_reason      text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sources_workspace ON sources (workspace_id);
CREATE INDEX sources_due ON sources (next_run_at) WHERE enabled AND disabled_reason IS NULL;

CREATE TABLE source_runs (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  source_id    uuid NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  status       text NOT NULL CHECK (status IN ('running', 'ok', 'error')),
  fetched      integer NOT NULL DEFAULT 0,
  inserted     integer NOT NULL DEFAULT 0,
  duplicates   integer NOT NULL DEFAULT 0,
  error        text,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
CREATE INDEX source_runs_source ON source_runs (source_id, started_at DESC);

CREATE TABLE customers (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name         text,
  email        text,
  external_ref text,
  company      text,
  plan         text,
  value        numeric,
  attributes   jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_external_ref ON customers (workspace_id, external_ref) WHERE external_ref IS NOT NULL;
CREATE UNIQUE INDEX customers_email ON customers (workspace_id, lower(email)) WHERE email IS NOT NULL;

CREATE TABLE customer_identities (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  customer_id  uuid NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  kind         text NOT NULL,
  -- normalized: lower-case, prefixes such as '@' and 'u/' removed
  value        text NOT NULL,
  UNIQUE (workspace_id, kind, value)
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

CREATE TABLE mentions (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id         uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  source_id            uuid NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  external_id          text NOT NULL,
  kind                 text NOT NULL,
  platform             text,
  url                  text,
  author_handle        text,
  author_name          text,
  author_profile_url   text,
  author_followers     integer,
  title                text,
  body                 text NOT NULL DEFAULT '',
  lang                 text NOT NULL DEFAULT 'und',
  lang_confidence      real NOT NULL DEFAULT 0,
  published_at         timestamptz NOT NULL,
  rating               real,
  engagement           jsonb NOT NULL DEFAULT '{}',
  raw                  jsonb,
  content_hash         text NOT NULL,
  sentiment_label      text NOT NULL DEFAULT 'neutral',
  sentiment_score      real NOT NULL DEFAULT 0,
  sentiment_confidence real NOT NULL DEFAULT 0,
  intents              jsonb NOT NULL DEFAULT '[]',
  spam_score           real NOT NULL DEFAULT 0,
  pii                  jsonb NOT NULL DEFAULT '[]',
  priority             real NOT NULL DEFAULT 0,
  priority_components  jsonb NOT NULL DEFAULT '{}',
  explanation          jsonb NOT NULL DEFAULT '{}',
  enrich_version       integer NOT NULL DEFAULT 0,
  status               text NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new', 'open', 'in_progress', 'resolved', 'ignored', 'spam')),
  assignee             text,
  tags                 text[] NOT NULL DEFAULT '{}',
  customer_id          uuid REFERENCES customers(id) ON DELETE SET NULL,
  customer_match       text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_id, external_id)
);
CREATE INDEX mentions_inbox ON mentions (workspace_id, priority DESC, id);
CREATE INDEX mentions_newest ON mentions (workspace_id, published_at DESC, id);
CREATE INDEX mentions_customer ON mentions (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX mentions_content_hash ON mentions (workspace_id, content_hash);

CREATE TABLE surveys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('nps', 'csat', 'ces')),
  name         text,
  public_key   text NOT NULL UNIQUE,
  question     text NOT NULL,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
  -- follow-up prompts, allowed origins, locale, display rules: validated by the survey schema
  settings     jsonb NOT NULL DEFAULT '{}',
  identity_secret text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX surveys_workspace ON surveys (workspace_id);

CREATE TABLE survey_responses (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id         uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  survey_id            uuid NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  score                smallint NOT NULL,
  comment              text,
  email                text,
  respondent           text,
  customer_id          uuid REFERENCES customers(id) ON DELETE SET NULL,
  page                 text,
  locale               text,
  lang                 text NOT NULL DEFAULT 'und',
  sentiment_label      text,
  sentiment_score      real,
  sentiment_confidence real,
  intents              jsonb NOT NULL DEFAULT '[]',
  pii                  jsonb NOT NULL DEFAULT '[]',
  enrich_version       integer NOT NULL DEFAULT 0,
  responded_at         timestamptz NOT NULL DEFAULT now(),
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, responded_at DESC);
CREATE INDEX survey_responses_customer ON survey_responses (customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE tickets (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id      uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  title             text NOT NULL,
  description       text,
  status            text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'planned', 'in_progress', 'done', 'wont_fix')),
  external_provider text CHECK (external_provider IN ('github', 'jira', 'linear', 'other')),
  external_key      text,
  external_url      text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tickets_workspace ON tickets (workspace_id);

CREATE TABLE ticket_links (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  ticket_id    uuid NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
  mention_id   uuid REFERENCES mentions(id) ON DELETE CASCADE,
  response_id  uuid REFERENCES survey_responses(id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((mention_id IS NULL) <> (response_id IS NULL))
);
CREATE UNIQUE INDEX ticket_links_mention ON ticket_links (ticket_id, mention_id) WHERE mention_id IS NOT NULL;
CREATE UNIQUE INDEX ticket_links_response ON ticket_links (ticket_id, response_id) WHERE response_id IS NOT NULL;
CREATE INDEX ticket_links_mention_id ON ticket_links (mention_id);

CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  entity       text NOT NULL,
  entity_id    uuid NOT NULL,
  action       text NOT NULL,
  actor        text NOT NULL,
  changes      jsonb NOT NULL DEFAULT '{}',
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entity ON audit_log (workspace_id, entity, entity_id, at);
