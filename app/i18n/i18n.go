// Package i18n translates the interface into English, German and Russian with
// go-i18n, picks a language for a request (the user's choice, else
// Accept-Language) and formats timestamps in the reader's time zone.
package i18n

import (
	"embed"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var locales embed.FS

// Languages are the supported language codes, default first.
var Languages = []string{"en", "de", "ru"}

// LanguageNames are the languages' names in their own language.
var LanguageNames = map[string]string{"en": "English", "de": "Deutsch", "ru": "Русский"}

// Supported reports whether lang is a supported language code.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Bundle holds the message catalogs.
type Bundle struct {
	b       *goi18n.Bundle
	matcher language.Matcher
	tags    []language.Tag
	ids     map[string][]string // message ids per language
	loc     map[string]*goi18n.Localizer
}

// New loads the embedded catalogs.
func New() (*Bundle, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	bundle := &Bundle{b: b, ids: map[string][]string{}, loc: map[string]*goi18n.Localizer{}}
	for _, lang := range Languages {
		path := "locales/" + lang + ".toml"
		data, err := locales.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read catalog %s: %w", path, err)
		}
		mf, err := b.ParseMessageFileBytes(data, path)
		if err != nil {
			return nil, fmt.Errorf("parse catalog %s: %w", path, err)
		}
		for _, m := range mf.Messages {
			bundle.ids[lang] = append(bundle.ids[lang], m.ID)
		}
		sort.Strings(bundle.ids[lang])
		bundle.tags = append(bundle.tags, language.Make(lang))
		bundle.loc[lang] = goi18n.NewLocalizer(b, lang, "en")
	}
	bundle.matcher = language.NewMatcher(bundle.tags)
	return bundle, nil
}

// MessageIDs lists the ids of a language's catalog, sorted.
func (b *Bundle) MessageIDs(lang string) []string { return b.ids[lang] }

// Match picks the supported language best matching an Accept-Language header.
func (b *Bundle) Match(acceptLanguage string) string {
	if acceptLanguage == "" {
		return Languages[0]
	}
	_, idx, conf := b.matcher.Match(parseAccept(acceptLanguage)...)
	if conf == language.No {
		return Languages[0]
	}
	return Languages[idx]
}

func parseAccept(h string) []language.Tag {
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil || len(tags) > 16 {
		return nil
	}
	return tags
}

// Translator returns a translator for lang, formatting times in loc.
func (b *Bundle) Translator(lang string, loc *time.Location) *Translator {
	if !Supported(lang) {
		lang = Languages[0]
	}
	if loc == nil {
		loc = time.UTC
	}
	return &Translator{Lang: lang, Loc: loc, l: b.loc[lang]}
}

// Translator translates messages and formats times for one reader.
type Translator struct {
	Lang string
	Loc  *time.Location
	l    *goi18n.Localizer
}

// T translates a message id, filling its template with data; a "Count" in
// data picks the plural form. A missing message shows its id, so it is
// noticed rather than silently blank.
func (t *Translator) T(id string, data ...map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
		switch n := data[0]["Count"].(type) {
		case int:
			cfg.PluralCount = n
		case float64: // after a round trip through JSON (flash messages)
			cfg.PluralCount = int(n)
		}
	}
	s, err := t.l.Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// N translates a message with plural forms for count; {{.Count}} is available.
func (t *Translator) N(id string, count int, data ...map[string]any) string {
	td := map[string]any{"Count": count}
	if len(data) > 0 {
		for k, v := range data[0] {
			td[k] = v
		}
	}
	s, err := t.l.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: td})
	if err != nil {
		return id
	}
	return s
}

var dateTimeLayouts = map[string]string{
	"en": "2 Jan 2006, 15:04",
	"de": "02.01.2006, 15:04",
	"ru": "02.01.2006, 15:04",
}

var dateLayouts = map[string]string{
	"en": "2 Jan 2006",
	"de": "02.01.2006",
	"ru": "02.01.2006",
}

// DateTime formats tm in the reader's time zone and language.
func (t *Translator) DateTime(tm time.Time) string {
	if tm.IsZero() {
		return ""
	}
	return tm.In(t.Loc).Format(dateTimeLayouts[t.Lang])
}

// Date formats the date of tm in the reader's time zone.
func (t *Translator) Date(tm time.Time) string {
	if tm.IsZero() {
		return ""
	}
	return tm.In(t.Loc).Format(dateLayouts[t.Lang])
}

// ZoneName is the abbreviation of the reader's zone at tm, such as CET.
func (t *Translator) ZoneName(tm time.Time) string {
	name, _ := tm.In(t.Loc).Zone()
	return name
}

// TimeZones is the list offered in time zone pickers; any IANA name is
// accepted through the API.
var TimeZones = []string{
	"UTC",
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Berlin", "Europe/Vienna", "Europe/Zurich",
	"Europe/Paris", "Europe/Amsterdam", "Europe/Brussels", "Europe/Madrid", "Europe/Rome", "Europe/Prague",
	"Europe/Warsaw", "Europe/Stockholm", "Europe/Oslo", "Europe/Copenhagen", "Europe/Helsinki",
	"Europe/Athens", "Europe/Bucharest", "Europe/Kyiv", "Europe/Istanbul", "Europe/Minsk",
	"Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
	"Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok",
	"Asia/Magadan", "Asia/Kamchatka", "Asia/Almaty", "Asia/Tashkent", "Asia/Tbilisi", "Asia/Yerevan",
	"Asia/Baku", "Asia/Dubai", "Asia/Kolkata", "Asia/Bangkok", "Asia/Singapore", "Asia/Shanghai",
	"Asia/Hong_Kong", "Asia/Tokyo", "Asia/Seoul", "Australia/Perth", "Australia/Sydney",
	"Pacific/Auckland", "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos",
	"America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Mexico_City", "America/Bogota",
	"America/New_York", "America/Toronto", "America/Chicago", "America/Denver", "America/Phoenix",
	"America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu",
}

// OffsetLabel renders a zone for pickers, such as "(UTC+01:00) Europe/Berlin".
func OffsetLabel(tz string, at time.Time) string {
	loc, err := LoadLocation(tz)
	if err != nil {
		return tz
	}
	_, off := at.In(loc).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("(UTC%s%02d:%02d) %s", sign, off/3600, off%3600/60, strings.ReplaceAll(tz, "_", " "))
}
