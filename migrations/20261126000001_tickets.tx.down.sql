DROP TABLE ticket_fields;
--bun:split
{{if .PG}}SELECT 1{{else}}DROP TABLE ticket_search{{end}};
--bun:split
DROP TABLE reply_templates;
--bun:split
DROP TABLE ticket_attachments;
--bun:split
DROP TABLE ticket_permissions;
--bun:split
DROP TABLE ticket_messages;
--bun:split
DROP TABLE ticket_status_counts;
--bun:split
DROP TABLE ticket_counters;
--bun:split
DROP TABLE tickets;
