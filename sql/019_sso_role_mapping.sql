-- Roles from the identity provider: a claim (usually "groups") and, per role,
-- the claim values that grant it. With a mapping, every sign-in sets the role.
ALTER TABLE sso_connections ADD COLUMN role_claim text NOT NULL DEFAULT 'groups';
ALTER TABLE sso_connections ADD COLUMN role_mapping jsonb;
