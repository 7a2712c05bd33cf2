package web

import (
	"bytes"
	"context"
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
		}
	}
	return f, sort
}

func (s *Server) showTickets(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), httpx.CurrentUser(c)
	perms, err := s.ticketPerms(c)
	if err != nil {
		return err
	}
	f, sort := perms.VisibleFilter(pageTicketFilter(c))
	var after *ticket.Cursor
	if v := c.Query("after"); v != "" {
		after = new(ticket.Cursor)
		if err := httpx.DecodePageKey(v, after); err != nil {
			return c.Redirect("/tickets", fiber.StatusSeeOther)
		}
	}
	page, err := s.tickets.List(ctx, u, f, sort, after, httpx.PageSize)
	if err != nil {
		return err
	}
	counts, err := s.tickets.Counts(ctx, u)
	if err != nil {
		return err
	}
	d := views.TicketsData{Items: page.Items, Filter: f, Sort: sort, Counts: counts, Staff: u.IsStaff(), Perms: perms}
	if d.Types, err = s.tickets.Types(ctx, u); err != nil {
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
		cs, err := s.people.Customers(ctx, httpx.Actor(c), "", "", 0, 200)
		if err != nil {
			return err
		}
		d.Customers = cs.Items
		if d.Agents, err = s.agents(ctx, u.Organization.ScopeProviderID()); err != nil {
			return err
		}
	} else {
		devs, err := s.devices.List(ctx, u, device.Filter{}, "name", nil, 200)
		if err != nil {
			return err
		}
		d.Devices = devs.Items
	}
	return httpx.Render(c, fiber.StatusOK, views.TicketsPage(s.kit.Page(c, httpx.Tr(c).T("tickets.title")), d))
}

var ticketFields = []string{"subject", "description", "device_id", "priority", "type", "tags", "group", "assignee_id",
	"customer_id", "requester_id", "channel"}

// agents are the active staff users of a provider: whom a ticket may be
// assigned to.
func (s *Server) agents(ctx context.Context, providerID int64) ([]*org.User, error) {
	staff, _, err := s.users.ListUsers(ctx, org.UserFilter{OrganizationID: providerID}, nil, 500)
	if err != nil {
		return nil, err
	}
	var out []*org.User
	for _, a := range staff {
		if !a.Disabled() {
			out = append(out, a)
		}
	}
	return out, nil
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

func (s *Server) newTicketPage(c *fiber.Ctx, status int, f *views.Form) error {
	ctx, u := c.UserContext(), httpx.CurrentUser(c)
	perms, err := s.ticketPerms(c)
	if err != nil {
		return err
	}
	d := views.NewTicketData{Form: f, Staff: u.IsStaff(), Perms: perms}
	if d.Types, err = s.tickets.Types(ctx, u); err != nil {
		return err
	}
	if perms.EditAssignee {
		if d.Agents, err = s.agents(ctx, u.Organization.ScopeProviderID()); err != nil {
			return err
		}
	}
	fields, err := s.tickets.Fields(ctx, u)
	if err != nil {
		return err
	}
	for _, fd := range fields {
		if u.IsStaff() || fd.Editable {
			d.Fields = append(d.Fields, fd)
		}
	}
	if u.IsStaff() {
		cs, err := s.people.Customers(ctx, httpx.Actor(c), "", "", 0, 500)
		if err != nil {
			return err
		}
		d.Customers = cs.Items
		if id := formID(f, "customer_id"); id > 0 {
			if _, err := s.people.Customer(ctx, httpx.Actor(c), id); err != nil {
				f.Values["customer_id"] = ""
			} else {
				users, _, err := s.users.ListUsers(ctx, org.UserFilter{OrganizationID: id}, nil, 500)
				if err != nil {
					return err
				}
				d.Requesters = users
				devs, err := s.devices.List(ctx, u, device.Filter{CustomerID: id}, "name", nil, 500)
				if err != nil {
					return err
				}
				d.Devices = devs.Items
			}
		}
	} else {
		devs, err := s.devices.List(ctx, u, device.Filter{}, "name", nil, 500)
		if err != nil {
			return err
		}
		d.Devices = devs.Items
	}
	return httpx.Render(c, status, views.NewTicketPage(s.kit.Page(c, httpx.Tr(c).T("tickets.new")), d))
}

func (s *Server) showNewTicket(c *fiber.Ctx) error {
	f := views.NewForm()
	f.Values["device_id"] = c.Query("device_id")
	f.Values["customer_id"] = c.Query("customer_id")
	f.Values["priority"], f.Values["channel"] = "normal", ticket.ChannelPhone
	return s.newTicketPage(c, fiber.StatusOK, f)
}

func (s *Server) createTicket(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, ticketFields...)
	in := ticket.NewTicket{Subject: f.Value("subject"), Description: f.Value("description"), DeviceID: formID(f, "device_id"),
		Priority: f.Value("priority"), Type: f.Value("type"), Tags: strings.Split(f.Value("tags"), ","), Group: f.Value("group"),
		AssigneeID: formID(f, "assignee_id")}
	u := httpx.CurrentUser(c)
	if u.IsStaff() {
		in.CustomerID, in.RequesterID, in.Channel = formID(f, "customer_id"), formID(f, "requester_id"), f.Value("channel")
	}
	files, err := uploads(c)
	if err != nil {
		return err
	}
	in.Files = files
	fields, err := s.tickets.Fields(c.UserContext(), u)
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
	t, err := s.tickets.Create(c.UserContext(), u, in)
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return s.newTicketPage(c, status, f)
	}
	s.kit.Flash(c, "success", "flash.ticket_created", map[string]any{"Number": views.TicketNumber(t)})
	return c.Redirect("/tickets/"+strconv.FormatInt(t.ID, 10), fiber.StatusSeeOther)
}

