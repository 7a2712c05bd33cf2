-- Devices that stand at customers' sites. The provider owns the record; the
-- customer is who the device is placed with (none while in stock). Dates
-- without a time of day are stored as 'YYYY-MM-DD' text in both dialects, so
-- comparisons and sorting need no dialect-specific SQL.
CREATE TABLE devices (
    id {{.PK}},
    provider_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    customer_id BIGINT REFERENCES organizations (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    manufacturer TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    site TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'operational'
        CHECK (status IN ('operational', 'needs_attention', 'out_of_service', 'in_maintenance', 'retired')),
    -- status_rank orders statuses by urgency (out of service first) for sorting.
    status_rank INTEGER NOT NULL DEFAULT 3,
    status_changed_at {{.TS}} NOT NULL,
    installed_on TEXT,
    warranty_until TEXT,
    last_service_on TEXT,
    next_service_due TEXT,
    notes TEXT NOT NULL DEFAULT '',
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX devices_provider_serial_key ON devices (provider_id, lower(serial_number));
--bun:split
-- One index per sort order of the lists, for the customer (back office) and
-- for the provider (staff area).
CREATE INDEX devices_customer_name_idx ON devices (customer_id, name, id);
--bun:split
CREATE INDEX devices_customer_status_idx ON devices (customer_id, status_rank, id);
--bun:split
CREATE INDEX devices_customer_changed_idx ON devices (customer_id, status_changed_at, id);
--bun:split
-- Devices without a next service sort after every date (the store orders by
-- the same expression).
CREATE INDEX devices_customer_due_idx ON devices (customer_id, COALESCE(next_service_due, '9999-12-31'), id);
--bun:split
CREATE INDEX devices_provider_name_idx ON devices (provider_id, name, id);
--bun:split
CREATE INDEX devices_provider_status_idx ON devices (provider_id, status_rank, id);
--bun:split
CREATE INDEX devices_provider_changed_idx ON devices (provider_id, status_changed_at, id);
--bun:split
CREATE INDEX devices_provider_due_idx ON devices (provider_id, COALESCE(next_service_due, '9999-12-31'), id);
--bun:split
-- Site and category: the filters and the lists of their values.
CREATE INDEX devices_customer_site_idx ON devices (customer_id, site);
--bun:split
CREATE INDEX devices_customer_category_idx ON devices (customer_id, category);
--bun:split
CREATE INDEX devices_provider_site_idx ON devices (provider_id, site);
--bun:split
CREATE INDEX devices_provider_category_idx ON devices (provider_id, category);
--bun:split
-- Devices per provider and status, kept in the transaction of every change:
-- the staff list's counts read this instead of counting the whole fleet.
CREATE TABLE device_status_counts (
    id {{.PK}},
    provider_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX device_status_counts_key ON device_status_counts (provider_id, status);
--bun:split
-- QR codes: the public token printed on a label. A code is paired with at
-- most one device, and a device has at most one current code; a regenerated
-- code is retired for good (its token answers 404) and keeps its device for
-- the history.
CREATE TABLE codes (
    id {{.PK}},
    provider_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    device_id BIGINT REFERENCES devices (id) ON DELETE SET NULL,
    pin_hash TEXT,
    paired_at {{.TS}},
    retired_at {{.TS}},
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX codes_token_key ON codes (token);
--bun:split
CREATE UNIQUE INDEX codes_device_current_key ON codes (device_id) WHERE retired_at IS NULL;
--bun:split
CREATE INDEX codes_provider_idx ON codes (provider_id, id);
--bun:split
-- History of devices and codes: who changed what, when, from and to.
CREATE TABLE device_history (
    id {{.PK}},
    provider_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    device_id BIGINT REFERENCES devices (id) ON DELETE CASCADE,
    code_id BIGINT REFERENCES codes (id) ON DELETE SET NULL,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    from_value TEXT NOT NULL DEFAULT '',
    to_value TEXT NOT NULL DEFAULT '',
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE INDEX device_history_device_idx ON device_history (device_id, id);
--bun:split
CREATE INDEX device_history_code_idx ON device_history (code_id, id);
