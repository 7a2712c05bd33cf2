package org_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"backoffice/app/apperr"
	"backoffice/app/org"
)

// fields returns "field=message" for every problem of a validation error.
func fields(err error) []string {
	var v *apperr.ValidationError
	if !errors.As(err, &v) {
		return nil
	}
	var out []string
	for _, f := range v.Fields {
		out = append(out, f.Field+"="+f.Message)
	}
	return out
}

func TestNormalizeEmail(t *testing.T) {
	if got := org.NormalizeEmail("  Anna@Example.COM\n"); got != "anna@example.com" {
		t.Errorf("NormalizeEmail = %q", got)
	}
}

func TestCheckEmail(t *testing.T) {
	tests := []struct {
		email string
		want  string // message id, "" when valid
	}{
		{"anna@example.com", ""},
		{"user+tag@mail.example.co.uk", ""},
		{"o'brien@example.ie", ""},
		{"ünal@example.de", ""},
		{"", "error.required"},
		{"anna", "error.email_invalid"},
		{"anna@example", "error.email_invalid"},
		{"@example.com", "error.email_invalid"},
		{"anna@", "error.email_invalid"},
		{"anna@@example.com", "error.email_invalid"},
		{"anna smith@example.com", "error.email_invalid"},
		{"Anna <anna@example.com>", "error.email_invalid"},
		{"<anna@example.com>", "error.email_invalid"},
		{"anna@example.com, bob@example.com", "error.email_invalid"},
		{"anna@example.com;bob@example.com", "error.email_invalid"},
		{`"anna"@example.com`, "error.email_invalid"},
		{"anna@example.com\x00", "error.email_invalid"},
		{"anna\r\nbcc@example.com", "error.email_invalid"},
		{"anna@example.com\n", "error.email_invalid"},
		{"anna..b@example.com", "error.email_invalid"},
		{"anna@example.com.", "error.email_invalid"},
		{strings.Repeat("a", 64) + "@" + strings.Repeat("b", 185) + ".com", ""},                    // 254 bytes
		{strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".com", "error.email_invalid"}, // 255 bytes
	}
	for _, tt := range tests {
		v := &apperr.ValidationError{}
		org.CheckEmail(v, "email", tt.email)
		var want []string
		if tt.want != "" {
			want = []string{"email=" + tt.want}
		}
		if got := fields(v.Err()); !slices.Equal(got, want) {
			t.Errorf("CheckEmail(%q) = %q, want %q", tt.email, got, want)
		}
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name     string
		s        string
		required bool
		max      int
		want     string
	}{
		{"plain", "Anna", true, 10, ""},
		{"empty optional", "", false, 10, ""},
		{"empty required", "", true, 10, "error.required"},
		{"blank required", " \u00a0 ", true, 10, "error.required"},
		{"exactly max runes", "Müller-Lüd", true, 10, ""}, // 10 runes, 12 bytes
		{"one rune too many", "Müller-Lüde", true, 10, "error.too_long"},
		{"long optional", strings.Repeat("x", 101), false, 100, "error.too_long"},
		{"newline", "Anna\nBcc: x", true, 100, "error.invalid_chars"},
		{"carriage return", "Anna\r", false, 100, "error.invalid_chars"},
		{"tab", "a\tb", true, 100, "error.invalid_chars"},
		{"NUL", "a\x00b", true, 100, "error.invalid_chars"},
		{"DEL", "a\x7fb", true, 100, "error.invalid_chars"},
		{"C1 control", "a\u0085b", true, 100, "error.invalid_chars"},
		{"escape", "\x1b[31mred", true, 100, "error.invalid_chars"},
		{"invalid UTF-8", "a\xffb", true, 100, "error.invalid_chars"},
		{"control in optional", "\x01", false, 100, "error.invalid_chars"},
	}
	for _, tt := range tests {
		v := &apperr.ValidationError{}
		org.CheckText(v, "name", tt.s, tt.required, tt.max)
		var want []string
		if tt.want != "" {
			want = []string{"name=" + tt.want}
		}
		if got := fields(v.Err()); !slices.Equal(got, want) {
			t.Errorf("%s: CheckText(%q) = %q, want %q", tt.name, tt.s, got, want)
		}
		if tt.want == "error.too_long" && v.Fields[0].Data["Max"] != tt.max {
			t.Errorf("%s: too_long data = %v, want Max %d", tt.name, v.Fields[0].Data, tt.max)
		}
	}
}

