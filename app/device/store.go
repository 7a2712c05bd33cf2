package device

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/keyset"
	"backoffice/app/org"
)

// Scope is the set of devices a caller may see: those of a provider, or
// those placed with one customer.
type Scope struct {
	ProviderID int64 // staff: the provider whose devices these are
	CustomerID int64 // customer users: their company; 0 for staff
}

func (sc Scope) apply(q *bun.SelectQuery) *bun.SelectQuery {
	if sc.CustomerID != 0 {
		return q.Where("dv.customer_id = ?", sc.CustomerID)
	}
	return q.Where("dv.provider_id = ?", sc.ProviderID)
}

// Store holds every SQL statement of devices, codes and their history.
type Store struct {
	db    bun.IDB
	clock clock.Clock
}

// NewStore returns a store on db.
func NewStore(db bun.IDB, c clock.Clock) *Store { return &Store{db: db, clock: c} }

// conn is the connection of one call: the transaction of ctx, if any.
func (s *Store) conn(ctx context.Context) bun.IDB { return db.Conn(ctx, s.db) }

var errSerialTaken = &apperr.Conflict{Field: "serial_number", Message: "error.serial_taken"}

var errDeviceHasCode = &apperr.Conflict{Field: "device_id", Message: "error.device_has_code"}

// Create inserts a device. The rolled-up counts follow from its
// device.created event.
func (s *Store) Create(ctx context.Context, d *Device) error {
	now := s.clock.Now()
	d.CreatedAt, d.UpdatedAt = now, now
	if d.StatusChangedAt.IsZero() {
		d.StatusChangedAt = now
	}
	d.StatusRank = StatusRank(d.Status)
	if _, err := s.conn(ctx).NewInsert().Model(d).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return errSerialTaken
		}
		return fmt.Errorf("insert device: %w", err)
	}
	return nil
}

// Bump adds delta to the rolled-up count of the provider's devices in
// status. Call it in the transaction of the change.
func (s *Store) Bump(ctx context.Context, providerID int64, status string, delta int) error {
	if delta == 0 {
		return nil
	}
	now := s.clock.Now()
	_, err := s.conn(ctx).NewRaw(`INSERT INTO device_status_counts (provider_id, status, n, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (provider_id, status) DO UPDATE SET n = device_status_counts.n + EXCLUDED.n, updated_at = EXCLUDED.updated_at`,
		providerID, status, delta, now, now).Exec(ctx)
	if err != nil {
		return fmt.Errorf("count devices of provider %d: %w", providerID, err)
	}
	return nil
}

// BumpCustomer adds delta to the rolled-up count of the devices placed with
// customer customerID (0: none, in stock, is not counted). Call it in the
// transaction of the change.
func (s *Store) BumpCustomer(ctx context.Context, customerID int64, delta int) error {
	return org.NewStore(s.db, s.clock).BumpCustomerCount(ctx, customerID, org.CountDevices, delta)
}

// RolledUpCounts are the provider's devices per status, from the rollup.
func (s *Store) RolledUpCounts(ctx context.Context, providerID int64) (map[string]int, error) {
	var rows []struct {
		Status string
		N      int
	}
	if err := s.conn(ctx).NewRaw("SELECT status, n FROM device_status_counts WHERE provider_id = ?", providerID).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("device counts of provider %d: %w", providerID, err)
	}
	out := map[string]int{}
	for _, r := range rows {
		if r.N != 0 {
			out[r.Status] = r.N
		}
	}
	return out, nil
}

// Device loads device id within scope, with its customer and current code;
// a device outside the scope is ErrNotFound.
func (s *Store) Device(ctx context.Context, sc Scope, id int64) (*Device, error) {
	d := new(Device)
	err := sc.apply(s.conn(ctx).NewSelect().Model(d).Relation("Customer")).Where("dv.id = ?", id).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("device %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load device %d: %w", id, err)
	}
	if err := s.attachCodes(ctx, []*Device{d}); err != nil {
		return nil, err
	}
	return d, nil
}

