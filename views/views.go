// Package views holds the HTML pages as templ components. Every page takes a
// *Page built by one helper in app/web (translator, user, CSRF token, flash,
// navigation), plus its own data. The generated *_templ.go files are
// committed; regenerate with `make generate` after editing a .templ file.
package views

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"backoffice/app/i18n"
	"backoffice/app/org"
	"backoffice/static"
)

// Page is what every page needs besides its own data.
type Page struct {
	Title   string
	Tr      *i18n.Translator
	User    *org.User // nil when signed out
	CSRF    string
	Flashes []Flash
	Nav     []NavItem
	Path    string // the route path, to mark the active navigation item
	Area    string // "staff", "office", or "" when signed out
	Now     time.Time
	// Can reports whether the user may perform act on obj (nil: nothing).
	Can func(obj, act string) bool
	// InvitationDays is how long invitation links stay valid.
	InvitationDays int
}

// Allowed reports whether the page's user may perform act on obj, to show
// only the buttons that work.
func (p *Page) Allowed(obj, act string) bool { return p.Can != nil && p.Can(obj, act) }

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind string // "success", "error", "info"
	Text string
}

// NavItem is one entry of the navigation.
type NavItem struct {
	Href   string
	Label  string // message id
	Icon   string // icon name, see icon()
	Active bool
}

// T translates a message id.
func (p *Page) T(id string, data ...map[string]any) string { return p.Tr.T(id, data...) }

// Span is a duration for people, rounded to its largest unit: 45 min,
// 3 h, 2 d.
func (p *Page) Span(d time.Duration) string {
	switch {
	case d < time.Hour:
		return p.T("span.minutes", map[string]any{"N": max(1, int(d.Round(time.Minute)/time.Minute))})
	case d < 48*time.Hour:
		return p.T("span.hours", map[string]any{"N": int(d.Round(time.Hour) / time.Hour)})
	}
	return p.T("span.days", map[string]any{"N": int(d.Round(24*time.Hour) / (24 * time.Hour))})
}

// DateTime formats a time in the reader's zone and language.
func (p *Page) DateTime(t time.Time) string { return p.Tr.DateTime(t) }

// DateTimePtr formats an optional time, or a dash.
func (p *Page) DateTimePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return p.Tr.DateTime(*t)
}

// ISO is the machine-readable form of a time for <time datetime>.
func ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Asset returns the fingerprinted URL of a static file.
func Asset(name string) string { return static.URL(name) }

// AreaLabel names the area the user works in.
func (p *Page) AreaLabel() string {
	switch p.Area {
	case "staff":
		return p.T("area.staff")
	case "office":
		return p.T("area.office")
	}
	return ""
}

// CurrentSection names the section of the navigation the page is in, or
// the page's title when it is in none.
func (p *Page) CurrentSection() string {
	for _, item := range p.Nav {
		if item.Active {
			return p.T(item.Label)
		}
	}
	return p.Title
}

// OrgName is the user's organization name, if known.
func (p *Page) OrgName() string {
	if p.User != nil && p.User.Organization != nil {
		return p.User.Organization.Name
	}
	return ""
}

// RoleLabel translates a role.
func (p *Page) RoleLabel(role string) string { return p.T("role." + role) }

// Form carries submitted values and their problems back into a form.
type Form struct {
	Values map[string]string
	Errors map[string]string // translated, by field
	Error  string            // translated, about the whole form
}

// NewForm returns an empty form.
func NewForm() *Form { return &Form{Values: map[string]string{}, Errors: map[string]string{}} }

// Value is the submitted (or initial) value of field.
func (f *Form) Value(field string) string {
	if f == nil {
		return ""
	}
	return f.Values[field]
}

// Err is the problem with field, if any.
func (f *Form) Err(field string) string {
	if f == nil {
		return ""
	}
	return f.Errors[field]
}

// HasErrors reports whether the form has any problem.
func (f *Form) HasErrors() bool { return f != nil && (len(f.Errors) > 0 || f.Error != "") }

// ErrID is the id of the element describing field's problem.
func ErrID(field string) string { return "err-" + field }

