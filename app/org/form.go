package org

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"backoffice/app/apperr"
	"backoffice/app/i18n"
)

// NormalizeEmail trims and lower-cases an email address; emails are stored
// and compared in this form.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckEmail validates a (normalized) email address for field.
func CheckEmail(v *apperr.ValidationError, field, email string) {
	switch {
	case email == "":
		v.Add(field, "error.required", nil)
	case len(email) > 254 || strings.ContainsAny(email, "\x00 <>\",;") || !strings.Contains(email, "@"):
		v.Add(field, "error.email_invalid", nil)
	default:
		a, err := mail.ParseAddress(email)
		if err != nil || a.Address != email || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
			v.Add(field, "error.email_invalid", nil)
		}
	}
}

// CheckText validates a single-line text field: no control characters, at
// most max characters, and present when required.
func CheckText(v *apperr.ValidationError, field, s string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "error.required", nil)
	case !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 || strings.IndexFunc(s, isBidiControl) >= 0:
		v.Add(field, "error.invalid_chars", nil)
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "error.too_long", map[string]any{"Max": max})
	}
}

// ProfileInput is what a user may change about themselves.
type ProfileInput struct {
	FirstName string
	LastName  string
	Language  string
	TimeZone  string
}

// Normalize trims the input.
func (in *ProfileInput) Normalize() {
	in.FirstName = strings.TrimSpace(in.FirstName)
	in.LastName = strings.TrimSpace(in.LastName)
	in.Language = strings.TrimSpace(in.Language)
	in.TimeZone = strings.TrimSpace(in.TimeZone)
}

// Validate reports every problem with the input.
func (in *ProfileInput) Validate() error {
	v := &apperr.ValidationError{}
	CheckText(v, "first_name", in.FirstName, true, 100)
	CheckText(v, "last_name", in.LastName, false, 100)
	if !i18n.Supported(in.Language) {
		v.Add("language", "error.language_unknown", nil)
	}
	if !ValidTimeZone(in.TimeZone) {
		v.Add("time_zone", "error.time_zone_unknown", nil)
	}
	return v.Err()
}

// ValidTimeZone reports whether tz is an IANA time zone name.
func ValidTimeZone(tz string) bool {
	_, err := i18n.LoadLocation(tz)
	return err == nil
}

// isBidiControl reports the Unicode direction overrides and isolates, which
// can make a name display as something else ("Trojan Source" spoofing).
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}
