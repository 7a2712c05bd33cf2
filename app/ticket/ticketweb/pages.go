package ticketweb

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/device"
	"backoffice/app/org"
	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

// pageTicketFilter is ticketFilter for pages: anything invalid is dropped.
func pageTicketFilter(c *fiber.Ctx) (ticket.Filter, string) {
	v := &apperr.ValidationError{}
	f, sort := ticketFilter(c, v)
	for _, fe := range v.Fields {
		switch fe.Field {
		case "status":
			f.Status = ""
		case "priority":
			f.Priority = ""
		case "type":
			f.Type = ""
		case "sort":
			sort = "-updated_at"
		case "q":
			f.Query = ""
		case "created_within":
			f.CreatedWithin = 0
		case "rating":
			f.Rating = 0
		case "view":
			f.View = ""
		}
	}
	return f, sort
}

// ShowTickets is the ticket list, filtered and sorted.
func (h *Handlers) ShowTickets(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), httpx.CallerOf(c)
	perms, err := h.ticketPerms(c)
	if err != nil {
		return err
	}
	f, sort := perms.VisibleFilter(pageTicketFilter(c))
	deviceText, deviceProblem := h.filterDevice(c, &f)
	var after *ticket.Cursor
	if v := c.Query("after"); v != "" {
		after = new(ticket.Cursor)
		if err := httpx.DecodePageKey(v, after); err != nil {
			return c.Redirect("/tickets", fiber.StatusSeeOther)
		}
	}
	page, err := h.Tickets.List(ctx, u, f, sort, after, httpx.PageSize)
	if err != nil {
		return err
	}
	counts, err := h.Tickets.Counts(ctx, u)
	if err != nil {
		return err
	}
	for i, t := range page.Items {
		page.Items[i] = ticket.Redact(perms, t)
	}
	d := views.TicketsData{Items: page.Items, Filter: f, Sort: sort, Counts: counts, Staff: u.IsStaff(), Perms: perms,
		Now: h.Kit.Clock.Now()}
	if d.ViewCounts, err = h.Tickets.ViewCounts(ctx, u, counts); err != nil {
		return err
	}
	if d.Types, err = h.Tickets.Types(ctx, u); err != nil {
		return err
	}
	if c.Query("requester") == "me" {
		d.Requester = "me"
	}
	if a := c.Query("assignee"); u.IsStaff() && (a == "me" || a == "none") {
		d.Assignee = a
	}
	for _, n := range counts {
		d.Total += n
	}
	d.Query = views.TicketQuery(d, f.Status)
	if page.Next != nil {
		d.NextHref = "/tickets?" + httpx.JoinQuery(d.Query, "after="+httpx.EncodePageKey(page.Next))
	}
	if after != nil {
		d.FirstHref = "/tickets?" + d.Query
	}
	if u.IsStaff() {
		if d.Customers, err = h.People.CustomerChoices(ctx, u, 200); err != nil {
			return err
		}
		if d.Agents, err = h.agents(ctx, u.Organization.ScopeProviderID()); err != nil {
			return err
		}
	} else {
		d.DeviceText, d.DeviceProblem = deviceText, deviceProblem
		if d.DeviceText == "" && f.DeviceID > 0 {
			d.DeviceText = h.deviceLabel(c, f.DeviceID, page.Items)
		}
	}
	return httpx.Render(c, fiber.StatusOK, views.TicketsPage(h.Kit.Page(c, httpx.Tr(c).T("tickets.title")), d))
}

var ticketFields = []string{"subject", "description", "device_id", "priority", "type", "tags", "group", "assignee_id",
	"customer_id", "requester_id", "channel"}

// filterDevice reads the device filter of a customer's ticket list: the id
// the picker chose while the text still names it, else the device the typed
// text names among the caller's devices (a problem when it names none). It
// returns the text to show and the problem.
func (h *Handlers) filterDevice(c *fiber.Ctx, f *ticket.Filter) (text, problem string) {
	text = strings.TrimSpace(c.Query("device"))
	if httpx.CallerOf(c).IsStaff() || text == "" || (f.DeviceID > 0 && text == c.Query("device_for")) {
		if c.Query("device_for") != "" && text == "" {
			f.DeviceID = 0 // the field was cleared
		}
		return text, ""
	}
	d, err := h.Devices.Find(c.UserContext(), httpx.CallerOf(c), 0, text)
	if err != nil {
		f.DeviceID = 0
		var v *apperr.ValidationError
		if errors.As(err, &v) && len(v.Fields) > 0 {
			return text, httpx.Tr(c).T(v.Fields[0].Message, v.Fields[0].Data)
		}
		return text, httpx.Tr(c).T("error.device_not_found")
	}
	f.DeviceID = d.ID
	return device.Label(d), ""
}

