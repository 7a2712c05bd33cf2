package rbac

import (
	"context"
	"fmt"
	"time"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/uptrace/bun"
)

// Rule is one row of the casbin_rules table.
type Rule struct {
	bun.BaseModel `bun:"table:casbin_rules"`

	ID        int64 `bun:",pk,autoincrement"`
	Ptype     string
	V0        string
	V1        string
	V2        string
	V3        string
	V4        string
	V5        string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (r *Rule) values() []string {
	vs := []string{r.V0, r.V1, r.V2, r.V3, r.V4, r.V5}
	n := len(vs)
	for n > 0 && vs[n-1] == "" {
		n--
	}
	return vs[:n]
}

func newRule(ptype string, values []string) (*Rule, error) {
	if len(values) > 6 {
		return nil, fmt.Errorf("casbin rule has %d values, at most 6 fit", len(values))
	}
	r := &Rule{Ptype: ptype}
	fields := []*string{&r.V0, &r.V1, &r.V2, &r.V3, &r.V4, &r.V5}
	for i, v := range values {
		*fields[i] = v
	}
	now := time.Now().UTC()
	r.CreatedAt, r.UpdatedAt = now, now
	return r, nil
}

// Adapter persists the Casbin policy in the casbin_rules table through bun.
// Casbin's adapter interface carries no context, so each call gets its own
// bounded one.
type Adapter struct {
	db      bun.IDB
	timeout time.Duration
}

var _ persist.Adapter = (*Adapter)(nil)

// NewAdapter returns an adapter on db.
func NewAdapter(db bun.IDB) *Adapter { return &Adapter{db: db, timeout: 10 * time.Second} }

func (a *Adapter) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), a.timeout)
}

// LoadPolicy loads every rule into m.
func (a *Adapter) LoadPolicy(m model.Model) error {
	ctx, cancel := a.ctx()
	defer cancel()
	var rules []Rule
	if err := a.db.NewSelect().Model(&rules).Order("id").Scan(ctx); err != nil {
		return fmt.Errorf("load casbin rules: %w", err)
	}
	for i := range rules {
		line := append([]string{rules[i].Ptype}, rules[i].values()...)
		if err := persist.LoadPolicyArray(line, m); err != nil {
			return fmt.Errorf("load casbin rule %d: %w", rules[i].ID, err)
		}
	}
	return nil
}

// SavePolicy replaces every stored rule with those of m, in one transaction.
func (a *Adapter) SavePolicy(m model.Model) error {
	ctx, cancel := a.ctx()
	defer cancel()
	var rules []*Rule
	for _, sec := range []string{"p", "g"} {
		for ptype, ast := range m[sec] {
			for _, values := range ast.Policy {
				r, err := newRule(ptype, values)
				if err != nil {
					return err
				}
				rules = append(rules, r)
			}
		}
	}
	return a.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*Rule)(nil)).Where("1 = 1").Exec(ctx); err != nil {
			return fmt.Errorf("clear casbin rules: %w", err)
		}
		if len(rules) == 0 {
			return nil
		}
		if _, err := tx.NewInsert().Model(&rules).Exec(ctx); err != nil {
			return fmt.Errorf("save casbin rules: %w", err)
		}
		return nil
	})
}

// AddPolicy stores one rule.
func (a *Adapter) AddPolicy(_ string, ptype string, values []string) error {
	ctx, cancel := a.ctx()
	defer cancel()
	r, err := newRule(ptype, values)
	if err != nil {
		return err
	}
	_, err = a.db.NewInsert().Model(r).Exec(ctx)
	return err
}

// RemovePolicy deletes one rule.
func (a *Adapter) RemovePolicy(_ string, ptype string, values []string) error {
	ctx, cancel := a.ctx()
	defer cancel()
	r, err := newRule(ptype, values)
	if err != nil {
		return err
	}
	_, err = a.db.NewDelete().Model((*Rule)(nil)).
		Where("ptype = ?", ptype).
		Where("v0 = ? AND v1 = ? AND v2 = ? AND v3 = ? AND v4 = ? AND v5 = ?", r.V0, r.V1, r.V2, r.V3, r.V4, r.V5).
		Exec(ctx)
	return err
}

// RemoveFilteredPolicy deletes the rules whose values from fieldIndex on
// match fieldValues; an empty value matches anything.
func (a *Adapter) RemoveFilteredPolicy(_ string, ptype string, fieldIndex int, fieldValues ...string) error {
	ctx, cancel := a.ctx()
	defer cancel()
	if fieldIndex < 0 || fieldIndex+len(fieldValues) > 6 {
		return fmt.Errorf("casbin filter out of range: index %d with %d values", fieldIndex, len(fieldValues))
	}
	q := a.db.NewDelete().Model((*Rule)(nil)).Where("ptype = ?", ptype)
	for i, v := range fieldValues {
		if v != "" {
			q = q.Where("? = ?", bun.Ident(fmt.Sprintf("v%d", fieldIndex+i)), v)
		}
	}
	_, err := q.Exec(ctx)
	return err
}
