package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/auth"
	"backoffice/app/caller"
	"backoffice/app/clock"
	"backoffice/app/db/dbtest"
	"backoffice/app/demo"
	"backoffice/app/device"
	"backoffice/app/event"
	"backoffice/app/org"
	"backoffice/app/people"
)

// The demo data tells a consistent story: every device was installed before
// anything else happened to it, its last service lies before its next one
// and not in the future, its history starts with the installation, and the
// customers' counts are those of the tables.
func TestDemoDataIsConsistent(t *testing.T) {
	t.Parallel()
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		c := clock.NewFake(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
		h := auth.NewHasher(auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, 2)
		if _, err := demo.Seed(ctx, bdb, c, h, "Demo-Password-2026"); err != nil {
			t.Fatal(err)
		}
		var devices []*device.Device
		if err := bdb.NewSelect().Model(&devices).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if len(devices) < 20 {
			t.Fatalf("%d demo devices", len(devices))
		}
		today := device.DateOf(c.Now())
		svc := device.New(bdb, c, h, event.NewBus(bdb, c))
		admin, err := org.NewStore(bdb, c).UserByEmail(ctx, "admin@nordlicht-service.example")
		if err != nil {
			t.Fatal(err)
		}
		staff := caller.Of(admin, "")
		for _, d := range devices {
			if d.InstalledOn == nil || d.LastServiceOn == nil {
				t.Fatalf("%s has no installation or last service date", d.Name)
			}
			if d.NextServiceDue != nil && !d.NextServiceDue.After(*d.LastServiceOn) {
				t.Errorf("%s: next service %s is not after the last one %s", d.Name, d.NextServiceDue, d.LastServiceOn)
			}
			if d.LastServiceOn.After(today) {
				t.Errorf("%s: last service %s is in the future", d.Name, d.LastServiceOn)
			}
			if !d.InstalledOn.Before(*d.LastServiceOn) || !d.InstalledOn.Time().Before(d.StatusChangedAt) ||
				d.WarrantyUntil == nil || !d.WarrantyUntil.After(*d.InstalledOn) {
				t.Errorf("%s: installed %s, last service %s, status since %s, warranty %v", d.Name, d.InstalledOn,
					d.LastServiceOn, d.StatusChangedAt, d.WarrantyUntil)
			}
			history, _, err := svc.History(ctx, staff, d.ID, 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			if first := history[len(history)-1]; first.Action != device.ActionInstalled {
				t.Errorf("%s: the history starts with %s", d.Name, first.Action)
			}
			for i := 1; i < len(history); i++ {
				if history[i].CreatedAt.After(history[i-1].CreatedAt) {
					t.Errorf("%s: history out of order at %d", d.Name, i)
				}
			}
		}
		var customers []*org.Organization
		if err := bdb.NewSelect().Model(&customers).Where("provider_id IS NOT NULL").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		for _, o := range customers {
			ids := []int64{o.ID}
			counts, err := people.NewStore(bdb, c).CountsOf(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			devices, _ := bdb.NewSelect().Table("devices").Where("customer_id = ?", o.ID).Count(ctx)
			users, _ := bdb.NewSelect().Table("users").Where("organization_id = ?", o.ID).Count(ctx)
			if n := counts[o.ID]; int64(n.Devices) != devices || int64(n.People) != users || n.OpenTickets == 0 {
				t.Errorf("%s: counts %+v, tables hold %d devices and %d users", o.Name, n, devices, users)
			}
		}
	})
}
