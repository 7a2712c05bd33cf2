package device

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/caller"
	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/event"
	"backoffice/app/org"
)

// Limits.
const (
	MaxBatch = 500 // codes per batch
)

// PIN attempt limits on the public scan page: per code and address, and per
// code from anywhere.
var (
	PINAddressLimit = auth.Limit{Max: 5, Window: 15 * time.Minute}
	PINCodeLimit    = auth.Limit{Max: 30, Window: 15 * time.Minute}
)

// Refusals.
var (
	ErrRetired = &apperr.Denied{Message: "error.code_retired", Conflict: true}
)

// Service applies the rules of devices and codes.
type Service struct {
	db       *bun.DB
	clock    clock.Clock
	store    *Store
	orgs     *org.Store
	hasher   *auth.Hasher
	throttle *auth.Throttle
	events   *event.Bus

	facetsMu sync.Mutex
	facets   map[Scope]facets // sites and categories per scope, briefly cached
}

// facets are the values the site and category filters offer.
type facets struct {
	sites, categories []string
	until             time.Time
}

// facetTTL bounds how long another instance's changes take to show in the
// filters; this instance forgets its cache on every change.
const facetTTL = 30 * time.Second

// New wires the service. It records its events on bus and keeps the
// rolled-up counts as a subscriber of them (one service per bus).
func New(db *bun.DB, c clock.Clock, h *auth.Hasher, bus *event.Bus) *Service {
	s := &Service{db: db, clock: c, store: NewStore(db, c), orgs: org.NewStore(db, c), hasher: h,
		throttle: auth.NewThrottle(db, c), events: bus}
	bus.Subscribe(s.count, EventDeviceCreated, EventDeviceUpdated, EventDeviceDeleted, EventDevicesImport)
	bus.Subscribe(s.countCustomers, EventDeviceCreated, EventDeviceUpdated, EventDeviceDeleted, EventDevicesImport)
	return s
}

// countCustomers keeps the rolled-up device count of each customer, in the
// transaction of the change: the event's customer is where the device is
// (after the change), "from_customer" where it was before an update; an
// import lists its "customers".
func (s *Service) countCustomers(ctx context.Context, e *event.Event) error {
	if n, ok := e.Fields["customers"].(map[int64]int); ok {
		for id, k := range n {
			if err := s.store.BumpCustomer(ctx, id, k); err != nil {
				return err
			}
		}
		return nil
	}
	var to, from int64
	if e.CustomerID != nil {
		to = *e.CustomerID
	}
	switch e.Type {
	case EventDeviceDeleted:
		from, to = to, 0
	case EventDeviceUpdated:
		from, _ = e.Fields["from_customer"].(int64)
	}
	if from == to {
		return nil
	}
	if err := s.store.BumpCustomer(ctx, from, -1); err != nil {
		return err
	}
	return s.store.BumpCustomer(ctx, to, 1)
}

// count keeps the rolled-up device counts per provider and status, in the
// transaction of the change: "to" counts a device in, "from" out, an import
// its "statuses".
func (s *Service) count(ctx context.Context, e *event.Event) error {
	if e.ProviderID == nil {
		return fmt.Errorf("%s event without provider", e.Type)
	}
	p := *e.ProviderID
	if n, ok := e.Fields["statuses"].(map[string]int); ok {
		for status, k := range n {
			if err := s.store.Bump(ctx, p, status, k); err != nil {
				return err
			}
		}
		return nil
	}
	from, _ := e.Fields["from"].(string)
	to, _ := e.Fields["to"].(string)
	if from == to {
		return nil
	}
	if from != "" {
		if err := s.store.Bump(ctx, p, from, -1); err != nil {
			return err
		}
	}
	if to != "" {
		return s.store.Bump(ctx, p, to, 1)
	}
	return nil
}

// Event types of devices and codes.
const (
	EventDeviceCreated  = "device.created"
	EventDeviceUpdated  = "device.updated" // data "fields": the changed ones
	EventDeviceDeleted  = "device.deleted"
	EventDevicesImport  = "device.imported"
	EventCodesCreated   = "code.created"
	EventCodeUpdated    = "code.updated" // data "changes": the history actions
	EventCodeRegenerate = "code.regenerated"
)

