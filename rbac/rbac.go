package rbac

import (
	"context"
	"embed"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/uptrace/bun"
)

//go:embed model.conf policy.csv
var files embed.FS

// Enforcer answers permission questions. It is safe for concurrent use.
type Enforcer struct {
	e *casbin.SyncedEnforcer

	mu        sync.RWMutex
	staffOnly map[string]bool   // objects no customer role may touch
	decided   map[decision]bool // Can's answers for the current policy
	version   uint64            // counts the policies loaded
}

// decision is one question to Can.
type decision struct {
	role     Role
	obj, act string
}

// New loads the policy from the casbin_rules table, first copying the
// embedded default policy into it when the table is empty.
func New(ctx context.Context, db bun.IDB) (*Enforcer, error) {
	if err := seedDefault(ctx, db); err != nil {
		return nil, err
	}
	m, err := loadModel()
	if err != nil {
		return nil, err
	}
	se, err := casbin.NewSyncedEnforcer(m, NewAdapter(db))
	if err != nil {
		return nil, fmt.Errorf("casbin enforcer: %w", err)
	}
	se.EnableAutoSave(true)
	e := &Enforcer{e: se}
	e.refresh()
	return e, nil
}

func loadModel() (model.Model, error) {
	text, err := files.ReadFile("model.conf")
	if err != nil {
		return nil, err
	}
	m, err := model.NewModelFromString(string(text))
	if err != nil {
		return nil, fmt.Errorf("casbin model: %w", err)
	}
	return m, nil
}

// DefaultRules returns the embedded default policy as (ptype, values) rows.
func DefaultRules() ([][]string, error) {
	text, err := files.ReadFile("policy.csv")
	if err != nil {
		return nil, err
	}
	var rows [][]string
	for n, line := range strings.Split(string(text), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		if len(parts) < 3 || (parts[0] != "p" && parts[0] != "g") {
			return nil, fmt.Errorf("policy.csv line %d: %q is not a p or g rule", n+1, line)
		}
		rows = append(rows, parts)
	}
	return rows, nil
}

func seedDefault(ctx context.Context, db bun.IDB) error {
	n, err := db.NewSelect().Model((*Rule)(nil)).Count(ctx)
	if err != nil {
		return fmt.Errorf("count casbin rules: %w", err)
	}
	if n > 0 {
		return nil
	}
	rows, err := DefaultRules()
	if err != nil {
		return err
	}
	rules := make([]*Rule, 0, len(rows))
	for _, row := range rows {
		r, err := newRule(row[0], row[1:])
		if err != nil {
			return err
		}
		rules = append(rules, r)
	}
	// Two instances starting together may both seed; the unique index
	// keeps one copy of each rule.
	if _, err := db.NewInsert().Model(&rules).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("seed casbin rules: %w", err)
	}
	return nil
}

// refresh recomputes the derived set of staff-only objects.
func (e *Enforcer) refresh() {
	customerObjs := map[string]bool{}
	all := map[string]bool{}
	policy, _ := e.e.GetPolicy()
	for _, p := range policy {
		all[p[1]] = true
	}
	for _, r := range CustomerRoles {
		perms, _ := e.e.GetImplicitPermissionsForUser(string(r))
		for _, p := range perms {
			customerObjs[p[1]] = true
		}
	}
	staffOnly := map[string]bool{}
	for obj := range all {
		if !customerObjs[obj] {
			staffOnly[obj] = true
		}
	}
	e.mu.Lock()
	e.staffOnly = staffOnly
	e.decided = map[decision]bool{}
	e.version++
	e.mu.Unlock()
}

// Can reports whether role may perform act on obj. An error of the engine
// denies. Answers are kept until the policy changes: a page asks the same
// few questions many times (the guard, the menu, the buttons), and the
// engine takes tens of microseconds for each.
func (e *Enforcer) Can(role Role, obj, act string) bool {
	d := decision{role, obj, act}
	e.mu.RLock()
	decided := e.decided
	ok, known := decided[d]
	e.mu.RUnlock()
	if known {
		return ok
	}
	ok, err := e.e.Enforce(string(role), obj, act)
	if err != nil {
		return false
	}
	e.mu.Lock()
	decided[d] = ok // the answers of the policy it was asked under; refresh starts a new map
	e.mu.Unlock()
	return ok
}

// Version changes whenever the policy does (a reload, a grant, a
// revocation), so that what is derived from the answers can be kept until
// then.
func (e *Enforcer) Version() uint64 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.version
}

// StaffOnly reports whether obj is a kind of resource that no customer role
// may touch (such as templates or the audit log). Customers are answered 404
// for these, as if they did not exist.
func (e *Enforcer) StaffOnly(obj string) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.staffOnly[obj]
}

// Grant adds a permission at run time and stores it.
func (e *Enforcer) Grant(role Role, obj, act string) error {
	if _, err := e.e.AddPolicy(string(role), obj, act); err != nil {
		return fmt.Errorf("grant %s %s %s: %w", role, obj, act, err)
	}
	e.refresh()
	return nil
}

// Revoke removes a permission at run time and from storage.
func (e *Enforcer) Revoke(role Role, obj, act string) error {
	if _, err := e.e.RemovePolicy(string(role), obj, act); err != nil {
		return fmt.Errorf("revoke %s %s %s: %w", role, obj, act, err)
	}
	e.refresh()
	return nil
}

// Reload reads the policy from the database again, picking up changes made
// by another instance.
func (e *Enforcer) Reload() error {
	if err := e.e.LoadPolicy(); err != nil {
		return fmt.Errorf("reload policy: %w", err)
	}
	e.refresh()
	return nil
}

// ReloadEvery reloads the policy periodically until ctx ends.
func (e *Enforcer) ReloadEvery(ctx context.Context, d time.Duration, onErr func(error)) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := e.Reload(); err != nil && onErr != nil {
				onErr(err)
			}
		}
	}
}