func (s *Server) showTicket(c *fiber.Ctx) error {
	t, err := s.pathTicket(c)
	if err != nil {
		return err
	}
	return s.renderTicket(c, fiber.StatusOK, t, nil, nil)
}

// renderTicket shows the ticket page with a reply or parameter form that
// failed (nil for fresh forms).
func (s *Server) renderTicket(c *fiber.Ctx, status int, t *ticket.Ticket, reply, params *views.Form) error {
	ctx, u := c.UserContext(), httpx.CurrentUser(c)
	msgs, _, err := s.tickets.Messages(ctx, u, t.ID, 0, 500)
	if err != nil {
		return err
	}
	perms, err := s.ticketPerms(c)
	if err != nil {
		return err
	}
	d := views.TicketData{Ticket: t, Messages: msgs, Perms: perms, Staff: u.IsStaff(), Reply: reply, Params: params,
		CanWrite: u.IsStaff() || ticket.CustomerWritable(t.Channel)}
	if !d.CanWrite {
		d.ReadOnlyX = httpx.Tr(c).T("error.ticket_channel_read_only")
	}
	if d.Reply == nil {
		d.Reply = views.NewForm()
	}
	d.Rating, _ = c.Locals(localRatingForm).(*views.Form)
	if d.Rating == nil {
		d.Rating = views.NewForm()
	}
	d.CanRate = t.RequesterID != nil && *t.RequesterID == u.ID &&
		(t.Status == ticket.StatusResolved || t.Status == ticket.StatusClosed) && s.rbac.Can(u.Role, "ticket", "rate")
	if d.Params == nil {
		d.Params = views.NewForm()
		d.Params.Values = map[string]string{"status": t.Status, "priority": t.Priority, "type": t.Type,
			"group": t.GroupName, "tags": strings.Join(t.TagList(), ", ")}
		if t.AssigneeID != nil {
			d.Params.Values["assignee_id"] = strconv.FormatInt(*t.AssigneeID, 10)
		}
	}
	if d.Types, err = s.tickets.Types(ctx, u); err != nil {
		return err
	}
	if d.Fields, err = s.tickets.Fields(ctx, u); err != nil {
		return err
	}
	visible, err := s.tickets.FieldFilter(ctx, u)
	if err != nil {
		return err
	}
	d.Values = visible(t)
	if u.IsStaff() && s.rbac.Can(u.Role, "template", "read") {
		if d.Templates, err = s.tickets.Templates(ctx, u); err != nil {
			return err
		}
		if id, err := strconv.ParseInt(c.Query("template"), 10, 64); err == nil && reply == nil {
			if tpl, err := s.tickets.Template(ctx, u, id); err == nil {
				d.Reply.Values["body"] = tpl.Body
			}
		}
	}
	if perms.EditAssignee {
		if d.Agents, err = s.agents(ctx, t.ProviderID); err != nil {
			return err
		}
	}
	return httpx.Render(c, status, views.TicketPage(s.kit.Page(c, views.TicketNumber(t)+" "+t.Subject), d))
}

