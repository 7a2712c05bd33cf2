package ticket_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"backoffice/app/caller"
	"backoffice/app/ticket"
	"backoffice/rbac"
)

// snapshot is what Update may change about a ticket, for comparisons.
func snapshot(tk *ticket.Ticket) string {
	return fmt.Sprintf("subject=%q status=%s priority=%s/%d type=%s tags=%q group=%q assignee=%s device=%s resolved=%s closed=%s updated=%s",
		tk.Subject, tk.Status, tk.Priority, tk.PriorityRank, tk.Type, tk.Tags, tk.GroupName, fmtID(tk.AssigneeID),
		fmtID(tk.DeviceID), fmtTime(tk.ResolvedAt), fmtTime(tk.ClosedAt), tk.UpdatedAt.UTC().Format(time.RFC3339Nano))
}

func TestUpdateByStaff(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		tk := f.web(f.member, "Printer")
		f.clock.Advance(time.Hour)

		got := f.update(f.agent, tk.ID, ticket.Change{
			Subject:    ptr("Printer jams on tray 2"),
			Priority:   ptr("urgent"),
			Type:       ptr("incident"),
			Tags:       ptr([]string{"Tray", " hardware ", "TRAY", "", "hardware"}),
			Group:      ptr("Field service"),
			AssigneeID: ptr(&f.agent.ID),
			DeviceID:   ptr(&f.devA.ID),
		})
		if got.Subject != "Printer jams on tray 2" || got.Priority != "urgent" || got.PriorityRank != 0 || got.Type != "incident" ||
			got.GroupName != "Field service" {
			t.Errorf("updated: %s", snapshot(got))
		}
		if got.Tags != ",tray,hardware," || !slices.Equal(got.TagList(), []string{"tray", "hardware"}) {
			t.Errorf("tags %q, want lower-cased and de-duplicated", got.Tags)
		}
		if got.AssigneeID == nil || *got.AssigneeID != f.agent.ID || got.Assignee == nil || got.Assignee.ID != f.agent.ID {
			t.Errorf("assignee %s", fmtID(got.AssigneeID))
		}
		if got.DeviceID == nil || *got.DeviceID != f.devA.ID || got.Device == nil || got.Device.ID != f.devA.ID {
			t.Errorf("device %s", fmtID(got.DeviceID))
		}
		if !got.UpdatedAt.Equal(f.clock.Now()) || got.Status != ticket.StatusNew {
			t.Errorf("updated %s status %s", got.UpdatedAt, got.Status)
		}
		// As stored.
		if again := f.ticket(f.member, tk.ID); snapshot(again) != snapshot(got) {
			t.Errorf("reloaded %s\nwant     %s", snapshot(again), snapshot(got))
		}

		// Fields left nil stay.
		before := snapshot(got)
		f.clock.Advance(time.Hour)
		got = f.update(f.staff, tk.ID, ticket.Change{Priority: ptr("low")})
		if got.Priority != "low" || got.PriorityRank != 3 || got.Subject != "Printer jams on tray 2" || got.Tags != ",tray,hardware," ||
			got.AssigneeID == nil || got.DeviceID == nil || got.GroupName != "Field service" {
			t.Errorf("after a priority change: %s (before %s)", snapshot(got), before)
		}

		// A provider administrator is a fine assignee too; nil unassigns,
		// clears the device, no tags clear the tags.
		got = f.update(f.staff, tk.ID, ticket.Change{AssigneeID: ptr(&f.staff.ID)})
		if got.AssigneeID == nil || *got.AssigneeID != f.staff.ID {
			t.Errorf("assignee %s, want the administrator", fmtID(got.AssigneeID))
		}
		got = f.update(f.staff, tk.ID, ticket.Change{AssigneeID: ptr[*int64](nil), DeviceID: ptr[*int64](nil), Tags: ptr([]string{}),
			Group: ptr("")})
		if got.AssigneeID != nil || got.Assignee != nil || got.DeviceID != nil || got.Tags != "" || got.GroupName != "" {
			t.Errorf("after clearing: %s", snapshot(got))
		}
		if got := f.ticket(f.staff, tk.ID); got.AssigneeID != nil || got.DeviceID != nil {
			t.Errorf("reloaded after clearing: %s", snapshot(got))
		}
		if n := f.count("tickets", "assignee_id IS NULL AND device_id IS NULL AND id = ?", tk.ID); n != 1 {
			t.Errorf("assignee and device not cleared in the table")
		}
	})
}

