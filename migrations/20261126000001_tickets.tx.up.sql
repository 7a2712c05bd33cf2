-- Service cases. The provider owns the ticket; the customer is the company
-- it is for. Numbers are shown as #1234 and counted per provider.
CREATE TABLE tickets (
    id {{.PK}},
    provider_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    device_id BIGINT REFERENCES devices (id) ON DELETE SET NULL,
    requester_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- Who asked, as given (kept when the account goes; the only record of
    -- an anonymous report from a scanned label).
    requester_name TEXT NOT NULL DEFAULT '',
    requester_email TEXT NOT NULL DEFAULT '',
    assignee_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    group_name TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'open', 'pending', 'resolved', 'closed')),
    priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    -- priority_rank orders by urgency (urgent first) for sorting.
    priority_rank INTEGER NOT NULL DEFAULT 2,
    type TEXT NOT NULL DEFAULT 'question',
    channel TEXT NOT NULL CHECK (channel IN ('web', 'email', 'phone', 'messenger', 'qr', 'video')),
    -- Tags as ",tag1,tag2," so one tag is found with LIKE '%,tag,%'.
    tags TEXT NOT NULL DEFAULT '',
    -- Values of the provider's data fields, as a JSON object.
    fields TEXT NOT NULL DEFAULT '{}',
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment TEXT NOT NULL DEFAULT '',
    rated_at {{.TS}},
    first_response_at {{.TS}},
    resolved_at {{.TS}},
    closed_at {{.TS}},
    due_at {{.TS}},
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX tickets_provider_number_key ON tickets (provider_id, number);
--bun:split
-- Lists: a customer's tickets and the provider's queue, by last update
-- (the default order) and by creation; a requester's own tickets; an
-- assignee's queue; a device's tickets.
CREATE INDEX tickets_customer_updated_idx ON tickets (customer_id, updated_at, id);
--bun:split
CREATE INDEX tickets_customer_created_idx ON tickets (customer_id, created_at, id);
--bun:split
CREATE INDEX tickets_requester_updated_idx ON tickets (requester_id, updated_at, id);
--bun:split
CREATE INDEX tickets_provider_updated_idx ON tickets (provider_id, updated_at, id);
--bun:split
CREATE INDEX tickets_provider_created_idx ON tickets (provider_id, created_at, id);
--bun:split
CREATE INDEX tickets_assignee_updated_idx ON tickets (assignee_id, updated_at, id);
--bun:split
CREATE INDEX tickets_device_updated_idx ON tickets (device_id, updated_at, id);
--bun:split
-- The next ticket number of each provider, taken in the creating transaction.
CREATE TABLE ticket_counters (
    id {{.PK}},
    provider_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    next_number BIGINT NOT NULL,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX ticket_counters_provider_key ON ticket_counters (provider_id);
--bun:split
-- Tickets per customer and status, kept in the transaction of every change,
-- so lists show counts without counting a million rows.
CREATE TABLE ticket_status_counts (
    id {{.PK}},
    provider_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    customer_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX ticket_status_counts_key ON ticket_status_counts (customer_id, status);
--bun:split
CREATE INDEX ticket_status_counts_provider_idx ON ticket_status_counts (provider_id, status);
--bun:split
-- The correspondence: public replies and internal notes (never shown or
-- sent to customers).
CREATE TABLE ticket_messages (
    id {{.PK}},
    ticket_id BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    author_name TEXT NOT NULL DEFAULT '',
    author_staff BOOLEAN NOT NULL DEFAULT FALSE,
    body TEXT NOT NULL,
    internal BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (ticket_id, id);
--bun:split
-- Customer permissions on tickets, set per customer company (user_id NULL)
-- and overridden per user. NULL inherits: the user's setting wins over the
-- company's, which wins over the role's default (rbac/ticketperm.csv).
CREATE TABLE ticket_permissions (
    id {{.PK}},
    customer_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    see_all BOOLEAN,
    view_priority BOOLEAN,
    edit_priority BOOLEAN,
    view_type BOOLEAN,
    edit_type BOOLEAN,
    view_tags BOOLEAN,
    edit_tags BOOLEAN,
    see_assignee BOOLEAN,
    close_tickets BOOLEAN,
    see_group BOOLEAN,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX ticket_permissions_company_key ON ticket_permissions (customer_id) WHERE user_id IS NULL;
--bun:split
CREATE UNIQUE INDEX ticket_permissions_user_key ON ticket_permissions (user_id) WHERE user_id IS NOT NULL;
--bun:split
-- Files attached to messages, stored under the data directory by the
-- SHA-256 of their content (one copy of equal files).
CREATE TABLE ticket_attachments (
    id {{.PK}},
    ticket_id BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    message_id BIGINT NOT NULL REFERENCES ticket_messages (id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE INDEX ticket_attachments_message_idx ON ticket_attachments (message_id, id);
--bun:split
CREATE INDEX ticket_attachments_ticket_idx ON ticket_attachments (ticket_id, id);
--bun:split
-- Reply templates (canned responses) of a provider's agents; customers
-- never see them.
CREATE TABLE reply_templates (
    id {{.PK}},
    provider_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE INDEX reply_templates_provider_name_idx ON reply_templates (provider_id, name, id);
--bun:split
-- Ticket lists sorted by priority or status.
CREATE INDEX tickets_customer_priority_idx ON tickets (customer_id, priority_rank, id);
--bun:split
CREATE INDEX tickets_provider_priority_idx ON tickets (provider_id, priority_rank, id);
--bun:split
CREATE INDEX tickets_customer_status_idx ON tickets (customer_id, status, id);
--bun:split
CREATE INDEX tickets_provider_status_idx ON tickets (provider_id, status, id);
--bun:split
CREATE INDEX tickets_customer_rating_idx ON tickets (customer_id, COALESCE(rating, 0), id);
--bun:split
CREATE INDEX tickets_provider_rating_idx ON tickets (provider_id, COALESCE(rating, 0), id);
--bun:split
-- Text search over subjects and messages (app/ticket/search.go): GIN
-- indexes on PostgreSQL, an FTS5 table kept by triggers on SQLite.
{{if .PG}}CREATE INDEX ticket_messages_search_idx ON ticket_messages USING GIN (to_tsvector('simple', body)){{else}}CREATE VIRTUAL TABLE ticket_search USING fts5(body, ticket_id UNINDEXED, internal UNINDEXED, tokenize = 'unicode61'){{end}};
--bun:split
{{if .PG}}CREATE INDEX tickets_subject_search_idx ON tickets USING GIN (to_tsvector('simple', subject)){{else}}CREATE TRIGGER ticket_messages_search_ai AFTER INSERT ON ticket_messages BEGIN
    INSERT INTO ticket_search (rowid, body, ticket_id, internal) VALUES (new.id, new.body, new.ticket_id, new.internal);
END{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}CREATE TRIGGER ticket_messages_search_ad AFTER DELETE ON ticket_messages BEGIN
    DELETE FROM ticket_search WHERE rowid = old.id;
END{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}CREATE TRIGGER tickets_search_ai AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_search (rowid, body, ticket_id, internal) VALUES (-new.id, new.subject, new.id, 0);
END{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}CREATE TRIGGER tickets_search_au AFTER UPDATE OF subject ON tickets BEGIN
    UPDATE ticket_search SET body = new.subject WHERE rowid = -new.id;
END{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}CREATE TRIGGER tickets_search_ad AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_search WHERE rowid = -old.id;
END{{end}};
--bun:split
-- Data fields: the provider's own ticket fields. Values live in
-- tickets.fields as {"f<id>": "value"}.
CREATE TABLE ticket_fields (
    id {{.PK}},
    provider_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'select', 'checkbox')),
    options TEXT NOT NULL DEFAULT '',
    shown BOOLEAN NOT NULL DEFAULT TRUE,
    editable BOOLEAN NOT NULL DEFAULT FALSE,
    position INTEGER NOT NULL DEFAULT 0,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE INDEX ticket_fields_provider_idx ON ticket_fields (provider_id, position, id);
