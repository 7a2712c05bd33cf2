package org

import (
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"backoffice/app/apperr"
	"backoffice/app/i18n"
	"backoffice/rbac"
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

// CheckMultiline validates a free text field that may span lines.
func CheckMultiline(v *apperr.ValidationError, field, s string, max int) {
	switch {
	case !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	}) >= 0 || strings.IndexFunc(s, isBidiControl) >= 0:
		v.Add(field, "error.invalid_chars", nil)
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "error.too_long", map[string]any{"Max": max})
	}
}

// CustomerInput is what staff enter about a corporate customer.
type CustomerInput struct {
	Name         string
	EmailDomains []string
	Address      string
	Phone        string
	Notes        string
}

// SplitDomains turns "a.com, b.com\nc.com" into a list.
func SplitDomains(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
}

// Normalize trims the input, lower-cases the domains (dropping a leading
// "@") and removes duplicates.
func (in *CustomerInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Address = strings.TrimSpace(strings.ReplaceAll(in.Address, "\r\n", "\n"))
	in.Phone = strings.TrimSpace(in.Phone)
	in.Notes = strings.TrimSpace(strings.ReplaceAll(in.Notes, "\r\n", "\n"))
	seen := map[string]bool{}
	var out []string
	for _, d := range in.EmailDomains {
		d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "@")
		if d != "" && !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	in.EmailDomains = out
}

// Validate reports every problem with the input.
func (in *CustomerInput) Validate() error {
	v := &apperr.ValidationError{}
	CheckText(v, "name", in.Name, true, 200)
	if len(in.EmailDomains) > 20 {
		v.Add("email_domains", "error.too_many_domains", map[string]any{"Max": 20})
	}
	for _, d := range in.EmailDomains {
		if !validDomain(d) {
			v.Add("email_domains", "error.domain_invalid", map[string]any{"Domain": d})
			break
		}
	}
	CheckMultiline(v, "address", in.Address, 500)
	CheckText(v, "phone", in.Phone, false, 50)
	if !v.Has("phone") && strings.Trim(in.Phone, "0123456789+-()/. ") != "" {
		v.Add("phone", "error.phone_invalid", nil)
	}
	CheckMultiline(v, "notes", in.Notes, 5000)
	return v.Err()
}

// validDomain accepts host names such as example.co.uk (letters, digits and
// hyphens in dot-separated labels, at least two labels).
func validDomain(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// PersonInput is a new user, invited or created directly.
type PersonInput struct {
	FirstName string
	LastName  string
	Email     string
	Language  string
	Role      rbac.Role
}

// Normalize trims the input and normalizes the email.
func (in *PersonInput) Normalize() {
	in.FirstName = strings.TrimSpace(in.FirstName)
	in.LastName = strings.TrimSpace(in.LastName)
	in.Email = NormalizeEmail(in.Email)
	in.Language = strings.TrimSpace(in.Language)
	in.Role = rbac.Role(strings.TrimSpace(string(in.Role)))
}

// Validate reports every problem; roles lists the roles allowed here.
func (in *PersonInput) Validate(roles []rbac.Role) error {
	v := &apperr.ValidationError{}
	CheckText(v, "first_name", in.FirstName, true, 100)
	CheckText(v, "last_name", in.LastName, false, 100)
	CheckEmail(v, "email", in.Email)
	if !i18n.Supported(in.Language) {
		v.Add("language", "error.language_unknown", nil)
	}
	if !slices.Contains(roles, in.Role) {
		v.Add("role", "error.role_invalid", nil)
	}
	return v.Err()
}

// UserUpdate changes a user; nil fields stay as they are.
type UserUpdate struct {
	FirstName *string
	LastName  *string
	Role      *rbac.Role
	Language  *string
	TimeZone  *string
}

// Apply validates the update against u and applies it to u; roles lists
// the roles allowed here.
func (up *UserUpdate) Apply(u *User, roles []rbac.Role) error {
	v := &apperr.ValidationError{}
	if up.FirstName != nil {
		s := strings.TrimSpace(*up.FirstName)
		CheckText(v, "first_name", s, true, 100)
		u.FirstName = s
	}
	if up.LastName != nil {
		s := strings.TrimSpace(*up.LastName)
		CheckText(v, "last_name", s, false, 100)
		u.LastName = s
	}
	if up.Role != nil {
		if !slices.Contains(roles, *up.Role) {
			v.Add("role", "error.role_invalid", nil)
		}
		u.Role = *up.Role
	}
	if up.Language != nil {
		if !i18n.Supported(*up.Language) {
			v.Add("language", "error.language_unknown", nil)
		}
		u.Language = *up.Language
	}
	if up.TimeZone != nil {
		if !ValidTimeZone(*up.TimeZone) {
			v.Add("time_zone", "error.time_zone_unknown", nil)
		}
		u.TimeZone = *up.TimeZone
	}
	return v.Err()
}
