package people

import (
	"context"
	"fmt"
	"strings"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/db"
	"backoffice/app/event"
	"backoffice/app/org"
	"backoffice/rbac"
)

// UserQuery narrows a user list. CustomerID (staff only) picks one customer.
type UserQuery struct {
	CustomerID int64
	Query      string
}

// Users lists the users the actor may see: a customer's own company; for
// staff, the provider and its customers, or one customer.
func (s *Service) Users(ctx context.Context, a *caller.Caller, q UserQuery, after *org.UserCursor, limit int) ([]*org.User, *org.UserCursor, error) {
	f := userScope(a)
	f.Query = q.Query
	if q.CustomerID > 0 {
		if !a.ActsAsProvider() {
			if q.CustomerID != a.OrganizationID {
				return nil, nil, ErrLinkInvalid
			}
		} else if q.CustomerID != a.ProviderID {
			if _, err := s.store.Customer(ctx, a.ProviderID, q.CustomerID); err != nil {
				return nil, nil, err
			}
		}
		f = org.UserFilter{OrganizationID: q.CustomerID, Query: q.Query}
	}
	return s.store.ListUsers(ctx, f, after, limit)
}

// OwnUsers lists the users of the actor's own organization.
func (s *Service) OwnUsers(ctx context.Context, a *caller.Caller, query string, after *org.UserCursor, limit int) ([]*org.User, *org.UserCursor, error) {
	return s.store.ListUsers(ctx, org.UserFilter{OrganizationID: a.OrganizationID, Query: query}, after, limit)
}

// User loads a user the actor may see.
func (s *Service) User(ctx context.Context, a *caller.Caller, id int64) (*org.User, error) {
	return s.store.UserIn(ctx, userScope(a), id)
}

// customerOf is o's id when o is a customer company, else 0 (for events).
func customerOf(o *org.Organization) int64 {
	if o == nil || o.IsProvider() {
		return 0
	}
	return o.ID
}

// RolesFor lists the roles a user of o may hold.
func RolesFor(o *org.Organization) []rbac.Role {
	if o.IsProvider() {
		return rbac.StaffRoles
	}
	return rbac.CustomerRoles
}

// adminRole is the role whose last holder an organization must keep.
func adminRole(o *org.Organization) rbac.Role {
	if o.IsProvider() {
		return rbac.ProviderAdmin
	}
	return rbac.Administrator
}

// CanManage reports whether the actor may change target: users of their own
// organization, and users of customers they serve unless the customer is
// independent.
func CanManage(a *caller.Caller, target *org.User) error {
	if target.OrganizationID == a.OrganizationID {
		return nil
	}
	if target.Organization.Independent {
		return ErrIndependent
	}
	return nil
}

// managedUser loads a user the actor may change, within tx.
func (s *Service) managedUser(ctx context.Context, st *org.Store, a *caller.Caller, id int64) (*org.User, error) {
	u, err := st.UserIn(ctx, userScope(a), id)
	if err != nil {
		return nil, err
	}
	if err := CanManage(a, u); err != nil {
		return nil, err
	}
	if err := st.LockOrganization(ctx, u.OrganizationID); err != nil {
		return nil, err
	}
	return u, nil
}

// CreateUser creates a user directly (no invitation) in the actor's own
// organization, or for staff in a customer they serve (organizationID), and
// queues a set-password email valid 24 hours. The warnings are about input
// that was accepted but looks wrong.
func (s *Service) CreateUser(ctx context.Context, a *caller.Caller, organizationID int64, in org.PersonInput) (*org.User, []apperr.FieldError, error) {
	in.Normalize()
	if organizationID == 0 || !a.ActsAsProvider() {
		// Only those who serve customers may choose the organization; for
		// everyone else a sent organization_id is ignored (no mass assignment).
		organizationID = a.OrganizationID
	}
	var target *org.Organization
	if organizationID == a.OrganizationID {
		target = a.Organization
	} else {
		if !a.ActsAsProvider() {
			return nil, nil, ErrLinkInvalid
		}
		o, err := s.store.Customer(ctx, a.ProviderID, organizationID)
		if err != nil {
			return nil, nil, fmt.Errorf("organization_id: %w", err)
		}
		if o.Independent {
			return nil, nil, ErrIndependent
		}
		target = o
	}
	if err := in.Validate(RolesFor(target)); err != nil {
		return nil, nil, err
	}
	var warnings []apperr.FieldError
	if !a.IsStaff() && target.ID == a.OrganizationID { // a customer adding its own people
		var err error
		if warnings, err = s.checkOwnDomain(ctx, target.ID, in.Email); err != nil {
			return nil, nil, err
		}
	}
	u := &org.User{OrganizationID: target.ID, Email: in.Email, FirstName: in.FirstName, LastName: in.LastName,
		Role: in.Role, Language: in.Language, TimeZone: a.TimeZone}
	err := db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		if err := st.CreateUser(ctx, u); err != nil {
			return err
		}
		u.Organization = target
		link, err := s.newPasswordLink(ctx, u, org.PurposeSetPassword)
		if err != nil {
			return err
		}
		return s.events.Record(ctx, event.New(EventUserCreated, a.User, a.IP).Subject("user", u.ID).Customer(customerOf(target)).
			Describe(u.Email+" ("+string(u.Role)+")").Carry(link))
	})
	if err != nil {
		return nil, nil, err
	}
	return u, warnings, nil
}

