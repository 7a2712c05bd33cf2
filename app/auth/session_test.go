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

// lastSeen reads a session's last_seen_at from the database.
func lastSeen(t *testing.T, f *fixture, id int64) time.Time {
	t.Helper()
	var ts time.Time
	if err := f.db.NewSelect().Table("sessions").Column("last_seen_at").Where("id = ?", id).Scan(f.ctx, &ts); err != nil {
		t.Fatalf("read last_seen_at of session %d: %v", id, err)
	}
	return ts
}

func TestSessionCreateAndLookup(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Member)
		token, sess, err := f.sessions.Create(f.ctx, u.ID, "198.51.100.4", strings.Repeat("A", 400))
		if err != nil {
			t.Fatal(err)
		}
		if len(token) < 43 || sess.ID == 0 || sess.UserID != u.ID {
			t.Fatalf("Create = %q, %+v", token, sess)
		}
		if !sess.ExpiresAt.Equal(start.Add(sessionMax)) || !sess.LastSeenAt.Equal(start) {
			t.Errorf("expires %s last seen %s", sess.ExpiresAt, sess.LastSeenAt)
		}
		// Only the hash of the token is stored.
		if f.count("sessions", "token_hash = ?", auth.HashToken(token)) != 1 || f.count("sessions", "token_hash = ?", token) != 0 {
			t.Error("the sessions table does not hold exactly the token's hash")
		}

		got, err := f.sessions.Lookup(f.ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != sess.ID || got.IP != "198.51.100.4" || len(got.UserAgent) != 300 {
			t.Errorf("Lookup = id %d ip %q user agent %d bytes", got.ID, got.IP, len(got.UserAgent))
		}
		if got.User == nil || got.User.ID != u.ID || got.User.Email != u.Email {
			t.Fatalf("Lookup did not load the user: %+v", got.User)
		}
		if o := got.User.Organization; o == nil || o.ID != f.customer.ID || o.ScopeProviderID() != f.provider.ID {
			t.Fatalf("Lookup did not load the user's organization: %+v", o)
		}
	})
}

func TestSessionLookupRefuses(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		token, _ := f.session(u)
		other := "x"
		if token[0] == 'x' { // one token in 64 starts with it
			other = "y"
		}
		for name, tok := range map[string]string{
			"empty":         "",
			"unknown":       other + token[1:],
			"its hash":      auth.HashToken(token),
			"with a suffix": token + "x",
			"too long":      token + strings.Repeat("x", 100),
		} {
			if _, err := f.sessions.Lookup(f.ctx, tok); !errors.Is(err, apperr.ErrUnauthorized) {
				t.Errorf("%s token: want ErrUnauthorized, got %v", name, err)
			}
		}
		if !f.live(token) {
			t.Fatal("the real token does not sign in")
		}
	})
}

func TestSessionIdleTimeout(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		token, _ := f.session(u)

		// Use keeps the session alive past the idle timeout...
		for range 3 {
			f.clock.Advance(sessionIdle - time.Minute)
			if !f.live(token) {
				t.Fatalf("session in use ended after %s", f.clock.Now().Sub(start))
			}
		}
		// ...and an idle timeout without use ends it.
		f.clock.Advance(sessionIdle + time.Second)
		if f.live(token) {
			t.Fatal("session alive after the idle timeout")
		}
		// Exactly the idle timeout is too long already.
		other, _ := f.session(u)
		f.clock.Advance(sessionIdle)
		if f.live(other) {
			t.Error("session alive after exactly the idle timeout")
		}
	})
}

func TestSessionAbsoluteTimeout(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		token, _ := f.session(u)
		step := 20 * time.Minute
		for elapsed := step; elapsed < sessionMax; elapsed += step {
			f.clock.Advance(step)
			if !f.live(token) {
				t.Fatalf("session in use ended after %s, before the absolute timeout", elapsed)
			}
		}
		f.clock.Advance(sessionMax - f.clock.Now().Sub(start)) // exactly sessionMax after sign-in
		if f.live(token) {
			t.Fatalf("session alive %s after sign-in", f.clock.Now().Sub(start))
		}
	})
}

func TestSessionOfDisabledUser(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Member)
		other := f.user(f.customer, "bob@customer.test", rbac.Member)
		token, _ := f.session(u)
		otherToken, _ := f.session(other)
		f.disable(u)
		if f.live(token) {
			t.Error("a disabled user's session still signs in")
		}
		if !f.live(otherToken) {
			t.Error("disabling one user ended another's session")
		}
	})
}

func TestSessionLookupTouchesAtMostOnceAMinute(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		token, sess := f.session(u)

		f.clock.Advance(30 * time.Second)
		got, err := f.sessions.Lookup(f.ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if ts := lastSeen(t, f, sess.ID); !ts.Equal(start) || !got.LastSeenAt.Equal(start) {
			t.Errorf("after 30s: last_seen_at %s (returned %s), want unchanged %s", ts, got.LastSeenAt, start)
		}

		f.clock.Advance(30 * time.Second)
		got, err = f.sessions.Lookup(f.ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		want := start.Add(time.Minute)
		if ts := lastSeen(t, f, sess.ID); !ts.Equal(want) || !got.LastSeenAt.Equal(want) {
			t.Errorf("after 1m: last_seen_at %s (returned %s), want %s", ts, got.LastSeenAt, want)
		}

		f.clock.Advance(59*time.Second + 500*time.Millisecond)
		if _, err := f.sessions.Lookup(f.ctx, token); err != nil {
			t.Fatal(err)
		}
		if ts := lastSeen(t, f, sess.ID); !ts.Equal(want) {
			t.Errorf("59.5s after the touch: last_seen_at %s, want unchanged %s", ts, want)
		}
	})
}

