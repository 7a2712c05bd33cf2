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