// checkOwnDomain applies the domain rule to a user a customer creates in its
// own organization orgID. An address in another organization's email domains
// is refused: emails are unique, so that organization could not add the
// person any more. One outside orgID's own domains is accepted with a warning.
func (s *Service) checkOwnDomain(ctx context.Context, orgID int64, email string) ([]apperr.FieldError, error) {
	owner, err := s.store.DomainOwner(ctx, email)
	switch {
	case err != nil:
		return nil, err
	case owner == orgID:
		return nil, nil
	case owner != 0:
		return nil, apperr.Invalid("email", "error.email_other_organization")
	}
	o, err := s.store.Organization(ctx, orgID)
	if err != nil || len(o.Domains) == 0 {
		return nil, err
	}
	return []apperr.FieldError{{Field: "email", Message: "warning.email_outside_domains",
		Data: map[string]any{"Email": email, "Domains": strings.Join(o.DomainNames(), ", ")}}}, nil
}

// UpdateUser changes a user's name, role, language or time zone. The last
// active administrator of an organization keeps their role.
func (s *Service) UpdateUser(ctx context.Context, a *caller.Caller, id int64, up org.UserUpdate) (*org.User, error) {
	var u *org.User
	err := db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		var err error
		if u, err = s.managedUser(ctx, st, a, id); err != nil {
			return err
		}
		before := u.Role
		if err := up.Apply(u, RolesFor(u.Organization)); err != nil {
			return err
		}
		if u.Role != before {
			was := *u
			was.Role = before
			if err := s.keepAnAdmin(ctx, st, &was); err != nil {
				return err
			}
		}
		if err := st.UpdateUser(ctx, u); err != nil {
			return err
		}
		detail := u.Email
		if before != u.Role {
			detail += fmt.Sprintf(" role %s → %s", before, u.Role)
		}
		return s.events.Record(ctx, event.New("user.updated", a.User, a.IP).Subject("user", u.ID).Customer(customerOf(u.Organization)).Describe(detail))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// keepAnAdmin refuses to take u out of the administrators of their
// organization (demote, disable, delete) when u is its last active one.
func (s *Service) keepAnAdmin(ctx context.Context, st *org.Store, u *org.User) error {
	o := u.Organization
	if u.Role != adminRole(o) || u.DisabledAt != nil {
		return nil
	}
	n, err := st.CountActiveAdmins(ctx, o.ID, adminRole(o))
	if err != nil {
		return err
	}
	if n <= 1 {
		return ErrLastAdmin
	}
	return nil
}

// SetDisabled disables or enables a user. Disabling ends all their sessions
// and API tokens at once; their data stays.
func (s *Service) SetDisabled(ctx context.Context, a *caller.Caller, id int64, disabled bool) (*org.User, error) {
	var u *org.User
	err := db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		var err error
		if u, err = s.managedUser(ctx, st, a, id); err != nil {
			return err
		}
		if u.ID == a.ID {
			return ErrSelf
		}
		action := "user.enabled"
		if disabled {
			action = "user.disabled"
			if err := s.keepAnAdmin(ctx, st, u); err != nil {
				return err
			}
			if _, err := s.sessions.DeleteForUser(ctx, u.ID, 0); err != nil {
				return err
			}
			if _, err := s.tokens.DeleteForUser(ctx, u.ID, 0); err != nil {
				return err
			}
		}
		if err := st.SetDisabled(ctx, u.ID, disabled); err != nil {
			return err
		}
		return s.events.Record(ctx, event.New(action, a.User, a.IP).Subject("user", u.ID).Customer(customerOf(u.Organization)).Describe(u.Email))
	})
	if err != nil {
		return nil, err
	}
	return s.store.User(ctx, u.ID)
}

// DeleteUser deletes a user with their sessions and tokens (and their
// invitation, if they were invited).
func (s *Service) DeleteUser(ctx context.Context, a *caller.Caller, id int64) error {
	return db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		u, err := s.managedUser(ctx, st, a, id)
		if err != nil {
			return err
		}
		if u.ID == a.ID {
			return ErrSelf
		}
		if err := s.keepAnAdmin(ctx, st, u); err != nil {
			return err
		}
		if err := st.DeleteUser(ctx, u); err != nil {
			return err
		}
		return s.events.Record(ctx, event.New(EventUserDeleted, a.User, a.IP).Subject("user", u.ID).Customer(customerOf(u.Organization)).Describe(u.Email))
	})
}