// deviceEvent starts an event of typ about d done by u.
func deviceEvent(typ string, u *caller.Caller, d *Device) *event.Event {
	e := event.By(typ, u).Subject("device", d.ID).Provider(d.ProviderID).Describe(d.Name)
	if d.CustomerID != nil {
		e.Customer(*d.CustomerID)
	}
	return e
}

// codeEvents records one event of typ for code c, listing the history
// actions it stands for.
func (s *Service) codeEvent(ctx context.Context, typ string, u *caller.Caller, c *Code, history []*Event) error {
	if len(history) == 0 {
		return nil
	}
	actions := make([]string, len(history))
	for i, h := range history {
		actions[i] = h.Action
	}
	e := event.By(typ, u).Subject("code", c.ID).Provider(c.ProviderID).Describe(c.Token).With("changes", actions)
	if c.DeviceID != nil {
		e.With("device_id", *c.DeviceID)
	}
	return s.events.Record(ctx, e)
}

// Store gives read access to the store (for tests and the demo data).
func (s *Service) Store() *Store { return s.store }

// ScopeOf is the set of devices u may see: a customer user's company's, a
// staff member's provider's.
func ScopeOf(u *caller.Caller) Scope {
	if u.IsStaff() {
		return Scope{ProviderID: u.Organization.ScopeProviderID()}
	}
	return Scope{CustomerID: u.OrganizationID}
}

// staffScope is the provider u works for; customers are answered 404.
func staffScope(u *caller.Caller) (int64, error) {
	if !u.IsStaff() {
		return 0, apperr.ErrNotFound
	}
	return u.Organization.ScopeProviderID(), nil
}

// inTx runs fn in a transaction; every change goes through here, so the
// cached filter values are dropped after it.
func (s *Service) inTx(ctx context.Context, fn func(ctx context.Context, st *Store) error) error {
	err := db.InTx(ctx, s.db, func(ctx context.Context) error { return fn(ctx, s.store) })
	s.forgetFacets()
	return err
}

func historyEvent(u *caller.Caller, d *Device, action, field, from, to string) *Event {
	e := &Event{Action: action, Field: field, FromValue: from, ToValue: to}
	if u != nil {
		id := u.ID
		e.ActorID, e.ActorName = &id, u.Name()
	}
	if d != nil {
		id := d.ID
		e.DeviceID, e.ProviderID = &id, d.ProviderID
	}
	return e
}

func codeEvent(u *caller.Caller, c *Code, deviceID *int64, action, from, to string) *Event {
	e := historyEvent(u, nil, action, "code", from, to)
	id := c.ID
	e.CodeID, e.ProviderID, e.DeviceID = &id, c.ProviderID, deviceID
	return e
}

// CheckFilter validates a list's filter and sort.
func CheckFilter(f Filter, sort string) error {
	v := &apperr.ValidationError{}
	if f.Status != "" && StatusRank(f.Status) < 0 {
		v.Add("status", "error.device_status", nil)
	}
	if sort != "" && !ValidSort(sort) {
		v.Add("sort", "error.sort_invalid", nil)
	}
	for _, p := range []struct{ name, value string }{{"q", f.Query}, {"site", f.Site}, {"category", f.Category}} {
		switch {
		case len(p.value) > 200:
			v.Add(p.name, "error.too_long", map[string]any{"Max": 200})
		case strings.IndexByte(p.value, 0) >= 0: // no database takes a NUL in text
			v.Add(p.name, "error.invalid_chars", nil)
		}
	}
	return v.Err()
}

// List returns a page of the devices u may see.
func (s *Service) List(ctx context.Context, u *caller.Caller, f Filter, sort string, after *Cursor, limit int) (Page, error) {
	if sort == "" {
		sort = "name"
	}
	if err := CheckFilter(f, sort); err != nil {
		return Page{}, err
	}
	if !u.IsStaff() {
		f.CustomerID = 0
	}
	return s.store.List(ctx, ScopeOf(u), f, sort, after, limit)
}

