package ticket

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/org"
)

// Field kinds.
var FieldKinds = []string{"text", "number", "date", "select", "checkbox"}

// Field is one of the provider's own ticket fields (a data field).
type Field struct {
	bun.BaseModel `bun:"table:ticket_fields,alias:tf"`

	ID         int64 `bun:",pk,autoincrement"`
	ProviderID int64
	Label      string
	Kind       string
	Options    string // select: one choice per line
	Shown      bool   // shown in the back office
	Editable   bool   // customers may set it (when shown)
	Position   int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Key is the field's key in a ticket's values and in the API: "f<id>".
func (f *Field) Key() string { return "f" + strconv.FormatInt(f.ID, 10) }

// Choices are a select field's options.
func (f *Field) Choices() []string {
	var out []string
	for _, o := range strings.Split(f.Options, "\n") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// FieldInput is a field definition as a form or API body gives it.
type FieldInput struct {
	Label    string
	Kind     string
	Options  string
	Shown    bool
	Editable bool
	Position int
}

func (in *FieldInput) check() error {
	in.Label, in.Kind = strings.TrimSpace(in.Label), strings.TrimSpace(in.Kind)
	in.Options = strings.ReplaceAll(in.Options, "\r\n", "\n")
	v := &apperr.ValidationError{}
	org.CheckText(v, "label", in.Label, true, 80)
	if indexOf(FieldKinds, in.Kind) < 0 {
		v.Add("kind", "error.field_kind", nil)
	}
	org.CheckMultiline(v, "options", in.Options, 2000)
	if in.Kind == "select" && len((&Field{Options: in.Options}).Choices()) == 0 {
		v.Add("options", "error.field_options", nil)
	}
	if in.Position < 0 || in.Position > 1000 {
		v.Add("position", "error.field_position", nil)
	}
	return v.Err()
}

// Fields lists the provider's fields in order: all of them for staff, the
// shown ones for customer users.
func (s *Service) Fields(ctx context.Context, u *caller.Caller) ([]*Field, error) {
	provider, customerView := u.Organization.ScopeProviderID(), !u.IsStaff()
	return caller.Memo(u, memoFields, func() ([]*Field, error) { return s.store.Fields(ctx, provider, customerView) })
}

// Field loads one field of staff u's provider.
func (s *Service) Field(ctx context.Context, u *caller.Caller, id int64) (*Field, error) {
	p, err := staffProvider(u)
	if err != nil {
		return nil, err
	}
	return s.store.Field(ctx, p, id)
}

// SaveField creates (id 0) or changes a field of staff u's provider.
func (s *Service) SaveField(ctx context.Context, u *caller.Caller, id int64, in FieldInput) (*Field, error) {
	defer u.Forget()
	p, err := staffProvider(u)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	f := &Field{ProviderID: p, CreatedAt: now}
	if id != 0 {
		if f, err = s.Field(ctx, u, id); err != nil {
			return nil, err
		}
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	f.Label, f.Kind, f.Options, f.Shown, f.Editable, f.Position, f.UpdatedAt = in.Label, in.Kind, in.Options, in.Shown, in.Editable, in.Position, now
	if err := s.store.SaveField(ctx, f); err != nil {
		return nil, err
	}
	return f, nil
}

// DeleteField removes a field; values on tickets are left and no longer
// shown.
func (s *Service) DeleteField(ctx context.Context, u *caller.Caller, id int64) error {
	defer u.Forget()
	f, err := s.Field(ctx, u, id)
	if err != nil {
		return err
	}
	return s.store.DeleteField(ctx, f)
}

// FieldValues are a ticket's data field values by key ("f<id>").
type FieldValues map[string]string

// Values are the ticket's stored field values.
func (t *Ticket) Values() FieldValues {
	out := FieldValues{}
	_ = json.Unmarshal([]byte(t.Fields), &out)
	return out
}

// mergeValues checks the values u sends and puts them over current. Staff
// set every field; customers only shown, editable ones (others are
// ignored). An empty value clears the field.
func (s *Service) mergeValues(ctx context.Context, u *caller.Caller, current FieldValues, sent map[string]string) (string, error) {
	if len(sent) == 0 {
		raw, _ := json.Marshal(current)
		return string(raw), nil
	}
	fields, err := s.Fields(ctx, u)
	if err != nil {
		return "", err
	}
	byKey := map[string]*Field{}
	for _, f := range fields {
		byKey[f.Key()] = f
	}
	v := &apperr.ValidationError{}
	for key, val := range sent {
		f, ok := byKey[key]
		switch {
		case !ok && u.IsStaff():
			v.Add("fields."+key, "error.field_unknown", nil)
			continue
		case !ok || (!u.IsStaff() && !f.Editable):
			continue // not the customer's to set
		}
		val = strings.TrimSpace(val)
		if val == "" {
			delete(current, key)
			continue
		}
		norm, ok := normalizeValue(f, val)
		if !ok {
			v.Add("fields."+key, "error.field_value", map[string]any{"Label": f.Label})
			continue
		}
		current[key] = norm
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	raw, _ := json.Marshal(current)
	return string(raw), nil
}

// normalizeValue checks a value against the field's kind.
func normalizeValue(f *Field, val string) (string, bool) {
	switch f.Kind {
	case "number":
		n, err := strconv.ParseFloat(strings.ReplaceAll(val, ",", "."), 64)
		if err != nil {
			return "", false
		}
		return strconv.FormatFloat(n, 'f', -1, 64), true
	case "date":
		if _, err := time.Parse("2006-01-02", val); err != nil {
			return "", false
		}
		return val, true
	case "select":
		return val, indexOf(f.Choices(), val) >= 0
	case "checkbox":
		switch strings.ToLower(val) {
		case "true", "1", "on", "yes":
			return "true", true
		case "false", "0", "off", "no":
			return "false", true
		}
		return "", false
	}
	ok := len([]rune(val)) <= 500 && !strings.ContainsAny(val, "\x00\r\n")
	return val, ok
}

// fieldFilter returns what u may see of a ticket's field values (staff
// everything; customers the shown fields), loading the fields once.
func (s *Service) fieldFilter(ctx context.Context, u *caller.Caller) (func(*Ticket) FieldValues, error) {
	if u.IsStaff() {
		return (*Ticket).Values, nil
	}
	fields, err := s.Fields(ctx, u)
	if err != nil {
		return nil, err
	}
	shown := map[string]bool{}
	for _, f := range fields {
		shown[f.Key()] = true
	}
	return func(t *Ticket) FieldValues {
		out := FieldValues{}
		for k, v := range t.Values() {
			if shown[k] {
				out[k] = v
			}
		}
		return out
	}, nil
}
