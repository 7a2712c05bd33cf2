// Package device holds the devices a provider looks after at its customers'
// sites, the QR codes on their labels, and the history of both. Every store
// method that reads customer data takes the scope it is limited to.
package device

import (
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/org"
)

// Statuses of a device, in order of urgency.
const (
	StatusOutOfService   = "out_of_service"
	StatusNeedsAttention = "needs_attention"
	StatusInMaintenance  = "in_maintenance"
	StatusOperational    = "operational"
	StatusRetired        = "retired"
)

// Statuses lists every status, most urgent first.
var Statuses = []string{StatusOutOfService, StatusNeedsAttention, StatusInMaintenance, StatusOperational, StatusRetired}

// StatusRank is the position of status in Statuses (sorting by urgency);
// -1 for an unknown status.
func StatusRank(status string) int {
	for i, s := range Statuses {
		if s == status {
			return i
		}
	}
	return -1
}

// Device is a machine at a customer's site.
type Device struct {
	bun.BaseModel `bun:"table:devices,alias:dv"`

	ID              int64 `bun:",pk,autoincrement"`
	ProviderID      int64
	CustomerID      *int64
	Name            string
	SerialNumber    string
	Manufacturer    string
	Model           string
	Category        string
	Site            string
	Location        string
	Status          string
	StatusRank      int
	StatusChangedAt time.Time
	InstalledOn     *Date
	WarrantyUntil   *Date
	LastServiceOn   *Date
	NextServiceDue  *Date
	Notes           string
	CreatedAt       time.Time
	UpdatedAt       time.Time

	Customer *org.Organization `bun:"rel:belongs-to,join:customer_id=id"`
	Code     *Code             `bun:"rel:has-one,join:id=device_id"`
}

// ServiceDueWithin reports whether the next service is due on or before
// today plus days.
func (d *Device) ServiceDueWithin(today Date, days int) bool {
	return d.NextServiceDue != nil && !d.NextServiceDue.After(today.AddDays(days))
}

// Code is what a QR label carries: a public token, optionally paired with a
// device.
type Code struct {
	bun.BaseModel `bun:"table:codes,alias:cd"`

	ID         int64 `bun:",pk,autoincrement"`
	ProviderID int64
	Token      string
	Active     bool
	DeviceID   *int64
	PINHash    string `bun:"pin_hash,nullzero"`
	PairedAt   *time.Time
	RetiredAt  *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time

	Device *Device `bun:"rel:belongs-to,join:device_id=id"`
}

// Code states as the API reports them.
const (
	CodeActive   = "active"
	CodeDisabled = "disabled"
	CodeRetired  = "retired"
)

// State is active, disabled or retired (replaced by a regenerated code).
func (c *Code) State() string {
	switch {
	case c.RetiredAt != nil:
		return CodeRetired
	case !c.Active:
		return CodeDisabled
	}
	return CodeActive
}

// HasPIN reports whether the public page asks for a PIN.
func (c *Code) HasPIN() bool { return c.PINHash != "" }

// History actions.
const (
	ActionCreated     = "created"
	ActionUpdated     = "updated" // one row per changed field
	ActionStatus      = "status"
	ActionAssigned    = "assigned"
	ActionImported    = "imported"
	ActionCodeCreated = "code_created"
	ActionPaired      = "code_paired"
	ActionUnpaired    = "code_unpaired"
	ActionEnabled     = "code_enabled"
	ActionDisabled    = "code_disabled"
	ActionRegenerated = "code_regenerated"
	ActionPINSet      = "code_pin_set"
	ActionPINCleared  = "code_pin_cleared"
)

// Derived history actions: facts of the device's own dates, shown in its
// history where they fall, so the history starts with the device's real
// installation and not with the day it was entered (see Service.History).
const (
	ActionInstalled   = "installed"    // on InstalledOn
	ActionStatusSince = "status_since" // the current status, since before the record existed
	ActionServiced    = "serviced"     // on LastServiceOn
)

// Event is one recorded change of a device or code, or a derived entry
// (Derived, ID 0) of the device's dates.
type Event struct {
	bun.BaseModel `bun:"table:device_history,alias:dh"`

	ID         int64 `bun:",pk,autoincrement"`
	ProviderID int64
	DeviceID   *int64
	CodeID     *int64
	ActorID    *int64
	ActorName  string
	Action     string
	Field      string
	FromValue  string
	ToValue    string
	CreatedAt  time.Time
	UpdatedAt  time.Time

	// Derived entries are not stored: their time is a day (installed,
	// serviced) or the status's own date.
	Derived bool `bun:"-"`
}
