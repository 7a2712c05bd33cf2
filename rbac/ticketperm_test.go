package rbac

import "testing"

// The user's setting wins over the company's, which wins over the role's
// default; moderators and administrators inherit members' defaults.
func TestTicketPermsLayers(t *testing.T) {
	e, err := NewTicketPermEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		role          Role
		perm          string
		company, user string
		want          bool
	}{
		{Member, "see_all", Inherit, Inherit, true},
		{Member, "edit_priority", Inherit, Inherit, false},
		{Moderator, "edit_priority", Inherit, Inherit, false},
		{Moderator, "edit_priority", Allow, Inherit, true},
		{Administrator, "view_priority", Inherit, Inherit, true},
		{Administrator, "see_all", Inherit, Inherit, true},
		{Member, "see_group", Inherit, Inherit, false},
		{Member, "see_all", Deny, Inherit, false},
		{Member, "see_all", Deny, Allow, true},
		{Member, "see_all", Allow, Deny, false},
		{Member, "edit_priority", Allow, Inherit, true},
		{Moderator, "view_type", Deny, Inherit, false},
		{Member, "see_group", Inherit, Allow, true},
		{Member, "see_all", "maybe", Inherit, false},
		{ProviderAgent, "see_all", Inherit, Inherit, false},
	}
	for _, c := range cases {
		if got := e.Allowed(c.role, c.perm, c.company, c.user); got != c.want {
			t.Errorf("%s %s company=%q user=%q: %v, want %v", c.role, c.perm, c.company, c.user, got, c.want)
		}
	}
}
