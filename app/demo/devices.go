package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/clock"
	"backoffice/app/device"
)

type demoDevice struct {
	name, manufacturer, model, category, site, location, status string
	ageDays, dueInDays                                          int // status changed ageDays ago; next service in dueInDays (0: none)
}

// seedDevices places a few dozen devices in varied states at the demo
// customers, each with a QR code, and keeps a few printed labels unpaired.
func seedDevices(ctx context.Context, tx bun.Tx, c clock.Clock, providerID int64, customers map[string]int64) error {
	st := device.NewStore(tx, c)
	now := c.Now()
	today := device.DateOf(now)
	fleets := map[string][]demoDevice{
		// The brewery works in German, the clinic group in English.
		"brewery": {
			{"Abfülllinie 1", "Krones", "Modulfill HRS", "Abfüllung", "Brauerei Hamburg", "Halle 2", device.StatusOperational, 40, 12},
			{"Abfülllinie 2", "Krones", "Modulfill HRS", "Abfüllung", "Brauerei Hamburg", "Halle 2", device.StatusNeedsAttention, 2, 5},
			{"Fasswaschanlage", "Alfa Laval", "KW-4", "Reinigung", "Brauerei Hamburg", "Halle 3", device.StatusOperational, 90, 60},
			{"Etikettiermaschine", "Krones", "Ergomatic", "Verpackung", "Brauerei Hamburg", "Halle 2", device.StatusOutOfService, 1, -3},
			{"Tunnelpasteur", "KHS", "Innopas C", "Verarbeitung", "Brauerei Hamburg", "Halle 1", device.StatusInMaintenance, 3, 20},
			{"Sudhaussteuerung", "Siemens", "Braumat", "Steuerung", "Brauerei Hamburg", "Leitstand", device.StatusOperational, 200, 120},
			{"CIP-Anlage", "GEA", "CIP-Mini", "Reinigung", "Brauerei Hamburg", "Halle 1", device.StatusOperational, 15, 25},
			{"Kompressor A", "Kaeser", "SFC 22", "Versorgung", "Brauerei Hamburg", "Untergeschoss", device.StatusOperational, 60, 180},
			{"Kompressor B", "Kaeser", "SFC 22", "Versorgung", "Brauerei Hamburg", "Untergeschoss", device.StatusNeedsAttention, 6, 2},
			{"Kühlturm", "Baltimore", "VTL-100", "Versorgung", "Brauerei Hamburg", "Dach", device.StatusOperational, 120, 0},
			{"Zapfanlage Schankraum 1", "Micro Matic", "Tower 4", "Ausschank", "Schankraum Altona", "Tresen", device.StatusOperational, 30, 45},
			{"Zapfanlage Schankraum 2", "Micro Matic", "Tower 4", "Ausschank", "Schankraum Altona", "Tresen", device.StatusOperational, 30, 45},
			{"Gläserspülmaschine", "Winterhalter", "UC-M", "Reinigung", "Schankraum Altona", "Küche", device.StatusOutOfService, 4, 0},
			{"Kühlraum", "Viessmann", "TecTower", "Kühlung", "Schankraum Altona", "Keller", device.StatusOperational, 75, 28},
			{"Alter Füller (Ersatzteile)", "Krones", "Variocap", "Abfüllung", "Brauerei Hamburg", "Lager", device.StatusRetired, 400, 0},
			{"Ladegerät Gabelstapler", "Fronius", "Selectiva", "Versorgung", "Brauerei Hamburg", "Hof", device.StatusOperational, 50, 90},
		},
		"clinic": {
			{"MRI scanner", "Siemens Healthineers", "Magnetom Sola", "Imaging", "Klinikum Nord", "Building A, room 014", device.StatusOperational, 20, 9},
			{"CT scanner", "GE Healthcare", "Revolution", "Imaging", "Klinikum Nord", "Building A, room 016", device.StatusNeedsAttention, 1, 14},
			{"Ultrasound 1", "Philips", "EPIQ Elite", "Imaging", "Klinikum Nord", "Building B, room 201", device.StatusOperational, 80, 40},
			{"Ultrasound 2", "Philips", "EPIQ Elite", "Imaging", "Klinikum Süd", "Building C, room 105", device.StatusInMaintenance, 2, 30},
			{"Anaesthesia unit OR 1", "Dräger", "Perseus A500", "Anaesthesia", "Klinikum Nord", "OR 1", device.StatusOperational, 45, 21},
			{"Anaesthesia unit OR 2", "Dräger", "Perseus A500", "Anaesthesia", "Klinikum Nord", "OR 2", device.StatusOperational, 45, 21},
			{"Ventilator ICU 3", "Hamilton", "C6", "Ventilation", "Klinikum Nord", "ICU, bed 3", device.StatusOutOfService, 1, -1},
			{"Sterilizer", "Belimed", "MST-V", "Sterilization", "Klinikum Süd", "CSSD", device.StatusOperational, 100, 7},
			{"Lab analyser", "Roche", "cobas pro", "Laboratory", "Klinikum Süd", "Lab, room 3", device.StatusOperational, 33, 65},
			{"Patient monitor ward 4", "Philips", "IntelliVue MX750", "Monitoring", "Klinikum Süd", "Ward 4", device.StatusOperational, 12, 150},
			{"Defibrillator ER", "Zoll", "R Series", "Emergency", "Klinikum Nord", "Emergency room", device.StatusOperational, 10, 3},
			{"X-ray mobile", "Siemens Healthineers", "Mobilett Elara", "Imaging", "Klinikum Süd", "Building C", device.StatusNeedsAttention, 5, 0},
		},
	}
	serial := 0
	for key, list := range fleets {
		customerID := customers[key]
		for _, dd := range list {
			serial++
			d := &device.Device{ProviderID: providerID, CustomerID: &customerID, Name: dd.name, Manufacturer: dd.manufacturer,
				Model: dd.model, Category: dd.category, Site: dd.site, Location: dd.location, Status: dd.status,
				SerialNumber:    fmt.Sprintf("NS-%s-%04d", map[string]string{"brewery": "HB", "clinic": "KS"}[key], 1000+serial*7),
				StatusChangedAt: now.Add(-time.Duration(dd.ageDays) * 24 * time.Hour)}
			last, installed, warranty, due := demoDates(today, dd)
			d.InstalledOn, d.WarrantyUntil, d.LastServiceOn, d.NextServiceDue = &installed, &warranty, &last, due
			if err := st.Create(ctx, d); err != nil {
				return err
			}
			if err := st.Bump(ctx, d.ProviderID, d.Status, 1); err != nil {
				return err
			}
			codes, err := st.CreateCodes(ctx, providerID, 1, &d.ID)
			if err != nil {
				return err
			}
			if err := demoHistory(ctx, tx, d, codes[0], installed); err != nil {
				return err
			}
		}
	}
	// Labels printed in advance, not yet on a device.
	_, err := st.CreateCodes(ctx, providerID, 6, nil)
	return err
}