// Export returns up to max devices u may see matching f.
func (s *Service) Export(ctx context.Context, u *caller.Caller, f Filter, sort string, max int) ([]*Device, error) {
	if sort == "" {
		sort = "name"
	}
	if err := CheckFilter(f, sort); err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		f.CustomerID = 0
	}
	return s.store.AllInScope(ctx, ScopeOf(u), f, sort, max)
}

// Counts counts the devices u may see per status (ignoring f's status).
func (s *Service) Counts(ctx context.Context, u *caller.Caller, f Filter) (map[string]int, error) {
	if err := CheckFilter(f, ""); err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		f.CustomerID = 0
	} else if f == (Filter{Status: f.Status}) {
		// The whole fleet: from the rollup, not by counting it.
		return s.store.RolledUpCounts(ctx, u.Organization.ScopeProviderID())
	}
	return s.store.StatusCounts(ctx, ScopeOf(u), f)
}

// Facets lists the sites and categories u's devices use.
func (s *Service) Facets(ctx context.Context, u *caller.Caller) ([]string, []string, error) {
	sc, now := ScopeOf(u), s.clock.Now()
	s.facetsMu.Lock()
	f, ok := s.facets[sc]
	s.facetsMu.Unlock()
	if ok && now.Before(f.until) {
		return f.sites, f.categories, nil
	}
	sites, categories, err := s.store.Facets(ctx, sc)
	if err != nil {
		return nil, nil, err
	}
	s.facetsMu.Lock()
	if s.facets == nil || len(s.facets) > 10000 {
		s.facets = map[Scope]facets{}
	}
	s.facets[sc] = facets{sites: sites, categories: categories, until: now.Add(facetTTL)}
	s.facetsMu.Unlock()
	return sites, categories, nil
}

// forgetFacets drops the cached filter values after a change.
func (s *Service) forgetFacets() {
	s.facetsMu.Lock()
	s.facets = nil
	s.facetsMu.Unlock()
}

// Device loads a device u may see; any other is ErrNotFound.
func (s *Service) Device(ctx context.Context, u *caller.Caller, id int64) (*Device, error) {
	return s.store.Device(ctx, ScopeOf(u), id)
}

// checkCustomer makes sure a device's customer is one of the provider's.
func (s *Service) checkCustomer(ctx context.Context, providerID, customerID int64) error {
	if customerID == 0 {
		return nil
	}
	if _, err := s.orgs.Customer(ctx, providerID, customerID); err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			return apperr.Invalid("customer_id", "error.customer_unknown")
		}
		return err
	}
	return nil
}

// Create registers a device of u's provider with a fresh QR code.
func (s *Service) Create(ctx context.Context, u *caller.Caller, in Input) (*Device, error) {
	providerID, err := staffScope(u)
	if err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkCustomer(ctx, providerID, in.CustomerID); err != nil {
		return nil, err
	}
	d := &Device{ProviderID: providerID, Status: in.Status}
	in.apply(d)
	// Loaded back in the transaction: once it commits, the answer needs the
	// database no more (a create answering an error after its commit is
	// retried, and duplicated, by its client).
	var created *Device
	err = s.inTx(ctx, func(ctx context.Context, st *Store) error {
		if err := st.Create(ctx, d); err != nil {
			return err
		}
		codes, err := st.CreateCodes(ctx, providerID, 1, &d.ID)
		if err != nil {
			return err
		}
		d.Code = codes[0]
		if err := st.Record(ctx, historyEvent(u, d, ActionCreated, "", "", d.Name),
			codeEvent(u, d.Code, &d.ID, ActionPaired, "", d.Code.Token)); err != nil {
			return err
		}
		if created, err = st.Device(ctx, Scope{ProviderID: providerID}, d.ID); err != nil {
			return err
		}
		return s.events.Record(ctx, deviceEvent(EventDeviceCreated, u, created).With("code", d.Code.Token).With("to", created.Status))
	})
	if err != nil {
		return nil, err
	}
	return created, nil
}

// CustomerFields are what customers' moderators and administrators may
// change; staff change every field.
var CustomerFields = []string{"name", "site", "location", "notes", "status"}

