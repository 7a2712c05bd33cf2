package ticket

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/db"
	"backoffice/app/org"
	"backoffice/rbac"
)

// PermSettings are a customer company's (UserID nil) or one user's settings
// of the customer permissions; a nil value inherits.
type PermSettings struct {
	bun.BaseModel `bun:"table:ticket_permissions,alias:tp"`

	ID           int64 `bun:",pk,autoincrement"`
	CustomerID   int64
	UserID       *int64
	SeeAll       *bool
	ViewPriority *bool
	EditPriority *bool
	ViewType     *bool
	EditType     *bool
	ViewTags     *bool
	EditTags     *bool
	SeeAssignee  *bool
	EditAssignee *bool
	CloseTickets *bool
	SeeGroup     *bool
	EditGroup    *bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// permFields binds each permission of rbac.TicketPermTable to its field in
// Perms and in PermSettings; everything else about a permission comes from
// the table.
var permFields = map[string]struct {
	perm    func(*Perms) *bool
	setting func(*PermSettings) **bool
}{
	"see_all":       {func(p *Perms) *bool { return &p.SeeAll }, func(s *PermSettings) **bool { return &s.SeeAll }},
	"view_priority": {func(p *Perms) *bool { return &p.ViewPriority }, func(s *PermSettings) **bool { return &s.ViewPriority }},
	"edit_priority": {func(p *Perms) *bool { return &p.EditPriority }, func(s *PermSettings) **bool { return &s.EditPriority }},
	"view_type":     {func(p *Perms) *bool { return &p.ViewType }, func(s *PermSettings) **bool { return &s.ViewType }},
	"edit_type":     {func(p *Perms) *bool { return &p.EditType }, func(s *PermSettings) **bool { return &s.EditType }},
	"view_tags":     {func(p *Perms) *bool { return &p.ViewTags }, func(s *PermSettings) **bool { return &s.ViewTags }},
	"edit_tags":     {func(p *Perms) *bool { return &p.EditTags }, func(s *PermSettings) **bool { return &s.EditTags }},
	"see_assignee":  {func(p *Perms) *bool { return &p.SeeAssignee }, func(s *PermSettings) **bool { return &s.SeeAssignee }},
	"edit_assignee": {func(p *Perms) *bool { return &p.EditAssignee }, func(s *PermSettings) **bool { return &s.EditAssignee }},
	"close":         {func(p *Perms) *bool { return &p.Close }, func(s *PermSettings) **bool { return &s.CloseTickets }},
	"see_group":     {func(p *Perms) *bool { return &p.SeeGroup }, func(s *PermSettings) **bool { return &s.SeeGroup }},
	"edit_group":    {func(p *Perms) *bool { return &p.EditGroup }, func(s *PermSettings) **bool { return &s.EditGroup }},
}

// of is the field of permission perm (one of rbac.TicketPerms).
func (p *Perms) of(perm string) *bool {
	f, ok := permFields[perm]
	if !ok {
		panic("ticket: permission " + perm + " of rbac.TicketPermTable has no field in permFields")
	}
	return f.perm(p)
}

// Map lists the permissions by their names (those of rbac.TicketPerms).
func (p Perms) Map() map[string]bool {
	out := make(map[string]bool, len(rbac.TicketPermTable))
	for _, tp := range rbac.TicketPermTable {
		out[tp.Name] = *p.of(tp.Name)
	}
	return out
}

// field is the setting of perm (one of rbac.TicketPerms), nil for another
// name.
func (p *PermSettings) field(perm string) **bool {
	if f, ok := permFields[perm]; ok {
		return f.setting(p)
	}
	return nil
}

// Get is perm's setting: rbac.Allow, rbac.Deny or rbac.Inherit.
func (p *PermSettings) Get(perm string) string {
	if p == nil {
		return rbac.Inherit
	}
	f := p.field(perm)
	switch {
	case f == nil || *f == nil:
		return rbac.Inherit
	case **f:
		return rbac.Allow
	}
	return rbac.Deny
}

// Set changes perm's setting; an unknown value or permission is ignored.
func (p *PermSettings) Set(perm, value string) {
	f := p.field(perm)
	if f == nil {
		return
	}
	switch value {
	case rbac.Allow, rbac.Deny:
		v := value == rbac.Allow
		*f = &v
	case rbac.Inherit:
		*f = nil
	}
}

// PermSettings loads the company's and, when userID is not 0, the user's
// settings (nil when none are stored).
func (s *Store) PermSettings(ctx context.Context, customerID, userID int64) (company, user *PermSettings, err error) {
	var rows []*PermSettings
	q := s.conn(ctx).NewSelect().Model(&rows).Where("tp.customer_id = ?", customerID)
	if userID != 0 {
		q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("tp.user_id IS NULL").WhereOr("tp.user_id = ?", userID)
		})
	} else {
		q.Where("tp.user_id IS NULL")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, nil, fmt.Errorf("ticket permissions of customer %d: %w", customerID, err)
	}
	for _, r := range rows {
		if r.UserID == nil {
			company = r
		} else {
			user = r
		}
	}
	return company, user, nil
}