func TestUpdateRefusesBadValues(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		tk := f.onBehalf(f.staff, f.customerA, f.member, ticket.ChannelPhone, "Printer")
		f.update(f.staff, tk.ID, ticket.Change{AssigneeID: ptr(&f.agent.ID), DeviceID: ptr(&f.devA.ID)})
		disabled := f.user(f.provider, "gone@provider.test", rbac.ProviderAgent)
		if err := f.orgs.SetDisabled(f.ctx, disabled.ID, true); err != nil {
			t.Fatal(err)
		}
		// The forms offer exactly whom the service accepts.
		offered, err := f.svc.Assignable(f.ctx, f.provider.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, a := range offered {
			ids = append(ids, a.ID)
		}
		slices.Sort(ids)
		if want := []int64{min(f.staff.ID, f.agent.ID), max(f.staff.ID, f.agent.ID)}; !slices.Equal(ids, want) {
			t.Errorf("assignable %v, want the provider's active staff %v", ids, want)
		}
		before := snapshot(f.ticket(f.staff, tk.ID))
		f.clock.Advance(time.Hour)

		var tooManyTags []string
		for i := range 21 {
			tooManyTags = append(tooManyTags, fmt.Sprint("tag", i))
		}
		for _, c := range []struct {
			name           string
			ch             ticket.Change
			field, message string
		}{
			{"customer user as assignee", ticket.Change{AssigneeID: ptr(&f.mod.ID)}, "assignee_id", "error.assignee_unknown"},
			{"another provider's agent", ticket.Change{AssigneeID: ptr(&f.staff2.ID)}, "assignee_id", "error.assignee_unknown"},
			{"disabled agent", ticket.Change{AssigneeID: ptr(&disabled.ID)}, "assignee_id", "error.assignee_unknown"},
			{"unknown assignee", ticket.Change{AssigneeID: ptr(ptr(int64(987654)))}, "assignee_id", "error.assignee_unknown"},
			{"device of another customer", ticket.Change{DeviceID: ptr(&f.devB.ID)}, "device_id", "error.device_unknown"},
			{"device of another provider", ticket.Change{DeviceID: ptr(&f.dev2.ID)}, "device_id", "error.device_unknown"},
			{"unknown device", ticket.Change{DeviceID: ptr(ptr(int64(987654)))}, "device_id", "error.device_unknown"},
			{"empty subject", ticket.Change{Subject: ptr(" ")}, "subject", "error.required"},
			{"subject too long", ticket.Change{Subject: ptr(strings.Repeat("s", 201))}, "subject", "error.too_long"},
			{"subject with control", ticket.Change{Subject: ptr("a\rb")}, "subject", "error.invalid_chars"},
			{"unknown status", ticket.Change{Status: ptr("done")}, "status", "error.ticket_status"},
			{"unknown priority", ticket.Change{Priority: ptr("critical")}, "priority", "error.ticket_priority"},
			{"unknown type", ticket.Change{Type: ptr("complaint")}, "type", "error.ticket_type"},
			{"too many tags", ticket.Change{Tags: &tooManyTags}, "tags", "error.too_many_tags"},
			{"tag with comma", ticket.Change{Tags: ptr([]string{"a,b"})}, "tags", "error.tag_invalid"},
			{"group too long", ticket.Change{Group: ptr(strings.Repeat("g", 101))}, "group", "error.too_long"},
			// The good part of a refused change is not saved either.
			{"good subject, bad assignee", ticket.Change{Subject: ptr("Changed"), Status: ptr("closed"), AssigneeID: ptr(&f.member.ID)},
				"assignee_id", "error.assignee_unknown"},
			{"good priority, bad device", ticket.Change{Priority: ptr("urgent"), DeviceID: ptr(&f.devB.ID)}, "device_id", "error.device_unknown"},
		} {
			_, err := f.svc.Update(f.ctx, f.staff, tk.ID, c.ch)
			if err == nil {
				t.Errorf("%s: updated", c.name)
				continue
			}
			wantProblem(t, err, c.field, c.message)
		}
		if after := snapshot(f.ticket(f.staff, tk.ID)); after != before {
			t.Errorf("refused changes changed the ticket:\n%s\nwant\n%s", after, before)
		}
		if c := f.counts(f.staff); c[ticket.StatusNew] != 1 || len(c) != 1 {
			t.Errorf("counts %v after refused changes, want one new", c)
		}
	})
}

func TestUpdateByCustomerChangesNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		web := f.web(f.member, "Printer")
		phone := f.onBehalf(f.staff, f.customerA, f.member, ticket.ChannelPhone, "Call")
		f.clock.Advance(time.Hour)

		for _, tk := range []*ticket.Ticket{web, phone} {
			before := snapshot(f.ticket(f.staff, tk.ID))
			for _, u := range []*caller.Caller{f.member, f.mod, f.admin} {
				got, err := f.svc.Update(f.ctx, u, tk.ID, ticket.Change{
					Subject:    ptr("Mine"),
					Status:     ptr(ticket.StatusClosed),
					Priority:   ptr("urgent"),
					Type:       ptr("incident"),
					Tags:       ptr([]string{"vip"}),
					Group:      ptr("Escalation"),
					AssigneeID: ptr(&f.agent.ID),
					DeviceID:   ptr(&f.devA.ID),
				})
				if err != nil {
					t.Fatalf("%s: %v", u.Email, err)
				}
				if snapshot(got) != before {
					t.Errorf("%s changed ticket %d:\n%s\nwant\n%s", u.Email, tk.Number, snapshot(got), before)
				}
			}
			if after := snapshot(f.ticket(f.staff, tk.ID)); after != before {
				t.Errorf("ticket %d stored as\n%s\nwant\n%s", tk.Number, after, before)
			}
		}
		if c := f.counts(f.staff); c[ticket.StatusNew] != 2 || len(c) != 1 {
			t.Errorf("counts %v, want two new", c)
		}
	})
}
