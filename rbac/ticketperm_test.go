package rbac

import "testing"

// The user's setting wins over the company's, which wins over the
// provider's, which wins over the role's default; moderators and
// administrators inherit members' defaults.
func TestTicketPermsLayers(t *testing.T) {
	e, err := NewTicketPermEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		role                    Role
		perm                    string
		provider, company, user string
		want                    bool
	}{
		{Member, "see_all", Inherit, Inherit, Inherit, true},
		{Member, "edit_priority", Inherit, Inherit, Inherit, false},
		{Moderator, "edit_priority", Inherit, Inherit, Inherit, false},
		{Moderator, "edit_priority", Inherit, Allow, Inherit, true},
		{Administrator, "view_priority", Inherit, Inherit, Inherit, true},
		{Administrator, "see_all", Inherit, Inherit, Inherit, true},
		{Member, "see_group", Inherit, Inherit, Inherit, false},
		{Member, "see_all", Inherit, Deny, Inherit, false},
		{Member, "see_all", Inherit, Deny, Allow, true},
		{Member, "see_all", Inherit, Allow, Deny, false},
		{Member, "edit_priority", Inherit, Allow, Inherit, true},
		{Moderator, "view_type", Inherit, Deny, Inherit, false},
		{Member, "see_group", Inherit, Inherit, Allow, true},
		{Member, "see_all", Inherit, "maybe", Inherit, false},
		{ProviderAgent, "see_all", Inherit, Inherit, Inherit, false},
		// The provider's switches of its standard fields.
		{Member, "see_group", Allow, Inherit, Inherit, true},
		{Member, "view_priority", Deny, Inherit, Inherit, false},
		{Administrator, "view_priority", Deny, Inherit, Inherit, false},
		{Member, "view_priority", Deny, Allow, Inherit, true},
		{Member, "edit_assignee", Allow, Inherit, Inherit, true},
		{Member, "edit_assignee", Allow, Deny, Inherit, false},
		{Member, "edit_assignee", Allow, Deny, Allow, true},
		{Member, "edit_group", Deny, Inherit, Allow, true},
		{Member, "edit_group", Inherit, Inherit, Inherit, false},
		{Member, "see_group", "maybe", Inherit, Inherit, false},
	}
	for _, c := range cases {
		if got := e.Allowed(c.role, c.perm, c.provider, c.company, c.user); got != c.want {
			t.Errorf("%s %s provider=%q company=%q user=%q: %v, want %v", c.role, c.perm, c.provider, c.company, c.user, got, c.want)
		}
	}
}

// The table of customer permissions is well formed, and the enforcer's role
// defaults are the table's: a role holds a permission by default exactly
// when it is the permission's default role or above it.
func TestTicketPermTable(t *testing.T) {
	e, err := NewTicketPermEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	rank := map[Role]int{Member: 1, Moderator: 2, Administrator: 3}
	seen := map[string]TicketPerm{}
	for _, p := range TicketPermTable {
		if _, dup := seen[p.Name]; dup || p.Name == "" {
			t.Errorf("permission %q is declared twice or has no name", p.Name)
		}
		if p.Default != "" && rank[p.Default] == 0 {
			t.Errorf("%s: default role %q is not a customer role", p.Name, p.Default)
		}
		if p.Needs != "" {
			needed, ok := seen[p.Needs]
			switch {
			case !ok:
				t.Errorf("%s needs %q, which is not declared before it", p.Name, p.Needs)
			case p.Default != "" && (needed.Default == "" || rank[needed.Default] > rank[p.Default]):
				t.Errorf("%s is a default of %s, but %s, which it needs, is not", p.Name, p.Default, p.Needs)
			}
		}
		seen[p.Name] = p
		for _, r := range CustomerRoles {
			want := p.Default != "" && rank[r] >= rank[p.Default]
			if got := e.Allowed(r, p.Name, Inherit, Inherit, Inherit); got != want {
				t.Errorf("%s by default for %s: %v, want %v", p.Name, r, got, want)
			}
		}
		for _, r := range StaffRoles {
			if e.Allowed(r, p.Name, Inherit, Inherit, Inherit) {
				t.Errorf("%s: staff role %s holds a customer permission", p.Name, r)
			}
		}
	}
	if len(TicketPerms) != len(TicketPermTable) {
		t.Errorf("TicketPerms has %d names, the table %d", len(TicketPerms), len(TicketPermTable))
	}
}