// deviceLabel names device id for the filter: from the listed tickets,
// which all have it, else from the device itself.
func (h *Handlers) deviceLabel(c *fiber.Ctx, id int64, items []*ticket.Ticket) string {
	for _, t := range items {
		if t.Device != nil && t.Device.ID == id {
			return device.Label(t.Device)
		}
	}
	if d, err := h.Devices.Device(c.UserContext(), httpx.CallerOf(c), id); err == nil {
		return device.Label(d)
	}
	return ""
}

// agents are the active staff users of a provider: whom a ticket may be
// assigned to.
func (h *Handlers) agents(ctx context.Context, providerID int64) ([]*org.User, error) {
	return h.Tickets.Assignable(ctx, providerID)
}

func formID(f *views.Form, name string) int64 {
	v := f.Value(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return -1
	}
	return n
}

func (h *Handlers) newTicketPage(c *fiber.Ctx, status int, f *views.Form) error {
	ctx, u := c.UserContext(), httpx.CallerOf(c)
	perms, err := h.ticketPerms(c)
	if err != nil {
		return err
	}
	d := views.NewTicketData{Form: f, Staff: u.IsStaff(), Perms: perms}
	if d.Types, err = h.Tickets.Types(ctx, u); err != nil {
		return err
	}
	if perms.EditAssignee {
		if d.Agents, err = h.agents(ctx, u.Organization.ScopeProviderID()); err != nil {
			return err
		}
	}
	fields, err := h.Tickets.Fields(ctx, u)
	if err != nil {
		return err
	}
	for _, fd := range fields {
		if u.IsStaff() || fd.Editable {
			d.Fields = append(d.Fields, fd)
		}
	}
	if u.IsStaff() {
		if d.Customers, err = h.People.CustomerChoices(ctx, u, 500); err != nil {
			return err
		}
		if id := formID(f, "customer_id"); id > 0 {
			if _, err := h.People.Customer(ctx, httpx.CallerOf(c), id); err != nil {
				f.Values["customer_id"] = ""
			} else {
				users, _, err := h.Orgs.ListUsers(ctx, org.UserFilter{OrganizationID: id}, nil, 500)
				if err != nil {
					return err
				}
				d.Requesters = users
				if err := h.devicePick(ctx, u, f, id, &d); err != nil {
					return err
				}
			}
		}
	} else if err := h.devicePick(ctx, u, f, 0, &d); err != nil {
		return err
	}
	return httpx.Render(c, status, views.NewTicketPage(h.Kit.Page(c, httpx.Tr(c).T("tickets.new")), d))
}

// ShowNewTicket is the form of a new ticket.
func (h *Handlers) ShowNewTicket(c *fiber.Ctx) error {
	f := views.NewForm()
	f.Values["device_id"] = c.Query("device_id")
	f.Values["customer_id"] = c.Query("customer_id")
	f.Values["priority"], f.Values["channel"] = "normal", ticket.ChannelPhone
	return h.newTicketPage(c, fiber.StatusOK, f)
}

// CreateTicket opens a ticket from the form.
func (h *Handlers) CreateTicket(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, ticketFields...)
	in := ticket.NewTicket{Subject: f.Value("subject"), Description: f.Value("description"), DeviceID: formID(f, "device_id"),
		Priority: f.Value("priority"), Type: f.Value("type"), Tags: strings.Split(f.Value("tags"), ","), Group: f.Value("group"),
		AssigneeID: formID(f, "assignee_id")}
	u := httpx.CallerOf(c)
	if u.IsStaff() {
		in.CustomerID, in.RequesterID, in.Channel = formID(f, "customer_id"), formID(f, "requester_id"), f.Value("channel")
	}
	files, err := uploads(c)
	if err != nil {
		return err
	}
	in.Files = files
	if in.DeviceID, err = h.pickedDevice(c, f, in.CustomerID); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.newTicketPage(c, status, f)
	}
	fields, err := h.Tickets.Fields(c.UserContext(), u)
	if err != nil {
		return err
	}
	in.FieldValues = map[string]string{}
	for _, fd := range fields {
		v := c.FormValue(fd.Key())
		if fd.Kind == "checkbox" {
			v = strconv.FormatBool(v == "1")
		}
		f.Values[fd.Key()] = v
		in.FieldValues[fd.Key()] = v
	}
	t, err := h.Tickets.Create(c.UserContext(), u, in)
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.newTicketPage(c, status, f)
	}
	h.Kit.Flash(c, "success", "flash.ticket_created", map[string]any{"Number": views.TicketNumber(t)})
	return c.Redirect("/tickets/"+strconv.FormatInt(t.ID, 10), fiber.StatusSeeOther)
}

