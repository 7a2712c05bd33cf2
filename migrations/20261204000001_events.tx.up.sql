-- Domain events: every state change, written in the transaction of the
-- change; the audit log, mail and rollups subscribe to them. Actor, customer
-- and subject are plain ids, not foreign keys: an event outlives what it
-- describes (a deleted customer's "customer.deleted" is written after the
-- row is gone). data holds the type's own fields as JSON.
CREATE TABLE events (
    id {{.PK}},
    type TEXT NOT NULL,
    provider_id BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    customer_id BIGINT,
    actor_id BIGINT,
    subject_type TEXT NOT NULL DEFAULT '',
    subject_id BIGINT,
    data TEXT NOT NULL DEFAULT '{}',
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE INDEX events_provider_idx ON events (provider_id, id);
--bun:split
CREATE INDEX events_subject_idx ON events (subject_type, subject_id, id);