// SavePermSettings stores settings (inserting or replacing the row of the
// company or the user).
func (s *Store) SavePermSettings(ctx context.Context, p *PermSettings) error {
	now := s.clock.Now()
	p.UpdatedAt = now
	if p.ID == 0 {
		p.CreatedAt = now
		if _, err := s.conn(ctx).NewInsert().Model(p).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				return fmt.Errorf("save ticket permissions: settings changed meanwhile: %w", err)
			}
			return fmt.Errorf("save ticket permissions: %w", err)
		}
		return nil
	}
	if _, err := s.conn(ctx).NewUpdate().Model(p).ExcludeColumn("created_at").WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("save ticket permissions: %w", err)
	}
	return nil
}

// staffPerms are what staff may do: everything.
var staffPerms = permsWhere(func(rbac.TicketPerm) bool { return true })

// permsWhere are the permissions of rbac.TicketPermTable for which has holds.
func permsWhere(has func(rbac.TicketPerm) bool) Perms {
	var p Perms
	for _, tp := range rbac.TicketPermTable {
		*p.of(tp.Name) = has(tp)
	}
	return p
}

// PermsOf are u's customer permissions, decided by the Casbin enforcer from
// u's role with the provider's switches of its standard fields, the
// company's and u's settings as attributes. Staff may do everything.
func (s *Service) PermsOf(ctx context.Context, u *caller.Caller) (Perms, error) {
	if u.IsStaff() {
		return staffPerms, nil
	}
	return caller.Memo(u, memoPerms, func() (Perms, error) {
		provider, company, user, err := s.store.PermLayers(ctx, u.Organization.ScopeProviderID(), u.OrganizationID, u.ID)
		if err != nil {
			return Perms{}, err
		}
		return s.decide(u.Role, provider.layer(), company, user), nil
	})
}

// decide asks the enforcer for every permission. A permission is void
// without the one it needs (editing needs seeing: what is hidden from a
// user is not theirs to change).
func (s *Service) decide(role rbac.Role, provider map[string]string, company, user *PermSettings) Perms {
	allowed := func(perm string) bool {
		return s.perms.Allowed(role, perm, provider[perm], company.Get(perm), user.Get(perm))
	}
	p := permsWhere(func(tp rbac.TicketPerm) bool { return allowed(tp.Name) })
	for _, tp := range rbac.TicketPermTable {
		if tp.Needs != "" && !*p.of(tp.Needs) {
			*p.of(tp.Name) = false
		}
	}
	return p
}

// PermChoices are settings of some customer permissions: perm name →
// rbac.Allow, rbac.Deny or rbac.Inherit.
type PermChoices map[string]string

// Choices lists every permission's setting.
func (p *PermSettings) Choices() PermChoices {
	out := PermChoices{}
	for _, perm := range rbac.TicketPerms {
		out[perm] = p.Get(perm)
		if out[perm] == rbac.Inherit {
			out[perm] = "inherit"
		}
	}
	return out
}

// checkChoices validates settings sent by an administrator.
func checkPermChoices(ch PermChoices) error {
	v := &apperr.ValidationError{}
	for perm, val := range ch {
		known := false
		for _, p := range rbac.TicketPerms {
			known = known || p == perm
		}
		switch {
		case !known:
			v.Add(perm, "error.permission_unknown", nil)
		case val != rbac.Allow && val != rbac.Deny && val != "inherit" && val != rbac.Inherit:
			v.Add(perm, "error.permission_value", nil)
		}
	}
	return v.Err()
}

// CompanyPerms are the settings of customer customerID of staff u's
// provider.
func (s *Service) CompanyPerms(ctx context.Context, u *caller.Caller, customerID int64) (*PermSettings, error) {
	if !u.IsStaff() {
		return nil, apperr.ErrNotFound
	}
	if _, err := s.orgs.Customer(ctx, u.Organization.ScopeProviderID(), customerID); err != nil {
		return nil, err
	}
	company, _, err := s.store.PermSettings(ctx, customerID, 0)
	if company == nil && err == nil {
		company = &PermSettings{CustomerID: customerID}
	}
	return company, err
}

