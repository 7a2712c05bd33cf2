{{if .PG}}DROP INDEX IF EXISTS devices_search_trgm_idx{{else}}DROP TRIGGER devices_search_ad{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}DROP TRIGGER devices_search_au{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}DROP TRIGGER devices_search_ai{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}DROP TABLE device_search{{end}};
