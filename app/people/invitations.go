package people

import (
	"context"

	"backoffice/app/auth"
	"backoffice/app/caller"
	"backoffice/app/db"
	"backoffice/app/event"
	"backoffice/app/org"
	"backoffice/rbac"
)

// Invitations lists the invitations of a customer the actor serves.
func (s *Service) Invitations(ctx context.Context, a *caller.Caller, customerID, before int64, limit int) ([]*org.Invitation, bool, error) {
	if _, err := s.store.Customer(ctx, a.ProviderID, customerID); err != nil {
		return nil, false, err
	}
	return s.store.ListInvitations(ctx, customerID, before, limit)
}

// Invitation loads one invitation of a customer the actor serves.
func (s *Service) Invitation(ctx context.Context, a *caller.Caller, id int64) (*org.Invitation, *org.Organization, error) {
	inv, o, err := s.store.Invitation(ctx, a.ProviderID, id)
	if err != nil {
		return nil, nil, err
	}
	if o.ID == a.ProviderID { // only customers' invitations are managed here
		return nil, nil, ErrLinkInvalid
	}
	return inv, o, nil
}

// Invite creates an invitation (and the invited user) for a customer the
// actor serves, and queues the invitation email in the invitee's language.
func (s *Service) Invite(ctx context.Context, a *caller.Caller, customerID int64, in org.PersonInput) (*org.Invitation, error) {
	in.Normalize()
	if err := in.Validate(rbac.CustomerRoles); err != nil {
		return nil, err
	}
	var inv *org.Invitation
	err := db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		o, err := st.Customer(ctx, a.ProviderID, customerID)
		if err != nil {
			return err
		}
		if o.Independent && a.OrganizationID != o.ID {
			return ErrIndependent
		}
		plain, hash := auth.NewToken("inv_")
		inv = &org.Invitation{OrganizationID: o.ID, TokenHash: hash, ExpiresAt: s.clock.Now().Add(s.cfg.InvitationTTL),
			InvitedBy: &a.ID}
		u := &org.User{Email: in.Email, FirstName: in.FirstName, LastName: in.LastName, Role: in.Role,
			Language: in.Language, TimeZone: a.TimeZone}
		if err := st.CreateInvitation(ctx, inv, u); err != nil {
			return err
		}
		u.Organization = o
		return s.events.Record(ctx, event.New(EventInvitationCreated, a.User, a.IP).Subject("invitation", inv.ID).Customer(o.ID).
			Describe(u.Email+" → "+o.Name+" ("+string(u.Role)+")").
			Carry(InvitationMail{Inviter: a.User, User: u, Token: plain, Expires: inv.ExpiresAt}))
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// ResendInvitation issues a new link for a pending or expired invitation;
// the old link stops working.
func (s *Service) ResendInvitation(ctx context.Context, a *caller.Caller, id int64) (*org.Invitation, error) {
	var inv *org.Invitation
	err := db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		var (
			o   *org.Organization
			err error
		)
		if inv, o, err = s.managedInvitation(ctx, st, a, id); err != nil {
			return err
		}
		if inv.AcceptedAt != nil {
			return ErrAccepted
		}
		plain, hash := auth.NewToken("inv_")
		expires := s.clock.Now().Add(s.cfg.InvitationTTL)
		if err := st.RenewInvitation(ctx, inv.ID, hash, expires); err != nil {
			return err
		}
		inv.TokenHash, inv.ExpiresAt = hash, expires
		inv.SentCount++
		inv.User.Organization = o
		return s.events.Record(ctx, event.New(EventInvitationResent, a.User, a.IP).Subject("invitation", inv.ID).Customer(o.ID).
			Describe(inv.User.Email).Carry(InvitationMail{Inviter: a.User, User: inv.User, Token: plain, Expires: expires}))
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// DeleteInvitation deletes an invitation and, by ON DELETE CASCADE, the user
// created from it with their sessions and API tokens.
func (s *Service) DeleteInvitation(ctx context.Context, a *caller.Caller, id int64) error {
	return db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		inv, o, err := s.managedInvitation(ctx, st, a, id)
		if err != nil {
			return err
		}
		if err := st.DeleteInvitation(ctx, inv.ID); err != nil {
			return err
		}
		email := ""
		if inv.User != nil {
			email = inv.User.Email
		}
		return s.events.Record(ctx, event.New(EventInvitationDeleted, a.User, a.IP).Subject("invitation", inv.ID).Customer(o.ID).Describe(email))
	})
}

// managedInvitation loads an invitation the actor may change: of a customer
// they serve that is not independent of them.
func (s *Service) managedInvitation(ctx context.Context, st *org.Store, a *caller.Caller, id int64) (*org.Invitation, *org.Organization, error) {
	inv, o, err := st.Invitation(ctx, a.ProviderID, id)
	if err != nil {
		return nil, nil, err
	}
	if o.ID == a.ProviderID {
		return nil, nil, ErrLinkInvalid
	}
	if o.Independent && a.OrganizationID != o.ID {
		return nil, nil, ErrIndependent
	}
	return inv, o, nil
}

// PendingInvitation returns the invitation and its user for an accept page,
// or ErrLinkInvalid when the link is unknown, used or expired.
func (s *Service) PendingInvitation(ctx context.Context, token string) (*org.Invitation, error) {
	inv, err := s.store.InvitationByToken(ctx, auth.HashToken(token))
	if isNotFound(err) || (err == nil && inv.State(s.clock.Now()) != org.InvitationPending) || (err == nil && inv.User == nil) {
		return nil, ErrLinkInvalid
	}
	if err != nil {
		return nil, err
	}
	o, err := s.store.Organization(ctx, inv.OrganizationID)
	if err != nil {
		return nil, err
	}
	inv.User.Organization = o
	return inv, nil
}

// AcceptInvitation sets the invitee's password and consumes the link. Of two
// concurrent accepts exactly one succeeds. It returns the user, who can then
// be signed in with the password.
func (s *Service) AcceptInvitation(ctx context.Context, token, password, ip string) (*org.User, error) {
	inv, err := s.PendingInvitation(ctx, token)
	if err != nil {
		return nil, err
	}
	u := inv.User
	hash, err := s.newPasswordHash(ctx, u.Email, password)
	if err != nil {
		return nil, err
	}
	err = db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		if _, err := st.ClaimInvitation(ctx, auth.HashToken(token)); err != nil {
			return ErrLinkInvalid
		}
		if err := st.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := st.RetirePasswordTokens(ctx, u.ID); err != nil {
			return err
		}
		return s.events.Record(ctx, event.New("invitation.accepted", u, ip).Subject("invitation", inv.ID).Customer(inv.OrganizationID))
	})
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	return u, nil
}
