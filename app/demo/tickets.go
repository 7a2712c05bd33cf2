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
		// The brewery writes in German, the clinic group in English.
		{"member@hafenbraeu.example", "Etikettiermaschine stoppt alle 200 Flaschen", "Etikettiermaschine", ticket.StatusOpen, "urgent", "incident", ticket.ChannelWeb, 26,
			[]demoMessage{{"member@hafenbraeu.example", "Die Etikettiermaschine bleibt etwa alle 200 Flaschen mit Fehler E-17 stehen. Wir starten sie jedes Mal von Hand neu.", false},
				{agent, "Die Fehlerprotokolle deuten auf den Sensor der Leimwalze.", true},
				{agent, "Danke. Ein Techniker ist morgen um 8:00 Uhr mit einem Ersatzsensor bei Ihnen.", false}}},
		{"moderator@hafenbraeu.example", "Kompressor B verliert über Nacht Druck", "Kompressor B", ticket.StatusPending, "high", "incident", ticket.ChannelEmail, 50,
			[]demoMessage{{"moderator@hafenbraeu.example", "Der Druck fällt über Nacht von 8 auf 5 bar.", false},
				{agent, "Könnten Sie uns ein Foto vom Manometer und vom Kondensatablass schicken?", false}}},
		{"member@hafenbraeu.example", "Jährliche Wartung der Fasswaschanlage", "Fasswaschanlage", ticket.StatusNew, "normal", "maintenance", ticket.ChannelWeb, 3,
			[]demoMessage{{"member@hafenbraeu.example", "Bitte planen Sie die jährliche Wartung ein; jeder Wochentag ab 14:00 Uhr passt uns.", false}}},
		{"admin@hafenbraeu.example", "Gläserspülmaschine verliert Wasser", "Gläserspülmaschine", ticket.StatusOpen, "high", "incident", ticket.ChannelPhone, 30,
			[]demoMessage{{agent, "Anruf von Marta Vogel: Die Gläserspülmaschine im Schankraum ist unter der Tür undicht.", false}}},
		{"member@hafenbraeu.example", "Wie ändere ich die Füllmenge?", "Abfülllinie 1", ticket.StatusClosed, "low", "question", ticket.ChannelWeb, 240,
			[]demoMessage{{"member@hafenbraeu.example", "Wo stelle ich die Füllmenge für 0,33-l-Flaschen ein?", false},
				{agent, "Im Bediengerät unter Rezepte → Formate. Die Seite aus dem Handbuch hängt am Gerät.", false},
				{"member@hafenbraeu.example", "Gefunden, danke!", false}}},
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