// bySerial loads the device in scope (of customer customerID when it is not
// 0) whose serial number is serial, ignoring case; none is ErrNotFound.
func (s *Store) bySerial(ctx context.Context, sc Scope, customerID int64, serial string) (*Device, error) {
	d := new(Device)
	q := sc.apply(s.conn(ctx).NewSelect().Model(d).Relation("Customer")).Where("lower(dv.serial_number) = ?", strings.ToLower(serial))
	if customerID != 0 {
		q.Where("dv.customer_id = ?", customerID)
	}
	err := q.Limit(1).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("device with serial %q: %w", serial, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load device by serial: %w", err)
	}
	return d, nil
}

// attachCodes loads the current code of each device in one query.
func (s *Store) attachCodes(ctx context.Context, devices []*Device) error {
	if len(devices) == 0 {
		return nil
	}
	ids := make([]int64, len(devices))
	byID := make(map[int64]*Device, len(devices))
	for i, d := range devices {
		ids[i], byID[d.ID] = d.ID, d
	}
	var codes []*Code
	if err := s.conn(ctx).NewSelect().Model(&codes).Where("cd.device_id IN (?)", bun.In(ids)).
		Where("cd.retired_at IS NULL").Scan(ctx); err != nil {
		return fmt.Errorf("load codes of devices: %w", err)
	}
	for _, c := range codes {
		byID[*c.DeviceID].Code = c
	}
	return nil
}

