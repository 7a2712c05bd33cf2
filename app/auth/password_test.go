package auth_test

import (
	"context"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"

	"backoffice/app/apperr"
	"backoffice/app/auth"
)

func TestDefaultParamsMeetOWASPMinimum(t *testing.T) {
	p := auth.DefaultParams
	if p.Memory < 19*1024 || p.Time < 2 || p.Threads < 1 {
		t.Errorf("DefaultParams = %+v, below OWASP's argon2id minimum m=19 MiB t=2 p=1", p)
	}
	if p.KeyLen < 32 || p.SaltLen < 16 {
		t.Errorf("DefaultParams = %+v: key under 256 bits or salt under 128 bits", p)
	}
}

func TestHashVerifyDefaultParams(t *testing.T) {
	ctx := context.Background()
	h := auth.NewHasher(auth.DefaultParams, 2)
	hash, err := h.Hash(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "$argon2id$v=19$m=19456,t=2,p=1$"
	if !strings.HasPrefix(hash, prefix) {
		t.Fatalf("hash %q does not start with %q", hash, prefix)
	}
	parts := strings.Split(strings.TrimPrefix(hash, prefix), "$")
	if len(parts) != 2 {
		t.Fatalf("hash %q: want salt$key after the parameters", hash)
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[0])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[1])
	if err1 != nil || err2 != nil || len(salt) != 16 || len(key) != 32 {
		t.Errorf("salt %d bytes (%v), key %d bytes (%v); want 16 and 32", len(salt), err1, len(key), err2)
	}

	ok, rehash, err := h.Verify(ctx, testPassword, hash)
	if err != nil || !ok || rehash {
		t.Errorf("Verify(right password) = %v, rehash %v, %v; want true, false, nil", ok, rehash, err)
	}
	for _, wrong := range []string{"", "correct-horse-7-battery", testPassword + " ", testPassword[:len(testPassword)-1]} {
		if ok, _, err := h.Verify(ctx, wrong, hash); err != nil || ok {
			t.Errorf("Verify(%q) = %v, %v; want false", wrong, ok, err)
		}
	}
}

func TestHashIsSaltedAndRoundTrips(t *testing.T) {
	ctx := context.Background()
	h := auth.NewHasher(cheapParams, 2)
	for _, pw := range []string{testPassword, "пароль-с-юникодом-😀", strings.Repeat("x", auth.MaxPasswordLen)} {
		a, err := h.Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		b, err := h.Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		if a == b {
			t.Errorf("two hashes of %q are equal: no random salt", pw)
		}
		for _, hash := range []string{a, b} {
			if ok, rehash, err := h.Verify(ctx, pw, hash); !ok || rehash || err != nil {
				t.Errorf("Verify(%q) = %v, %v, %v", pw, ok, rehash, err)
			}
		}
		if ok, _, _ := h.Verify(ctx, pw+"x", a); ok {
			t.Errorf("Verify accepted %q+x", pw)
		}
	}
}

func TestVerifyReportsRehashOnParameterChange(t *testing.T) {
	ctx := context.Background()
	current := auth.NewHasher(cheapParams, 2)
	others := []auth.Params{
		{Memory: 2048, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16},
		{Memory: 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16},
		{Memory: 1024, Time: 1, Threads: 2, KeyLen: 32, SaltLen: 16},
		{Memory: 1024, Time: 1, Threads: 1, KeyLen: 16, SaltLen: 16},
	}
	for _, p := range others {
		old, err := auth.NewHasher(p, 1).Hash(ctx, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		ok, rehash, err := current.Verify(ctx, testPassword, old)
		if err != nil || !ok || !rehash {
			t.Errorf("params %+v: Verify = %v, rehash %v, %v; want true, true, nil", p, ok, rehash, err)
		}
		if ok, _, err := current.Verify(ctx, "wrong password", old); ok || err != nil {
			t.Errorf("params %+v: wrong password verified: %v, %v", p, ok, err)
		}
	}
	// A salt length change alone needs no rehash: the salt is in the hash.
	old, _ := auth.NewHasher(auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 8}, 1).Hash(ctx, testPassword)
	if ok, rehash, err := current.Verify(ctx, testPassword, old); !ok || rehash || err != nil {
		t.Errorf("other salt length: Verify = %v, rehash %v, %v", ok, rehash, err)
	}
}

func TestVerifyEmptyHash(t *testing.T) {
	h := auth.NewHasher(cheapParams, 1)
	for _, pw := range []string{"", "dummy", testPassword} {
		ok, rehash, err := h.Verify(context.Background(), pw, "")
		if ok || rehash || err != nil {
			t.Errorf("Verify(%q, \"\") = %v, %v, %v; want false, false, nil", pw, ok, rehash, err)
		}
	}
}