// Update changes device id. Staff change every field of in; customer users
// (moderators and administrators) only CustomerFields, the rest of in is
// ignored. Every change is recorded.
func (s *Service) Update(ctx context.Context, u *caller.Caller, id int64, in Input) (*Device, error) {
	sc := ScopeOf(u)
	var d *Device
	err := s.inTx(ctx, func(ctx context.Context, st *Store) error {
		var err error
		if d, err = st.Device(ctx, sc, id); err != nil {
			return err
		}
		before := InputOf(d)
		if !u.IsStaff() {
			keep := before
			keep.Name, keep.Site, keep.Location, keep.Notes, keep.Status = in.Name, in.Site, in.Location, in.Notes, in.Status
			in = keep
		}
		in.Normalize()
		if err := in.Validate(); err != nil {
			return err
		}
		if u.IsStaff() && in.CustomerID != before.CustomerID {
			if err := s.checkCustomer(ctx, d.ProviderID, in.CustomerID); err != nil {
				return err
			}
		}
		events := s.diff(ctx, u, d, before, in)
		if len(events) == 0 {
			return nil
		}
		in.apply(d)
		cols := []string{"customer_id", "name", "serial_number", "manufacturer", "model", "category", "site", "location",
			"installed_on", "warranty_until", "last_service_on", "next_service_due", "notes"}
		if in.Status != before.Status {
			d.Status, d.StatusChangedAt = in.Status, s.clock.Now()
			cols = append(cols, "status", "status_changed_at")
		}
		if err := st.Update(ctx, d, cols...); err != nil {
			return err
		}
		if err := st.Record(ctx, events...); err != nil {
			return err
		}
		fields := make([]string, len(events))
		for i, e := range events {
			fields[i] = e.Field
		}
		return s.events.Record(ctx, deviceEvent(EventDeviceUpdated, u, d).With("fields", fields).
			With("from", before.Status).With("to", d.Status).With("from_customer", before.CustomerID))
	})
	if err != nil {
		return nil, err
	}
	return s.store.Device(ctx, sc, id)
}

// diff lists the recorded changes from before to after.
func (s *Service) diff(ctx context.Context, u *caller.Caller, d *Device, before, after Input) []*Event {
	var out []*Event
	pairs := []struct{ field, from, to string }{
		{"name", before.Name, after.Name}, {"serial_number", before.SerialNumber, after.SerialNumber},
		{"manufacturer", before.Manufacturer, after.Manufacturer}, {"model", before.Model, after.Model},
		{"category", before.Category, after.Category}, {"site", before.Site, after.Site},
		{"location", before.Location, after.Location}, {"installed_on", before.InstalledOn, after.InstalledOn},
		{"warranty_until", before.WarrantyUntil, after.WarrantyUntil}, {"last_service_on", before.LastServiceOn, after.LastServiceOn},
		{"next_service_due", before.NextServiceDue, after.NextServiceDue}, {"notes", before.Notes, after.Notes},
	}
	for _, p := range pairs {
		if p.from != p.to {
			out = append(out, historyEvent(u, d, ActionUpdated, p.field, p.from, p.to))
		}
	}
	if before.Status != after.Status {
		out = append(out, historyEvent(u, d, ActionStatus, "status", before.Status, after.Status))
	}
	if before.CustomerID != after.CustomerID {
		out = append(out, historyEvent(u, d, ActionAssigned, "customer", s.customerName(ctx, before.CustomerID), s.customerName(ctx, after.CustomerID)))
	}
	return out
}

func (s *Service) customerName(ctx context.Context, id int64) string {
	if id == 0 {
		return ""
	}
	o, err := s.orgs.Organization(ctx, id)
	if err != nil {
		return fmt.Sprint("#", id)
	}
	return o.Name
}

// SetStatus changes only the status of device id.
func (s *Service) SetStatus(ctx context.Context, u *caller.Caller, id int64, status string) (*Device, error) {
	d, err := s.Device(ctx, u, id)
	if err != nil {
		return nil, err
	}
	in := InputOf(d)
	in.Status = status
	return s.Update(ctx, u, id, in)
}