// Update saves the given columns of d (updated_at always).
func (s *Store) Update(ctx context.Context, d *Device, columns ...string) error {
	d.UpdatedAt = s.clock.Now()
	d.StatusRank = StatusRank(d.Status)
	res, err := s.conn(ctx).NewUpdate().Model(d).Column(append(columns, "status_rank", "updated_at")...).WherePK().Exec(ctx)
	if err != nil && db.IsUniqueViolation(err) {
		return errSerialTaken
	}
	if err != nil {
		return fmt.Errorf("update device %d: %w", d.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update device %d: %w", d.ID, apperr.ErrNotFound)
	}
	return nil
}

// Delete deletes a device of provider providerID; its history goes with it,
// its codes become unpaired (ON DELETE SET NULL).
func (s *Store) Delete(ctx context.Context, providerID, id int64) error {
	if _, err := s.conn(ctx).NewUpdate().Model((*Code)(nil)).Set("device_id = NULL").Set("paired_at = NULL").
		Set("updated_at = ?", s.clock.Now()).Where("device_id = ?", id).Where("retired_at IS NULL").Exec(ctx); err != nil {
		return fmt.Errorf("unpair codes of device %d: %w", id, err)
	}
	res, err := s.conn(ctx).NewDelete().Model((*Device)(nil)).Where("id = ?", id).Where("provider_id = ?", providerID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("delete device %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("delete device %d: %w", id, apperr.ErrNotFound)
	}
	return nil // the rolled-up counts follow from the device.deleted event
}

// SerialTaken reports whether another device of the provider has serial
// (compared case-insensitively).
func (s *Store) SerialTaken(ctx context.Context, providerID int64, serial string, exceptID int64) (bool, error) {
	ok, err := s.conn(ctx).NewSelect().Model((*Device)(nil)).Where("provider_id = ?", providerID).
		Where("lower(serial_number) = ?", strings.ToLower(serial)).Where("id <> ?", exceptID).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("check serial: %w", err)
	}
	return ok, nil
}

// Cursor is a keyset position in a sorted device list: the sort key of the
// last row (as text) and its id.
type Cursor = keyset.Cursor

// Page is one page of devices.
type Page = keyset.Page[*Device]

func deviceID(d *Device) int64 { return d.ID }

// noDue sorts devices without a next service after every date.
const noDue = "9999-12-31"

var sortSpecs = keyset.Sorts[*Device]{
	"name": {Expr: "dv.name", Key: func(d *Device) string { return d.Name },
		Arg: func(s string) (any, error) { return s, nil }},
	"status": {Expr: "dv.status_rank", Key: func(d *Device) string { return strconv.Itoa(d.StatusRank) },
		Arg: func(s string) (any, error) { return strconv.Atoi(s) }},
	"status_changed_at": {Expr: "dv.status_changed_at",
		Key: func(d *Device) string { return d.StatusChangedAt.UTC().Format(time.RFC3339Nano) },
		Arg: func(s string) (any, error) { return time.Parse(time.RFC3339Nano, s) }},
	"next_service_due": {Expr: "COALESCE(dv.next_service_due, '" + noDue + "')",
		Key: func(d *Device) string {
			if d.NextServiceDue == nil {
				return noDue
			}
			return d.NextServiceDue.String()
		},
		Arg: func(s string) (any, error) { _, err := ParseDate(s); return s, err }},
}

// filter adds f's conditions (the status one unless withStatus is false).
func (s *Store) filter(q *bun.SelectQuery, f Filter, today Date, withStatus bool) *bun.SelectQuery {
	if f.CustomerID != 0 {
		q.Where("dv.customer_id = ?", f.CustomerID)
	}
	if withStatus && f.Status != "" {
		q.Where("dv.status = ?", f.Status)
	}
	if f.Site != "" {
		q.Where("dv.site = ?", f.Site)
	}
	if f.Category != "" {
		q.Where("dv.category = ?", f.Category)
	}
	if query := strings.TrimSpace(f.Query); query != "" {
		cond, args := searchCond(db.IsPostgres(s.db), query)
		q.Where(cond, args...)
	}
	if f.DueWithin > 0 {
		q.Where("dv.next_service_due IS NOT NULL").Where("dv.next_service_due <= ?", today.AddDays(f.DueWithin).String())
	}
	return q
}

// List returns one page of the devices in scope that match f, in order
// sort ("name", "-status", …), after cursor (nil: from the start). The
// devices_*_idx indexes match each order.
func (s *Store) List(ctx context.Context, sc Scope, f Filter, sort string, after *Cursor, limit int) (Page, error) {
	var page Page
	if !sortSpecs.Valid(sort) {
		return page, apperr.Invalid("sort", "error.sort_invalid")
	}
	q := sc.apply(s.conn(ctx).NewSelect().Model(&page.Items).Relation("Customer"))
	s.filter(q, f, DateOf(s.clock.Now()), true)
	if err := sortSpecs.Fetch(ctx, q, &page, sort, "dv.id", deviceID, after, limit); err != nil {
		return page, err
	}
	return page, s.attachCodes(ctx, page.Items)
}

// StatusCounts counts the devices in scope matching f (whatever its
// status filter) per status. The scope bounds it to one customer or one
// provider's devices, read through the (…, status_rank, id) indexes.
func (s *Store) StatusCounts(ctx context.Context, sc Scope, f Filter) (map[string]int, error) {
	var rows []struct {
		StatusRank int
		N          int
	}
	// Grouping by the rank reads the (…, status_rank, id) index alone.
	q := sc.apply(s.conn(ctx).NewSelect().Model((*Device)(nil)).ColumnExpr("dv.status_rank, count(*) AS n"))
	s.filter(q, f, DateOf(s.clock.Now()), false)
	if err := q.GroupExpr("dv.status_rank").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("count devices by status: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		if r.StatusRank >= 0 && r.StatusRank < len(Statuses) {
			out[Statuses[r.StatusRank]] += r.N
		}
	}
	return out, nil
}

// Facets are the distinct sites and categories in scope, for filters.
func (s *Store) Facets(ctx context.Context, sc Scope) (sites, categories []string, err error) {
	for _, f := range []struct {
		col string
		dst *[]string
	}{{"site", &sites}, {"category", &categories}} {
		q := sc.apply(s.conn(ctx).NewSelect().Model((*Device)(nil)).ColumnExpr("DISTINCT dv." + f.col)).
			Where("dv." + f.col + " <> ''").OrderExpr("dv." + f.col).Limit(200)
		if err := q.Scan(ctx, f.dst); err != nil {
			return nil, nil, fmt.Errorf("list %s values: %w", f.col, err)
		}
	}
	return sites, categories, nil
}

