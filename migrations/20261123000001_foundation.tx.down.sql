DROP TABLE audit_log;
--bun:split
DROP TABLE casbin_rules;
--bun:split
DROP TABLE login_throttles;
--bun:split
DROP TABLE api_tokens;
--bun:split
DROP TABLE sessions;
--bun:split
DROP TABLE users;
--bun:split
DROP TABLE organization_domains;
--bun:split
DROP TABLE organizations;