// UserPerms are the settings of user userID, a user of a customer of staff
// u's provider, with the company's.
func (s *Service) UserPerms(ctx context.Context, u *caller.Caller, userID int64) (target *org.User, company, user *PermSettings, err error) {
	if !u.IsStaff() {
		return nil, nil, nil, apperr.ErrNotFound
	}
	target, err = s.orgs.UserIn(ctx, org.UserFilter{ProviderID: u.Organization.ScopeProviderID()}, userID)
	if err != nil {
		return nil, nil, nil, err
	}
	if target.IsStaff() {
		return nil, nil, nil, fmt.Errorf("user %d: %w", userID, apperr.ErrNotFound)
	}
	company, user, err = s.store.PermSettings(ctx, target.OrganizationID, target.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	if company == nil {
		company = &PermSettings{CustomerID: target.OrganizationID}
	}
	if user == nil {
		id := target.ID
		user = &PermSettings{CustomerID: target.OrganizationID, UserID: &id}
	}
	return target, company, user, nil
}

// SetCompanyPerms changes the settings of a customer company; permissions
// left out stay.
func (s *Service) SetCompanyPerms(ctx context.Context, u *caller.Caller, customerID int64, ch PermChoices) (*PermSettings, error) {
	defer u.Forget()
	p, err := s.CompanyPerms(ctx, u, customerID)
	if err != nil {
		return nil, err
	}
	if err := checkPermChoices(ch); err != nil {
		return nil, err
	}
	for perm, val := range ch {
		p.Set(perm, normalizeChoice(val))
	}
	return p, s.store.SavePermSettings(ctx, p)
}

// SetUserPerms changes one user's settings; permissions left out stay.
func (s *Service) SetUserPerms(ctx context.Context, u *caller.Caller, userID int64, ch PermChoices) (*PermSettings, error) {
	defer u.Forget()
	_, _, p, err := s.UserPerms(ctx, u, userID)
	if err != nil {
		return nil, err
	}
	if err := checkPermChoices(ch); err != nil {
		return nil, err
	}
	for perm, val := range ch {
		p.Set(perm, normalizeChoice(val))
	}
	return p, s.store.SavePermSettings(ctx, p)
}

func normalizeChoice(v string) string {
	if v == "inherit" {
		return rbac.Inherit
	}
	return v
}

// Effective is what a user of role would get under the provider's
// standard field switches, company and user.
func (s *Service) Effective(role rbac.Role, provider StandardFields, company, user *PermSettings) Perms {
	return s.decide(role, provider.layer(), company, user)
}

// settingColumns are the columns of ticket_permissions after its id and
// customer: the user and each permission's setting, read off the model so
// that a new permission cannot be left out of PermLayers.
func settingColumns(idb bun.IDB) []string {
	var out []string
	for _, f := range idb.Dialect().Tables().Get(reflect.TypeFor[PermSettings]()).Fields {
		switch f.Name {
		case "id", "customer_id", "created_at", "updated_at":
		default:
			out = append(out, f.Name)
		}
	}
	return out
}

// layerRow is one row of PermLayers: a setting row of the company or the
// user (Src 1), or a standard field switch of the provider (Src 2).
type layerRow struct {
	Src int
	PermSettings
	Name     string
	Shown    bool
	Editable bool
}

// PermLayers are the three layers of a customer user's ticket permissions
// above the role default — the provider's standard field switches, the
// company's settings and the user's — read in one query.
func (s *Store) PermLayers(ctx context.Context, providerID, customerID, userID int64) (provider StandardFields, company, user *PermSettings, err error) {
	settings := settingColumns(s.db)
	cols := "tp." + strings.Join(settings, ", tp.")
	nulls := strings.Repeat(", NULL", len(settings))
	var rows []layerRow
	err = s.conn(ctx).NewRaw(`SELECT 1 AS src, tp.id, tp.customer_id, `+cols+`, '' AS name, FALSE AS shown, FALSE AS editable
		FROM ticket_permissions AS tp WHERE tp.customer_id = ? AND (tp.user_id IS NULL OR tp.user_id = ?)
		UNION ALL
		SELECT 2, sf.id, 0`+nulls+`, sf.name, sf.shown, sf.editable
		FROM ticket_standard_fields AS sf WHERE sf.provider_id = ?`, customerID, userID, providerID).Scan(ctx, &rows)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("ticket permission layers of customer %d: %w", customerID, err)
	}
	for i := range rows {
		r := &rows[i]
		switch {
		case r.Src == 2:
			provider = append(provider, &StandardField{ID: r.ID, ProviderID: providerID, Name: r.Name, Shown: r.Shown, Editable: r.Editable})
		case r.UserID == nil:
			company = &r.PermSettings
		default:
			user = &r.PermSettings
		}
	}
	return provider, company, user, nil
}
