package device_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"backoffice/app/db/dbtest"
	"backoffice/app/device"
)

func TestNewCodeTokenAlphabet(t *testing.T) {
	seen := map[byte]bool{}
	for range 2000 {
		tok := device.NewCodeToken()
		if len(tok) != device.TokenLength || strings.ContainsAny(tok, "OIL U-_oil") || strings.ToUpper(tok) != tok {
			t.Fatalf("token %q has a look-alike, a separator or lower case", tok)
		}
		if device.NormalizeToken(tok) != tok {
			t.Fatalf("token %q is not in its normal form", tok)
		}
		for i := range len(tok) {
			seen[tok[i]] = true
		}
	}
	if len(seen) != 32 {
		t.Errorf("tokens use %d characters, want all 32 of the alphabet", len(seen))
	}
}

func TestNormalizeToken(t *testing.T) {
	const tok = "7K3M9QXWR2D5H8ZT0A1BCDEFGHJK"
	for in, want := range map[string]string{
		tok:                                     tok,
		strings.ToLower(tok):                    tok,
		device.GroupToken(tok):                  tok,
		"7k3m-9qxw-r2d5-h8zt-0a1b-cdef-ghjk":    tok,
		" 7K3M 9QXW\tR2D5 H8ZT 0A1B CDEF GHJK ": tok,
		"7K3M9QXWR2D5H8ZTOAIBCDEFGHJK":          tok, // O for 0, I for 1
		"7K3M9QXWR2D5H8ZToalBCDEFGHJK":          tok, // o for 0, l for 1
		tok[:27]:                                "",
		tok + "0":                               "",
		tok[:27] + "U":                          "",
		tok[:27] + "_":                          "",
		"":                                      "",
		"L0hXrNSY8cwI8sNZA16ekg":                "", // an older token
	} {
		if got := device.NormalizeToken(in); got != want {
			t.Errorf("NormalizeToken(%q) = %q, want %q", in, got, want)
		}
	}
	if g := device.GroupToken(tok); g != "7K3M 9QXW R2D5 H8ZT 0A1B CDEF GHJK" {
		t.Errorf("GroupToken = %q", g)
	}
	if g := device.GroupToken("q9-Z_x0aB1cD2eF3gH4iJ5"); g != "q9-Z_x0aB1cD2eF3gH4iJ5" {
		t.Errorf("an older token is shown as %q", g)
	}
}

func TestTokenCandidates(t *testing.T) {
	const tok = "7K3M9QXWR2D5H8ZT0A1BCDEFGHJK"
	for in, want := range map[string][]string{
		tok:                                  {tok},
		"7k3m 9qxw r2d5 h8zt 0a1b cdef ghjk": {"7k3m9qxwr2d5h8zt0a1bcdefghjk", tok},
		"q9-Z_x0aB1cD2eF3gH4iJ5":             {"q9-Z_x0aB1cD2eF3gH4iJ5"}, // older: exactly, dashes kept
		" q9-Z_x0aB1cD2eF3gH4iJ5 ":           {"q9-Z_x0aB1cD2eF3gH4iJ5"},
		"short":                              nil,
		"a\x00" + tok:                        nil,
		strings.Repeat("a", 65):              nil,
	} {
		if got := device.TokenCandidates(in); !slices.Equal(got, want) {
			t.Errorf("TokenCandidates(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTypedAndOlderTokensResolve(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		d := f.create(f.staff, in("Pump", "SN-1"))
		tok := d.Code.Token
		if !tokenPattern.MatchString(tok) {
			t.Fatalf("new token %q", tok)
		}
		// Typed from the label: lower case, in groups, with dashes, with the
		// look-alikes of 0 and 1.
		lower := strings.ToLower(device.GroupToken(tok))
		dashed := strings.ReplaceAll(device.GroupToken(tok), " ", "-")
		lookalike := strings.NewReplacer("0", "O", "1", "l").Replace(tok)
		for _, typed := range []string{tok, lower, dashed, lookalike, " " + lower + " "} {
			if c := f.scan(typed); c.ID != d.Code.ID || c.Token != tok {
				t.Errorf("typed %q resolves to %+v", typed, c)
			}
			codes, _, err := f.svc.Codes(f.ctx, f.staff, device.CodeFilter{Token: typed}, 0, 5)
			if err != nil || len(codes) != 1 || codes[0].ID != d.Code.ID {
				t.Errorf("codes list by typed %q: %v, %v", typed, codes, err)
			}
		}

		// An older token (base64url, case-sensitive, with "-" and "_") keeps
		// resolving exactly, and only exactly.
		old := f.create(f.staff, in("Old pump", "SN-2"))
		const oldToken = "q9-Z_x0aB1cD2eF3gH4iJ5"
		if _, err := f.db.NewUpdate().Table("codes").Set("token = ?", oldToken).Where("id = ?", old.Code.ID).Exec(f.ctx); err != nil {
			t.Fatal(err)
		}
		if c := f.scan(oldToken); c.ID != old.Code.ID || c.Device == nil || c.Device.ID != old.ID {
			t.Errorf("older token resolves to %+v", c)
		}
		if c := f.scan(" " + oldToken + "\n"); c.ID != old.Code.ID {
			t.Errorf("older token with spaces around resolves to %+v", c)
		}
		for _, wrong := range []string{strings.ToUpper(oldToken), strings.ToLower(oldToken), strings.ReplaceAll(oldToken, "-", "")} {
			_, err := f.svc.Scan(f.ctx, wrong)
			wantNotFound(t, err)
		}
		if got := f.device(f.staff, old.ID).Code.Token; got != oldToken {
			t.Errorf("older token became %q", got)
		}
	})
}

// Looking a code up by its token, as typed, is one equality lookup on the
// unique index, whatever was typed.
func TestTokenLookupUsesIndex(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(t), dbtest.Postgres) {
		t.Skip("plans are checked on PostgreSQL: set TEST_POSTGRES_URL")
	}
	t.Parallel()
	bdb := dbtest.New(t, dbtest.Postgres)
	f := newFixture(t, bdb)
	for i := range 3 {
		f.create(f.staff, in(fmt.Sprintf("Pump %d", i), fmt.Sprintf("SN-%d", i)))
	}
	hook := dbtest.Record(bdb, func(q string) bool {
		return strings.HasPrefix(q, "SELECT") && strings.Contains(q, `FROM "codes" AS "cd"`) && strings.Contains(q, `cd.token IN`)
	})
	tok := strings.ToLower(device.GroupToken(device.NewCodeToken()))
	_, _ = f.svc.Scan(f.ctx, tok)
	_, _, _ = f.svc.Codes(f.ctx, f.staff, device.CodeFilter{Token: tok}, 0, 5)
	plans := map[string]string{}
	for _, q := range hook.Take() {
		plans[q] = "token lookup"
	}
	if len(plans) != 2 {
		t.Fatalf("%d token queries recorded, want 2", len(plans))
	}
	dbtest.WantIndexed(t, bdb, "codes", plans)
}
