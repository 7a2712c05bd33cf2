DELETE FROM casbin_rules WHERE ptype = 'p' AND v1 = 'search' AND v2 = 'read' AND v0 IN ('member', 'provider_agent');
