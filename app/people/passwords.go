package people

import (
	"context"
	"errors"
	"fmt"
	"time"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/caller"
	"backoffice/app/db"
	"backoffice/app/event"
	"backoffice/app/org"
)

// RequestPasswordLink answers "forgot password" and "send me a new
// set-password link" alike: a user with a password gets a reset link (1
// hour), one without gets a set-password link (24 hours), an unknown or
// disabled email gets nothing, and the caller cannot tell which happened.
// Requests are limited per typed email and per address.
func (s *Service) RequestPasswordLink(ctx context.Context, email, ip string) error {
	email = org.NormalizeEmail(email)
	v := &apperr.ValidationError{}
	org.CheckEmail(v, "email", email)
	if err := v.Err(); err != nil {
		return err
	}
	emailKey, ipKey := "link:"+email, "link-ip:"+ip
	if err := s.throttle.Reserve(ctx, ipKey, LinkAddressLimit); err != nil {
		return err
	}
	if err := s.throttle.Reserve(ctx, emailKey, LinkEmailLimit); err != nil {
		return errors.Join(err, s.throttle.Release(ctx, ipKey))
	}
	u, err := s.store.UserByEmail(ctx, email)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if u.Disabled() {
		return nil
	}
	purpose := org.PurposeResetPassword
	if u.PasswordHash == "" {
		purpose = org.PurposeSetPassword
	}
	return db.InTx(ctx, s.db, func(ctx context.Context) error {
		link, err := s.newPasswordLink(ctx, u, purpose)
		if err != nil {
			return err
		}
		e := event.New(EventPasswordLinkSent, nil, ip).Subject("user", u.ID).Provider(u.Organization.ScopeProviderID()).
			Customer(customerOf(u.Organization)).With("purpose", purpose)
		return s.events.Record(ctx, e.Carry(link))
	})
}

// newPasswordLink retires the user's older links and stores a new one, for
// the email the event carrying it sends.
func (s *Service) newPasswordLink(ctx context.Context, u *org.User, purpose string) (PasswordMail, error) {
	st := s.store
	if err := st.RetirePasswordTokens(ctx, u.ID); err != nil {
		return PasswordMail{}, err
	}
	ttl := SetPasswordTTL
	if purpose == org.PurposeResetPassword {
		ttl = ResetPasswordTTL
	}
	plain, hash := auth.NewToken("pw_")
	t := &org.PasswordToken{UserID: u.ID, Purpose: purpose, TokenHash: hash, ExpiresAt: s.clock.Now().Add(ttl)}
	if err := st.CreatePasswordToken(ctx, t); err != nil {
		return PasswordMail{}, err
	}
	return PasswordMail{User: u, Purpose: purpose, Token: plain, TTL: ttl}, nil
}

// PasswordLink returns the user a valid password link belongs to, for the
// page that asks for the new password, or ErrLinkInvalid.
func (s *Service) PasswordLink(ctx context.Context, token string) (*org.User, *org.PasswordToken, error) {
	t, err := s.store.PasswordToken(ctx, auth.HashToken(token))
	if isNotFound(err) {
		return nil, nil, ErrLinkInvalid
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := s.store.User(ctx, t.UserID)
	if isNotFound(err) || (err == nil && u.Disabled()) {
		return nil, nil, ErrLinkInvalid
	}
	return u, t, err
}

// SetPassword consumes a password link and sets the user's password. All
// their sessions and API tokens end; an invitation they had is accepted.
// Of two concurrent uses exactly one succeeds.
func (s *Service) SetPassword(ctx context.Context, token, password, ip string) (*org.User, error) {
	u, _, err := s.PasswordLink(ctx, token)
	if err != nil {
		return nil, err
	}
	hash, err := s.newPasswordHash(ctx, u.Email, password)
	if err != nil {
		return nil, err
	}
	err = db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		t, err := st.ClaimPasswordToken(ctx, auth.HashToken(token))
		if errors.Is(err, apperr.ErrNotFound) {
			return ErrLinkInvalid
		}
		if err != nil {
			return err
		}
		if err := st.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := st.RetirePasswordTokens(ctx, u.ID); err != nil {
			return err
		}
		if u.InvitationID != nil {
			if err := st.MarkInvitationAccepted(ctx, *u.InvitationID); err != nil {
				return err
			}
		}
		if _, err := s.sessions.DeleteForUser(ctx, u.ID, 0); err != nil {
			return err
		}
		if _, err := s.tokens.DeleteForUser(ctx, u.ID, 0); err != nil {
			return err
		}
		return s.events.Record(ctx, event.New("auth.password_"+map[string]string{
			org.PurposeSetPassword: "set", org.PurposeResetPassword: "reset"}[t.Purpose], u, ip).Subject("user", u.ID))
	})
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	return u, nil
}

// newPasswordHash checks a chosen password (field "password") and hashes it.
func (s *Service) newPasswordHash(ctx context.Context, email, password string) (string, error) {
	if err := auth.CheckPassword("password", password, email); err != nil {
		return "", err
	}
	return s.hasher.Hash(ctx, password)
}

// ErrUserDisabled refuses a password link for a disabled user: enable them
// first.
var ErrUserDisabled = &apperr.Denied{Message: "error.user_disabled_link", Conflict: true}

// SentLink says which link SendPasswordLink sent, and until when it works.
type SentLink struct {
	User    *org.User
	Purpose string // org.PurposeSetPassword or org.PurposeResetPassword
	Expires time.Time
}

// SendPasswordLink sends a user the actor manages a new password link, as a
// service desk's administrator does for an employee who lost the first
// email or their password: a set-password link (24 hours) to one who has
// none yet, a reset link (1 hour) to one who has, to the user's own address
// only, so the actor learns nothing and the current password works until
// the link is used. Older links stop working. Requests count against the
// same per-email limit as "forgot password" (and per actor), so nobody can
// flood a mailbox; a disabled user gets none.
func (s *Service) SendPasswordLink(ctx context.Context, a *caller.Caller, id int64) (SentLink, error) {
	var sent SentLink
	u, err := s.store.UserIn(ctx, userScope(a), id)
	if err != nil {
		return sent, err
	}
	if err := CanManage(a, u); err != nil {
		return sent, err
	}
	if u.Disabled() {
		return sent, ErrUserDisabled
	}
	actorKey, emailKey := fmt.Sprintf("link-by:%d", a.ID), "link:"+org.NormalizeEmail(u.Email)
	if err := s.throttle.Reserve(ctx, actorKey, LinkAddressLimit); err != nil {
		return sent, err
	}
	if err := s.throttle.Reserve(ctx, emailKey, LinkEmailLimit); err != nil {
		return sent, errors.Join(err, s.throttle.Release(ctx, actorKey))
	}
	purpose := org.PurposeResetPassword
	if u.PasswordHash == "" {
		purpose = org.PurposeSetPassword
	}
	err = db.InTx(ctx, s.db, func(ctx context.Context) error {
		link, err := s.newPasswordLink(ctx, u, purpose)
		if err != nil {
			return err
		}
		sent = SentLink{User: u, Purpose: purpose, Expires: s.clock.Now().Add(link.TTL)}
		e := event.New(EventPasswordLinkSent, a.User, a.IP).Subject("user", u.ID).Customer(customerOf(u.Organization)).
			With("purpose", purpose).Describe(u.Email + " (" + purpose + ")")
		return s.events.Record(ctx, e.Carry(link))
	})
	return sent, err
}
