package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"backoffice/app/apperr"
)

// Password length limits. The upper bound keeps hashing cost predictable.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
	SaltLen uint32
}

// DefaultParams follow OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane).
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// Hasher hashes and verifies passwords with argon2id, bounding how many
// hashes run at once so that a login flood cannot exhaust memory.
type Hasher struct {
	params Params
	slots  chan struct{}
	dummy  string // a hash to verify against for unknown users, equalising timing
}

// NewHasher returns a hasher running at most concurrency hashes at once.
func NewHasher(p Params, concurrency int) *Hasher {
	if concurrency < 1 {
		concurrency = 1
	}
	h := &Hasher{params: p, slots: make(chan struct{}, concurrency)}
	h.dummy = h.encode(make([]byte, p.SaltLen), argon2.IDKey([]byte("dummy"), make([]byte, p.SaltLen), p.Time, p.Memory, p.Threads, p.KeyLen), p)
	return h
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for a password hashing slot: %w", ctx.Err())
	}
}

func (h *Hasher) release() { <-h.slots }

// Hash returns the PHC string of password.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	key := argon2.IDKey([]byte(password), salt, h.params.Time, h.params.Memory, h.params.Threads, h.params.KeyLen)
	return h.encode(salt, key, h.params), nil
}

func (h *Hasher) encode(salt, key []byte, p Params) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify reports whether password matches the PHC string encoded, and whether
// the hash should be replaced because the parameters changed. An empty
// encoded (a user without a password) verifies against a dummy hash so that
// the time taken does not reveal it, and never matches.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	if encoded == "" {
		_, _, err := h.Verify(ctx, password, h.dummy)
		return false, false, err
	}
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	ok = subtle.ConstantTimeCompare(got, key) == 1
	rehash = p.Memory != h.params.Memory || p.Time != h.params.Time || p.Threads != h.params.Threads ||
		uint32(len(key)) != h.params.KeyLen
	return ok, rehash, nil
}

var errBadHash = errors.New("not an argon2id PHC string")

// maxMemoryKiB bounds the cost a stored hash may ask for (1 GiB).
const maxMemoryKiB = 1 << 20

func decode(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, errBadHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Time < 1 || p.Threads < 1 || // argon2.IDKey panics on either
		p.Memory > maxMemoryKiB || p.Time > 16 { // a corrupt row must not allocate gigabytes
		return Params{}, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return Params{}, nil, nil, errBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return Params{}, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

//go:embed common_passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// CheckPassword validates a new password for field, returning message ids of
// the i18n catalog. email, when given, must not be (part of) the password.
func CheckPassword(field, password, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password) || strings.ContainsRune(password, 0):
		return apperr.Invalid(field, "error.password_invalid_chars")
	case n < MinPasswordLen:
		return &apperr.ValidationError{Fields: []apperr.FieldError{{Field: field, Message: "error.password_too_short", Data: map[string]any{"Min": MinPasswordLen}}}}
	case n > MaxPasswordLen:
		return &apperr.ValidationError{Fields: []apperr.FieldError{{Field: field, Message: "error.password_too_long", Data: map[string]any{"Max": MaxPasswordLen}}}}
	case commonPasswords[strings.ToLower(password)]:
		return apperr.Invalid(field, "error.password_common")
	}
	if local, _, ok := strings.Cut(strings.ToLower(email), "@"); ok && len(local) >= 4 && strings.Contains(strings.ToLower(password), local) {
		return apperr.Invalid(field, "error.password_contains_email")
	}
	return nil
}
