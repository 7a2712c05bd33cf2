-- Devices found by any part of their name, serial number, manufacturer or
-- model through a trigram index: pg_trgm on PostgreSQL (the extension comes
-- with 20261127000001; where it cannot be created the search still works,
-- unindexed), an FTS5 trigram table kept by triggers on SQLite.
{{if .PG}}DO $$
DECLARE
    trgm_schema TEXT;
BEGIN
    SELECT n.nspname INTO trgm_schema FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    IF trgm_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX devices_search_trgm_idx ON devices USING GIN (lower(name) %1$I.gin_trgm_ops, '
            'lower(serial_number) %1$I.gin_trgm_ops, lower(manufacturer) %1$I.gin_trgm_ops, lower(model) %1$I.gin_trgm_ops)', trgm_schema);
    ELSE
        RAISE NOTICE 'pg_trgm is not installed; device search stays unindexed';
    END IF;
END
$${{else}}CREATE VIRTUAL TABLE device_search USING fts5(name, serial_number, manufacturer, model, tokenize = 'trigram'){{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}INSERT INTO device_search (rowid, name, serial_number, manufacturer, model)
    SELECT id, name, serial_number, manufacturer, model FROM devices{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}CREATE TRIGGER devices_search_ai AFTER INSERT ON devices BEGIN
    INSERT INTO device_search (rowid, name, serial_number, manufacturer, model)
        VALUES (new.id, new.name, new.serial_number, new.manufacturer, new.model);
END{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}CREATE TRIGGER devices_search_au AFTER UPDATE OF name, serial_number, manufacturer, model ON devices BEGIN
    UPDATE device_search SET name = new.name, serial_number = new.serial_number, manufacturer = new.manufacturer, model = new.model
        WHERE rowid = new.id;
END{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}CREATE TRIGGER devices_search_ad AFTER DELETE ON devices BEGIN
    DELETE FROM device_search WHERE rowid = old.id;
END{{end}};
