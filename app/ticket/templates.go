package ticket

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/org"
)

// Template is a reply agents insert instead of typing it again.
type Template struct {
	bun.BaseModel `bun:"table:reply_templates,alias:rt"`

	ID         int64 `bun:",pk,autoincrement"`
	ProviderID int64
	Name       string
	Body       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TemplateInput is a template as a form or API body gives it.
type TemplateInput struct {
	Name string
	Body string
}

func (in *TemplateInput) check() error {
	in.Name, in.Body = strings.TrimSpace(in.Name), normalizeBody(in.Body)
	v := &apperr.ValidationError{}
	org.CheckText(v, "name", in.Name, true, 100)
	CheckBody(v, "body", in.Body)
	return v.Err()
}

// staffProvider is the provider staff u works for; customers get 404.
func staffProvider(u *caller.Caller) (int64, error) {
	if !u.IsStaff() {
		return 0, apperr.ErrNotFound
	}
	return u.Organization.ScopeProviderID(), nil
}

// Templates lists the provider's reply templates by name.
func (s *Service) Templates(ctx context.Context, u *caller.Caller) ([]*Template, error) {
	p, err := staffProvider(u)
	if err != nil {
		return nil, err
	}
	return s.store.Templates(ctx, p)
}

// Template loads one of the provider's templates.
func (s *Service) Template(ctx context.Context, u *caller.Caller, id int64) (*Template, error) {
	p, err := staffProvider(u)
	if err != nil {
		return nil, err
	}
	return s.store.Template(ctx, p, id)
}

// CreateTemplate adds a template.
func (s *Service) CreateTemplate(ctx context.Context, u *caller.Caller, in TemplateInput) (*Template, error) {
	p, err := staffProvider(u)
	if err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	t := &Template{ProviderID: p, Name: in.Name, Body: in.Body, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateTemplate(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateTemplate changes a template.
func (s *Service) UpdateTemplate(ctx context.Context, u *caller.Caller, id int64, in TemplateInput) (*Template, error) {
	t, err := s.Template(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	t.Name, t.Body, t.UpdatedAt = in.Name, in.Body, s.clock.Now()
	if err := s.store.UpdateTemplate(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteTemplate removes a template.
func (s *Service) DeleteTemplate(ctx context.Context, u *caller.Caller, id int64) error {
	t, err := s.Template(ctx, u, id)
	if err != nil {
		return err
	}
	return s.store.DeleteTemplate(ctx, t)
}