func (s *Server) replyTicket(c *fiber.Ctx) error {
	t, err := s.pathTicket(c)
	if err != nil {
		return err
	}
	f := httpx.FormFrom(c, "body", "internal")
	files, err := uploads(c)
	if err != nil {
		return err
	}
	if _, err := s.tickets.ReplyWithFiles(c.UserContext(), httpx.CurrentUser(c), t.ID, f.Value("body"), f.Value("internal") == "1", files); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return s.renderTicket(c, status, t, f, nil)
	}
	s.kit.Flash(c, "success", "flash.ticket_replied", nil)
	return c.Redirect("/tickets/"+strconv.FormatInt(t.ID, 10), fiber.StatusSeeOther)
}

func (s *Server) ticketState(close bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := s.pathTicket(c)
		if err != nil {
			return err
		}
		back := "/tickets/" + strconv.FormatInt(t.ID, 10)
		flash := "flash.ticket_closed"
		if close {
			_, err = s.tickets.Close(c.UserContext(), httpx.CurrentUser(c), t.ID)
		} else {
			_, err = s.tickets.Reopen(c.UserContext(), httpx.CurrentUser(c), t.ID)
			flash = "flash.ticket_reopened"
		}
		if err != nil {
			return s.kit.FlashError(c, err, back)
		}
		s.kit.Flash(c, "success", flash, nil)
		return c.Redirect(back, fiber.StatusSeeOther)
	}
}

func (s *Server) updateTicket(c *fiber.Ctx) error {
	t, err := s.pathTicket(c)
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
	if _, err := s.tickets.Update(c.UserContext(), httpx.CurrentUser(c), t.ID, ch); err != nil {
		st, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return s.renderTicket(c, st, t, nil, f)
	}
	s.kit.Flash(c, "success", "flash.ticket_saved", nil)
	return c.Redirect("/tickets/"+strconv.FormatInt(t.ID, 10), fiber.StatusSeeOther)
}

func (s *Server) rateTicket(c *fiber.Ctx) error {
	t, err := s.pathTicket(c)
	if err != nil {
		return err
	}
	back := "/tickets/" + strconv.FormatInt(t.ID, 10)
	score, _ := strconv.Atoi(c.FormValue("score"))
	if _, err := s.tickets.Rate(c.UserContext(), httpx.CurrentUser(c), t.ID, score, c.FormValue("comment")); err != nil {
		f := views.NewForm()
		f.Values["comment"] = c.FormValue("comment")
		if st, ok := httpx.FormErrors(c, f, err); ok && st == fiber.StatusUnprocessableEntity {
			return s.renderTicketRating(c, t, f)
		}
		return s.kit.FlashError(c, err, back)
	}
	s.kit.Flash(c, "success", "flash.ticket_rated", nil)
	return c.Redirect(back, fiber.StatusSeeOther)
}

// renderTicketRating shows the ticket page with a rating form that failed.
func (s *Server) renderTicketRating(c *fiber.Ctx, t *ticket.Ticket, f *views.Form) error {
	c.Locals(localRatingForm, f)
	return s.renderTicket(c, fiber.StatusUnprocessableEntity, t, nil, nil)
}

const localRatingForm = "rating_form"

// exportTickets answers the filtered queue as CSV (staff).
func (s *Server) exportTickets(c *fiber.Ctx) error {
	v := &apperr.ValidationError{}
	f, sort := ticketFilter(c, v)
	if err := v.Err(); err != nil {
		return err
	}
	list, err := s.tickets.Export(c.UserContext(), httpx.CurrentUser(c), f, sort, httpx.MaxExport)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := ticket.WriteCSV(&buf, list); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="tickets-`+device.DateOf(s.kit.UserNow(c)).String()+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// bulkTickets assigns or changes the status of the selected tickets.
func (s *Server) bulkTickets(c *fiber.Ctx) error {
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
		s.kit.Flash(c, "error", "error.bulk_nothing", nil)
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	n, err := s.tickets.BulkUpdate(c.UserContext(), httpx.CurrentUser(c), ids, ch)
	if err != nil {
		return s.kit.FlashError(c, err, back)
	}
	s.kit.Flash(c, "success", "flash.tickets_bulk", map[string]any{"Count": n})
	return c.Redirect(back, fiber.StatusSeeOther)
}
