-- Every signed-in role may search (rbac/policy.csv: search, read). A policy
-- seeded before gets the rules here; an empty table is left to the seeding
-- at start, which copies the whole default policy.
INSERT INTO casbin_rules (ptype, v0, v1, v2) SELECT 'p', 'member', 'search', 'read'
    WHERE EXISTS (SELECT 1 FROM casbin_rules) ON CONFLICT DO NOTHING;
--bun:split
INSERT INTO casbin_rules (ptype, v0, v1, v2) SELECT 'p', 'provider_agent', 'search', 'read'
    WHERE EXISTS (SELECT 1 FROM casbin_rules) ON CONFLICT DO NOTHING;