// Option is one choice of a select.
type Option struct {
	Value string
	Label string
}

// LanguageOptions lists the interface languages.
func LanguageOptions() []Option {
	out := make([]Option, 0, len(i18n.Languages))
	for _, l := range i18n.Languages {
		out = append(out, Option{Value: l, Label: i18n.LanguageNames[l]})
	}
	return out
}

// TimeZoneOptions lists the offered time zones with their current offsets;
// current is included even when it is not in the list.
func TimeZoneOptions(now time.Time, current string) []Option {
	out := make([]Option, 0, len(i18n.TimeZones)+1)
	found := false
	for _, tz := range i18n.TimeZones {
		found = found || tz == current
		out = append(out, Option{Value: tz, Label: i18n.OffsetLabel(tz, now)})
	}
	if !found && current != "" {
		out = append([]Option{{Value: current, Label: i18n.OffsetLabel(current, now)}}, out...)
	}
	return out
}

// Itoa formats an int64 for attributes and URLs.
func Itoa(n int64) string { return fmt.Sprint(n) }

// DescribeUserAgent summarises a User-Agent header as "Browser on System".
func DescribeUserAgent(ua string) string {
	browser := "Browser"
	switch {
	case strings.Contains(ua, "Edg/"):
		browser = "Edge"
	case strings.Contains(ua, "OPR/"):
		browser = "Opera"
	case strings.Contains(ua, "Firefox/"):
		browser = "Firefox"
	case strings.Contains(ua, "Chrome/") || strings.Contains(ua, "HeadlessChrome/"):
		browser = "Chrome"
	case strings.Contains(ua, "Safari/"):
		browser = "Safari"
	case strings.HasPrefix(ua, "curl/"):
		browser = "curl"
	}
	system := ""
	switch {
	case strings.Contains(ua, "Android"):
		system = "Android"
	case strings.Contains(ua, "iPhone") || strings.Contains(ua, "iPad"):
		system = "iOS"
	case strings.Contains(ua, "Windows"):
		system = "Windows"
	case strings.Contains(ua, "Mac OS X"):
		system = "macOS"
	case strings.Contains(ua, "Linux"):
		system = "Linux"
	}
	if system == "" {
		return browser
	}
	return browser + " · " + system
}

// Tab is one entry of Tabs.
type Tab struct {
	Href   string
	Label  string
	Active bool
}

// Join lists strings with commas.
func Join(items []string) string { return strings.Join(items, ", ") }

// Dash shows a dash for an empty value.
func Dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// QueryEscape escapes a value for a URL query.
func QueryEscape(s string) string { return url.QueryEscape(s) }

// RoleOptions lists roles for a select.
func RoleOptions(p *Page, roles []string) []Option {
	out := make([]Option, 0, len(roles))
	for _, r := range roles {
		out = append(out, Option{Value: r, Label: p.RoleLabel(r)})
	}
	return out
}

// InvitationDays is how many days an invitation link is valid, for texts.
func InvitationDays(p *Page) int {
	if p.InvitationDays > 0 {
		return p.InvitationDays
	}
	return 7
}

// LanguageName is the name of an interface language.
func LanguageName(lang string) string {
	if n, ok := i18n.LanguageNames[lang]; ok {
		return n
	}
	return lang
}

// TextPart is a piece of plain text: a link or not.
type TextPart struct {
	Text string
	Link bool
}

// SplitLinks cuts text into plain parts and http(s) links, so a mail body
// can show its links clickable without trusting any markup.
func SplitLinks(text string) []TextPart {
	var out []TextPart
	for text != "" {
		i := strings.Index(text, "http://")
		if j := strings.Index(text, "https://"); j >= 0 && (i < 0 || j < i) {
			i = j
		}
		if i < 0 {
			out = append(out, TextPart{Text: text})
			break
		}
		if i > 0 {
			out = append(out, TextPart{Text: text[:i]})
		}
		end := strings.IndexAny(text[i:], " \n\t\r<>\"")
		if end < 0 {
			end = len(text) - i
		}
		out = append(out, TextPart{Text: text[i : i+end], Link: true})
		text = text[i+end:]
	}
	return out
}
