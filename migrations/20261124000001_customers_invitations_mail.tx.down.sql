DROP TABLE outbox;
--bun:split
DROP TABLE password_tokens;
--bun:split
DROP INDEX users_invitation_key;
--bun:split
ALTER TABLE users DROP COLUMN invitation_id;
--bun:split
DROP TABLE invitations;
--bun:split
ALTER TABLE organizations DROP COLUMN independent_at;
--bun:split
ALTER TABLE organizations DROP COLUMN notes;
--bun:split
ALTER TABLE organizations DROP COLUMN phone;
--bun:split
ALTER TABLE organizations DROP COLUMN address;
