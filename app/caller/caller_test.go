package caller_test

import (
	"errors"
	"testing"

	"backoffice/app/caller"
	"backoffice/app/org"
	"backoffice/rbac"
)

func provider() *org.Organization {
	return &org.Organization{ID: 1}
}

func TestOfResolvesScope(t *testing.T) {
	pid := int64(1)
	cases := []struct {
		name        string
		u           *org.User
		subject     rbac.Role
		independent bool
		providerID  int64
		customerID  int64
	}{
		{"agent", &org.User{Role: rbac.ProviderAgent, OrganizationID: 1, Organization: provider()}, rbac.ProviderAgent, false, 1, 0},
		{"customer member", &org.User{Role: rbac.Member, OrganizationID: 7,
			Organization: &org.Organization{ID: 7, ProviderID: &pid}}, rbac.Member, false, 1, 7},
		{"independent admin", &org.User{Role: rbac.Administrator, OrganizationID: 9,
			Organization: &org.Organization{ID: 9, ProviderID: &pid, Independent: true}}, rbac.IndependentAdmin, true, 9, 9},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := caller.Of(tc.u, "192.0.2.1")
			if c.Subject != tc.subject || c.Independent != tc.independent ||
				c.ProviderID != tc.providerID || c.CustomerID != tc.customerID || c.IP != "192.0.2.1" {
				t.Fatalf("got subject %q independent %v provider %d customer %d ip %q",
					c.Subject, c.Independent, c.ProviderID, c.CustomerID, c.IP)
			}
			if got := c.ActsAsProvider(); got != (tc.u.IsStaff() || tc.independent) {
				t.Fatalf("ActsAsProvider = %v", got)
			}
		})
	}
}

func TestMemoKeepsPerRequestUntilForget(t *testing.T) {
	u := &org.User{Role: rbac.ProviderAgent, OrganizationID: 1, Organization: provider()}
	loads := 0
	load := func() (int, error) { loads++; return loads, nil }

	req := caller.Request(u, "")
	a, _ := caller.Memo(req, "k", load)
	b, _ := caller.Memo(req, "k", load)
	if a != 1 || b != 1 || loads != 1 {
		t.Fatalf("request caller loaded %d times (values %d, %d), want once", loads, a, b)
	}
	req.Forget()
	if v, _ := caller.Memo(req, "k", load); v != 2 {
		t.Fatalf("after Forget got %d, want a fresh load", v)
	}

	boom := errors.New("boom")
	if _, err := caller.Memo(req, "e", func() (int, error) { return 0, boom }); err != boom {
		t.Fatalf("error not returned: %v", err)
	}
	if v, err := caller.Memo(req, "e", func() (int, error) { return 5, nil }); err != nil || v != 5 {
		t.Fatalf("an error was kept: %d %v", v, err)
	}

	plain := caller.Of(u, "")
	loads = 0
	caller.Memo(plain, "k", load)
	caller.Memo(plain, "k", load)
	if loads != 2 {
		t.Fatalf("caller.Of kept a value: %d loads, want 2", loads)
	}
}
