package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/audit"
	"backoffice/app/caller"
	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/event"
	"backoffice/app/org"
)

// Sign-in outcomes beyond success. Both unwrap to apperr.ErrUnauthorized.
var (
	// ErrBadCredentials is the one answer for an unknown email, a wrong
	// password and an account without a password, so none can be told apart.
	ErrBadCredentials = fmt.Errorf("wrong email or password: %w", apperr.ErrUnauthorized)
	// ErrDisabled is returned only after the right password was given.
	ErrDisabled = fmt.Errorf("account disabled: %w", apperr.ErrUnauthorized)
)

// EventPasswordLinkSent is a set-password or reset link asked for on the
// sign-in page (recorded by people). The audit log does not list it: it
// never did, and whoever asks is not signed in.
const EventPasswordLinkSent = "auth.password_link_sent"

// API token lifetimes.
const (
	DefaultTokenTTL = 30 * 24 * time.Hour
	MaxTokenTTL     = 365 * 24 * time.Hour
)

// Service holds the sign-in and account rules.
type Service struct {
	db       *bun.DB
	clock    clock.Clock
	hasher   *Hasher
	users    *org.Store
	sessions *SessionStore
	tokens   *TokenStore
	throttle *Throttle
	events   *event.Bus
}

// NewService wires the auth service. It makes the application's event bus,
// with the audit log subscribed, which the other services share (Events).
func NewService(db *bun.DB, c clock.Clock, h *Hasher, sessions *SessionStore) *Service {
	bus := event.NewBus(db, c)
	audit.NewStore(db, c).Subscribe(bus, EventPasswordLinkSent)
	return &Service{db: db, clock: c, hasher: h, users: org.NewStore(db, c), sessions: sessions,
		tokens: NewTokenStore(db, c), throttle: NewThrottle(db, c), events: bus}
}

// Events returns the event bus.
func (s *Service) Events() *event.Bus { return s.events }

// Sessions returns the session store.
func (s *Service) Sessions() *SessionStore { return s.sessions }

// Tokens returns the API token store.
func (s *Service) Tokens() *TokenStore { return s.tokens }

// Hasher returns the password hasher.
func (s *Service) Hasher() *Hasher { return s.hasher }

// Credentials is a sign-in attempt.
type Credentials struct {
	Email    string
	Password string
	IP       string
	// KnownDevice names a browser that signed in to Email before, as
	// vouched for by the caller (a signed cookie). Its attempts are counted
	// apart from the account's, so others' wrong guesses do not lock the
	// owner out of a browser they use.
	KnownDevice string
}

// accountKey is the per-account throttle subject of c.
func (c *Credentials) accountKey() string {
	if c.KnownDevice != "" {
		return AccountKey(c.Email) + "#device:" + c.KnownDevice
	}
	return AccountKey(c.Email)
}

func (c *Credentials) validate() error {
	v := &apperr.ValidationError{}
	c.Email = org.NormalizeEmail(c.Email)
	if c.Email == "" {
		v.Add("email", "error.required", nil)
	} else if len(c.Email) > 254 || strings.ContainsRune(c.Email, 0) {
		v.Add("email", "error.email_invalid", nil)
	}
	if c.Password == "" {
		v.Add("password", "error.required", nil)
	} else if len(c.Password) > 4*MaxPasswordLen || strings.ContainsRune(c.Password, 0) {
		// Longer than any password we accept: wrong, and not worth hashing.
		c.Password = ""
	}
	return v.Err()
}

// Authenticate checks credentials against the throttle and the stored hash.
// Each attempt is counted before its password is verified, per address and
// per account (per account and browser when the browser is known), so a
// burst of attempts is evaluated no further than the limits allow.
func (s *Service) Authenticate(ctx context.Context, c Credentials) (*org.User, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	address, account := AddressKey(c.IP), c.accountKey()
	if err := s.throttle.Reserve(ctx, address, AddressLimit); err != nil {
		return nil, err
	}
	if err := s.throttle.Reserve(ctx, account, AccountLimit); err != nil {
		return nil, errors.Join(err, s.throttle.Release(ctx, address))
	}
	u, err := s.users.UserByEmail(ctx, c.Email)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return nil, err
	}
	hash := ""
	if u != nil {
		hash = u.PasswordHash
	}
	ok, rehash, err := s.hasher.Verify(ctx, c.Password, hash)
	if err != nil {
		return nil, fmt.Errorf("verify password: %w", err)
	}
	if !ok || c.Password == "" {
		if u != nil {
			_ = s.events.Record(ctx, event.New("auth.login_failed", u, c.IP).Subject("user", u.ID))
		}
		return nil, ErrBadCredentials
	}
	if u.Disabled() { // the right password: no failure to count
		return nil, errors.Join(ErrDisabled, s.throttle.Release(ctx, account), s.throttle.Release(ctx, address))
	}
	if rehash {
		if h, err := s.hasher.Hash(ctx, c.Password); err == nil {
			_ = s.users.SetPasswordHash(ctx, u.ID, h)
		}
	}
	// A success gives back its own attempt only: the failures of the window
	// stand, so a burst evaluates no more than the limit even when the right
	// password is among it.
	if err := errors.Join(s.throttle.Release(ctx, account), s.throttle.Release(ctx, address)); err != nil {
		return nil, err
	}
	return u, nil
}