// CreateCodes makes n fresh codes for provider providerID, paired with
// deviceID when it is not nil (then n must be 1).
func (s *Store) CreateCodes(ctx context.Context, providerID int64, n int, deviceID *int64) ([]*Code, error) {
	now := s.clock.Now()
	codes := make([]*Code, n)
	for i := range codes {
		codes[i] = &Code{ProviderID: providerID, Token: NewCodeToken(), Active: true, DeviceID: deviceID,
			CreatedAt: now, UpdatedAt: now}
		if deviceID != nil {
			codes[i].PairedAt = &now
		}
	}
	if _, err := s.conn(ctx).NewInsert().Model(&codes).Exec(ctx); err != nil {
		if deviceID != nil && db.IsUniqueViolation(err) {
			return nil, errDeviceHasCode // a concurrent change gave the device a code first
		}
		return nil, fmt.Errorf("insert %d codes: %w", n, err)
	}
	return codes, nil
}

// CodeByToken finds a code by its public token as scanned or typed (see
// TokenCandidates), with its device and the device's customer: one equality
// lookup on the codes_token_key index. Unknown tokens are ErrNotFound.
func (s *Store) CodeByToken(ctx context.Context, token string) (*Code, error) {
	candidates := TokenCandidates(token)
	if len(candidates) == 0 {
		return nil, fmt.Errorf("code: %w", apperr.ErrNotFound)
	}
	c := new(Code)
	err := s.conn(ctx).NewSelect().Model(c).Relation("Device").Relation("Device.Customer").
		Where("cd.token IN (?)", bun.In(candidates)).Limit(1).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("code: %w", apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load code: %w", err)
	}
	return c, nil
}

// Code loads code id of provider providerID, with its device.
func (s *Store) Code(ctx context.Context, providerID, id int64) (*Code, error) {
	c := new(Code)
	err := s.conn(ctx).NewSelect().Model(c).Relation("Device").Relation("Device.Customer").
		Where("cd.id = ?", id).Where("cd.provider_id = ?", providerID).Scan(ctx)
	if db.NoRows(err) {
		return nil, fmt.Errorf("code %d: %w", id, apperr.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load code %d: %w", id, err)
	}
	return c, nil
}

// CodeFilter selects codes of a list.
type CodeFilter struct {
	State    string // "", "unpaired", "paired", "disabled", "retired"
	IDs      []int64
	Token    string // as typed or scanned (see TokenCandidates)
	DeviceID int64
}

// ListCodes returns the provider's codes matching f, newest first, before
// id before (0: from the newest).
func (s *Store) ListCodes(ctx context.Context, providerID int64, f CodeFilter, before int64, limit int) ([]*Code, bool, error) {
	var codes []*Code
	q := s.conn(ctx).NewSelect().Model(&codes).Relation("Device").Relation("Device.Customer").
		Where("cd.provider_id = ?", providerID).OrderExpr("cd.id DESC").Limit(int64(limit + 1))
	switch f.State {
	case "unpaired":
		q.Where("cd.device_id IS NULL").Where("cd.retired_at IS NULL").Where("cd.active = ?", true)
	case "paired":
		q.Where("cd.device_id IS NOT NULL").Where("cd.retired_at IS NULL")
	case "disabled":
		q.Where("cd.active = ?", false).Where("cd.retired_at IS NULL")
	case "retired":
		q.Where("cd.retired_at IS NOT NULL")
	default:
		q.Where("cd.retired_at IS NULL")
	}
	if len(f.IDs) > 0 {
		q.Where("cd.id IN (?)", bun.In(f.IDs))
	}
	if f.Token != "" {
		candidates := TokenCandidates(f.Token)
		if len(candidates) == 0 {
			return nil, false, nil
		}
		q.Where("cd.token IN (?)", bun.In(candidates))
	}
	if f.DeviceID != 0 {
		q.Where("cd.device_id = ?", f.DeviceID)
	}
	if before > 0 {
		q.Where("cd.id < ?", before)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, false, fmt.Errorf("list codes: %w", err)
	}
	more := len(codes) > limit
	if more {
		codes = codes[:limit]
	}
	return codes, more, nil
}

// CurrentCode is the device's code that is not retired, or nil.
func (s *Store) CurrentCode(ctx context.Context, deviceID int64) (*Code, error) {
	c := new(Code)
	err := s.conn(ctx).NewSelect().Model(c).Where("device_id = ?", deviceID).Where("retired_at IS NULL").Scan(ctx)
	if db.NoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load code of device %d: %w", deviceID, err)
	}
	return c, nil
}

