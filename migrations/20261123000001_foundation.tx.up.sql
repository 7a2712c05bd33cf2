-- Organizations: the provider (provider_id NULL) and the corporate customers it serves.
CREATE TABLE organizations (
    id {{.PK}},
    name TEXT NOT NULL,
    provider_id BIGINT REFERENCES organizations (id),
    independent BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE INDEX organizations_provider_name_idx ON organizations (provider_id, name, id);
--bun:split
CREATE TABLE organization_domains (
    id {{.PK}},
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX organization_domains_domain_key ON organization_domains (domain);
--bun:split
CREATE INDEX organization_domains_organization_idx ON organization_domains (organization_id);
--bun:split
CREATE TABLE users (
    id {{.PK}},
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('provider_admin', 'provider_agent', 'administrator', 'moderator', 'member')),
    language TEXT NOT NULL DEFAULT 'en',
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    password_hash TEXT,
    disabled_at {{.TS}},
    last_login_at {{.TS}},
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
-- Emails are unique whatever their case; the application also stores them lower-cased.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
--bun:split
CREATE INDEX users_organization_name_idx ON users (organization_id, last_name, first_name, id);
--bun:split
CREATE TABLE sessions (
    id {{.PK}},
    token_hash TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    last_seen_at {{.TS}} NOT NULL,
    expires_at {{.TS}} NOT NULL,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash);
--bun:split
CREATE INDEX sessions_user_idx ON sessions (user_id, id);
--bun:split
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
--bun:split
CREATE TABLE api_tokens (
    id {{.PK}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    prefix TEXT NOT NULL,
    expires_at {{.TS}} NOT NULL,
    last_used_at {{.TS}},
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX api_tokens_token_hash_key ON api_tokens (token_hash);
--bun:split
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, id);
--bun:split
-- Failed sign-in counters per account and per client address, shared by every instance.
CREATE TABLE login_throttles (
    id {{.PK}},
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL,
    window_start {{.TS}} NOT NULL,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX login_throttles_subject_key ON login_throttles (subject);
--bun:split
CREATE INDEX login_throttles_updated_idx ON login_throttles (updated_at);
--bun:split
CREATE TABLE casbin_rules (
    id {{.PK}},
    ptype TEXT NOT NULL,
    v0 TEXT NOT NULL DEFAULT '',
    v1 TEXT NOT NULL DEFAULT '',
    v2 TEXT NOT NULL DEFAULT '',
    v3 TEXT NOT NULL DEFAULT '',
    v4 TEXT NOT NULL DEFAULT '',
    v5 TEXT NOT NULL DEFAULT '',
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX casbin_rules_rule_key ON casbin_rules (ptype, v0, v1, v2, v3, v4, v5);
--bun:split
-- Audit log: provider_id is the provider organization whose administrators may read the entry.
CREATE TABLE audit_log (
    id {{.PK}},
    provider_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    organization_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor_email TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id BIGINT,
    ip TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE INDEX audit_log_provider_idx ON audit_log (provider_id, id);
--bun:split
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id);
