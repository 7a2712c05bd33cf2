package auth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/rbac"
)

func (f *fixture) apiToken(userID int64, name string, ttl time.Duration) (string, *auth.APIToken) {
	f.t.Helper()
	plain, tok, err := f.tokens.Create(f.ctx, userID, name, ttl)
	if err != nil {
		f.t.Fatal(err)
	}
	return plain, tok
}

func TestAPITokenCreateStoresOnlyTheHash(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Administrator)
		plain, tok := f.apiToken(u.ID, "CI", 30*24*time.Hour)

		if !strings.HasPrefix(plain, auth.APITokenPrefix) || len(plain) < len(auth.APITokenPrefix)+43 {
			t.Fatalf("token %q: want bo_ and at least 43 characters", plain)
		}
		if tok.ID == 0 || tok.UserID != u.ID || tok.Name != "CI" || !tok.ExpiresAt.Equal(start.Add(30*24*time.Hour)) {
			t.Errorf("Create returned %+v", tok)
		}

		var row struct {
			TokenHash string
			Prefix    string
			Name      string
		}
		if err := bdb.NewSelect().Table("api_tokens").Column("token_hash", "prefix", "name").Where("id = ?", tok.ID).Scan(f.ctx, &row); err != nil {
			t.Fatal(err)
		}
		if row.TokenHash == plain || row.TokenHash != auth.HashToken(plain) {
			t.Errorf("stored token_hash %q, want HashToken(plain) %q", row.TokenHash, auth.HashToken(plain))
		}
		// The prefix shown in lists identifies the token without revealing it.
		if !strings.HasPrefix(plain, row.Prefix) || len(row.Prefix) > len(auth.APITokenPrefix)+8 {
			t.Errorf("stored prefix %q reveals too much of %q", row.Prefix, plain)
		}
		if n := f.count("api_tokens", "token_hash = ? OR prefix = ? OR name = ?", plain, plain, plain); n != 0 {
			t.Error("the plain token is stored")
		}
	})
}

func TestAPITokenAuthenticate(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Administrator)
		plain, tok := f.apiToken(u.ID, "CI", time.Hour)

		got, err := f.tokens.Authenticate(f.ctx, plain)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != tok.ID || got.User == nil || got.User.ID != u.ID {
			t.Fatalf("Authenticate = %+v, user %+v", got, got.User)
		}
		if got.User.Organization == nil || got.User.Organization.ID != f.customer.ID {
			t.Errorf("Authenticate did not load the organization: %+v", got.User.Organization)
		}
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(start) {
			t.Errorf("last used = %v, want %s", got.LastUsedAt, start)
		}

		for name, bad := range map[string]string{
			"empty":         "",
			"no prefix":     strings.TrimPrefix(plain, auth.APITokenPrefix),
			"other prefix":  "xx_" + strings.TrimPrefix(plain, auth.APITokenPrefix),
			"upper-case":    strings.ToUpper(plain[:3]) + plain[3:],
			"changed":       plain[:len(plain)-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(plain, "A")],
			"truncated":     plain[:len(plain)-1],
			"the hash":      auth.HashToken(plain),
			"prefixed hash": auth.APITokenPrefix + auth.HashToken(plain),
			"too long":      plain + strings.Repeat("a", 100),
			"session token": func() string { s, _ := f.session(u); return s }(),
		} {
			if _, err := f.tokens.Authenticate(f.ctx, bad); !errors.Is(err, apperr.ErrUnauthorized) {
				t.Errorf("%s: want ErrUnauthorized, got %v", name, err)
			}
		}

		f.clock.Advance(time.Hour)
		if _, err := f.tokens.Authenticate(f.ctx, plain); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Errorf("expired token: want ErrUnauthorized, got %v", err)
		}
	})
}

func TestAPITokenLastUsedAtMostOnceAMinute(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		plain, tok := f.apiToken(u.ID, "CI", time.Hour)
		lastUsed := func() time.Time {
			var ts time.Time
			if err := bdb.NewSelect().Table("api_tokens").Column("last_used_at").Where("id = ?", tok.ID).Scan(f.ctx, &ts); err != nil {
				t.Fatal(err)
			}
			return ts
		}
		if _, err := f.tokens.Authenticate(f.ctx, plain); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(30 * time.Second)
		if _, err := f.tokens.Authenticate(f.ctx, plain); err != nil {
			t.Fatal(err)
		}
		if ts := lastUsed(); !ts.Equal(start) {
			t.Errorf("after 30s: last_used_at %s, want %s", ts, start)
		}
		f.clock.Advance(30 * time.Second)
		if _, err := f.tokens.Authenticate(f.ctx, plain); err != nil {
			t.Fatal(err)
		}
		if ts := lastUsed(); !ts.Equal(start.Add(time.Minute)) {
			t.Errorf("after 1m: last_used_at %s, want %s", ts, start.Add(time.Minute))
		}
	})
}