func TestProfileInputValidate(t *testing.T) {
	good := org.ProfileInput{FirstName: "Anna", LastName: "Schmidt", Language: "de", TimeZone: "Europe/Berlin"}
	tests := []struct {
		name string
		edit func(*org.ProfileInput)
		want []string
	}{
		{"valid", func(*org.ProfileInput) {}, nil},
		{"no last name", func(in *org.ProfileInput) { in.LastName = "" }, nil},
		{"every language", func(in *org.ProfileInput) { in.Language = "ru" }, nil},
		{"no first name", func(in *org.ProfileInput) { in.FirstName = "" }, []string{"first_name=error.required"}},
		{"control in last name", func(in *org.ProfileInput) { in.LastName = "S\x00" }, []string{"last_name=error.invalid_chars"}},
		{"long first name", func(in *org.ProfileInput) { in.FirstName = strings.Repeat("a", 101) }, []string{"first_name=error.too_long"}},
		{"unknown language", func(in *org.ProfileInput) { in.Language = "fr" }, []string{"language=error.language_unknown"}},
		{"language not normalized", func(in *org.ProfileInput) { in.Language = "DE" }, []string{"language=error.language_unknown"}},
		{"empty language", func(in *org.ProfileInput) { in.Language = "" }, []string{"language=error.language_unknown"}},
		{"unknown time zone", func(in *org.ProfileInput) { in.TimeZone = "Mars/Olympus_Mons" }, []string{"time_zone=error.time_zone_unknown"}},
		{"path as time zone", func(in *org.ProfileInput) { in.TimeZone = "../../etc/passwd" }, []string{"time_zone=error.time_zone_unknown"}},
		{"everything wrong", func(in *org.ProfileInput) { *in = org.ProfileInput{Language: "xx", TimeZone: "Local"} },
			[]string{"first_name=error.required", "language=error.language_unknown", "time_zone=error.time_zone_unknown"}},
	}
	for _, tt := range tests {
		in := good
		tt.edit(&in)
		if got := fields(in.Validate()); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Validate = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestProfileInputNormalize(t *testing.T) {
	in := org.ProfileInput{FirstName: " Anna ", LastName: "\tSchmidt\n", Language: " de ", TimeZone: " UTC "}
	in.Normalize()
	want := org.ProfileInput{FirstName: "Anna", LastName: "Schmidt", Language: "de", TimeZone: "UTC"}
	if in != want {
		t.Errorf("Normalize = %+v, want %+v", in, want)
	}
	if err := in.Validate(); err != nil {
		t.Errorf("normalized input invalid: %v", err)
	}
}

func TestValidTimeZone(t *testing.T) {
	for tz, want := range map[string]bool{
		"Europe/Berlin":                     true,
		"America/New_York":                  true,
		"UTC":                               true,
		"":                                  false,
		"Local":                             false,
		"../../etc/passwd":                  false,
		"Europe/../../../etc/passwd":        false,
		"/etc/localtime":                    false,
		"/usr/share/zoneinfo/Europe/Paris":  false,
		"Mars/Olympus_Mons":                 false,
		"Europe/Berlin\x00":                 false,
		"Europe/" + strings.Repeat("x", 64): false,
	} {
		if got := org.ValidTimeZone(tz); got != want {
			t.Errorf("ValidTimeZone(%q) = %v, want %v", tz, got, want)
		}
	}
}

func TestCheckTextRefusesBidiOverrides(t *testing.T) {
	v := &apperr.ValidationError{}
	org.CheckText(v, "first_name", "Admin\u202Egnp.exe", true, 100)
	if !v.Has("first_name") {
		t.Fatal("a right-to-left override was accepted in a name")
	}
}