// ShowTicket is the page of one ticket.
func (h *Handlers) ShowTicket(c *fiber.Ctx) error {
	t, err := h.pathTicket(c)
	if err != nil {
		return err
	}
	return h.renderTicket(c, fiber.StatusOK, t, nil, nil)
}

// renderTicket shows the ticket page with a reply or parameter form that
// failed (nil for fresh forms).
func (h *Handlers) renderTicket(c *fiber.Ctx, status int, t *ticket.Ticket, reply, params *views.Form) error {
	ctx, u := c.UserContext(), httpx.CallerOf(c)
	msgs, _, err := h.Tickets.MessagesOf(ctx, u, t, 0, 500)
	if err != nil {
		return err
	}
	redact, perms, err := h.Tickets.Redactor(ctx, u)
	if err != nil {
		return err
	}
	t = redact(t)
	d := views.TicketData{Ticket: t, Messages: msgs, Perms: perms, Staff: u.IsStaff(), Reply: reply, Params: params,
		Can: ticket.ActionsFor(perms, u, t, func(act string) bool { return h.Kit.Can(c, "ticket", act) }), Now: h.Kit.Clock.Now()}
	if d.Can.ReadOnly != nil {
		d.ReadOnlyX = httpx.Tr(c).T(d.Can.ReadOnly.Message)
	}
	if d.Reply == nil {
		d.Reply = views.NewForm()
	}
	d.Rating, _ = c.Locals(localRatingForm).(*views.Form)
	if d.Rating == nil {
		d.Rating = views.NewForm()
	}
	if d.Params == nil {
		d.Params = views.NewForm()
		d.Params.Values = map[string]string{"status": t.Status, "priority": t.Priority, "type": t.Type,
			"group": t.GroupName, "tags": strings.Join(t.TagList(), ", ")}
		if t.AssigneeID != nil {
			d.Params.Values["assignee_id"] = strconv.FormatInt(*t.AssigneeID, 10)
		}
	}
	if d.Types, err = h.Tickets.Types(ctx, u); err != nil {
		return err
	}
	if d.Activity, err = h.Tickets.ActivityOf(ctx, u, t); err != nil {
		return err
	}
	if d.Fields, err = h.Tickets.Fields(ctx, u); err != nil {
		return err
	}
	d.Values = t.Values()
	if u.IsStaff() && h.Kit.Can(c, "template", "read") {
		if d.Templates, err = h.Tickets.Templates(ctx, u); err != nil {
			return err
		}
		if id, err := strconv.ParseInt(c.Query("template"), 10, 64); err == nil && reply == nil {
			if tpl, err := h.Tickets.Template(ctx, u, id); err == nil {
				d.Reply.Values["body"] = tpl.Body
			}
		}
	}
	if d.Can.Edit.Assignee {
		if d.Agents, err = h.agents(ctx, t.ProviderID); err != nil {
			return err
		}
	}
	return httpx.Render(c, status, views.TicketPage(h.Kit.Page(c, views.TicketNumber(t)+" "+t.Subject), d))
}

// ReplyTicket adds a reply or note from the ticket page.
func (h *Handlers) ReplyTicket(c *fiber.Ctx) error {
	t, err := h.pathTicket(c)
	if err != nil {
		return err
	}
	f := httpx.FormFrom(c, "body", "internal", "then")
	files, err := uploads(c)
	if err != nil {
		return err
	}
	if _, err := h.Tickets.ReplyAndSet(c.UserContext(), httpx.CallerOf(c), t.ID, f.Value("body"), f.Value("internal") == "1", files, f.Value("then")); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.renderTicket(c, status, t, f, nil)
	}
	h.Kit.Flash(c, "success", "flash.ticket_replied", nil)
	return c.Redirect("/tickets/"+strconv.FormatInt(t.ID, 10), fiber.StatusSeeOther)
}

// TicketState closes (close true) or reopens a ticket from its page.
func (h *Handlers) TicketState(close bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := h.pathTicket(c)
		if err != nil {
			return err
		}
		back := "/tickets/" + strconv.FormatInt(t.ID, 10)
		flash := "flash.ticket_closed"
		if close {
			_, err = h.Tickets.Close(c.UserContext(), httpx.CallerOf(c), t.ID)
		} else {
			_, err = h.Tickets.Reopen(c.UserContext(), httpx.CallerOf(c), t.ID)
			flash = "flash.ticket_reopened"
		}
		if err != nil {
			return h.Kit.FlashError(c, err, back)
		}
		h.Kit.Flash(c, "success", flash, nil)
		return c.Redirect(back, fiber.StatusSeeOther)
	}
}