// Login signs in with credentials and starts a new session, ending the
// browser's previous one (oldToken), so the session id changes at sign-in.
func (s *Service) Login(ctx context.Context, c Credentials, userAgent, oldToken string) (string, *org.User, error) {
	u, err := s.Authenticate(ctx, c)
	if err != nil {
		return "", nil, err
	}
	var token string
	err = db.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.sessions.DeleteByToken(ctx, oldToken); err != nil {
			return err
		}
		t, _, err := s.sessions.Create(ctx, u.ID, c.IP, userAgent)
		if err != nil {
			return err
		}
		token = t
		if err := s.users.RecordLogin(ctx, u.ID); err != nil {
			return err
		}
		return s.events.Record(ctx, event.New("auth.login", u, c.IP).Subject("user", u.ID))
	})
	if err != nil {
		return "", nil, err
	}
	return token, u, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, u *caller.Caller, sess *Session) error {
	return db.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.sessions.Delete(ctx, sess.ID); err != nil {
			return err
		}
		return s.events.Record(ctx, event.By("auth.logout", u).Subject("user", u.ID))
	})
}

// TokenInput names a new API token and its lifetime in days (0: 30 days).
type TokenInput struct {
	Name          string
	ExpiresInDays int
}

func (in *TokenInput) validate() error {
	v := &apperr.ValidationError{}
	in.Name = strings.TrimSpace(in.Name)
	org.CheckText(v, "name", in.Name, true, 100)
	if in.ExpiresInDays == 0 {
		in.ExpiresInDays = int(DefaultTokenTTL / (24 * time.Hour))
	}
	if in.ExpiresInDays < 1 || in.ExpiresInDays > int(MaxTokenTTL/(24*time.Hour)) {
		v.Add("expires_in_days", "error.token_days", map[string]any{"Max": int(MaxTokenTTL / (24 * time.Hour))})
	}
	return v.Err()
}

// IssueToken exchanges credentials for an API token (POST /api/v1/auth/token).
func (s *Service) IssueToken(ctx context.Context, c Credentials) (string, *APIToken, error) {
	u, err := s.Authenticate(ctx, c)
	if err != nil {
		return "", nil, err
	}
	name := "API sign-in " + s.clock.Now().Format("2006-01-02 15:04")
	return s.CreateToken(ctx, caller.Of(u, c.IP), TokenInput{Name: name})
}

// CreateToken issues a personal API token for u.
func (s *Service) CreateToken(ctx context.Context, u *caller.Caller, in TokenInput) (string, *APIToken, error) {
	if err := in.validate(); err != nil {
		return "", nil, err
	}
	var plain string
	var tok *APIToken
	err := db.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		plain, tok, err = s.tokens.Create(ctx, u.ID, in.Name, time.Duration(in.ExpiresInDays)*24*time.Hour)
		if err != nil {
			return err
		}
		return s.events.Record(ctx, event.By("apitoken.created", u).Subject("api_token", tok.ID).Describe(in.Name))
	})
	return plain, tok, err
}

// DeleteToken revokes one of u's tokens.
func (s *Service) DeleteToken(ctx context.Context, u *caller.Caller, id int64) error {
	return db.InTx(ctx, s.db, func(ctx context.Context) error {
		tok, err := s.tokens.Delete(ctx, u.ID, id)
		if err != nil {
			return err
		}
		return s.events.Record(ctx, event.By("apitoken.deleted", u).Subject("api_token", id).Describe(tok.Name))
	})
}

// UpdateProfile saves u's name, language and time zone.
func (s *Service) UpdateProfile(ctx context.Context, u *caller.Caller, in org.ProfileInput) error {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	return db.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.users.UpdateProfile(ctx, u.ID, in); err != nil {
			return err
		}
		u.FirstName, u.LastName, u.Language, u.TimeZone = in.FirstName, in.LastName, in.Language, in.TimeZone
		return s.events.Record(ctx, event.By("account.profile_updated", u).Subject("user", u.ID))
	})
}

// PasswordChange asks to replace a password. Confirm is checked only when
// ConfirmRequired (forms ask twice; the API does not).
type PasswordChange struct {
	Current         string
	New             string
	Confirm         string
	ConfirmRequired bool
}