// UpdateCode saves the given columns of c (updated_at always).
func (s *Store) UpdateCode(ctx context.Context, c *Code, columns ...string) error {
	c.UpdatedAt = s.clock.Now()
	_, err := s.conn(ctx).NewUpdate().Model(c).Column(append(columns, "updated_at")...).WherePK().Exec(ctx)
	if err != nil && db.IsUniqueViolation(err) {
		return errDeviceHasCode
	}
	if err != nil {
		return fmt.Errorf("update code %d: %w", c.ID, err)
	}
	return nil
}

// Record appends history events.
func (s *Store) Record(ctx context.Context, events ...*Event) error {
	if len(events) == 0 {
		return nil
	}
	now := s.clock.Now()
	for _, e := range events {
		e.CreatedAt, e.UpdatedAt = now, now
	}
	if _, err := s.conn(ctx).NewInsert().Model(&events).Exec(ctx); err != nil {
		return fmt.Errorf("record device history: %w", err)
	}
	return nil
}

// History returns the device's history, newest first, before id before.
func (s *Store) History(ctx context.Context, deviceID, before int64, limit int) ([]*Event, bool, error) {
	var events []*Event
	q := s.conn(ctx).NewSelect().Model(&events).Where("dh.device_id = ?", deviceID).OrderExpr("dh.id DESC").Limit(int64(limit + 1))
	if before > 0 {
		q.Where("dh.id < ?", before)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, false, fmt.Errorf("device %d history: %w", deviceID, err)
	}
	more := len(events) > limit
	if more {
		events = events[:limit]
	}
	return events, more, nil
}

// historyTime is when event id of the device's history was recorded; ok is
// false when it has no such event.
func (s *Store) historyTime(ctx context.Context, deviceID, id int64) (at time.Time, ok bool, err error) {
	e := new(Event)
	err = s.conn(ctx).NewSelect().Model(e).Column("created_at").Where("dh.id = ?", id).Where("dh.device_id = ?", deviceID).Scan(ctx)
	if db.NoRows(err) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("device %d history event %d: %w", deviceID, id, err)
	}
	return e.CreatedAt, true, nil
}

// AllInScope returns up to max devices in scope matching f, in order sort,
// for an export.
func (s *Store) AllInScope(ctx context.Context, sc Scope, f Filter, sort string, max int) ([]*Device, error) {
	return keyset.Collect(max, 500, func(after *Cursor, n int) ([]*Device, *Cursor, error) {
		page, err := s.List(ctx, sc, f, sort, after, n)
		return page.Items, page.Next, err
	})
}

// customersOf lists the customers of providerID (for an import).
func (s *Store) customersOf(ctx context.Context, providerID int64) ([]*org.Organization, error) {
	var customers []*org.Organization
	if err := s.conn(ctx).NewSelect().Model(&customers).Where("provider_id = ?", providerID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list customers of provider %d: %w", providerID, err)
	}
	return customers, nil
}

// takenSerials returns which of the lower-cased serials providerID's
// devices already carry.
func (s *Store) takenSerials(ctx context.Context, providerID int64, serials []string) ([]string, error) {
	var taken []string
	if err := s.conn(ctx).NewSelect().Model((*Device)(nil)).ColumnExpr("lower(serial_number)").
		Where("provider_id = ?", providerID).Where("lower(serial_number) IN (?)", bun.In(serials)).Scan(ctx, &taken); err != nil {
		return nil, fmt.Errorf("check serial numbers: %w", err)
	}
	return taken, nil
}

// insertDevices inserts imported devices, timestamps set by the caller.
func (s *Store) insertDevices(ctx context.Context, devices []*Device) error {
	if _, err := s.conn(ctx).NewInsert().Model(&devices).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return errSerialTaken
		}
		return fmt.Errorf("insert devices: %w", err)
	}
	return nil
}

// insertCodes inserts codes, timestamps set by the caller.
func (s *Store) insertCodes(ctx context.Context, codes []*Code) error {
	if _, err := s.conn(ctx).NewInsert().Model(&codes).Exec(ctx); err != nil {
		return fmt.Errorf("insert codes: %w", err)
	}
	return nil
}
