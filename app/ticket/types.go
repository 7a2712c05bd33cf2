package ticket

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/db"
	"backoffice/app/org"
)

// TypeDef is one entry of a provider's list of ticket types. The built-in
// types (Types) have no label of their own until renamed, and are shown in
// the reader's language; the provider adds its own, renames any, and
// retires those it no longer offers (tickets keep them).
type TypeDef struct {
	bun.BaseModel `bun:"table:ticket_types,alias:tt"`

	ID         int64 `bun:",pk,autoincrement"`
	ProviderID int64
	Key        string
	Label      string // "" for a built-in type under its translated name
	Active     bool
	Position   int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// BuiltinType reports whether key is one of the built-in types.
func BuiltinType(key string) bool { return indexOf(Types, key) >= 0 }

// TypeList is a provider's ticket types in order.
type TypeList []*TypeDef

// Active are the types offered for new choices.
func (l TypeList) Active() TypeList {
	var out TypeList
	for _, t := range l {
		if t.Active {
			out = append(out, t)
		}
	}
	return out
}

// Find is the type of key (nil when the provider has none).
func (l TypeList) Find(key string) *TypeDef {
	for _, t := range l {
		if t.Key == key {
			return t
		}
	}
	return nil
}

// typeKey is the form of a type's key: what lists filter by.
var typeKey = regexp.MustCompile(`^[a-z0-9_]{1,40}$`)

// defaultTypes are the built-in types, as a provider starts with them.
func defaultTypes(providerID int64) TypeList {
	out := make(TypeList, len(Types))
	for i, k := range Types {
		out[i] = &TypeDef{ProviderID: providerID, Key: k, Active: true, Position: i}
	}
	return out
}

// TypesOf is the provider's list of ticket types.
func (s *Store) TypesOf(ctx context.Context, providerID int64) (TypeList, error) {
	var out TypeList
	err := s.conn(ctx).NewSelect().Model(&out).Where("tt.provider_id = ?", providerID).OrderExpr("tt.position, tt.id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("ticket types of provider %d: %w", providerID, err)
	}
	if len(out) == 0 {
		return defaultTypes(providerID), nil
	}
	return out, nil
}

// Types is the ticket types of u's provider (customers: of the provider
// serving their company).
func (s *Service) Types(ctx context.Context, u *caller.Caller) (TypeList, error) {
	return s.store.TypesOf(ctx, u.Organization.ScopeProviderID())
}

// TypeInput changes a type: its label and whether it is offered; nil
// stays.
type TypeInput struct {
	Label  *string
	Active *bool
}

// AddType adds a type of staff u's provider under label; its key is made
// from the label.
func (s *Service) AddType(ctx context.Context, u *caller.Caller, label string) (*TypeDef, error) {
	p, err := staffProvider(u)
	if err != nil {
		return nil, err
	}
	label = strings.TrimSpace(label)
	v := &apperr.ValidationError{}
	org.CheckText(v, "label", label, true, 60)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var added *TypeDef
	err = db.InTx(ctx, s.db, func(ctx context.Context) error {
		list, err := s.store.materializeTypes(ctx, p)
		if err != nil {
			return err
		}
		for _, t := range list {
			if strings.EqualFold(t.Label, label) {
				return apperr.Invalid("label", "error.type_exists")
			}
		}
		key := slug(label)
		for n := 2; list.Find(key) != nil || key == ""; n++ {
			base := slug(label)
			if base == "" {
				base = "type"
			}
			key = base + "_" + strconv.Itoa(n)
		}
		now := s.clock.Now()
		added = &TypeDef{ProviderID: p, Key: key, Label: label, Active: true, Position: len(list), CreatedAt: now, UpdatedAt: now}
		return s.store.addType(ctx, added)
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// UpdateType renames a type of staff u's provider or retires it (or offers
// it again). One type at least stays offered.
func (s *Service) UpdateType(ctx context.Context, u *caller.Caller, key string, in TypeInput) (*TypeDef, error) {
	p, err := staffProvider(u)
	if err != nil {
		return nil, err
	}
	if in.Label != nil {
		*in.Label = strings.TrimSpace(*in.Label)
		v := &apperr.ValidationError{}
		org.CheckText(v, "label", *in.Label, false, 60)
		if err := v.Err(); err != nil {
			return nil, err
		}
	}
	var changed *TypeDef
	err = db.InTx(ctx, s.db, func(ctx context.Context) error {
		list, err := s.store.materializeTypes(ctx, p)
		if err != nil {
			return err
		}
		t := list.Find(key)
		if t == nil {
			return fmt.Errorf("ticket type %q: %w", key, apperr.ErrNotFound)
		}
		if in.Label != nil {
			if *in.Label == "" && indexOf(Types, key) < 0 {
				return apperr.Invalid("label", "error.required")
			}
			t.Label = *in.Label
		}
		if in.Active != nil {
			t.Active = *in.Active
			if !t.Active && len(list.Active()) == 0 {
				return apperr.Invalid("active", "error.type_last")
			}
		}
		t.UpdatedAt = s.clock.Now()
		changed = t
		return s.store.updateType(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	return changed, nil
}

// slug makes a type key from a label: lower-case ASCII letters and digits,
// other runs as "_" (empty when nothing is left).
func slug(label string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(label) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		} else {
			gap = true
		}
		if b.Len() >= 32 {
			break
		}
	}
	return b.String()
}
