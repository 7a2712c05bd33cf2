// Package people holds the rules for corporate customers, invitations and
// users: who may manage whom, the last-administrator rule, independent
// organizations. Every change records an event (the audit log and the
// emails it calls for subscribe to them, see notify.Composer).
package people

import (
	"errors"
	"fmt"
	"time"

	"backoffice/app/caller"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/clock"
	"backoffice/app/event"
	"backoffice/app/org"
)

// Link lifetimes.
const (
	DefaultInvitationTTL = 7 * 24 * time.Hour
	SetPasswordTTL       = 24 * time.Hour
	ResetPasswordTTL     = time.Hour
)

// Throttle limits on password-link requests, per typed email and per address.
var (
	LinkEmailLimit   = auth.Limit{Max: 3, Window: 15 * time.Minute}
	LinkAddressLimit = auth.Limit{Max: 20, Window: 15 * time.Minute}
)

// Refusals with a reason the user can act on. They unwrap to
// apperr.ErrForbidden or apperr.ErrConflict.
var (
	ErrIndependent = &apperr.Denied{Message: "error.customer_independent"}
	ErrLastAdmin   = &apperr.Denied{Message: "error.last_admin", Conflict: true}
	ErrSelf        = &apperr.Denied{Message: "error.not_yourself"}
	ErrAccepted    = &apperr.Denied{Message: "error.invitation_accepted", Conflict: true}
	// ErrLinkInvalid answers an unknown, used or expired link alike.
	ErrLinkInvalid = fmt.Errorf("link invalid or expired: %w", apperr.ErrNotFound)
)

// Config is what the service needs beyond its stores.
type Config struct {
	InvitationTTL time.Duration // 0 means DefaultInvitationTTL
}

// Service applies the rules.
type Service struct {
	db       *bun.DB
	clock    clock.Clock
	cfg      Config
	store    *org.Store
	events   *event.Bus
	sessions *auth.SessionStore
	tokens   *auth.TokenStore
	throttle *auth.Throttle
	hasher   *auth.Hasher
	counts   *Store
}

// New wires the service; it records its events on a's bus and keeps the
// rolled-up people of each customer as a subscriber of them (one service
// per bus).
func New(db *bun.DB, c clock.Clock, cfg Config, a *auth.Service) *Service {
	if cfg.InvitationTTL <= 0 {
		cfg.InvitationTTL = DefaultInvitationTTL
	}
	s := &Service{db: db, clock: c, cfg: cfg, store: org.NewStore(db, c),
		events: a.Events(), sessions: a.Sessions(), tokens: a.Tokens(), throttle: auth.NewThrottle(db, c),
		hasher: a.Hasher(), counts: NewStore(db, c)}
	s.events.Subscribe(s.countPeople, append(append([]string(nil), peopleIn...), peopleOut...)...)
	return s
}

// InvitationTTL is how long an invitation link stays valid.
func (s *Service) InvitationTTL() time.Duration { return s.cfg.InvitationTTL }

// userScope is the set of users a may see.
func userScope(a *caller.Caller) org.UserFilter {
	if a.ActsAsProvider() {
		return org.UserFilter{ProviderID: a.ProviderID}
	}
	return org.UserFilter{OrganizationID: a.OrganizationID}
}

func isNotFound(err error) bool { return errors.Is(err, apperr.ErrNotFound) }

func deniedConflict(msg string) apperr.Denied { return apperr.Denied{Message: msg, Conflict: true} }
