// Package search is the global search of the header: one query asked of the
// lists a caller may open — tickets, devices and, for those who serve
// customers, customers and people — each through its domain's own list
// query with the caller, so a search finds exactly what those lists show and
// nothing else. It keeps no index and no scope rule of its own.
package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/device"
	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/app/ticket"
)

// Kind is a kind of record a search finds.
type Kind string

// The kinds, in the order results show them.
const (
	Tickets   Kind = "tickets"
	Devices   Kind = "devices"
	Customers Kind = "customers"
	People    Kind = "people"
)

// Kinds lists every kind in the order of the results.
var Kinds = []Kind{Tickets, Devices, Customers, People}

// MaxQuery is the longest search, in bytes, as the lists count it.
const MaxQuery = 200

// MaxLimit is the most records of one kind a search returns.
const MaxLimit = 50

// Query is one search.
type Query struct {
	Text string
	// Kinds are the kinds to look for: those whose lists the caller may
	// open (the web layer asks the route permissions). Customers and people
	// answer only callers who serve customers.
	Kinds []Kind
	Limit int // per kind, 1 to MaxLimit
	// PeopleAfter continues the people of an earlier page (their full list
	// is the search page of that kind).
	PeopleAfter *org.UserCursor
}

// Group is what a search found of one kind, at most the query's limit.
type Group struct {
	Kind      Kind
	Tickets   []*ticket.Ticket
	Devices   []*device.Device
	Customers []*org.Organization
	People    []*org.User
	// More reports that the kind's list holds more matches than these.
	More bool
	// PeopleNext continues the people after these (nil without more).
	PeopleNext *org.UserCursor
}

// Len is the number of records in g.
func (g *Group) Len() int {
	return len(g.Tickets) + len(g.Devices) + len(g.Customers) + len(g.People)
}

// Service asks the domains' list queries.
type Service struct {
	tickets *ticket.Service
	devices *device.Service
	people  *people.Service
}

// New returns a search over the given domains.
func New(t *ticket.Service, d *device.Service, p *people.Service) *Service {
	return &Service{tickets: t, devices: d, people: p}
}

// Clean is text as a search uses it: trimmed, and refused (a validation
// error at "q") when longer than MaxQuery or holding what no database takes
// (a NUL, broken UTF-8).
func Clean(text string) (string, error) {
	text = strings.TrimSpace(text)
	switch {
	case !utf8.ValidString(text) || strings.IndexByte(text, 0) >= 0:
		return "", apperr.Invalid("q", "error.invalid_chars")
	case len(text) > MaxQuery:
		v := &apperr.ValidationError{}
		v.Add("q", "error.too_long", map[string]any{"Max": MaxQuery})
		return "", v
	}
	return text, nil
}

// Search returns the groups of q's kinds that found something, in the order
// of Kinds. An empty text finds nothing.
func (s *Service) Search(ctx context.Context, u *caller.Caller, q Query) ([]*Group, error) {
	text, err := Clean(q.Text)
	if err != nil {
		return nil, err
	}
	if q.Limit < 1 || q.Limit > MaxLimit {
		v := &apperr.ValidationError{}
		v.Add("limit", "error.limit_range", map[string]any{"Max": MaxLimit})
		return nil, v
	}
	if text == "" {
		return nil, nil
	}
	var out []*Group
	for _, k := range Kinds {
		if !slices.Contains(q.Kinds, k) || ((k == Customers || k == People) && !u.ActsAsProvider()) {
			continue
		}
		g, err := s.find(ctx, u, k, text, q)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", k, err)
		}
		if g.Len() > 0 {
			out = append(out, g)
		}
	}
	return out, nil
}

// find asks the list of kind k.
func (s *Service) find(ctx context.Context, u *caller.Caller, k Kind, text string, q Query) (*Group, error) {
	g := &Group{Kind: k}
	switch k {
	case Tickets:
		page, err := s.tickets.List(ctx, u, ticket.Filter{Query: text}, "-updated_at", nil, q.Limit)
		if err != nil {
			return nil, err
		}
		g.Tickets, g.More = page.Items, page.Next != nil
	case Devices:
		page, err := s.devices.List(ctx, u, device.Filter{Query: text}, "name", nil, q.Limit)
		if err != nil {
			return nil, err
		}
		g.Devices, g.More = page.Items, page.Next != nil
	case Customers:
		page, err := s.people.Customers(ctx, u, text, "", 0, q.Limit)
		if err != nil {
			return nil, err
		}
		g.Customers, g.More = page.Items, page.NextID > 0
	case People:
		users, next, err := s.people.Users(ctx, u, people.UserQuery{Query: text}, q.PeopleAfter, q.Limit)
		if err != nil {
			return nil, err
		}
		g.People, g.More, g.PeopleNext = users, next != nil, next
	}
	return g, nil
}
