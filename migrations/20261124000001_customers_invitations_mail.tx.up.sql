-- Corporate customers: contact details and independence.
ALTER TABLE organizations ADD COLUMN address TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE organizations ADD COLUMN phone TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE organizations ADD COLUMN notes TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE organizations ADD COLUMN independent_at {{.TS}};
--bun:split
-- Invitations: the invited user exists from the start (without a password)
-- and points here; deleting the invitation deletes that user (ON DELETE
-- CASCADE on users.invitation_id), and with the user its sessions and tokens.
CREATE TABLE invitations (
    id {{.PK}},
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    expires_at {{.TS}} NOT NULL,
    accepted_at {{.TS}},
    invited_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    sent_count INTEGER NOT NULL DEFAULT 1,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX invitations_token_hash_key ON invitations (token_hash);
--bun:split
CREATE INDEX invitations_organization_idx ON invitations (organization_id, id);
--bun:split
ALTER TABLE users ADD COLUMN invitation_id BIGINT REFERENCES invitations (id) ON DELETE CASCADE;
--bun:split
CREATE UNIQUE INDEX users_invitation_key ON users (invitation_id);
--bun:split
-- Single-use links that let a user set a password: after direct creation by
-- an administrator (24 h), on request from the sign-in page, and to reset a
-- forgotten password (1 h).
CREATE TABLE password_tokens (
    id {{.PK}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('set_password', 'reset_password')),
    token_hash TEXT NOT NULL,
    expires_at {{.TS}} NOT NULL,
    used_at {{.TS}},
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX password_tokens_token_hash_key ON password_tokens (token_hash);
--bun:split
CREATE INDEX password_tokens_user_idx ON password_tokens (user_id);
--bun:split
-- Transactional outbox for email: written in the transaction of the change
-- that causes it, delivered by a worker with retries.
CREATE TABLE outbox (
    id {{.PK}},
    provider_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    recipient_name TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{.TS}} NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at {{.TS}},
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE INDEX outbox_due_idx ON outbox (status, next_attempt_at, id);
--bun:split
CREATE INDEX outbox_provider_idx ON outbox (provider_id, id);
