package rbac_test

import (
	"context"
	"sort"
	"testing"

	"github.com/uptrace/bun"

	"backoffice/app/db/dbtest"
	"backoffice/rbac"
)

// expected is the role matrix of DESIGN.md section 2, written out in full and
// independently of policy.csv: every (role, object, action) not listed here
// must be denied.
var expected = map[rbac.Role][]string{
	rbac.Member: {
		"home:read", "search:read", "profile:read", "profile:update", "apitoken:read", "apitoken:create", "apitoken:delete",
		"dashboard:read", "company:read", "device:read",
		"ticket:read", "ticket:create", "ticket:reply", "ticket:close", "ticket:reopen", "ticket:rate",
		"video:read", "video:request",
	},
	rbac.Moderator: {
		"home:read", "search:read", "profile:read", "profile:update", "apitoken:read", "apitoken:create", "apitoken:delete",
		"dashboard:read", "company:read", "device:read", "device:update",
		"ticket:read", "ticket:create", "ticket:reply", "ticket:close", "ticket:reopen", "ticket:rate", "ticket:manage",
		"video:read", "video:request", "video:schedule", "video:cancel",
		"user:read",
	},
	rbac.Administrator: {
		"home:read", "search:read", "profile:read", "profile:update", "apitoken:read", "apitoken:create", "apitoken:delete",
		"dashboard:read", "company:read", "company:update", "device:read", "device:update",
		"ticket:read", "ticket:create", "ticket:reply", "ticket:close", "ticket:reopen", "ticket:rate", "ticket:manage",
		"video:read", "video:request", "video:schedule", "video:cancel",
		"user:read", "user:create", "user:update", "user:disable", "user:delete",
	},
	rbac.ProviderAgent: {
		"home:read", "search:read", "profile:read", "profile:update", "apitoken:read", "apitoken:create", "apitoken:delete",
		"dashboard:read", "customer:read",
		"invitation:read", "invitation:create", "invitation:resend", "invitation:delete",
		"device:read", "device:create", "device:update", "device:delete", "code:read", "code:create", "code:update",
		"ticket:read", "ticket:create", "ticket:reply", "ticket:note", "ticket:manage", "ticket:close", "ticket:reopen", "ticket:assign",
		"video:read", "video:request", "video:schedule", "video:cancel",
		"template:read", "template:create", "template:update", "template:delete",
	},
}

func init() {
	admin := append([]string{}, expected[rbac.ProviderAgent]...)
	admin = append(admin,
		"customer:create", "customer:update", "customer:delete", "customer:independent",
		"user:read", "user:create", "user:update", "user:disable", "user:delete",
		"datafield:read", "datafield:create", "datafield:update", "datafield:delete",
		"permission:read", "permission:update", "setting:read", "setting:update",
		"webhook:read", "webhook:create", "webhook:update", "webhook:delete",
		"audit:read", "mailbox:read",
	)
	expected[rbac.ProviderAdmin] = admin
}

func split(p string) (string, string) {
	for i := range p {
		if p[i] == ':' {
			return p[:i], p[i+1:]
		}
	}
	return p, ""
}

func TestRoleMatrix(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, db *bun.DB) {
		e, err := rbac.New(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		// The universe: every object and action named anywhere, plus some that must never exist.
		objs := map[string]bool{"nonsense": true}
		acts := map[string]bool{"*": true, "": true}
		for _, perms := range expected {
			for _, p := range perms {
				o, a := split(p)
				objs[o], acts[a] = true, true
			}
		}
		rows, _ := rbac.DefaultRules()
		for _, r := range rows {
			if r[0] == "p" {
				objs[r[2]], acts[r[3]] = true, true
			}
		}
		for _, role := range append(rbac.Roles, "", "root") {
			want := map[string]bool{}
			for _, p := range expected[role] {
				want[p] = true
			}
			for o := range objs {
				for a := range acts {
					got := e.Can(role, o, a)
					if got != want[o+":"+a] {
						t.Errorf("Can(%q, %q, %q) = %v, want %v", role, o, a, got, want[o+":"+a])
					}
				}
			}
		}
	})
}

func TestStaffOnlyObjects(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, db *bun.DB) {
		e, err := rbac.New(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		var staffOnly []string
		for _, o := range []string{"audit", "template", "customer", "invitation", "mailbox", "webhook", "setting", "ticket", "device", "user", "home", "profile"} {
			if e.StaffOnly(o) {
				staffOnly = append(staffOnly, o)
			}
		}
		sort.Strings(staffOnly)
		want := []string{"audit", "customer", "invitation", "mailbox", "setting", "template", "webhook"}
		if len(staffOnly) != len(want) {
			t.Fatalf("staff-only objects = %v, want %v", staffOnly, want)
		}
		for i := range want {
			if staffOnly[i] != want[i] {
				t.Fatalf("staff-only objects = %v, want %v", staffOnly, want)
			}
		}
	})
}

func TestPolicyChangesPersist(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		e, err := rbac.New(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if e.Can(rbac.Member, "audit", "read") {
			t.Fatal("member can read audit before grant")
		}
		if !e.Can(rbac.ProviderAgent, "template", "delete") {
			t.Fatal("agent cannot delete templates before the revocation")
		}
		if err := e.Grant(rbac.Member, "audit", "read"); err != nil {
			t.Fatal(err)
		}
		if err := e.Revoke(rbac.ProviderAgent, "template", "delete"); err != nil {
			t.Fatal(err)
		}
		if e.StaffOnly("audit") {
			t.Fatal("audit still staff-only after granting it to members")
		}
		// Answers given before a change are not kept past it.
		if !e.Can(rbac.Member, "audit", "read") || e.Can(rbac.ProviderAgent, "template", "delete") {
			t.Fatal("the enforcer answers from before the grant and the revocation")
		}

		// A second instance on the same database sees the change and does not reseed.
		e2, err := rbac.New(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if !e2.Can(rbac.Member, "audit", "read") || !e2.Can(rbac.Administrator, "audit", "read") {
			t.Fatal("granted permission not persisted (or not inherited)")
		}
		if e2.Can(rbac.ProviderAgent, "template", "delete") || e2.Can(rbac.ProviderAdmin, "template", "delete") {
			t.Fatal("revoked permission came back")
		}
		if err := e.Revoke(rbac.Member, "audit", "read"); err != nil {
			t.Fatal(err)
		}
		if err := e2.Reload(); err != nil {
			t.Fatal(err)
		}
		if e2.Can(rbac.Member, "audit", "read") {
			t.Fatal("reload did not pick up the revocation")
		}
	})
}
