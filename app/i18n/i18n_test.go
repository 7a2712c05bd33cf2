package i18n_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"backoffice/app/i18n"
)

func TestCatalogsHaveTheSameMessages(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	en := b.MessageIDs("en")
	if len(en) < 100 {
		t.Fatalf("English catalog has only %d messages", len(en))
	}
	for _, lang := range i18n.Languages[1:] {
		have := map[string]bool{}
		for _, id := range b.MessageIDs(lang) {
			have[id] = true
		}
		for _, id := range en {
			if !have[id] {
				t.Errorf("%s catalog lacks %q", lang, id)
			}
			delete(have, id)
		}
		for id := range have {
			t.Errorf("%s catalog has %q, which English lacks", lang, id)
		}
	}
}

// Every message id written literally in the code must exist in English.
func TestEveryUsedMessageExists(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, id := range b.MessageIDs("en") {
		known[id] = true
	}
	re := regexp.MustCompile(`"((?:error|warning|flash|form|field|login|home|profile|audit|nav|layout|area|role|pager)\.[a-z_.]+[a-z_])"`)
	root := filepath.Join("..", "..")
	used := 0
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "data" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".templ") || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "_templ.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			id := m[1]
			if strings.HasSuffix(id, ".") {
				continue // a prefix completed at run time, such as "role." + role
			}
			used++
			if !known[id] && !known[id+".other"] {
				// Plural messages are stored under their id.
				t.Errorf("%s uses message %q, which the English catalog lacks", path, id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used < 100 {
		t.Fatalf("found only %d message uses; is the scan broken?", used)
	}
}

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
