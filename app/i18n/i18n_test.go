package i18n_test

import (
	"testing"
	"time"

	"backoffice/app/i18n"
)

func TestDynamicMessages(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages {
		tr := b.Translator(lang, nil)
		for _, role := range []string{"provider_admin", "provider_agent", "administrator", "moderator", "member"} {
			for _, prefix := range []string{"role.", "home.role_hint."} {
				if got := tr.T(prefix + role); got == prefix+role {
					t.Errorf("%s: missing %s%s", lang, prefix, role)
				}
			}
		}
		for _, action := range []string{"auth.login", "auth.login_failed", "auth.logout", "auth.password_changed", "account.profile_updated",
			"apitoken.created", "apitoken.deleted", "session.ended", "session.ended_others"} {
			if got := tr.T("audit.action." + action); got == "audit.action."+action {
				t.Errorf("%s: missing audit.action.%s", lang, action)
			}
		}
	}
}

func TestPluralsAndMatching(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	ru := b.Translator("ru", nil)
	for n, want := range map[int]string{1: "1 день", 3: "3 дня", 5: "5 дней", 21: "21 день", 30: "30 дней"} {
		if got := ru.N("profile.days", n); got != want {
			t.Errorf("ru days(%d) = %q, want %q", n, got, want)
		}
	}
	if got := b.Translator("de", nil).N("profile.days", 1); got != "1 Tag" {
		t.Errorf("de days(1) = %q", got)
	}
	cases := map[string]string{
		"":                                "en",
		"de-AT,de;q=0.9,en;q=0.5":         "de",
		"ru-RU,ru;q=0.9":                  "ru",
		"fr-FR,fr;q=0.9":                  "en",
		"fr-FR,de;q=0.8,en;q=0.5":         "de",
		"garbage;;;q=x":                   "en",
		"en-GB":                           "en",
		"uk-UA,uk;q=0.9,ru;q=0.8,en;q=.7": "ru",
	}
	for header, want := range cases {
		if got := b.Match(header); got != want {
			t.Errorf("Match(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestTimesRenderInTheReadersZone(t *testing.T) {
	b, _ := i18n.New()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tm := time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)
	if got := b.Translator("de", berlin).DateTime(tm); got != "24.11.2026, 00:30" {
		t.Errorf("de Berlin: %q", got)
	}
	if got := b.Translator("en", time.UTC).DateTime(tm); got != "23 Nov 2026, 23:30" {
		t.Errorf("en UTC: %q", got)
	}
}

// A Count in a message's data picks its plural form, also after a JSON
// round trip (flash messages carry their data as JSON).
func TestCountInDataPicksThePluralForm(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	en, ru := b.Translator("en", nil), b.Translator("ru", nil)
	cases := []struct {
		tr    *i18n.Translator
		count any
		want  string
	}{
		{en, 1, "1 ticket changed."}, {en, 3, "3 tickets changed."}, {en, float64(1), "1 ticket changed."},
		{ru, float64(5), "Изменено 5 запросов."}, {ru, 2, "Изменено 2 запроса."},
	}
	for _, c := range cases {
		if got := c.tr.T("flash.tickets_bulk", map[string]any{"Count": c.count}); got != c.want {
			t.Errorf("%v: %q, want %q", c.count, got, c.want)
		}
	}
}
