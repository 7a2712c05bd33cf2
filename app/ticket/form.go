package ticket

import (
	"strings"
	"unicode"

	"backoffice/app/apperr"
	"backoffice/app/org"
)

// Limits of ticket input.
const (
	maxSubject = 200
	maxBody    = 20000
	maxTags    = 20
	maxTag     = 40
	maxGroup   = 100
)

// NewTicket is a ticket as a form or API body gives it. Fields the caller
// may not set are ignored by the service.
type NewTicket struct {
	Subject     string
	Description string
	DeviceID    int64
	Priority    string
	Type        string
	Tags        []string
	Group       string
	AssigneeID  int64
	// Staff only: on behalf of whom, through which channel.
	CustomerID  int64
	RequesterID int64
	Channel     string
	Files       []Upload          // attached to the description
	FieldValues map[string]string // data fields by key ("f<id>")
}

// Normalize trims the input and fills defaults.
func (in *NewTicket) Normalize() {
	in.Subject = strings.TrimSpace(in.Subject)
	in.Description = normalizeBody(in.Description)
	in.Priority = strings.TrimSpace(in.Priority)
	in.Type = strings.TrimSpace(in.Type)
	in.Channel = strings.TrimSpace(in.Channel)
	in.Group = strings.TrimSpace(in.Group)
	if in.Priority == "" {
		in.Priority = "normal"
	}
	in.Tags = NormalizeTags(in.Tags)
}

func normalizeBody(s string) string {
	return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), " \n\t")
}

// NormalizeTags lower-cases, trims and de-duplicates tags.
func NormalizeTags(tags []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// Validate checks the input.
func (in *NewTicket) Validate() error {
	v := &apperr.ValidationError{}
	org.CheckText(v, "subject", in.Subject, true, maxSubject)
	CheckBody(v, "description", in.Description)
	checkChoices(v, in.Priority, in.Type, in.Tags)
	org.CheckText(v, "group", in.Group, false, maxGroup)
	if in.Channel != "" && indexOf(Channels, in.Channel) < 0 {
		v.Add("channel", "error.ticket_channel", nil)
	}
	return v.Err()
}

// CheckBody validates a message body: present, at most maxBody characters,
// no control characters but line breaks and tabs.
func CheckBody(v *apperr.ValidationError, field, body string) {
	switch {
	case strings.TrimSpace(body) == "":
		v.Add(field, "error.required", nil)
	case len([]rune(body)) > maxBody:
		v.Add(field, "error.too_long", map[string]any{"Max": maxBody})
	case strings.IndexFunc(body, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		v.Add(field, "error.invalid_chars", nil)
	}
}

func checkChoices(v *apperr.ValidationError, priority, typ string, tags []string) {
	if priority != "" && PriorityRank(priority) < 0 {
		v.Add("priority", "error.ticket_priority", nil)
	}
	if typ != "" && !typeKey.MatchString(typ) {
		v.Add("type", "error.ticket_type", nil)
	}
	checkTags(v, tags)
}

func checkTags(v *apperr.ValidationError, tags []string) {
	if len(tags) > maxTags {
		v.Add("tags", "error.too_many_tags", map[string]any{"Max": maxTags})
	}
	for _, t := range tags {
		if len(t) > maxTag || strings.ContainsAny(t, ",") || strings.IndexFunc(t, unicode.IsControl) >= 0 {
			v.Add("tags", "error.tag_invalid", map[string]any{"Max": maxTag})
			break
		}
	}
}

// Change is a change of a ticket's parameters; nil fields stay.
type Change struct {
	Subject    *string
	Status     *string
	Priority   *string
	Type       *string
	Tags       *[]string
	Group      *string
	AssigneeID **int64 // set to change; inner nil unassigns
	DeviceID   **int64
	Fields     map[string]string // data fields by key; "" clears one
}
