package people

import (
	"context"
	"fmt"
	"strings"

	"backoffice/app/caller"
	"backoffice/app/db"
	"backoffice/app/event"
	"backoffice/app/org"
)

// Customers lists the customers the actor serves.
func (s *Service) Customers(ctx context.Context, a *caller.Caller, query, afterName string, afterID int64, limit int) (org.CustomerPage, error) {
	return s.store.ListCustomers(ctx, a.ProviderID, query, afterName, afterID, limit)
}

// CustomerChoices are the first limit customers the actor serves, by name,
// with id and name only (a form's or a filter's choices).
func (s *Service) CustomerChoices(ctx context.Context, a *caller.Caller, limit int) ([]*org.Organization, error) {
	return s.store.CustomerNames(ctx, a.ProviderID, limit)
}

// CustomerSummaries lists the customers the actor serves, as Customers
// does, with their rolled-up counts.
func (s *Service) CustomerSummaries(ctx context.Context, a *caller.Caller, query, afterName string, afterID int64, limit int) (CustomerSummaries, error) {
	page, err := s.Customers(ctx, a, query, afterName, afterID, limit)
	if err != nil {
		return CustomerSummaries{}, err
	}
	ids := make([]int64, len(page.Items))
	for i, o := range page.Items {
		ids[i] = o.ID
	}
	counts, err := s.counts.CountsOf(ctx, ids)
	if err != nil {
		return CustomerSummaries{}, err
	}
	out := CustomerSummaries{Items: make([]CustomerSummary, len(page.Items)), NextName: page.NextName, NextID: page.NextID}
	for i, o := range page.Items {
		out.Items[i] = CustomerSummary{Organization: o, Counts: counts[o.ID]}
	}
	return out, nil
}

// CustomerCounts are the rolled-up counts of a customer the actor serves.
func (s *Service) CustomerCounts(ctx context.Context, a *caller.Caller, id int64) (Counts, error) {
	if _, err := s.Customer(ctx, a, id); err != nil {
		return Counts{}, err
	}
	counts, err := s.counts.CountsOf(ctx, []int64{id})
	return counts[id], err
}

// Customer loads one customer the actor serves.
func (s *Service) Customer(ctx context.Context, a *caller.Caller, id int64) (*org.Organization, error) {
	return s.store.Customer(ctx, a.ProviderID, id)
}

// CreateCustomer adds a corporate customer served by the actor.
func (s *Service) CreateCustomer(ctx context.Context, a *caller.Caller, in org.CustomerInput) (*org.Organization, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p := a.ProviderID
	o := &org.Organization{Name: in.Name, ProviderID: &p, Address: in.Address, Phone: in.Phone, Notes: in.Notes}
	err := db.InTx(ctx, s.db, func(ctx context.Context) error {
		if err := s.store.CreateOrganization(ctx, o, in.EmailDomains); err != nil {
			return err
		}
		return s.events.Record(ctx, event.New("customer.created", a.User, a.IP).Subject("organization", o.ID).Customer(o.ID).Describe(o.Name))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// UpdateCustomer changes a customer's details and domains.
func (s *Service) UpdateCustomer(ctx context.Context, a *caller.Caller, id int64, in org.CustomerInput) (*org.Organization, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var o *org.Organization
	err := db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		var err error
		if o, err = st.Customer(ctx, a.ProviderID, id); err != nil {
			return err
		}
		o.Name, o.Address, o.Phone, o.Notes = in.Name, in.Address, in.Phone, in.Notes
		if err := st.UpdateCustomer(ctx, o, in.EmailDomains); err != nil {
			return err
		}
		return s.events.Record(ctx, event.New("customer.updated", a.User, a.IP).Subject("organization", o.ID).Customer(o.ID).Describe(o.Name+" ("+strings.Join(in.EmailDomains, ", ")+")"))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// DeleteCustomer deletes a customer with its users, invitations, sessions
// and tokens. An independent organization cannot be deleted by its former
// provider.
func (s *Service) DeleteCustomer(ctx context.Context, a *caller.Caller, id int64) error {
	return db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		o, err := st.Customer(ctx, a.ProviderID, id)
		if err != nil {
			return err
		}
		if o.Independent {
			return ErrIndependent
		}
		if err := st.DeleteOrganization(ctx, o.ID); err != nil {
			return err
		}
		return s.events.Record(ctx, event.New("customer.deleted", a.User, a.IP).Subject("organization", o.ID).Customer(o.ID).Describe(o.Name))
	})
}

// MakeIndependent turns a customer into an independent organization: from
// then on only its own administrators manage its users.
func (s *Service) MakeIndependent(ctx context.Context, a *caller.Caller, id int64) (*org.Organization, error) {
	var o *org.Organization
	err := db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		var err error
		if o, err = st.Customer(ctx, a.ProviderID, id); err != nil {
			return err
		}
		if o.Independent {
			return &alreadyIndependent
		}
		if err := st.SetIndependent(ctx, o.ID); err != nil {
			return err
		}
		if o, err = st.Customer(ctx, a.ProviderID, id); err != nil {
			return err
		}
		return s.events.Record(ctx, event.New("customer.independent", a.User, a.IP).Subject("organization", o.ID).Customer(o.ID).Describe(o.Name))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

var alreadyIndependent = deniedConflict("error.already_independent")

// EmailCheck tells a form whether an email is taken and which customer its
// domain proposes.
type EmailCheck struct {
	Taken    bool
	Customer *org.Organization
}

// CheckEmail reports whether email is in use and which of the actor's
// customers owns its domain.
func (s *Service) CheckEmail(ctx context.Context, a *caller.Caller, email string) (EmailCheck, error) {
	var res EmailCheck
	email = org.NormalizeEmail(email)
	var err error
	if res.Taken, err = s.store.EmailTaken(ctx, email); err != nil {
		return res, err
	}
	if a.ActsAsProvider() {
		if res.Customer, err = s.store.CustomerByDomain(ctx, a.ProviderID, email); err != nil {
			return res, fmt.Errorf("propose customer: %w", err)
		}
	}
	return res, nil
}

// Organization is the organization the actor's staff area serves: the
// provider of a staff member.
func (s *Service) Organization(ctx context.Context, a *caller.Caller) (*org.Organization, error) {
	return s.store.Organization(ctx, a.Organization.ScopeProviderID())
}

// UpdateOrganization changes the provider's own details: its name, email
// domains, and the phone and address the public page of a scanned code
// shows.
func (s *Service) UpdateOrganization(ctx context.Context, a *caller.Caller, in org.CustomerInput) (*org.Organization, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var o *org.Organization
	err := db.InTx(ctx, s.db, func(ctx context.Context) error {
		st := s.store
		var err error
		if o, err = st.Organization(ctx, a.Organization.ScopeProviderID()); err != nil {
			return err
		}
		o.Name, o.Address, o.Phone, o.Notes = in.Name, in.Address, in.Phone, in.Notes
		if err := st.UpdateCustomer(ctx, o, in.EmailDomains); err != nil {
			return err
		}
		return s.events.Record(ctx, event.New("organization.updated", a.User, a.IP).Subject("organization", o.ID).Describe(o.Name))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}
