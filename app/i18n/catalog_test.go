package i18n_test

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"backoffice/app/device"
	"backoffice/app/i18n"
	"backoffice/app/ticket"
	"backoffice/rbac"
)

// pluralForms are the CLDR plural categories each language needs
// (go-i18n picks one of them by the count).
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"de": {"one", "other"},
	"ru": {"few", "many", "one", "other"},
}

// catalogMessage is one message of a catalog file: a text, or the forms of
// a plural message.
type catalogMessage struct {
	text  string
	forms map[string]string
}

// catalog is a message file read as plain TOML, independently of go-i18n:
// every table ("section"), and every message by its dotted id.
type catalog struct {
	sections map[string]bool
	messages map[string]catalogMessage
}

func isPluralTable(m map[string]any) bool {
	if len(m) == 0 {
		return false
	}
	for k, v := range m {
		if _, ok := v.(string); !ok || !slices.Contains([]string{"zero", "one", "two", "few", "many", "other"}, k) {
			return false
		}
	}
	return true
}

func readCatalog(t *testing.T, lang string) catalog {
	t.Helper()
	var raw map[string]any
	if _, err := toml.DecodeFile(filepath.Join("locales", lang+".toml"), &raw); err != nil {
		t.Fatalf("%s catalog: %v", lang, err)
	}
	c := catalog{sections: map[string]bool{}, messages: map[string]catalogMessage{}}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			id := k
			if prefix != "" {
				id = prefix + "." + k
			}
			switch v := v.(type) {
			case string:
				c.messages[id] = catalogMessage{text: v}
			case map[string]any:
				if isPluralTable(v) {
					forms := map[string]string{}
					for f, s := range v {
						forms[f] = s.(string)
					}
					c.messages[id] = catalogMessage{forms: forms}
					continue
				}
				c.sections[id] = true
				walk(id, v)
			default:
				t.Errorf("%s catalog: %s is a %T, not a message or a section", lang, id, v)
			}
		}
	}
	walk("", raw)
	return c
}

var placeholder = regexp.MustCompile(`\{\{\s*\.([A-Za-z]+)\s*\}\}`)

