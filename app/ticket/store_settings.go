package ticket

import (
	"context"
	"fmt"

	"backoffice/app/apperr"
	"backoffice/app/db"
)

// The SQL of a provider's ticket settings: data fields, reply templates,
// standard field switches and ticket types. Every query takes the provider.

// Fields lists providerID's data fields in order; shownOnly keeps those
// shown in the back office.
func (s *Store) Fields(ctx context.Context, providerID int64, shownOnly bool) ([]*Field, error) {
	var out []*Field
	q := s.conn(ctx).NewSelect().Model(&out).Where("tf.provider_id = ?", providerID).OrderExpr("tf.position, tf.id")
	if shownOnly {
		q.Where("tf.shown = ?", true)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list data fields: %w", err)
	}
	return out, nil
}

// Field loads one data field of providerID.
func (s *Store) Field(ctx context.Context, providerID, id int64) (*Field, error) {
	f := new(Field)
	err := s.conn(ctx).NewSelect().Model(f).Where("tf.id = ?", id).Where("tf.provider_id = ?", providerID).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("field %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load field %d: %w", id, err)
	}
	return f, nil
}

// SaveField inserts f (ID 0) or saves its changes.
func (s *Store) SaveField(ctx context.Context, f *Field) error {
	var err error
	if f.ID == 0 {
		_, err = s.conn(ctx).NewInsert().Model(f).Exec(ctx)
	} else {
		_, err = s.conn(ctx).NewUpdate().Model(f).ExcludeColumn("created_at").WherePK().Exec(ctx)
	}
	if err != nil {
		return fmt.Errorf("save field: %w", err)
	}
	return nil
}

// DeleteField removes f.
func (s *Store) DeleteField(ctx context.Context, f *Field) error {
	if _, err := s.conn(ctx).NewDelete().Model(f).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("delete field %d: %w", f.ID, err)
	}
	return nil
}

// Templates lists providerID's reply templates by name.
func (s *Store) Templates(ctx context.Context, providerID int64) ([]*Template, error) {
	var out []*Template
	if err := s.conn(ctx).NewSelect().Model(&out).Where("rt.provider_id = ?", providerID).OrderExpr("rt.name, rt.id").Limit(500).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	return out, nil
}

// Template loads one of providerID's templates.
func (s *Store) Template(ctx context.Context, providerID, id int64) (*Template, error) {
	t := new(Template)
	err := s.conn(ctx).NewSelect().Model(t).Where("rt.id = ?", id).Where("rt.provider_id = ?", providerID).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("template %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load template %d: %w", id, err)
	}
	return t, nil
}

// CreateTemplate inserts t.
func (s *Store) CreateTemplate(ctx context.Context, t *Template) error {
	if _, err := s.conn(ctx).NewInsert().Model(t).Exec(ctx); err != nil {
		return fmt.Errorf("insert template: %w", err)
	}
	return nil
}

// UpdateTemplate saves t's name and body.
func (s *Store) UpdateTemplate(ctx context.Context, t *Template) error {
	if _, err := s.conn(ctx).NewUpdate().Model(t).Column("name", "body", "updated_at").WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("update template: %w", err)
	}
	return nil
}

// DeleteTemplate removes t.
func (s *Store) DeleteTemplate(ctx context.Context, t *Template) error {
	if _, err := s.conn(ctx).NewDelete().Model(t).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("delete template: %w", err)
	}
	return nil
}

// SaveStandardField stores the switches of a standard field, inserted or
// replaced.
func (s *Store) SaveStandardField(ctx context.Context, f *StandardField) error {
	_, err := s.conn(ctx).NewInsert().Model(f).
		On("CONFLICT (provider_id, name) DO UPDATE").
		Set("shown = EXCLUDED.shown, editable = EXCLUDED.editable, updated_at = EXCLUDED.updated_at").
		Returning("id").Exec(ctx)
	if err != nil {
		return fmt.Errorf("save standard field %s: %w", f.Name, err)
	}
	return nil
}

// materializeTypes stores the built-in types for a provider that has no
// list of its own yet, so that changes have rows to change, and returns
// the list locked for the transaction on PostgreSQL.
func (s *Store) materializeTypes(ctx context.Context, providerID int64) (TypeList, error) {
	conn := s.conn(ctx)
	var list TypeList
	q := conn.NewSelect().Model(&list).Where("tt.provider_id = ?", providerID).OrderExpr("tt.position, tt.id")
	db.Lock(q)
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("ticket types of provider %d: %w", providerID, err)
	}
	if len(list) > 0 {
		return list, nil
	}
	list = defaultTypes(providerID)
	now := s.clock.Now()
	for _, t := range list {
		t.CreatedAt, t.UpdatedAt = now, now
	}
	if _, err := conn.NewInsert().Model(&list).On("CONFLICT (provider_id, key) DO NOTHING").Exec(ctx); err != nil {
		return nil, fmt.Errorf("store the built-in ticket types: %w", err)
	}
	if err := conn.NewSelect().Model(&list).Where("tt.provider_id = ?", providerID).OrderExpr("tt.position, tt.id").Scan(ctx); err != nil {
		return nil, err
	}
	return list, nil
}

// addType inserts a provider's ticket type.
func (s *Store) addType(ctx context.Context, t *TypeDef) error {
	if _, err := s.conn(ctx).NewInsert().Model(t).Exec(ctx); err != nil {
		return fmt.Errorf("add ticket type %s: %w", t.Key, err)
	}
	return nil
}

// updateType saves a type's label and whether it is offered.
func (s *Store) updateType(ctx context.Context, t *TypeDef) error {
	if _, err := s.conn(ctx).NewUpdate().Model(t).Column("label", "active", "updated_at").WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("update ticket type %s: %w", t.Key, err)
	}
	return nil
}
