package web_test

import (
	"testing"

	"backoffice/app/db/dbtest"
	"backoffice/app/org"
	"backoffice/app/web"
	"backoffice/app/web/httpx"
	"backoffice/app/web/webtest"
	"backoffice/rbac"
)

// casbinSubject is a subject the guard asks Casbin about, with the area its
// users work in.
type casbinSubject struct {
	role rbac.Role
	area string
}

// casbinSubjects are every role, and the administrator of an independent
// organization (an administrator to the area, a subject of its own to
// Casbin, see people.Subject).
func casbinSubjects() []casbinSubject {
	var out []casbinSubject
	for _, r := range rbac.Roles {
		out = append(out, casbinSubject{r, httpx.AreaOf(&org.User{Role: r})})
	}
	return append(out, casbinSubject{rbac.IndependentAdmin, httpx.AreaOf(&org.User{Role: rbac.Administrator})})
}

// holders are the subjects that pass a guard of p in area ("" for both).
func holders(e *rbac.Enforcer, p httpx.Perm, area string) []rbac.Role {
	var out []rbac.Role
	for _, s := range casbinSubjects() {
		if (area == "" || area == s.area) && e.Can(s.role, p.Obj, p.Act) {
			out = append(out, s.role)
		}
	}
	return out
}

// Every route that is not public names a permission some subject holds in
// the default policy, in the route's area: a misspelt object or action, or a
// policy row removed, would otherwise make the route unreachable for
// everyone while every permission test that only checks refusals passes.
func TestRoutesNamePermissionsSomeRoleHolds(t *testing.T) {
	h := webtest.New(t, dbtest.New(t, dbtest.SQLite))
	e := web.Enforcer(h.Server)
	for _, rt := range web.RouteTable(h.Server) {
		if rt.Perm == httpx.Public {
			continue
		}
		if rt.Perm.Obj == "" || rt.Perm.Act == "" {
			t.Errorf("%s %s: permission %v names no object or no action", rt.Method, rt.Path, rt.Perm)
			continue
		}
		if len(holders(e, rt.Perm, rt.Area)) == 0 {
			where := "any area"
			if rt.Area != "" {
				where = "the " + rt.Area + " area"
			}
			t.Errorf("%s %s needs %s %s, which no role holds in %s (rbac/policy.csv): nobody can call it",
				rt.Method, rt.Path, rt.Perm.Obj, rt.Perm.Act, where)
		}
	}
}

// Every entry of the navigation leads to a page of the route table that
// every subject shown the entry may open, and is shown to some subject.
func TestNavigationEntriesAreReachable(t *testing.T) {
	h := webtest.New(t, dbtest.New(t, dbtest.SQLite))
	e := web.Enforcer(h.Server)
	pages := map[string]httpx.Route{}
	for _, rt := range web.RouteTable(h.Server) {
		if rt.Method == "GET" {
			pages[rt.Path] = rt
		}
	}
	for _, n := range web.Navigation {
		rt, ok := pages[n.Href]
		if !ok {
			t.Errorf("navigation entry %s (%s) leads to no GET route of the route table", n.Href, n.Label)
			continue
		}
		if rt.DevAid && !n.DevAid {
			t.Errorf("navigation entry %s is always shown but its page is a development aid (gone when mail is sent)", n.Href)
		}
		shown := holders(e, n.Perm, n.Area)
		if len(shown) == 0 {
			t.Errorf("navigation entry %s needs %s %s, which no role holds in its area: nobody sees it", n.Href, n.Perm.Obj, n.Perm.Act)
		}
		for _, s := range casbinSubjects() {
			if (n.Area != "" && n.Area != s.area) || !e.Can(s.role, n.Perm.Obj, n.Perm.Act) {
				continue
			}
			if rt.Perm == httpx.Public {
				continue
			}
			if (rt.Area != "" && rt.Area != s.area) || !e.Can(s.role, rt.Perm.Obj, rt.Perm.Act) {
				t.Errorf("navigation entry %s is shown to %s, but its route needs %s %s in area %q, which %s lacks there",
					n.Href, s.role, rt.Perm.Obj, rt.Perm.Act, rt.Area, s.role)
			}
		}
	}
}
