package demo

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/clock"
	"backoffice/app/device"
	"backoffice/app/org"
	"backoffice/app/ticket"
)

type demoMessage struct {
	from     string // email of the author
	body     string
	internal bool
}

type demoTicket struct {
	requester, subject, device, status, priority, typ, channel string
	ageHours                                                   int
	messages                                                   []demoMessage
}

// seedTickets opens service cases on the demo devices across channels and
// states, with their correspondence.
func seedTickets(ctx context.Context, tx bun.Tx, c clock.Clock, providerID int64, users map[string]*org.User) error {
	const agent, admin = "agent@nordlicht-service.example", "admin@nordlicht-service.example"
	list := []demoTicket{
		{"member@hafenbraeu.example", "Bottle labeller stops after every 200 bottles", "Bottle labeller", ticket.StatusOpen, "urgent", "incident", ticket.ChannelWeb, 26,
			[]demoMessage{{"member@hafenbraeu.example", "The labeller stops with error E-17 roughly every 200 bottles. We restart it by hand each time.", false},
				{agent, "Error logs point at the glue roller sensor.", true},
				{agent, "Thank you. A technician will be with you tomorrow at 8:00 with a replacement sensor.", false}}},
		{"moderator@hafenbraeu.example", "Compressor B loses pressure overnight", "Compressor B", ticket.StatusPending, "high", "incident", ticket.ChannelEmail, 50,
			[]demoMessage{{"moderator@hafenbraeu.example", "Pressure drops from 8 to 5 bar overnight.", false},
				{agent, "Could you send a photo of the pressure gauge and the condensate drain?", false}}},
		{"member@hafenbraeu.example", "Annual maintenance of the keg washer", "Keg washer", ticket.StatusNew, "normal", "maintenance", ticket.ChannelWeb, 3,
			[]demoMessage{{"member@hafenbraeu.example", "Please schedule the annual maintenance; any weekday after 14:00 works for us.", false}}},
		{"admin@hafenbraeu.example", "Glass washer leaks water", "Glass washer", ticket.StatusOpen, "high", "incident", ticket.ChannelPhone, 30,
			[]demoMessage{{agent, "Called in by Marta Vogel: the glass washer in the taproom leaks under the door.", false}}},
		{"member@hafenbraeu.example", "How do I change the filling volume?", "Filling line 1", ticket.StatusClosed, "low", "question", ticket.ChannelWeb, 240,
			[]demoMessage{{"member@hafenbraeu.example", "Where do I set the filling volume for 0.33 l bottles?", false},
				{agent, "In the HMI under Recipes → Formats. The manual page is attached to the device.", false},
				{"member@hafenbraeu.example", "Found it, thanks!", false}}},
		{"admin@kliniken-sued.example", "Ventilator ICU 3 fails self-test", "Ventilator ICU 3", ticket.StatusOpen, "urgent", "incident", ticket.ChannelWeb, 5,
			[]demoMessage{{"admin@kliniken-sued.example", "Self-test fails at the flow sensor step. The unit is out of service.", false},
				{admin, "Loan unit dispatched; escalate to the manufacturer if the sensor swap does not help.", true},
				{admin, "A loan ventilator is on its way and arrives within two hours.", false}}},
		{"member@kliniken-sued.example", "X-ray image noise in the upper third", "X-ray mobile", ticket.StatusResolved, "normal", "incident", ticket.ChannelQR, 120,
			[]demoMessage{{"member@kliniken-sued.example", "Images show a noise band in the upper third.", false},
				{agent, "Detector recalibrated on site; please let us know if it comes back.", false}}},
		{"admin@kliniken-sued.example", "Sterilizer: validation report needed", "Sterilizer", ticket.StatusPending, "normal", "service_request", ticket.ChannelEmail, 72,
			[]demoMessage{{"admin@kliniken-sued.example", "Our auditor asks for the last validation report.", false},
				{agent, "Attached to follow; which period does the auditor need?", false}}},
	}
	st := ticket.NewStore(tx, c)
	now := c.Now()
	for _, dt := range list {
		req := users[dt.requester]
		var dev device.Device
		err := tx.NewSelect().Model(&dev).Where("dv.customer_id = ?", req.OrganizationID).Where("dv.name = ?", dt.device).Limit(1).Scan(ctx)
		if err != nil {
			return err
		}
		created := now.Add(-time.Duration(dt.ageHours) * time.Hour)
		due := created.Add(ticket.Targets[dt.priority])
		t := &ticket.Ticket{ProviderID: providerID, CustomerID: req.OrganizationID, DeviceID: &dev.ID, RequesterID: &req.ID,
			RequesterName: req.Name(), RequesterEmail: req.Email, Subject: dt.subject, Status: dt.status, Priority: dt.priority,
			Type: dt.typ, Channel: dt.channel, DueAt: &due}
		if dt.status != ticket.StatusNew {
			t.AssigneeID = &users[agent].ID
		}
		if err := st.Create(ctx, t); err != nil {
			return err
		}
		if err := st.Count(ctx, t.ProviderID, t.CustomerID, "", t.Status); err != nil {
			return err
		}
		for i, dm := range dt.messages {
			a := users[dm.from]
			m := &ticket.Message{TicketID: t.ID, AuthorID: &a.ID, AuthorName: a.Name(), AuthorStaff: a.IsStaff(), Body: dm.body, Internal: dm.internal}
			if err := st.AddMessage(ctx, m); err != nil {
				return err
			}
			at := created.Add(time.Duration(i) * time.Hour)
			if _, err := tx.NewUpdate().Model(m).Set("created_at = ?", at).WherePK().Exec(ctx); err != nil {
				return err
			}
			if a.IsStaff() && !dm.internal && t.FirstResponseAt == nil {
				t.FirstResponseAt = &at
			}
		}
		last := created.Add(time.Duration(len(dt.messages)-1) * time.Hour)
		q := tx.NewUpdate().Model(t).Set("created_at = ?", created).Set("updated_at = ?", last).
			Set("first_response_at = ?", t.FirstResponseAt).WherePK()
		switch dt.status {
		case ticket.StatusResolved:
			q.Set("resolved_at = ?", last)
		case ticket.StatusClosed:
			q.Set("closed_at = ?", last)
		}
		if _, err := q.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