// serviceInterval is the demo fleet's maintenance cycle in days.
const serviceInterval = 180

// demoDates are a demo device's dates, consistent with each other: the last
// service one interval before the next (never after it, never in the
// future), the installation a year before the last service or the status
// change, whichever is older, and three years of warranty from it.
func demoDates(today device.Date, dd demoDevice) (last, installed, warranty device.Date, due *device.Date) {
	last = today.AddDays(-(dd.ageDays + 30))
	if dd.dueInDays != 0 {
		next := today.AddDays(dd.dueInDays)
		due = &next
		last = next.AddDays(-serviceInterval)
		if last.After(today) {
			last = today
		}
	}
	oldest := today.AddDays(-dd.ageDays)
	if last.Before(oldest) {
		oldest = last
	}
	installed = oldest.AddDays(-365)
	return last, installed, installed.AddDays(3 * 365), due
}

// demoHistory records a demo device's history as it happened: registered
// and labelled on the day of its installation, its status changed on the
// day it did. The installation and the last service show from the
// device's dates.
func demoHistory(ctx context.Context, tx bun.Tx, d *device.Device, code *device.Code, installed device.Date) error {
	id, at := d.ID, installed.Time().Add(9*time.Hour)
	events := []*device.Event{
		{ProviderID: d.ProviderID, DeviceID: &id, Action: device.ActionCreated, ToValue: d.Name, CreatedAt: at, UpdatedAt: at},
		{ProviderID: d.ProviderID, DeviceID: &id, CodeID: &code.ID, Action: device.ActionPaired, ToValue: code.Token, CreatedAt: at, UpdatedAt: at},
	}
	if d.Status != device.StatusOperational {
		events = append(events, &device.Event{ProviderID: d.ProviderID, DeviceID: &id, Action: device.ActionStatus, Field: "status",
			FromValue: device.StatusOperational, ToValue: d.Status, CreatedAt: d.StatusChangedAt, UpdatedAt: d.StatusChangedAt})
	}
	if _, err := tx.NewInsert().Model(&events).Exec(ctx); err != nil {
		return fmt.Errorf("demo history of %s: %w", d.Name, err)
	}
	// The record dates from the installation too, so its status is not
	// older than it.
	if _, err := tx.NewUpdate().Model(d).Set("created_at = ?", at).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("date demo device %s: %w", d.Name, err)
	}
	return nil
}