// PasswordChanged reports what a password change ended.
type PasswordChanged struct {
	Sessions int
	Tokens   int
}

// Keep names the session and the API token a change is made through (0 for
// none): "every other" session and token spares them.
type Keep struct {
	SessionID int64
	TokenID   int64
}

// ChangePassword replaces u's password after checking the current one, and
// ends every other session and API token of u: those of keep stay valid.
func (s *Service) ChangePassword(ctx context.Context, u *caller.Caller, in PasswordChange, keep Keep) (PasswordChanged, error) {
	var res PasswordChanged
	v := &apperr.ValidationError{}
	if in.Current == "" {
		v.Add("current_password", "error.required", nil)
	}
	if err := CheckPassword("new_password", in.New, u.Email); err != nil {
		var ve *apperr.ValidationError
		errors.As(err, &ve)
		v.Fields = append(v.Fields, ve.Fields...)
	} else if in.New == in.Current {
		v.Add("new_password", "error.password_unchanged", nil)
	}
	if in.ConfirmRequired && in.Confirm != in.New {
		v.Add("confirm_password", "error.password_mismatch", nil)
	}
	if err := v.Err(); err != nil {
		return res, err
	}
	account := AccountKey(u.Email)
	if err := s.throttle.Reserve(ctx, account, AccountLimit); err != nil {
		return res, err
	}
	ok, _, err := s.hasher.Verify(ctx, in.Current, u.PasswordHash)
	if err != nil {
		return res, fmt.Errorf("verify password: %w", err)
	}
	if !ok {
		return res, apperr.Invalid("current_password", "error.current_password_wrong")
	}
	if err := s.throttle.Release(ctx, account); err != nil {
		return res, err
	}
	hash, err := s.hasher.Hash(ctx, in.New)
	if err != nil {
		return res, err
	}
	err = db.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.users.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		if res.Sessions, err = s.sessions.DeleteForUser(ctx, u.ID, keep.SessionID); err != nil {
			return err
		}
		if res.Tokens, err = s.tokens.DeleteForUser(ctx, u.ID, keep.TokenID); err != nil {
			return err
		}
		return s.events.Record(ctx, event.By("auth.password_changed", u).Subject("user", u.ID).Describe(fmt.Sprintf("ended %d other sessions and %d API tokens", res.Sessions, res.Tokens)))
	})
	if err == nil {
		u.PasswordHash = hash
	}
	return res, err
}

// ResetPassword gives the user of email a new password for an operator (the
// command line): like a change it ends every session and API token of the
// user, and it is recorded (auth.password_reset). The password must pass
// CheckPassword; an unknown email is ErrNotFound.
func (s *Service) ResetPassword(ctx context.Context, email, password string) (PasswordChanged, error) {
	var res PasswordChanged
	u, err := s.users.UserByEmail(ctx, org.NormalizeEmail(email))
	if err != nil {
		return res, err
	}
	if err := CheckPassword("password", password, u.Email); err != nil {
		return res, err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return res, err
	}
	err = db.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.users.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		if res.Sessions, err = s.sessions.DeleteForUser(ctx, u.ID, 0); err != nil {
			return err
		}
		if res.Tokens, err = s.tokens.DeleteForUser(ctx, u.ID, 0); err != nil {
			return err
		}
		return s.events.Record(ctx, event.New("auth.password_reset", u, "").Subject("user", u.ID).
			Describe(fmt.Sprintf("by an operator (backoffice user set-password); ended %d sessions and %d API tokens", res.Sessions, res.Tokens)))
	})
	return res, err
}

// EndSession ends one of u's sessions.
func (s *Service) EndSession(ctx context.Context, u *caller.Caller, id int64) error {
	return db.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.sessions.DeleteOne(ctx, u.ID, id); err != nil {
			return err
		}
		return s.events.Record(ctx, event.By("session.ended", u).Subject("session", id))
	})
}

// EndOtherSessions ends every session of u except keepID.
func (s *Service) EndOtherSessions(ctx context.Context, u *caller.Caller, keepID int64) (int, error) {
	var n int
	err := db.InTx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if n, err = s.sessions.DeleteForUser(ctx, u.ID, keepID); err != nil {
			return err
		}
		return s.events.Record(ctx, event.By("session.ended_others", u).Subject("user", u.ID).Describe(fmt.Sprintf("%d sessions", n)))
	})
	return n, err
}

// Cleanup removes expired sessions and stale throttle counters.
func (s *Service) Cleanup(ctx context.Context) error {
	if _, err := s.sessions.DeleteExpired(ctx); err != nil {
		return err
	}
	_, err := s.throttle.DeleteStale(ctx, 24*time.Hour)
	return err
}