// Delete removes a device of u's provider; its codes go back to stock
// unpaired, its history goes with it.
func (s *Service) Delete(ctx context.Context, u *caller.Caller, id int64) error {
	providerID, err := staffScope(u)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, st *Store) error {
		d, err := st.Device(ctx, Scope{ProviderID: providerID}, id)
		if err != nil {
			return err
		}
		if d.Code != nil {
			if err := st.Record(ctx, codeEvent(u, d.Code, nil, ActionUnpaired, d.Name, "")); err != nil {
				return err
			}
		}
		if err := st.Delete(ctx, providerID, id); err != nil {
			return err
		}
		return s.events.Record(ctx, deviceEvent(EventDeviceDeleted, u, d).With("from", d.Status))
	})
}

// Regenerate gives device id a new code; the old one is retired and stops
// resolving at once.
func (s *Service) Regenerate(ctx context.Context, u *caller.Caller, id int64) (*Code, error) {
	providerID, err := staffScope(u)
	if err != nil {
		return nil, err
	}
	var code *Code
	err = s.inTx(ctx, func(ctx context.Context, st *Store) error {
		d, err := st.Device(ctx, Scope{ProviderID: providerID}, id)
		if err != nil {
			return err
		}
		old := ""
		if d.Code != nil {
			old = d.Code.Token
			if err := s.retire(ctx, st, d.Code); err != nil {
				return err
			}
		}
		codes, err := st.CreateCodes(ctx, providerID, 1, &d.ID)
		if err != nil {
			return err
		}
		code = codes[0]
		h := codeEvent(u, code, &d.ID, ActionRegenerated, old, code.Token)
		if err := st.Record(ctx, h); err != nil {
			return err
		}
		return s.codeEvent(ctx, EventCodeRegenerate, u, code, []*Event{h})
	})
	return code, err
}

func (s *Service) retire(ctx context.Context, st *Store, c *Code) error {
	now := s.clock.Now()
	c.RetiredAt, c.Active = &now, false
	return st.UpdateCode(ctx, c, "retired_at", "active")
}

// CreateCodes makes a batch of n unpaired codes for u's provider, to print
// in advance and pair later.
func (s *Service) CreateCodes(ctx context.Context, u *caller.Caller, n int) ([]*Code, error) {
	providerID, err := staffScope(u)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > MaxBatch {
		return nil, &apperr.ValidationError{Fields: []apperr.FieldError{{Field: "count", Message: "error.count_range",
			Data: map[string]any{"Max": MaxBatch}}}}
	}
	var codes []*Code
	err = s.inTx(ctx, func(ctx context.Context, st *Store) error {
		var err error
		if codes, err = st.CreateCodes(ctx, providerID, n, nil); err != nil {
			return err
		}
		events := make([]*Event, len(codes))
		for i, c := range codes {
			events[i] = codeEvent(u, c, nil, ActionCodeCreated, "", c.Token)
		}
		if err := st.Record(ctx, events...); err != nil {
			return err
		}
		return s.events.Record(ctx, event.By(EventCodesCreated, u).Provider(providerID).With("count", len(codes)).
			Describe(fmt.Sprintf("%d codes", len(codes))))
	})
	return codes, err
}

// Codes lists u's provider's codes.
func (s *Service) Codes(ctx context.Context, u *caller.Caller, f CodeFilter, before int64, limit int) ([]*Code, bool, error) {
	providerID, err := staffScope(u)
	if err != nil {
		return nil, false, err
	}
	switch f.State {
	case "", "unpaired", "paired", "disabled", "retired":
	default:
		return nil, false, apperr.Invalid("state", "error.code_state")
	}
	return s.store.ListCodes(ctx, providerID, f, before, limit)
}

// Code loads a code of u's provider.
func (s *Service) Code(ctx context.Context, u *caller.Caller, id int64) (*Code, error) {
	providerID, err := staffScope(u)
	if err != nil {
		return nil, err
	}
	return s.store.Code(ctx, providerID, id)
}

// CodeChange is a change of a code; nil fields stay as they are.
type CodeChange struct {
	Active *bool
	PIN    *string // "" removes the PIN
	// Pair is set to change the pairing: DeviceID 0 unpairs.
	Pair     bool
	DeviceID int64
}