func TestVerifyMalformedHash(t *testing.T) {
	h := auth.NewHasher(cheapParams, 1)
	good, err := h.Hash(context.Background(), testPassword)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$") // "", argon2id, v=19, m=…, salt, key
	join := func(edit func(p []string)) string {
		p := slices.Clone(parts)
		edit(p)
		return strings.Join(p, "$")
	}
	bad := map[string]string{
		"plain text":     "not a hash",
		"bcrypt":         "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":        join(func(p []string) { p[1] = "argon2i" }),
		"other version":  join(func(p []string) { p[2] = "v=16" }),
		"no version":     join(func(p []string) { p[2] = "x" }),
		"missing params": join(func(p []string) { p[3] = "m=1024,t=1" }),
		"garbled params": join(func(p []string) { p[3] = "mem=lots" }),
		"negative param": join(func(p []string) { p[3] = "m=-1,t=1,p=1" }),
		"zero passes":    join(func(p []string) { p[3] = "m=1024,t=0,p=1" }),
		"zero lanes":     join(func(p []string) { p[3] = "m=1024,t=1,p=0" }),
		"salt not b64":   join(func(p []string) { p[4] = "!!!!" }),
		"key not b64":    join(func(p []string) { p[5] = "%%%%" }),
		"empty key":      join(func(p []string) { p[5] = "" }),
		"padded key":     join(func(p []string) { p[5] += "==" }),
		"too few parts":  strings.Join(parts[:5], "$"),
		"too many parts": good + "$extra",
	}
	for name, hash := range bad {
		t.Run(name, func(t *testing.T) {
			ok, _, err := h.Verify(context.Background(), testPassword, hash)
			if err == nil || ok {
				t.Errorf("Verify(%q) = %v, %v; want an error", hash, ok, err)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	const email = "anna.schmidt@example.com"
	tests := []struct {
		name     string
		password string
		email    string
		want     string // message id, "" when accepted
	}{
		{"good", testPassword, email, ""},
		{"good without email", testPassword, "", ""},
		{"exactly 8", "xq7#mPz2", email, ""},
		{"exactly 128", strings.Repeat("Zq9!", 32), email, ""},
		{"128 two-byte runes", strings.Repeat("é", 128), email, ""},
		{"7 characters", "xq7#mPz", email, "error.password_too_short"},
		{"7 two-byte runes (14 bytes)", strings.Repeat("ж", 7), email, "error.password_too_short"},
		{"empty", "", email, "error.password_too_short"},
		{"129 characters", strings.Repeat("Zq9!", 32) + "x", email, "error.password_too_long"},
		{"129 two-byte runes", strings.Repeat("é", 129), email, "error.password_too_long"},
		{"NUL byte", "Correct-Horse\x00-7", email, "error.password_invalid_chars"},
		{"invalid UTF-8", "Correct-Horse-\xff-7", email, "error.password_invalid_chars"},
		{"common", "password123", email, "error.password_common"},
		{"common keyboard row", "qwertyuiop", email, "error.password_common"},
		{"common in upper case", "QwertyUIOP", email, "error.password_common"},
		{"contains email local part", "my-anna.schmidt-2026", email, "error.password_contains_email"},
		{"contains it in upper case", "ANNA.SCHMIDT!2026", email, "error.password_contains_email"},
		{"email given in upper case", "xx-anna.schmidt-xx", "Anna.Schmidt@Example.com", "error.password_contains_email"},
		{"short local part is allowed", "bob-builds-7-houses", "bob@example.com", ""},
	}
	for _, tt := range tests {
		err := auth.CheckPassword("new_password", tt.password, tt.email)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: CheckPassword(%q) = %v, want nil", tt.name, tt.password, err)
			}
			continue
		}
		var v *apperr.ValidationError
		if !errors.As(err, &v) || len(v.Fields) != 1 {
			t.Errorf("%s: CheckPassword(%q) = %v, want one field error %s", tt.name, tt.password, err, tt.want)
			continue
		}
		if f := v.Fields[0]; f.Field != "new_password" || f.Message != tt.want {
			t.Errorf("%s: CheckPassword(%q) = %s=%s, want new_password=%s", tt.name, tt.password, f.Field, f.Message, tt.want)
		}
		switch tt.want {
		case "error.password_too_short":
			if v.Fields[0].Data["Min"] != auth.MinPasswordLen {
				t.Errorf("%s: data %v, want Min %d", tt.name, v.Fields[0].Data, auth.MinPasswordLen)
			}
		case "error.password_too_long":
			if v.Fields[0].Data["Max"] != auth.MaxPasswordLen {
				t.Errorf("%s: data %v, want Max %d", tt.name, v.Fields[0].Data, auth.MaxPasswordLen)
			}
		}
	}
	if auth.MinPasswordLen < 8 || auth.MaxPasswordLen < 64 {
		t.Errorf("password length limits %d-%d, want 8 to at least 64", auth.MinPasswordLen, auth.MaxPasswordLen)
	}
}
