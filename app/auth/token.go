// Package auth signs people in: passwords (argon2id), server-side sessions,
// personal API tokens and the throttle on failed sign-ins. Secrets are kept
// only as SHA-256 hashes.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewToken returns a fresh random token (256 bits, URL-safe) starting with
// prefix, and the hash under which it is stored.
func NewToken(prefix string) (plain, hash string) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	plain = prefix + base64.RawURLEncoding.EncodeToString(raw)
	return plain, HashToken(plain)
}

// HashToken is the stored form of a token: hex SHA-256. Tokens carry 256 bits
// of entropy, so a fast hash is enough; lookups go through the hash.
func HashToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
