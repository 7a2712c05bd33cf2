package ticket

import (
	"reflect"
	"slices"
	"testing"

	"backoffice/rbac"
)

// permFields binds every permission of rbac.TicketPermTable, and nothing
// else, to a field of its own in Perms and in PermSettings; every
// permission field of the two structs is bound.
func TestPermFieldsBindTheTable(t *testing.T) {
	var names []string
	for name := range permFields {
		names = append(names, name)
	}
	slices.Sort(names)
	if want := slices.Sorted(slices.Values(rbac.TicketPerms)); !slices.Equal(names, want) {
		t.Fatalf("permFields binds %v, rbac.TicketPermTable declares %v", names, want)
	}
	permField := map[string]string{}    // Perms field → permission
	settingField := map[string]string{} // PermSettings field → permission
	for _, name := range rbac.TicketPerms {
		var p Perms
		*p.of(name) = true
		var s PermSettings
		s.Set(name, rbac.Allow)
		for i, f := range reflect.VisibleFields(reflect.TypeOf(p)) {
			if reflect.ValueOf(p).Field(i).Bool() {
				if other, dup := permField[f.Name]; dup {
					t.Errorf("%s and %s are both bound to Perms.%s", other, name, f.Name)
				}
				permField[f.Name] = name
			}
		}
		for _, f := range reflect.VisibleFields(reflect.TypeOf(s)) {
			if v := reflect.ValueOf(s).FieldByIndex(f.Index); f.Type == reflect.TypeFor[*bool]() && !v.IsNil() {
				if other, dup := settingField[f.Name]; dup {
					t.Errorf("%s and %s are both bound to PermSettings.%s", other, name, f.Name)
				}
				settingField[f.Name] = name
			}
		}
		if s.Get(name) != rbac.Allow || s.Choices()[name] != rbac.Allow || !p.Map()[name] {
			t.Errorf("%s: set, but reads back as %q / %v", name, s.Get(name), p.Map()[name])
		}
	}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[Perms]()) {
		if _, ok := permField[f.Name]; !ok {
			t.Errorf("Perms.%s is bound to no permission of rbac.TicketPermTable", f.Name)
		}
	}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[PermSettings]()) {
		if _, ok := settingField[f.Name]; !ok && f.Type == reflect.TypeFor[*bool]() {
			t.Errorf("PermSettings.%s is bound to no permission of rbac.TicketPermTable", f.Name)
		}
	}
	if got := len(staffPerms.Map()); got != len(rbac.TicketPerms) {
		t.Errorf("Map lists %d permissions, the table %d", got, len(rbac.TicketPerms))
	}
}

// The defaults of the domain are those of the table: what a member may do
// while nothing is set, and everything for staff.
func TestPermDefaultsComeFromTheTable(t *testing.T) {
	e, err := rbac.NewTicketPermEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{perms: e}
	fromTable := permsWhere(func(tp rbac.TicketPerm) bool { return tp.Default != "" })
	if DefaultPerms != fromTable {
		t.Errorf("DefaultPerms = %+v, the table's defaults are %+v", DefaultPerms, fromTable)
	}
	for _, r := range rbac.CustomerRoles {
		if got := s.decide(r, nil, nil, nil); got != fromTable {
			t.Errorf("%s with nothing set: %+v, want the table's defaults %+v", r, got, fromTable)
		}
	}
	for name, allowed := range staffPerms.Map() {
		if !allowed {
			t.Errorf("staff lack %s", name)
		}
	}
	// Allowing everything for a user gives everything; allowing only the
	// permissions that need another leaves them void where that is denied.
	all, needy := &PermSettings{}, &PermSettings{}
	for _, tp := range rbac.TicketPermTable {
		all.Set(tp.Name, rbac.Allow)
		if tp.Needs != "" {
			needy.Set(tp.Name, rbac.Allow)
			needy.Set(tp.Needs, rbac.Deny)
		}
	}
	if got := s.decide(rbac.Member, nil, nil, all); got != staffPerms {
		t.Errorf("member allowed everything: %+v", got)
	}
	for name, allowed := range s.decide(rbac.Member, nil, nil, needy).Map() {
		if allowed && slices.ContainsFunc(rbac.TicketPermTable, func(tp rbac.TicketPerm) bool { return tp.Name == name && tp.Needs != "" }) {
			t.Errorf("%s allowed although the permission it needs is denied", name)
		}
	}
}

// The standard fields' switches set a seeing permission and the editing
// permission that needs it.
func TestStandardFieldsSwitchPermissionsOfTheTable(t *testing.T) {
	for _, name := range StandardFieldNames {
		pair, ok := standardPerms[name]
		if !ok {
			t.Errorf("standard field %s switches no permissions", name)
			continue
		}
		i := slices.IndexFunc(rbac.TicketPermTable, func(tp rbac.TicketPerm) bool { return tp.Name == pair[1] })
		if i < 0 || rbac.TicketPermTable[i].Needs != pair[0] {
			t.Errorf("standard field %s switches %v: want a permission of rbac.TicketPermTable and the one it needs", name, pair)
		}
	}
}