// UpdateCode applies a change to code id of u's provider.
func (s *Service) UpdateCode(ctx context.Context, u *caller.Caller, id int64, ch CodeChange) (*Code, error) {
	providerID, err := staffScope(u)
	if err != nil {
		return nil, err
	}
	v := &apperr.ValidationError{}
	if ch.PIN != nil && *ch.PIN != "" {
		CheckPIN(v, "pin", *ch.PIN)
	}
	if ch.Pair && ch.DeviceID < 0 {
		v.Add("device_id", "error.device_unknown", nil)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var pinHash string
	if ch.PIN != nil && *ch.PIN != "" {
		if pinHash, err = s.hasher.Hash(ctx, *ch.PIN); err != nil {
			return nil, err
		}
	}
	err = s.inTx(ctx, func(ctx context.Context, st *Store) error {
		c, err := st.Code(ctx, providerID, id)
		if err != nil {
			return err
		}
		if c.RetiredAt != nil {
			return ErrRetired
		}
		var events []*Event
		if ch.Active != nil && *ch.Active != c.Active {
			c.Active = *ch.Active
			action := ActionDisabled
			if c.Active {
				action = ActionEnabled
			}
			events = append(events, codeEvent(u, c, c.DeviceID, action, "", ""))
			if err := st.UpdateCode(ctx, c, "active"); err != nil {
				return err
			}
		}
		if ch.PIN != nil {
			action := ActionPINSet
			if *ch.PIN == "" {
				action = ActionPINCleared
			}
			if *ch.PIN != "" || c.PINHash != "" {
				c.PINHash = pinHash
				events = append(events, codeEvent(u, c, c.DeviceID, action, "", ""))
				if err := st.UpdateCode(ctx, c, "pin_hash"); err != nil {
					return err
				}
			}
		}
		if ch.Pair {
			evs, err := s.pair(ctx, st, u, providerID, c, ch.DeviceID)
			if err != nil {
				return err
			}
			events = append(events, evs...)
		}
		if err := st.Record(ctx, events...); err != nil {
			return err
		}
		return s.codeEvent(ctx, EventCodeUpdated, u, c, events)
	})
	if err != nil {
		return nil, err
	}
	return s.store.Code(ctx, providerID, id)
}

// pair pairs c with device deviceID (0: unpairs it). A code the device had
// before is retired: its label belongs to that device alone.
func (s *Service) pair(ctx context.Context, st *Store, u *caller.Caller, providerID int64, c *Code, deviceID int64) ([]*Event, error) {
	var events []*Event
	if c.DeviceID != nil && *c.DeviceID == deviceID {
		return nil, nil
	}
	if c.DeviceID != nil {
		events = append(events, codeEvent(u, c, c.DeviceID, ActionUnpaired, c.Token, ""))
	}
	if deviceID == 0 {
		c.DeviceID, c.PairedAt = nil, nil
		return events, st.UpdateCode(ctx, c, "device_id", "paired_at")
	}
	d, err := st.Device(ctx, Scope{ProviderID: providerID}, deviceID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, apperr.Invalid("device_id", "error.device_unknown")
	}
	if err != nil {
		return nil, err
	}
	if d.Code != nil {
		events = append(events, codeEvent(u, d.Code, &d.ID, ActionRegenerated, d.Code.Token, c.Token))
		if err := s.retire(ctx, st, d.Code); err != nil {
			return nil, err
		}
	}
	now := s.clock.Now()
	c.DeviceID, c.PairedAt = &d.ID, &now
	events = append(events, codeEvent(u, c, &d.ID, ActionPaired, "", c.Token))
	return events, st.UpdateCode(ctx, c, "device_id", "paired_at")
}

// Scan resolves a scanned or typed code for the public page (a new-style
// code in any case, with spaces or dashes; an older one exactly). Unknown
// and retired codes are ErrNotFound.
func (s *Service) Scan(ctx context.Context, token string) (*Code, error) {
	c, err := s.store.CodeByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if c.RetiredAt != nil {
		return nil, fmt.Errorf("code retired: %w", apperr.ErrNotFound)
	}
	return c, nil
}

// CheckPIN verifies a PIN typed on the public page of code c, limited per
// code and address and per code. Each attempt is counted before the PIN is
// verified, so parallel guesses get no further than the limits.
func (s *Service) CheckPIN(ctx context.Context, c *Code, pin, ip string) error {
	perAddress := fmt.Sprintf("pin:%d:%s", c.ID, ip)
	perCode := fmt.Sprintf("pin:%d", c.ID)
	if err := s.throttle.Reserve(ctx, perAddress, PINAddressLimit); err != nil {
		return err
	}
	if err := s.throttle.Reserve(ctx, perCode, PINCodeLimit); err != nil {
		return errors.Join(err, s.throttle.Release(ctx, perAddress))
	}
	ok := false
	if len(pin) <= 8 && c.PINHash != "" {
		var err error
		if ok, _, err = s.hasher.Verify(ctx, pin, c.PINHash); err != nil {
			return err
		}
	}
	if !ok {
		return apperr.Invalid("pin", "error.pin_wrong")
	}
	// A success gives back its own attempt only, so a burst of guesses is
	// evaluated no further than the limit even when the PIN is among it.
	return errors.Join(s.throttle.Release(ctx, perCode), s.throttle.Release(ctx, perAddress))
}

// History returns the history of a device u may see, newest first, before
// the recorded event before (0: from the newest). The entries derived from
// the device's dates (installed, serviced, status since) stand among the
// recorded ones where their time falls, each on exactly one page; when more
// is true the last entry is a recorded one, the cursor of the next page.
func (s *Service) History(ctx context.Context, u *caller.Caller, id, before int64, limit int) ([]*Event, bool, error) {
	d, err := s.Device(ctx, u, id)
	if err != nil {
		return nil, false, err
	}
	events, more, err := s.store.History(ctx, id, before, limit)
	if err != nil {
		return nil, false, err
	}
	derived := DerivedHistory(d)
	if before > 0 {
		upper, ok, err := s.store.historyTime(ctx, id, before)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			return events, more, nil
		}
		// Those at or after the previous page's last entry stood on it.
		derived = slices.DeleteFunc(derived, func(e *Event) bool { return !e.CreatedAt.Before(upper) })
	}
	if more {
		lower := events[len(events)-1].CreatedAt
		derived = slices.DeleteFunc(derived, func(e *Event) bool { return e.CreatedAt.Before(lower) })
	}
	return mergeHistory(events, derived), more, nil
}