// placeholders are the data fields a text refers to.
func placeholders(s string) []string {
	set := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		set[m[1]] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// Every section and every key of every section is in every catalog, with a
// text in each; plural messages have the forms their language needs; and a
// translation refers to the same data as the English text.
func TestCatalogsHaveEverySectionAndKey(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("locales", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var langs []string
	for _, f := range files {
		langs = append(langs, strings.TrimSuffix(filepath.Base(f), ".toml"))
	}
	if want := slices.Sorted(slices.Values(i18n.Languages)); !slices.Equal(langs, want) {
		t.Fatalf("catalog files %v, want one per language %v", langs, want)
	}
	cats := map[string]catalog{}
	for _, lang := range i18n.Languages {
		cats[lang] = readCatalog(t, lang)
	}
	en := cats["en"]
	if len(en.sections) < 30 || len(en.messages) < 500 {
		t.Fatalf("English catalog read as %d sections and %d messages; is the reader broken?", len(en.sections), len(en.messages))
	}
	for _, lang := range i18n.Languages {
		c := cats[lang]
		for s := range en.sections {
			if !c.sections[s] {
				t.Errorf("%s catalog lacks section [%s]", lang, s)
			}
		}
		for s := range c.sections {
			if !en.sections[s] {
				t.Errorf("%s catalog has section [%s], which English lacks", lang, s)
			}
		}
		for id, m := range c.messages {
			ref, ok := en.messages[id]
			if !ok {
				t.Errorf("%s catalog has %q, which English lacks", lang, id)
				continue
			}
			if (ref.forms == nil) != (m.forms == nil) {
				t.Errorf("%s catalog: %q is plural in one catalog and not in the other", lang, id)
				continue
			}
			texts := map[string]string{"": m.text}
			if m.forms != nil {
				texts = m.forms
				for _, f := range pluralForms[lang] {
					if _, ok := m.forms[f]; !ok {
						t.Errorf("%s catalog: plural %q lacks the form %q", lang, id, f)
					}
				}
			}
			want := placeholders(ref.text + ref.forms["other"])
			for form, text := range texts {
				if strings.TrimSpace(text) == "" {
					t.Errorf("%s catalog: %q %s is empty", lang, id, form)
				}
				if got := placeholders(text); !slices.Equal(got, want) && !(form != "other" && form != "" && subset(got, want)) {
					t.Errorf("%s catalog: %q %s refers to %v, English to %v", lang, id, form, got, want)
				}
			}
		}
		for id := range en.messages {
			if _, ok := c.messages[id]; !ok {
				t.Errorf("%s catalog lacks %q", lang, id)
			}
		}
	}
}

// subset reports whether every element of a is in b (a plural form such as
// "one" may leave out the count).
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// Every message id written literally in the code or the templates, in any
// section of the catalog, exists in English (and so, by the test above, in
// every language).
func TestEveryUsedMessageExists(t *testing.T) {
	en := readCatalog(t, "en")
	var tops []string
	for s := range en.sections {
		if !strings.Contains(s, ".") {
			tops = append(tops, regexp.QuoteMeta(s))
		}
	}
	sort.Strings(tops)
	// An id followed by + is a prefix completed at run time, such as
	// "role." + role: some message must start with it.
	re := regexp.MustCompile(`"((?:` + strings.Join(tops, "|") + `)\.[a-z0-9_.]*)"(\s*\+)?`)
	root := filepath.Join("..", "..")
	used := map[string]int{} // uses per section
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
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
			if m[2] != "" {
				if !slices.ContainsFunc(slices.Collect(maps.Keys(en.messages)), func(k string) bool { return strings.HasPrefix(k, id) }) {
					t.Errorf("%s completes message ids starting with %q, but no message of the English catalog does", path, id)
				}
				used[strings.SplitN(id, ".", 2)[0]]++
				continue
			}
			if _, ok := en.messages[id]; ok {
				used[strings.SplitN(id, ".", 2)[0]]++
				continue
			}
			if en.sections[id] || notAMessage[id] {
				continue // a section named as a prefix, or a string that is no message
			}
			t.Errorf("%s uses message %q, which the English catalog lacks", path, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range used {
		total += n
	}
	if total < 300 || len(used) < 30 {
		t.Fatalf("found only %d message uses in %d sections; is the scan broken?", total, len(used))
	}
	var unused []string
	for _, s := range tops {
		if used[s] == 0 {
			unused = append(unused, s)
		}
	}
	t.Logf("%d message uses in %d of %d sections; none written literally in %v", total, len(used), len(tops), unused)
}

// notAMessage are strings of the code that look like message ids of a
// section but are something else.
var notAMessage = map[string]bool{}

// Messages whose id ends in a value of the domain ("ticket_status." +
// status) exist for every value, in every language.
func TestEveryEnumeratedValueHasAMessage(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	roles := make([]string, 0, len(rbac.Roles))
	for _, r := range rbac.Roles {
		roles = append(roles, string(r))
	}
	history := []string{device.ActionCreated, device.ActionUpdated, device.ActionStatus, device.ActionAssigned, device.ActionImported,
		device.ActionCodeCreated, device.ActionPaired, device.ActionUnpaired, device.ActionEnabled, device.ActionDisabled,
		device.ActionRegenerated, device.ActionPINSet, device.ActionPINCleared}
	sets := map[string][]string{
		"role.":           roles,
		"home.role_hint.": roles,
		"ticket_status.":  ticket.Statuses,
		"priority.":       ticket.Priorities,
		"ticket_type.":    ticket.Types,
		"channel.":        ticket.Channels,
		"field_kind.":     ticket.FieldKinds,
		"perm.":           rbac.TicketPerms,
		"device_status.":  device.Statuses,
		"history.":        history,
	}
	for _, lang := range i18n.Languages {
		have := map[string]bool{}
		for _, id := range b.MessageIDs(lang) {
			have[id] = true
		}
		for prefix, values := range sets {
			for _, v := range values {
				if !have[prefix+v] {
					t.Errorf("%s catalog lacks %q", lang, prefix+v)
				}
			}
		}
	}
}
