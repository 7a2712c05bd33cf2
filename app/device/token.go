package device

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// Code tokens.
//
// A new token is 28 characters of Crockford's base32 alphabet
// (0-9 and A-Z without I, L, O and U), upper case: 140 random bits, more
// than the 128 of the older tokens. That canonical form, with no separator,
// is what the codes table stores and what a label's URL carries
// (/c/7K3M9QXWR2D5H8ZT...). People see it in groups of four
// ("7K3M 9QXW R2D5 …", see GroupToken) and may type it in any case, with
// or without spaces and dashes; O is read as 0 and I and L as 1, so no
// look-alike can make a typed code fail.
//
// Older tokens are 22 characters of base64url (case-sensitive, and they may
// hold "-" and "_"). They stay valid as they are: their labels are printed.
// A typed code is therefore looked up as two candidates, the text as typed
// (spaces removed) and its Crockford normal form, in one indexed equality
// query on codes.token (see TokenCandidates).

// TokenLength is the length of a new token.
const TokenLength = 28

// crockford is the alphabet of new tokens.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var tokenEncoding = base32.NewEncoding(crockford).WithPadding(base32.NoPadding)

// NewCodeToken returns a fresh public code token in the canonical form:
// 140 random bits as 28 upper-case Crockford base32 characters.
func NewCodeToken() string {
	raw := make([]byte, 18) // 144 bits; 28 characters keep 140 of them
	if _, err := rand.Read(raw); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return tokenEncoding.EncodeToString(raw)[:TokenLength]
}

// NormalizeToken reads a typed new-style code: it drops spaces and dashes,
// upper-cases it and maps the look-alikes O to 0 and I, L to 1. It returns
// "" when the result is not a new-style token.
func NormalizeToken(s string) string {
	var b strings.Builder
	b.Grow(TokenLength)
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\u00a0' || r == '\u2009' || r == '\u202f':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		switch r {
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if !strings.ContainsRune(crockford, r) || b.Len() >= TokenLength {
			return ""
		}
		b.WriteRune(r)
	}
	if b.Len() != TokenLength {
		return ""
	}
	return b.String()
}

// TokenCandidates are the stored tokens a typed or scanned code may stand
// for: the text itself without spaces (an older, case-sensitive token) and
// its new-style normal form, when it has one. None when the text cannot be
// a token at all.
func TokenCandidates(s string) []string {
	raw := strings.Join(strings.Fields(s), "")
	if strings.IndexByte(raw, 0) >= 0 || len(raw) > 64 {
		return nil // no token holds a NUL (nor would the database take one)
	}
	var out []string
	if len(raw) >= 10 {
		out = append(out, raw)
	}
	if n := NormalizeToken(s); n != "" && n != raw {
		out = append(out, n)
	}
	return out
}

// GroupToken shows a new-style token in groups of four separated by
// spaces, for labels and pages; an older token is shown as it is.
func GroupToken(token string) string {
	if len(token) != TokenLength || NormalizeToken(token) != token {
		return token
	}
	var b strings.Builder
	for i := 0; i < len(token); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(token[i : i+4])
	}
	return b.String()
}