// UpdateTicket saves the parameters of a ticket from its page.
func (h *Handlers) UpdateTicket(c *fiber.Ctx) error {
	t, err := h.pathTicket(c)
	if err != nil {
		return err
	}
	// Only what the form sent changes: a customer's form carries the
	// parameters they may edit, the staff form all of them.
	f := httpx.FormFrom(c, "status", "priority", "type", "assignee_id", "group", "tags")
	sent := func(name string) *string {
		if !httpx.FormHas(c, name) {
			return nil
		}
		v := f.Value(name)
		return &v
	}
	ch := ticket.Change{Status: sent("status"), Priority: sent("priority"), Type: sent("type"), Group: sent("group")}
	if httpx.FormHas(c, "tags") {
		tags := strings.Split(f.Value("tags"), ",")
		ch.Tags = &tags
	}
	if httpx.FormHas(c, "assignee_id") {
		var assignee *int64
		if id := formID(f, "assignee_id"); id != 0 {
			assignee = &id
		}
		ch.AssigneeID = &assignee
	}
	if _, err := h.Tickets.Update(c.UserContext(), httpx.CallerOf(c), t.ID, ch); err != nil {
		st, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.renderTicket(c, st, t, nil, f)
	}
	h.Kit.Flash(c, "success", "flash.ticket_saved", nil)
	return c.Redirect("/tickets/"+strconv.FormatInt(t.ID, 10), fiber.StatusSeeOther)
}

// RateTicket rates a ticket from its page.
func (h *Handlers) RateTicket(c *fiber.Ctx) error {
	t, err := h.pathTicket(c)
	if err != nil {
		return err
	}
	back := "/tickets/" + strconv.FormatInt(t.ID, 10)
	score, _ := strconv.Atoi(c.FormValue("score"))
	if _, err := h.Tickets.Rate(c.UserContext(), httpx.CallerOf(c), t.ID, score, c.FormValue("comment")); err != nil {
		f := views.NewForm()
		f.Values["comment"] = c.FormValue("comment")
		if st, ok := httpx.FormErrors(c, f, err); ok && st == fiber.StatusUnprocessableEntity {
			return h.renderTicketRating(c, t, f)
		}
		return h.Kit.FlashError(c, err, back)
	}
	h.Kit.Flash(c, "success", "flash.ticket_rated", nil)
	return c.Redirect(back, fiber.StatusSeeOther)
}

// renderTicketRating shows the ticket page with a rating form that failed.
func (h *Handlers) renderTicketRating(c *fiber.Ctx, t *ticket.Ticket, f *views.Form) error {
	c.Locals(localRatingForm, f)
	return h.renderTicket(c, fiber.StatusUnprocessableEntity, t, nil, nil)
}

const localRatingForm = "rating_form"

// ExportTickets answers the filtered queue as CSV (staff).
func (h *Handlers) ExportTickets(c *fiber.Ctx) error {
	v := &apperr.ValidationError{}
	f, sort := ticketFilter(c, v)
	if err := v.Err(); err != nil {
		return err
	}
	list, err := h.Tickets.Export(c.UserContext(), httpx.CallerOf(c), f, sort, httpx.MaxExport)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := ticket.WriteCSV(&buf, list); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="tickets-`+device.DateOf(h.Kit.UserNow(c)).String()+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// BulkTickets assigns or changes the status of the selected tickets.
func (h *Handlers) BulkTickets(c *fiber.Ctx) error {
	back := "/tickets"
	if q := c.FormValue("back"); q != "" && httpx.SafeNext("/tickets?"+q) != "" {
		back = "/tickets?" + q
	}
	var ch ticket.Change
	if st := c.FormValue("status"); st != "" {
		ch.Status = &st
	}
	switch a := c.FormValue("assignee_id"); a {
	case "":
	case "none":
		var none *int64
		ch.AssigneeID = &none
	default:
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			id = -1
		}
		ch.AssigneeID = new(*int64)
		*ch.AssigneeID = &id
	}
	var ids []int64
	form, err := c.MultipartForm()
	if err == nil {
		for _, v := range form.Value["id"] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
	} else {
		c.Context().PostArgs().VisitAll(func(k, v []byte) {
			if string(k) == "id" {
				if id, err := strconv.ParseInt(string(v), 10, 64); err == nil {
					ids = append(ids, id)
				}
			}
		})
	}
	if ch.Status == nil && ch.AssigneeID == nil {
		h.Kit.Flash(c, "error", "error.bulk_nothing", nil)
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	n, err := h.Tickets.BulkUpdate(c.UserContext(), httpx.CallerOf(c), ids, ch)
	if err != nil {
		return h.Kit.FlashError(c, err, back)
	}
	h.Kit.Flash(c, "success", "flash.tickets_bulk", map[string]any{"Count": n})
	return c.Redirect(back, fiber.StatusSeeOther)
}