// DerivedHistory are the history entries d's own dates stand for, newest
// first: the last service, the current status when it predates the record
// (imported or demo data), the installation.
func DerivedHistory(d *Device) []*Event {
	var out []*Event
	add := func(action string, at time.Time, to string) {
		id := d.ID
		out = append(out, &Event{ProviderID: d.ProviderID, DeviceID: &id, Action: action, ToValue: to,
			CreatedAt: at, UpdatedAt: at, Derived: true})
	}
	if d.LastServiceOn != nil {
		add(ActionServiced, d.LastServiceOn.Time(), d.LastServiceOn.String())
	}
	if !d.StatusChangedAt.IsZero() && d.StatusChangedAt.Before(d.CreatedAt) {
		add(ActionStatusSince, d.StatusChangedAt, d.Status)
	}
	if d.InstalledOn != nil {
		add(ActionInstalled, d.InstalledOn.Time(), d.InstalledOn.String())
	}
	slices.SortStableFunc(out, func(a, b *Event) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out
}

// mergeHistory puts derived entries (newest first) among the recorded ones
// (newest first), a derived entry before a recorded one of the same time.
func mergeHistory(recorded, derived []*Event) []*Event {
	if len(derived) == 0 {
		return recorded
	}
	out := make([]*Event, 0, len(recorded)+len(derived))
	i := 0
	for _, r := range recorded {
		for i < len(derived) && !derived[i].CreatedAt.Before(r.CreatedAt) {
			out = append(out, derived[i])
			i++
		}
		out = append(out, r)
	}
	return append(out, derived[i:]...)
}
