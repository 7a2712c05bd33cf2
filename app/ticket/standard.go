package ticket

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/rbac"
)

// StandardFieldNames are the standard ticket fields whose showing and
// editing by customers the provider administrator switches, in the order
// of the settings page.
var StandardFieldNames = []string{"priority", "assignee", "group"}

// standardPerms are the customer permissions a standard field's switches
// set for all of the provider's customers: seeing it, and editing it.
var standardPerms = map[string][2]string{
	"priority": {"view_priority", "edit_priority"},
	"assignee": {"see_assignee", "edit_assignee"},
	"group":    {"see_group", "edit_group"},
}

// StandardField is a provider's switches of one standard field. Shown:
// customers see it in the back office; Editable: they may change it (only
// when it is shown). The switches are the default of every customer of the
// provider; a company's or a user's own customer permission wins.
type StandardField struct {
	bun.BaseModel `bun:"table:ticket_standard_fields,alias:sf"`

	ID         int64 `bun:",pk,autoincrement"`
	ProviderID int64
	Name       string
	Shown      bool
	Editable   bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Stored reports whether the provider set the switches (otherwise they
// show the role defaults).
func (f *StandardField) Stored() bool { return f.ID != 0 }

// StandardFields are a provider's switches.
type StandardFields []*StandardField

// layer is the provider's layer of the customer permissions: the stored
// switches as settings, the rest inherited.
func (sf StandardFields) layer() map[string]string {
	out := map[string]string{}
	setting := func(v bool) string {
		if v {
			return rbac.Allow
		}
		return rbac.Deny
	}
	for _, f := range sf {
		perms, ok := standardPerms[f.Name]
		if !ok || !f.Stored() {
			continue
		}
		out[perms[0]] = setting(f.Shown)
		out[perms[1]] = setting(f.Shown && f.Editable)
	}
	return out
}

// StandardFields are the switches the provider stored.
func (s *Store) StandardFields(ctx context.Context, providerID int64) (StandardFields, error) {
	var out StandardFields
	if err := s.conn(ctx).NewSelect().Model(&out).Where("sf.provider_id = ?", providerID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("standard fields of provider %d: %w", providerID, err)
	}
	return out, nil
}

// StandardFields are the switches of staff u's provider, one per standard
// field in StandardFieldNames order; fields the provider never switched
// show the role defaults.
func (s *Service) StandardFields(ctx context.Context, u *caller.Caller) (StandardFields, error) {
	p, err := staffProvider(u)
	if err != nil {
		return nil, err
	}
	stored, err := s.store.StandardFields(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make(StandardFields, 0, len(StandardFieldNames))
	for _, name := range StandardFieldNames {
		f := &StandardField{ProviderID: p, Name: name}
		found := false
		for _, st := range stored {
			if st.Name == name {
				f, found = st, true
			}
		}
		if !found {
			perms := standardPerms[name]
			f.Shown = s.perms.Allowed(rbac.Member, perms[0], rbac.Inherit, rbac.Inherit, rbac.Inherit)
			f.Editable = s.perms.Allowed(rbac.Member, perms[1], rbac.Inherit, rbac.Inherit, rbac.Inherit)
		}
		out = append(out, f)
	}
	return out, nil
}

// SetStandardField stores the switches of standard field name for staff
// u's provider. An unknown name is not found.
func (s *Service) SetStandardField(ctx context.Context, u *caller.Caller, name string, shown, editable bool) (*StandardField, error) {
	defer u.Forget()
	p, err := staffProvider(u)
	if err != nil {
		return nil, err
	}
	if _, ok := standardPerms[name]; !ok {
		return nil, fmt.Errorf("standard field %q: %w", name, apperr.ErrNotFound)
	}
	now := s.clock.Now()
	f := &StandardField{ProviderID: p, Name: name, Shown: shown, Editable: editable && shown, CreatedAt: now, UpdatedAt: now}
	if err := s.store.SaveStandardField(ctx, f); err != nil {
		return nil, err
	}
	return f, nil
}
