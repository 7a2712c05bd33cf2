// Package org holds organizations (the provider and the corporate customers it
// serves) and their users. Every store method that reads customer data takes
// the organization it is scoped to.
package org

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"backoffice/app/i18n"
	"backoffice/rbac"
)

// Organization is the provider (ProviderID nil) or a corporate customer
// served by the provider ProviderID.
type Organization struct {
	bun.BaseModel `bun:"table:organizations,alias:o"`

	ID          int64 `bun:",pk,autoincrement"`
	Name        string
	ProviderID  *int64
	Independent bool
	CreatedAt   time.Time
	UpdatedAt   time.Time

	Domains []*Domain `bun:"rel:has-many,join:id=organization_id"`
}

// IsProvider reports whether o is a provider organization.
func (o *Organization) IsProvider() bool { return o.ProviderID == nil }

// ScopeProviderID is the provider organization whose staff serve o: o itself
// for a provider, else its provider.
func (o *Organization) ScopeProviderID() int64 {
	if o.ProviderID == nil {
		return o.ID
	}
	return *o.ProviderID
}

// Domain is an email domain of an organization, used to propose the
// organization for new users.
type Domain struct {
	bun.BaseModel `bun:"table:organization_domains,alias:d"`

	ID             int64 `bun:",pk,autoincrement"`
	OrganizationID int64
	Domain         string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// User is a person who signs in: provider staff or a customer's employee.
type User struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID             int64 `bun:",pk,autoincrement"`
	OrganizationID int64
	Email          string
	FirstName      string
	LastName       string
	Role           rbac.Role
	Language       string
	TimeZone       string
	PasswordHash   string `bun:",nullzero"`
	DisabledAt     *time.Time
	LastLoginAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time

	Organization *Organization `bun:"rel:belongs-to,join:organization_id=id"`
}

// Name is the user's display name.
func (u *User) Name() string {
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

// Initials are up to two letters for an avatar.
func (u *User) Initials() string {
	var b strings.Builder
	for _, s := range []string{u.FirstName, u.LastName} {
		for _, r := range s {
			b.WriteRune(r)
			break
		}
	}
	if b.Len() == 0 && u.Email != "" {
		r, _ := utf8.DecodeRuneInString(u.Email) // the first letter, not its first byte
		return strings.ToUpper(string(r))
	}
	return strings.ToUpper(b.String())
}

// Disabled reports whether the user may not sign in.
func (u *User) Disabled() bool { return u.DisabledAt != nil }

// IsStaff reports whether the user works in the staff area.
func (u *User) IsStaff() bool { return u.Role.IsStaff() }

// Location is the user's time zone, UTC when unknown.
func (u *User) Location() *time.Location {
	if loc, err := i18n.LoadLocation(u.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// User statuses as the API reports them.
const (
	StatusActive   = "active"
	StatusDisabled = "disabled"
	StatusInvited  = "invited" // has not set a password yet
)

// Status is active, disabled, or invited (no password yet).
func (u *User) Status() string {
	switch {
	case u.DisabledAt != nil:
		return StatusDisabled
	case u.PasswordHash == "":
		return StatusInvited
	}
	return StatusActive
}
