// Package caller is who asks: the signed-in user of one request, resolved
// once into everything the rules of the domains ask about them — their Casbin
// subject, the provider whose scope they act in, their company, whether they
// administer an independent organization, and where they call from.
//
// The web shell makes one Caller per request (Request); services take it
// instead of a bare user. What a domain computes for the caller during the
// request (the ticket permissions, the data fields it may see) is kept on it
// with Memo, so a page decides each thing once.
package caller

import (
	"sync"

	"backoffice/app/org"
	"backoffice/rbac"
)

// Caller is the user making a request, with what the rules ask about them.
// It embeds the user (with Organization loaded), so c.ID, c.Role and
// c.IsStaff() read the user's.
type Caller struct {
	*org.User

	// Subject is the Casbin subject: the role, or rbac.IndependentAdmin for
	// the administrator of an independent organization.
	Subject rbac.Role
	// Independent reports whether the caller administers an independent
	// organization (and so serves that organization's own customers).
	Independent bool
	// ProviderID is the organization whose customers the caller serves
	// (staff: their provider; an independent administrator: their own
	// organization), or, for other customer users, their company's provider.
	ProviderID int64
	// CustomerID is the caller's company when they are a customer user, 0
	// for provider staff.
	CustomerID int64
	// IP is the client address the shell resolved for the request.
	IP string

	mu   sync.Mutex
	memo map[any]any // nil: nothing is kept (see Of)
}

// Request is the caller of one request: what its rules compute is kept on it
// (see Memo) for the length of the request. u has its Organization loaded.
func Request(u *org.User, ip string) *Caller {
	c := Of(u, ip)
	c.memo = map[any]any{}
	return c
}

// Of is a caller that keeps nothing between calls: every question is decided
// afresh. Jobs, commands and tests that hold one caller across changes use
// it. u has its Organization loaded.
func Of(u *org.User, ip string) *Caller {
	c := &Caller{User: u, Subject: SubjectOf(u), IP: ip}
	c.Independent = c.Subject == rbac.IndependentAdmin
	if !u.IsStaff() {
		c.CustomerID = u.OrganizationID
	}
	switch {
	case c.Independent:
		c.ProviderID = u.OrganizationID
	case u.Organization != nil:
		c.ProviderID = u.Organization.ScopeProviderID()
	}
	return c
}

// SubjectOf is the Casbin subject of u (with Organization loaded): the role,
// or rbac.IndependentAdmin for the administrator of an independent
// organization.
func SubjectOf(u *org.User) rbac.Role {
	if u.Role == rbac.Administrator && u.Organization != nil && u.Organization.Independent {
		return rbac.IndependentAdmin
	}
	return u.Role
}

// ActsAsProvider reports whether the caller serves customers: provider
// staff, or an administrator of an independent organization (for that
// organization's own customers).
func (c *Caller) ActsAsProvider() bool { return c.IsStaff() || c.Independent }

// Memo returns what c keeps under key, or loads it, keeps it for the rest of
// the request and returns it. An error is returned and not kept. On a caller
// made by Of it always loads.
func Memo[T any](c *Caller, key any, load func() (T, error)) (T, error) {
	c.mu.Lock()
	if c.memo == nil {
		c.mu.Unlock()
		return load()
	}
	if v, ok := c.memo[key]; ok {
		c.mu.Unlock()
		return v.(T), nil
	}
	c.mu.Unlock()
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.memo != nil {
		c.memo[key] = v
	}
	c.mu.Unlock()
	return v, nil
}

// Forget drops what c keeps, after a change that could alter it.
func (c *Caller) Forget() {
	c.mu.Lock()
	if c.memo != nil {
		clear(c.memo)
	}
	c.mu.Unlock()
}
