DROP TABLE ticket_types;
--bun:split
{{if .PG}}DROP INDEX IF EXISTS tickets_subject_trgm_idx{{else}}DROP TRIGGER tickets_subject_search_ad{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}DROP TRIGGER tickets_subject_search_au{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}DROP TRIGGER tickets_subject_search_ai{{end}};
--bun:split
{{if .PG}}SELECT 1{{else}}DROP TABLE ticket_subject_search{{end}};
--bun:split
ALTER TABLE ticket_permissions DROP COLUMN edit_group;
--bun:split
ALTER TABLE ticket_permissions DROP COLUMN edit_assignee;
--bun:split
DROP TABLE ticket_standard_fields;
