package ticket

import (
	"io"
	"strconv"
	"strings"
	"time"

	"backoffice/app/csvsafe"
)

// ExportColumns are the columns of a ticket export. No message is
// exported, so internal notes cannot leak through it.
var ExportColumns = []string{"number", "subject", "status", "priority", "type", "channel", "customer", "device", "requester",
	"requester_email", "assignee", "group", "tags", "rating", "created_at", "updated_at", "first_response_at", "resolved_at",
	"closed_at", "due_at"}

func timeCell(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// WriteCSV writes tickets as CSV, formula-like cells neutralised.
func WriteCSV(w io.Writer, tickets []*Ticket) error {
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(ExportColumns); err != nil {
		return err
	}
	for _, t := range tickets {
		customer, dev, assignee, rating := "", "", "", ""
		if t.Customer != nil {
			customer = t.Customer.Name
		}
		if t.Device != nil {
			dev = t.Device.Name
		}
		if t.Assignee != nil {
			assignee = t.Assignee.Name()
		}
		if t.Rating != nil {
			rating = strconv.Itoa(*t.Rating)
		}
		created, updated := t.CreatedAt, t.UpdatedAt
		row := []string{"#" + strconv.FormatInt(t.Number, 10), t.Subject, t.Status, t.Priority, t.Type, t.Channel, customer, dev,
			t.RequesterName, t.RequesterEmail, assignee, t.GroupName, strings.Join(t.TagList(), ", "), rating, timeCell(&created),
			timeCell(&updated), timeCell(t.FirstResponseAt), timeCell(t.ResolvedAt), timeCell(t.ClosedAt), timeCell(t.DueAt)}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return cw.Flush()
}
