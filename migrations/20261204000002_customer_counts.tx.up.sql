-- Devices and people per customer company, for the customer list (the open
-- tickets come from ticket_status_counts). Kept in the transaction of every
-- change by the subscribers of the device and people events; filled here
-- for the data that exists.
CREATE TABLE customer_counts (
    id {{.PK}},
    customer_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    devices BIGINT NOT NULL DEFAULT 0,
    people BIGINT NOT NULL DEFAULT 0,
    created_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at {{.TS}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
--bun:split
CREATE UNIQUE INDEX customer_counts_key ON customer_counts (customer_id);
--bun:split
INSERT INTO customer_counts (customer_id, devices, people)
SELECT o.id,
    (SELECT count(*) FROM devices AS d WHERE d.customer_id = o.id),
    (SELECT count(*) FROM users AS u WHERE u.organization_id = o.id)
FROM organizations AS o
WHERE o.provider_id IS NOT NULL;
