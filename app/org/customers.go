package org

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/db"
)

// CustomerPage is one page of a provider's customers, ordered by name.
type CustomerPage struct {
	Items []*Organization
	// Next is the name and id to continue after; empty when this was the
	// last page.
	NextName string
	NextID   int64
}

// CustomerNames are the first limit customers of providerID by name, with
// their id and name only: the choices of a form or a filter.
func (s *Store) CustomerNames(ctx context.Context, providerID int64, limit int) ([]*Organization, error) {
	var out []*Organization
	if err := s.conn(ctx).NewSelect().Model(&out).Column("o.id", "o.name", "o.provider_id").Where("o.provider_id = ?", providerID).
		OrderExpr("o.name, o.id").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("customer names of provider %d: %w", providerID, err)
	}
	return out, nil
}

// ListCustomers returns the customers of provider providerID whose name or
// email domain contains query, ordered by name, after the keyset
// (afterName, afterID). The organizations_provider_name_idx index matches.
func (s *Store) ListCustomers(ctx context.Context, providerID int64, query, afterName string, afterID int64, limit int) (CustomerPage, error) {
	var page CustomerPage
	q := s.conn(ctx).NewSelect().Model(&page.Items).Relation("Domains").
		Where("o.provider_id = ?", providerID).
		OrderExpr("o.name, o.id").Limit(int64(limit + 1))
	if query = strings.ToLower(strings.TrimSpace(query)); query != "" {
		like := db.Containing(query)
		q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("lower(o.name) LIKE ? ESCAPE '\\'", like).
				WhereOr("EXISTS (SELECT 1 FROM organization_domains AS d WHERE d.organization_id = o.id AND d.domain LIKE ? ESCAPE '\\')", like)
		})
	}
	if afterID > 0 {
		q.Where("(o.name > ? OR (o.name = ? AND o.id > ?))", afterName, afterName, afterID)
	}
	if err := q.Scan(ctx); err != nil {
		return page, fmt.Errorf("list customers of provider %d: %w", providerID, err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.NextName, page.NextID = last.Name, last.ID
	}
	return page, nil
}

// Customer loads customer id of provider providerID; a customer of another
// provider, or none, is ErrNotFound.
func (s *Store) Customer(ctx context.Context, providerID, id int64) (*Organization, error) {
	o := new(Organization)
	err := s.conn(ctx).NewSelect().Model(o).Relation("Domains").
		Where("o.id = ?", id).Where("o.provider_id = ?", providerID).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("customer %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load customer %d: %w", id, err)
	}
	return o, nil
}

// LockOrganization takes a row lock on the organization for the rest of the
// transaction (PostgreSQL; SQLite has a single writer), so that checks such
// as "the last administrator" cannot race.
func (s *Store) LockOrganization(ctx context.Context, id int64) error {
	if !db.IsPostgres(s.conn(ctx)) {
		return nil
	}
	var got int64
	err := db.Lock(s.conn(ctx).NewSelect().Model((*Organization)(nil)).Column("id").Where("id = ?", id)).Scan(ctx, &got)
	if db.NoRows(err) {
		return fmt.Errorf("organization %d: %w", id, apperr.ErrNotFound)
	}
	return err
}

// UpdateCustomer saves the customer's details and replaces its domains.
func (s *Store) UpdateCustomer(ctx context.Context, o *Organization, domains []string) error {
	o.UpdatedAt = s.clock.Now()
	res, err := s.conn(ctx).NewUpdate().Model(o).Column("name", "address", "phone", "notes", "updated_at").
		WherePK().Exec(ctx)
	if err := affectedOne(res, err, "update customer %d", o.ID); err != nil {
		return err
	}
	if _, err := s.conn(ctx).NewDelete().Model((*Domain)(nil)).Where("organization_id = ?", o.ID).Exec(ctx); err != nil {
		return fmt.Errorf("clear domains of %d: %w", o.ID, err)
	}
	o.Domains = nil
	return s.addDomains(ctx, o, domains)
}

// DeleteOrganization deletes an organization; its domains, users,
// invitations and their sessions and tokens go with it (ON DELETE CASCADE).
func (s *Store) DeleteOrganization(ctx context.Context, id int64) error {
	res, err := s.conn(ctx).NewDelete().Model((*Organization)(nil)).Where("id = ?", id).Exec(ctx)
	return affectedOne(res, err, "delete organization %d", id)
}

// SetIndependent makes a customer independent.
func (s *Store) SetIndependent(ctx context.Context, id int64) error {
	now := s.clock.Now()
	res, err := s.conn(ctx).NewUpdate().Model((*Organization)(nil)).
		Set("independent = ?", true).Set("independent_at = ?", now).Set("updated_at = ?", now).
		Where("id = ?", id).Where("independent = ?", false).Exec(ctx)
	if err != nil {
		return fmt.Errorf("make organization %d independent: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("organization %d is already independent: %w", id, apperr.ErrConflict)
	}
	return nil
}

// CustomerByDomain finds the customer of provider providerID that owns the
// domain of email, if any.
func (s *Store) CustomerByDomain(ctx context.Context, providerID int64, email string) (*Organization, error) {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return nil, nil
	}
	o := new(Organization)
	err := s.conn(ctx).NewSelect().Model(o).
		Join("JOIN organization_domains AS d ON d.organization_id = o.id").
		Where("d.domain = ?", strings.ToLower(email[at+1:])).
		Where("o.provider_id = ?", providerID).Limit(1).Scan(ctx)
	if db.NoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("customer by domain: %w", err)
	}
	return o, nil
}

// DomainOwner returns the organization whose email domains hold the
// address email: the one with its domain or the nearest parent of it (b.test
// for anna@sales.b.test). It is 0 when no organization has one.
func (s *Store) DomainOwner(ctx context.Context, email string) (int64, error) {
	var names []string
	for d := email[strings.LastIndexByte(email, '@')+1:]; strings.Contains(d, "."); d = d[strings.IndexByte(d, '.')+1:] {
		names = append(names, strings.ToLower(d))
	}
	if len(names) == 0 {
		return 0, nil
	}
	var found []*Domain
	if err := s.conn(ctx).NewSelect().Model(&found).Where("d.domain IN (?)", bun.In(names)).Scan(ctx); err != nil {
		return 0, fmt.Errorf("owner of the domain of %q: %w", email, err)
	}
	var nearest *Domain
	for _, d := range found {
		if nearest == nil || len(d.Domain) > len(nearest.Domain) {
			nearest = d
		}
	}
	if nearest == nil {
		return 0, nil
	}
	return nearest.OrganizationID, nil
}

// EmailTaken reports whether a user already has email (case-insensitive).
func (s *Store) EmailTaken(ctx context.Context, email string) (bool, error) {
	ok, err := s.conn(ctx).NewSelect().Model((*User)(nil)).Where("lower(email) = ?", NormalizeEmail(email)).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("check email: %w", err)
	}
	return ok, nil
}
