package auth_test

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"testing"

	"backoffice/app/auth"
)

func TestNewToken(t *testing.T) {
	// 32 random bytes are 43 characters of unpadded base64url.
	shape := regexp.MustCompile(`^bo_[A-Za-z0-9_-]{43,}$`)
	seen := map[string]bool{}
	for range 50 {
		plain, hash := auth.NewToken("bo_")
		if !shape.MatchString(plain) {
			t.Fatalf("token %q does not look like bo_ + 43 base64url characters", plain)
		}
		if hash != auth.HashToken(plain) {
			t.Fatalf("NewToken returned hash %q, HashToken gives %q", hash, auth.HashToken(plain))
		}
		if seen[plain] {
			t.Fatalf("token %q issued twice", plain)
		}
		seen[plain] = true
	}
	a, _ := auth.NewToken("")
	b, _ := auth.NewToken("")
	if a == b || len(a) < 43 {
		t.Errorf("unprefixed tokens %q and %q", a, b)
	}
}

func TestHashToken(t *testing.T) {
	sum := sha256.Sum256([]byte("bo_example"))
	want := hex.EncodeToString(sum[:])
	if got := auth.HashToken("bo_example"); got != want {
		t.Errorf("HashToken = %q, want hex SHA-256 %q", got, want)
	}
	if auth.HashToken("bo_example") != auth.HashToken("bo_example") {
		t.Error("HashToken is not deterministic")
	}
	if auth.HashToken("bo_example") == auth.HashToken("bo_examplf") {
		t.Error("different tokens hash alike")
	}
	if got := auth.HashToken(""); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("HashToken(\"\") = %q", got)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(auth.HashToken("x")) {
		t.Error("HashToken is not 64 lower-case hex digits")
	}
}
