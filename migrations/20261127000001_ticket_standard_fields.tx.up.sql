-- The provider's switches of the standard ticket fields group, assignee and
-- priority: shown in the customers' back office, editable by customers. A
-- missing row keeps the role defaults of rbac/ticketperm.csv.
CREATE TABLE ticket_standard_fields (
    id {{.PK}},
    provider_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (name IN ('group', 'assignee', 'priority')),
    shown BOOLEAN NOT NULL,
    editable BOOLEAN NOT NULL,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX ticket_standard_fields_provider_name_idx ON ticket_standard_fields (provider_id, name);
--bun:split
-- Customers editing the assignee and the group, set per company and user
-- like the other customer permissions.
ALTER TABLE ticket_permissions ADD COLUMN edit_assignee BOOLEAN;
--bun:split
ALTER TABLE ticket_permissions ADD COLUMN edit_group BOOLEAN;
--bun:split
-- Subjects found by any part of them through a trigram index: pg_trgm on
-- PostgreSQL (where the extension cannot be created the search still works,
-- unindexed), an FTS5 trigram table kept by triggers on SQLite.
{{if .PG}}DO $$
DECLARE
    trgm_schema TEXT;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm cannot be created here (%); subject search stays unindexed', SQLERRM;
    END;
    SELECT n.nspname INTO trgm_schema FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX tickets_subject_trgm_idx ON tickets USING GIN (lower(subject) %I.gin_trgm_ops)', trgm_schema);
    END IF;
END
$${{else}}CREATE VIRTUAL TABLE ticket_subject_search USING fts5(subject, tokenize = 'trigram'){{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}INSERT INTO ticket_subject_search (rowid, subject) SELECT id, subject FROM tickets{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}CREATE TRIGGER tickets_subject_search_ai AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_subject_search (rowid, subject) VALUES (new.id, new.subject);
END{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}CREATE TRIGGER tickets_subject_search_au AFTER UPDATE OF subject ON tickets BEGIN
    UPDATE ticket_subject_search SET subject = new.subject WHERE rowid = new.id;
END{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}CREATE TRIGGER tickets_subject_search_ad AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_subject_search WHERE rowid = old.id;
END{{end}};
--bun:split
-- A provider's list of ticket types. Without rows the built-in four apply
-- (app/ticket/types.go); the first change stores them, then the provider
-- adds, renames and retires types. Tickets keep the key of theirs.
CREATE TABLE ticket_types (
    id {{.PK}},
    provider_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    position INTEGER NOT NULL DEFAULT 0,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX ticket_types_provider_key_idx ON ticket_types (provider_id, key);