func TestSessionDeleteForUserKeepsOne(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		other := f.user(f.provider, "bob@provider.test", rbac.ProviderAgent)
		keep, keepSess := f.session(u)
		end1, _ := f.session(u)
		end2, _ := f.session(u)
		otherToken, _ := f.session(other)

		n, err := f.sessions.DeleteForUser(f.ctx, u.ID, keepSess.ID)
		if err != nil || n != 2 {
			t.Fatalf("DeleteForUser = %d, %v; want 2", n, err)
		}
		if !f.live(keep) || f.live(end1) || f.live(end2) {
			t.Errorf("live after DeleteForUser: kept %v, others %v %v", f.live(keep), f.live(end1), f.live(end2))
		}
		if !f.live(otherToken) {
			t.Error("DeleteForUser ended another user's session")
		}
		// Keeping none ends them all.
		if n, err := f.sessions.DeleteForUser(f.ctx, u.ID, 0); err != nil || n != 1 || f.live(keep) {
			t.Errorf("DeleteForUser(keep 0) = %d, %v; kept session live %v", n, err, f.live(keep))
		}
	})
}

func TestSessionDeleteOne(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.customer, "anna@customer.test", rbac.Member)
		other := f.user(f.provider, "bob@provider.test", rbac.ProviderAdmin)
		mine, mineSess := f.session(u)
		theirs, theirsSess := f.session(other)

		// Another user's session looks like a missing one and stays.
		if err := f.sessions.DeleteOne(f.ctx, u.ID, theirsSess.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("DeleteOne(another user's session): want ErrNotFound, got %v", err)
		}
		if err := f.sessions.DeleteOne(f.ctx, u.ID, theirsSess.ID+1000); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("DeleteOne(missing session): want ErrNotFound, got %v", err)
		}
		if !f.live(theirs) || f.count("sessions", "1 = 1") != 2 {
			t.Fatal("DeleteOne removed a session it was refused")
		}

		if err := f.sessions.DeleteOne(f.ctx, u.ID, mineSess.ID); err != nil {
			t.Fatal(err)
		}
		if f.live(mine) || !f.live(theirs) {
			t.Error("DeleteOne did not end exactly the own session")
		}
	})
}

func TestSessionDeleteByToken(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		a, _ := f.session(u)
		b, _ := f.session(u)
		if err := f.sessions.DeleteByToken(f.ctx, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.sessions.DeleteByToken(f.ctx, a); err != nil {
			t.Fatal(err)
		}
		if f.live(a) || !f.live(b) {
			t.Error("DeleteByToken did not end exactly its session")
		}
	})
}

func TestSessionForUserPaging(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)
		other := f.user(f.provider, "bob@provider.test", rbac.ProviderAgent)

		// One session that goes idle, one used recently but past its absolute
		// timeout, then five live ones interleaved with another user's.
		f.session(u)
		f.clock.Advance(15 * time.Minute)
		if _, _, err := auth.NewSessionStore(bdb, f.clock, sessionIdle, 10*time.Minute).Create(f.ctx, u.ID, "", ""); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(15 * time.Minute) // the first is idle now; the second 15m old, past its 10m
		var ids []int64
		for range 5 {
			_, s := f.session(u)
			ids = append(ids, s.ID)
			f.session(other)
			f.clock.Advance(time.Second)
		}

		var got []int64
		var before int64
		var pages int
		for {
			page, more, err := f.sessions.ForUser(f.ctx, u.ID, before, 2)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, s := range page {
				if s.UserID != u.ID {
					t.Fatalf("ForUser listed session %d of user %d", s.ID, s.UserID)
				}
				got = append(got, s.ID)
			}
			if wantMore := pages < 3; more != wantMore || (more && len(page) != 2) {
				t.Fatalf("page %d: %d sessions, more %v", pages, len(page), more)
			}
			if !more {
				break
			}
			before = page[len(page)-1].ID
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

		page, more, err := f.sessions.ForUser(f.ctx, u.ID, 0, 5)
		if err != nil || len(page) != 5 || more {
			t.Errorf("ForUser(limit 5 of 5) = %d sessions, more %v, %v", len(page), more, err)
		}
	})
}

func TestSessionDeleteExpired(t *testing.T) {
	eachDB(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		u := f.user(f.provider, "anna@provider.test", rbac.ProviderAgent)

		idleTok, _ := f.session(u)
		f.clock.Advance(20 * time.Minute)
		// A session from a store with a 10-minute absolute timeout ends by
		// age while it is not idle yet.
		aged, _, err := auth.NewSessionStore(bdb, f.clock, sessionIdle, 10*time.Minute).Create(f.ctx, u.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		live, _ := f.session(u)
		f.clock.Advance(11 * time.Minute) // idleTok idle 31m; aged and live seen 11m ago, aged past its 10m

		n, err := f.sessions.DeleteExpired(f.ctx)
		if err != nil || n != 2 {
			t.Fatalf("DeleteExpired = %d, %v; want 2", n, err)
		}
		if f.count("sessions", "token_hash = ?", auth.HashToken(live)) != 1 {
			t.Error("DeleteExpired removed a live session")
		}
		if f.count("sessions", "token_hash IN (?, ?)", auth.HashToken(aged), auth.HashToken(idleTok)) != 0 {
			t.Error("DeleteExpired kept an expired session")
		}
		if n, err := f.sessions.DeleteExpired(f.ctx); err != nil || n != 0 {
			t.Errorf("second DeleteExpired = %d, %v; want 0", n, err)
		}
	})
}
