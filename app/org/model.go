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

	ID            int64 `bun:",pk,autoincrement"`
	Name          string
	ProviderID    *int64
	Independent   bool
	IndependentAt *time.Time
	Address       string
	Phone         string
	Notes         string
	CreatedAt     time.Time
	UpdatedAt     time.Time

	Domains []*Domain `bun:"rel:has-many,join:id=organization_id"`
}

// DomainNames lists the organization's email domains.
func (o *Organization) DomainNames() []string {
	out := make([]string, 0, len(o.Domains))
	for _, d := range o.Domains {
		out = append(out, d.Domain)
	}
	return out
}

// ManagesOwnUsers reports whether the organization's own administrators
// alone manage its users: a provider, or a customer made independent.
func (o *Organization) ManagesOwnUsers() bool { return o.ProviderID == nil || o.Independent }

// IsProvider reports whether o is a provider organization.
func (o *Organization) IsProvider() bool { return o.ProviderID == nil }

// ScopeProviderID is the provider organization whose staff serve o: o itself
// for a provider, else its provider. (An independent customer is still served
// by its former provider for the records that provider is the provider of.)
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
	InvitationID   *int64
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

// Invitation invites a person to join an organization. The invited user
// exists from the start, without a password, and is deleted with the
// invitation (ON DELETE CASCADE on users.invitation_id).
type Invitation struct {
	bun.BaseModel `bun:"table:invitations,alias:i"`

	ID             int64 `bun:",pk,autoincrement"`
	OrganizationID int64
	TokenHash      string
	ExpiresAt      time.Time
	AcceptedAt     *time.Time
	InvitedBy      *int64
	SentCount      int
	CreatedAt      time.Time
	UpdatedAt      time.Time

	User *User `bun:"rel:has-one,join:id=invitation_id"`
}

// Invitation states.
const (
	InvitationPending  = "pending"
	InvitationAccepted = "accepted"
	InvitationExpired  = "expired"
)

// State is pending, accepted or expired at time now.
func (i *Invitation) State(now time.Time) string {
	switch {
	case i.AcceptedAt != nil:
		return InvitationAccepted
	case !now.Before(i.ExpiresAt):
		return InvitationExpired
	}
	return InvitationPending
}

// Password token purposes.
const (
	PurposeSetPassword   = "set_password"
	PurposeResetPassword = "reset_password"
)

// PasswordToken is a single-use link that lets a user set a password.
type PasswordToken struct {
	bun.BaseModel `bun:"table:password_tokens,alias:pt"`

	ID        int64 `bun:",pk,autoincrement"`
	UserID    int64
	Purpose   string
	TokenHash string
	ExpiresAt time.Time
	UsedAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}
