package org_test

import (
	"testing"
	"time"

	"backoffice/app/org"
	"backoffice/rbac"
)

func TestUserStatus(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		u    org.User
		want string
	}{
		{"active", org.User{PasswordHash: "$argon2id$x"}, org.StatusActive},
		{"invited", org.User{}, org.StatusInvited},
		{"disabled", org.User{PasswordHash: "$argon2id$x", DisabledAt: &now}, org.StatusDisabled},
		{"disabled before setting a password", org.User{DisabledAt: &now}, org.StatusDisabled},
	}
	for _, tt := range tests {
		if got := tt.u.Status(); got != tt.want {
			t.Errorf("%s: Status = %q, want %q", tt.name, got, tt.want)
		}
		if got := tt.u.Disabled(); got != (tt.want == org.StatusDisabled) {
			t.Errorf("%s: Disabled = %v", tt.name, got)
		}
	}
}

func TestUserNameAndInitials(t *testing.T) {
	tests := []struct {
		first, last, email string
		name, initials     string
	}{
		{"Anna", "Schmidt", "anna@example.com", "Anna Schmidt", "AS"},
		{"anna", "schmidt", "", "anna schmidt", "AS"},
		{"Anna", "", "anna@example.com", "Anna", "A"},
		{"", "Schmidt", "anna@example.com", "Schmidt", "S"},
		{"élodie", "ørsted", "", "élodie ørsted", "ÉØ"},
		{"иван", "петров", "", "иван петров", "ИП"},
		{"", "", "bob@example.com", "", "B"},
		{"", "", "ünal@example.de", "", "Ü"},
		{"", "", "", "", ""},
	}
	for _, tt := range tests {
		u := org.User{FirstName: tt.first, LastName: tt.last, Email: tt.email}
		if got := u.Name(); got != tt.name {
			t.Errorf("Name(%q, %q) = %q, want %q", tt.first, tt.last, got, tt.name)
		}
		if got := u.Initials(); got != tt.initials {
			t.Errorf("Initials(%q, %q, %q) = %q, want %q", tt.first, tt.last, tt.email, got, tt.initials)
		}
	}
}

func TestUserLocationAndStaff(t *testing.T) {
	if loc := (&org.User{TimeZone: "Europe/Berlin"}).Location(); loc.String() != "Europe/Berlin" {
		t.Errorf("Location = %s", loc)
	}
	if loc := (&org.User{TimeZone: "Nowhere/Special"}).Location(); loc != time.UTC {
		t.Errorf("unknown time zone: Location = %s, want UTC", loc)
	}
	if !(&org.User{Role: rbac.ProviderAgent}).IsStaff() || (&org.User{Role: rbac.Administrator}).IsStaff() {
		t.Error("IsStaff does not follow the role")
	}
}

func TestOrganizationScope(t *testing.T) {
	p := &org.Organization{ID: 7}
	c := &org.Organization{ID: 9, ProviderID: &p.ID}
	if !p.IsProvider() || p.ScopeProviderID() != 7 {
		t.Errorf("provider: IsProvider %v scope %d", p.IsProvider(), p.ScopeProviderID())
	}
	if c.IsProvider() || c.ScopeProviderID() != 7 {
		t.Errorf("customer: IsProvider %v scope %d", c.IsProvider(), c.ScopeProviderID())
	}
}