func TestAPITokenOfDisabledUser(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Administrator)
		other := f.user(f.customer, "bob@customer.test", rbac.Member)
		plain, _ := f.apiToken(u.ID, "CI", time.Hour)
		otherPlain, _ := f.apiToken(other.ID, "CI", time.Hour)
		f.disable(u)
		if _, err := f.tokens.Authenticate(f.ctx, plain); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Errorf("disabled user's token: want ErrUnauthorized, got %v", err)
		}
		if _, err := f.tokens.Authenticate(f.ctx, otherPlain); err != nil {
			t.Errorf("another user's token stopped working: %v", err)
		}
	})
}

func TestAPITokenDelete(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Administrator)
		other := f.user(f.provider, "bob@provider.test", rbac.ProviderAdmin)
		mine, mineTok := f.apiToken(u.ID, "mine", time.Hour)
		theirs, theirsTok := f.apiToken(other.ID, "theirs", time.Hour)

		for _, id := range []int64{theirsTok.ID, theirsTok.ID + 1000} {
			if _, err := f.tokens.Delete(f.ctx, u.ID, id); !errors.Is(err, apperr.ErrNotFound) {
				t.Errorf("Delete(%d) of another user's or a missing token: want ErrNotFound, got %v", id, err)
			}
		}
		if _, err := f.tokens.Authenticate(f.ctx, theirs); err != nil || f.count("api_tokens", "1 = 1") != 2 {
			t.Fatalf("a refused Delete removed a token (%v)", err)
		}

		got, err := f.tokens.Delete(f.ctx, u.ID, mineTok.ID)
		if err != nil || got.ID != mineTok.ID || got.Name != "mine" {
			t.Fatalf("Delete(own) = %+v, %v", got, err)
		}
		if _, err := f.tokens.Authenticate(f.ctx, mine); !errors.Is(err, apperr.ErrUnauthorized) {
			t.Errorf("deleted token still works: %v", err)
		}
		if _, err := f.tokens.Delete(f.ctx, u.ID, mineTok.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("second Delete: want ErrNotFound, got %v", err)
		}
	})
}

func TestAPITokenForUserPaging(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Administrator)
		other := f.user(f.customer, "bob@customer.test", rbac.Member)

		f.apiToken(u.ID, "expiring", time.Minute)
		var ids []int64
		for _, name := range []string{"t0", "t1", "t2", "t3", "t4"} {
			_, tok := f.apiToken(u.ID, name, time.Hour)
			ids = append(ids, tok.ID)
			f.apiToken(other.ID, "other "+name, time.Hour)
		}
		f.clock.Advance(time.Minute) // "expiring" has expired

		var got []int64
		var before int64
		for page := 1; ; page++ {
			toks, more, err := f.tokens.ForUser(f.ctx, u.ID, before, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, tok := range toks {
				if tok.UserID != u.ID {
					t.Fatalf("ForUser listed token %d of user %d", tok.ID, tok.UserID)
				}
				got = append(got, tok.ID)
			}
			if wantMore := page < 3; more != wantMore {
				t.Fatalf("page %d: more %v, want %v", page, more, wantMore)
			}
			if !more {
				break
			}
			before = toks[len(toks)-1].ID
		}
		want := []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}
		if len(got) != len(want) {
			t.Fatalf("ForUser pages = %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("ForUser pages = %v, want %v (newest first, live only)", got, want)
			}
		}
	})
}

func TestAPITokenDeleteForUser(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Administrator)
		other := f.user(f.customer, "bob@customer.test", rbac.Member)
		f.apiToken(u.ID, "a", time.Hour)
		f.apiToken(u.ID, "b", time.Hour)
		keep, _ := f.apiToken(other.ID, "c", time.Hour)
		if n, err := f.tokens.DeleteForUser(f.ctx, u.ID, 0); err != nil || n != 2 {
			t.Errorf("DeleteForUser = %d, %v; want 2", n, err)
		}
		if _, err := f.tokens.Authenticate(f.ctx, keep); err != nil {
			t.Errorf("another user's token ended: %v", err)
		}
	})
}
