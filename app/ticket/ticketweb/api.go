package ticketweb

import (
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
)

type apiTicket struct {
	ID              int64          `json:"id"`
	Number          int64          `json:"number"`
	Subject         string         `json:"subject"`
	Status          string         `json:"status"`
	Priority        *string        `json:"priority,omitempty"`
	Type            *string        `json:"type,omitempty"`
	Channel         string         `json:"channel"`
	CustomerID      int64          `json:"customer_id"`
	DeviceID        *int64         `json:"device_id"`
	RequesterID     *int64         `json:"requester_id"`
	AssigneeID      **int64        `json:"assignee_id,omitempty"` // shown (null when unassigned) when permitted
	Group           *string        `json:"group,omitempty"`
	Tags            *[]string      `json:"tags,omitempty"` // shown ([] when none) when permitted
	Fields          map[string]any `json:"fields"`
	Rating          *int           `json:"rating"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	FirstResponseAt *time.Time     `json:"first_response_at"`
	ResolvedAt      *time.Time     `json:"resolved_at"`
	ClosedAt        *time.Time     `json:"closed_at"`
	DueAt           *time.Time     `json:"due_at"`
}

// ticketPerms are the signed-in user's customer permissions on tickets.
func (h *Handlers) ticketPerms(c *fiber.Ctx) (ticket.Perms, error) {
	return h.Tickets.PermsOf(c.UserContext(), httpx.CallerOf(c))
}

// ticketView loads what the signed-in user may see of tickets and returns
// the function that shows one so. Handlers that change a ticket call it
// before the change, so that the answer needs no database after the commit.
func (h *Handlers) ticketView(c *fiber.Ctx) (func(*ticket.Ticket) apiTicket, error) {
	redact, perms, err := h.Tickets.Redactor(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return nil, err
	}
	return func(t *ticket.Ticket) apiTicket { return toAPITicket(perms, redact(t)) }, nil
}

// toAPITicket is the answer of t, redacted for a caller with permissions p
// (ticket.Service.Redactor): the parameters p hides are left out, not null.
func toAPITicket(p ticket.Perms, t *ticket.Ticket) apiTicket {
	out := apiTicket{ID: t.ID, Number: t.Number, Subject: t.Subject, Status: t.Status, Channel: t.Channel,
		CustomerID: t.CustomerID, DeviceID: t.DeviceID, RequesterID: t.RequesterID, Rating: t.Rating,
		CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC(), FirstResponseAt: httpx.UTC(t.FirstResponseAt),
		ResolvedAt: httpx.UTC(t.ResolvedAt), ClosedAt: httpx.UTC(t.ClosedAt), DueAt: httpx.UTC(t.DueAt), Fields: map[string]any{}}
	for k, v := range t.Values() {
		out.Fields[k] = v
	}
	if p.ViewPriority {
		out.Priority = &t.Priority
	}
	if p.ViewType {
		out.Type = &t.Type
	}
	if p.ViewTags {
		tags := t.TagList()
		if tags == nil {
			tags = []string{}
		}
		out.Tags = &tags
	}
	if p.SeeAssignee {
		out.AssigneeID = &t.AssigneeID
	}
	if p.SeeGroup {
		out.Group = &t.GroupName
	}
	return out
}

// ticketFilter reads a ticket list's filter and sort from the query.
func ticketFilter(c *fiber.Ctx, v *apperr.ValidationError) (ticket.Filter, string) {
	u := httpx.CallerOf(c)
	f := ticket.Filter{Status: c.Query("status"), Priority: c.Query("priority"), Type: c.Query("type"),
		Query: strings.TrimSpace(c.Query("q")), View: c.Query("view")}
	id := func(name string) int64 {
		s := c.Query(name)
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			v.Add(name, "error.id_invalid", nil)
			return 0
		}
		return n
	}
	f.DeviceID = id("device_id")
	f.CreatedWithin = int(id("created_within"))
	f.Rating = int(id("rating"))
	switch r := c.Query("requester"); r {
	case "", "anyone":
	case "me":
		f.RequesterID = u.ID
	default:
		v.Add("requester", "error.requester_filter", nil)
	}
	if u.IsStaff() {
		f.CustomerID = id("customer_id")
		switch a := c.Query("assignee"); a {
		case "", "anyone":
		case "me":
			f.AssigneeID = u.ID
		case "none":
			f.Unassigned = true
		default:
			n, err := strconv.ParseInt(a, 10, 64)
			if err != nil || n <= 0 {
				v.Add("assignee", "error.assignee_filter", nil)
			}
			f.AssigneeID = n
		}
	}
	sort := c.Query("sort", "-updated_at")
	if err := ticket.CheckFilter(f, sort); err != nil {
		if ve, ok := err.(*apperr.ValidationError); ok {
			v.Fields = append(v.Fields, ve.Fields...)
		}
	}
	return f, sort
}

// APITickets lists the tickets the caller may see, filtered, sorted and paged.
func (h *Handlers) APITickets(c *fiber.Ctx) error {
	v := &apperr.ValidationError{}
	f, sort := ticketFilter(c, v)
	limit := httpx.ParseLimit(c, v)
	after := httpx.KeyCursorOf[ticket.Cursor](c, v)
	if err := v.Err(); err != nil {
		return err
	}
	page, err := h.Tickets.List(c.UserContext(), httpx.CallerOf(c), f, sort, after, limit)
	if err != nil {
		return err
	}
	view, err := h.ticketView(c)
	if err != nil {
		return err
	}
	out := httpx.List[apiTicket]{Items: make([]apiTicket, 0, len(page.Items))}
	for _, t := range page.Items {
		out.Items = append(out.Items, view(t))
	}
	if page.Next != nil {
		out.NextCursor = httpx.KeyCursor(page.Next)
	}
	return c.JSON(out)
}

type ticketBody struct {
	Subject     string         `json:"subject"`
	Description string         `json:"description"`
	DeviceID    *int64         `json:"device_id"`
	Priority    string         `json:"priority"`
	Type        string         `json:"type"`
	Tags        []string       `json:"tags"`
	Group       string         `json:"group"`
	AssigneeID  *int64         `json:"assignee_id"`
	CustomerID  *int64         `json:"customer_id"`
	RequesterID *int64         `json:"requester_id"`
	Channel     string         `json:"channel"`
	Fields      map[string]any `json:"fields"`
}

// fieldStrings turns sent field values (strings, numbers, booleans) into
// text; anything else is a problem at the field.
func fieldStrings(in map[string]any) (map[string]string, error) {
	if in == nil {
		return nil, nil
	}
	out := map[string]string{}
	v := &apperr.ValidationError{}
	for k, val := range in {
		switch x := val.(type) {
		case string:
			out[k] = x
		case float64:
			out[k] = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			out[k] = strconv.FormatBool(x)
		case nil:
			out[k] = ""
		default:
			v.Add("fields."+k, "error.field_value", map[string]any{"Label": k})
		}
	}
	return out, v.Err()
}

// APICreateTicket opens a ticket.
func (h *Handlers) APICreateTicket(c *fiber.Ctx) error {
	var b ticketBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	in := ticket.NewTicket{Subject: b.Subject, Description: b.Description, Priority: b.Priority, Type: b.Type, Tags: b.Tags, Group: b.Group}
	idOrInvalid := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		if *p <= 0 {
			return -1
		}
		return *p
	}
	in.DeviceID, in.AssigneeID = idOrInvalid(b.DeviceID), idOrInvalid(b.AssigneeID)
	fv, err := fieldStrings(b.Fields)
	if err != nil {
		return err
	}
	in.FieldValues = fv
	u := httpx.CallerOf(c)
	if u.IsStaff() {
		in.CustomerID, in.RequesterID, in.Channel = idOrInvalid(b.CustomerID), idOrInvalid(b.RequesterID), b.Channel
	}
	view, err := h.ticketView(c)
	if err != nil {
		return err
	}
	t, err := h.Tickets.Create(c.UserContext(), u, in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/tickets/"+strconv.FormatInt(t.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(view(t))
}

func (h *Handlers) pathTicket(c *fiber.Ctx) (*ticket.Ticket, error) {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.Tickets.Ticket(c.UserContext(), httpx.CallerOf(c), id)
}

// APITicket answers one ticket with the parameters the caller may see.
func (h *Handlers) APITicket(c *fiber.Ctx) error {
	t, err := h.pathTicket(c)
	if err != nil {
		return err
	}
	view, err := h.ticketView(c)
	if err != nil {
		return err
	}
	return c.JSON(view(t))
}

// ticketPatch is a PATCH of a ticket: absent fields stay; null clears the
// assignee or the device, and is an empty value elsewhere.
type ticketPatch struct {
	Subject    httpx.Opt[string]         `json:"subject"`
	Status     httpx.Opt[string]         `json:"status"`
	Priority   httpx.Opt[string]         `json:"priority"`
	Type       httpx.Opt[string]         `json:"type"`
	Group      httpx.Opt[string]         `json:"group"`
	Tags       httpx.Opt[[]string]       `json:"tags"`
	AssigneeID httpx.Opt[int64]          `json:"assignee_id"`
	DeviceID   httpx.Opt[int64]          `json:"device_id"`
	Fields     httpx.Opt[map[string]any] `json:"fields"`
}

// APIUpdateTicket changes the parameters the caller may change.
func (h *Handlers) APIUpdateTicket(c *fiber.Ctx) error {
	t, err := h.pathTicket(c)
	if err != nil {
		return err
	}
	var b ticketPatch
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	v := &apperr.ValidationError{}
	httpx.Check(v, "subject", b.Subject)
	httpx.Check(v, "status", b.Status)
	httpx.Check(v, "priority", b.Priority)
	httpx.Check(v, "type", b.Type)
	httpx.Check(v, "group", b.Group)
	httpx.Check(v, "tags", b.Tags)
	httpx.CheckID(v, "assignee_id", "error.id_invalid", b.AssigneeID)
	httpx.CheckID(v, "device_id", "error.id_invalid", b.DeviceID)
	httpx.Check(v, "fields", b.Fields)
	ch := ticket.Change{Subject: b.Subject.Ptr(), Status: b.Status.Ptr(), Priority: b.Priority.Ptr(), Type: b.Type.Ptr(),
		Group: b.Group.Ptr(), Tags: b.Tags.Ptr(), AssigneeID: b.AssigneeID.Clear(), DeviceID: b.DeviceID.Clear()}
	if fv, err := fieldStrings(b.Fields.Value); err != nil {
		if ve, ok := err.(*apperr.ValidationError); ok {
			v.Fields = append(v.Fields, ve.Fields...)
		}
	} else {
		ch.Fields = fv
	}
	if err := v.Err(); err != nil {
		return err
	}
	view, err := h.ticketView(c)
	if err != nil {
		return err
	}
	if t, err = h.Tickets.Update(c.UserContext(), httpx.CallerOf(c), t.ID, ch); err != nil {
		return err
	}
	return c.JSON(view(t))
}

type apiMessage struct {
	ID          int64           `json:"id"`
	AuthorID    *int64          `json:"author_id"`
	AuthorName  string          `json:"author_name"`
	Body        string          `json:"body"`
	Internal    *bool           `json:"internal,omitempty"` // staff only
	Attachments []apiAttachment `json:"attachments"`
	CreatedAt   time.Time       `json:"created_at"`
}

func toAPIMessage(u *caller.Caller, m *ticket.Message) apiMessage {
	out := apiMessage{ID: m.ID, AuthorID: m.AuthorID, AuthorName: m.AuthorName, Body: m.Body, CreatedAt: m.CreatedAt.UTC(),
		Attachments: attachmentsJSON(m)}
	if u.IsStaff() {
		internal := m.Internal
		out.Internal = &internal
	}
	return out
}

// APITicketMessages lists a ticket's messages, oldest first.
func (h *Handlers) APITicketMessages(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	p, err := httpx.ParsePaging(c)
	if err != nil {
		return err
	}
	u := httpx.CallerOf(c)
	msgs, more, err := h.Tickets.Messages(c.UserContext(), u, id, p.After, p.Limit)
	if err != nil {
		return err
	}
	out := httpx.List[apiMessage]{Items: make([]apiMessage, 0, len(msgs))}
	for _, m := range msgs {
		out.Items = append(out.Items, toAPIMessage(u, m))
	}
	if more {
		out.NextCursor = httpx.CursorFor(msgs[len(msgs)-1].ID)
	}
	return c.JSON(out)
}

// APIReplyTicket adds a reply or, for staff, an internal note.
func (h *Handlers) APIReplyTicket(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var b struct {
		Body     string `json:"body"`
		Internal bool   `json:"internal"`
		Status   string `json:"status"`
	}
	var files []ticket.Upload
	if isMultipart(c) {
		b.Body, b.Internal = c.FormValue("body"), c.FormValue("internal") == "true" || c.FormValue("internal") == "1"
		b.Status = c.FormValue("status")
		if files, err = uploads(c); err != nil {
			return err
		}
	} else if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	u := httpx.CallerOf(c)
	m, err := h.Tickets.ReplyAndSet(c.UserContext(), u, id, b.Body, b.Internal, files, b.Status)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIMessage(u, m))
}

// APITicketState closes (close true) or reopens a ticket.
func (h *Handlers) APITicketState(close bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := httpx.PathID(c, "id")
		if err != nil {
			return err
		}
		view, err := h.ticketView(c)
		if err != nil {
			return err
		}
		u := httpx.CallerOf(c)
		var t *ticket.Ticket
		if close {
			t, err = h.Tickets.Close(c.UserContext(), u, id)
		} else {
			t, err = h.Tickets.Reopen(c.UserContext(), u, id)
		}
		if err != nil {
			return err
		}
		return c.JSON(view(t))
	}
}

// APIRateTicket rates a resolved or closed ticket.
func (h *Handlers) APIRateTicket(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var b struct {
		Score   *int   `json:"score"`
		Comment string `json:"comment"`
	}
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	if b.Score == nil {
		return apperr.Invalid("score", "error.rating_range")
	}
	view, err := h.ticketView(c)
	if err != nil {
		return err
	}
	t, err := h.Tickets.Rate(c.UserContext(), httpx.CallerOf(c), id, *b.Score, b.Comment)
	if err != nil {
		return err
	}
	return c.JSON(view(t))
}

type apiAttachment struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

func attachmentsJSON(m *ticket.Message) []apiAttachment {
	out := make([]apiAttachment, 0, len(m.Attachments))
	for _, a := range m.Attachments {
		out = append(out, apiAttachment{ID: a.ID, Filename: a.Filename, ContentType: a.ContentType, Size: a.Size,
			URL: "/api/v1/tickets/" + strconv.FormatInt(a.TicketID, 10) + "/attachments/" + strconv.FormatInt(a.ID, 10)})
	}
	return out
}

// uploads reads the "files" of a multipart request; a file over the limit
// is read only far enough to be refused.
func uploads(c *fiber.Ctx) ([]ticket.Upload, error) {
	form, err := c.MultipartForm()
	if err != nil {
		return nil, nil
	}
	var out []ticket.Upload
	for i, fh := range form.File["files"] {
		if i >= ticket.MaxFiles+1 {
			break
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, ticket.MaxFileSize+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		if fh.Filename == "" && len(data) == 0 {
			continue // an empty file input
		}
		out = append(out, ticket.Upload{Name: fh.Filename, Data: data})
	}
	return out, nil
}

func isMultipart(c *fiber.Ctx) bool {
	return strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm)
}

// SendAttachment answers a file of a ticket the user may see, as a
// download that browsers neither sniff nor run.
func (h *Handlers) SendAttachment(c *fiber.Ctx) error {
	t, err := h.pathTicket(c)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(c, "attachment_id")
	if err != nil {
		return err
	}
	a, err := h.Tickets.Attachment(c.UserContext(), httpx.CallerOf(c), t, id)
	if err != nil {
		return err
	}
	f, err := h.Tickets.Files().Open(a)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+asciiName(a.Filename)+`"; filename*=UTF-8''`+url.PathEscape(a.Filename))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	return c.Send(data)
}

// asciiName is a file name for the plain filename parameter.
func asciiName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
}
