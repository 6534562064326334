-- Spam protection: authors a workspace has blocked on a platform (their
-- mentions come in as spam from then on), keyed as authors are compared
-- everywhere else (earshot_handle_key: case, @, u/ and profile links alike).
CREATE TABLE blocked_authors (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  author_kind  text NOT NULL,
  author_key   text NOT NULL,
  -- As the person who blocked them wrote it, to show in the list.
  handle       text NOT NULL,
  blocked_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, author_kind, author_key)
);
