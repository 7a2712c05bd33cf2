package ticketweb

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

// Data fields: the provider administrator defines them; tickets carry
// their values.

type apiField struct {
	ID       int64    `json:"id"`
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Kind     string   `json:"kind"`
	Options  []string `json:"options"`
	Shown    bool     `json:"shown"`
	Editable bool     `json:"editable"`
	Position int      `json:"position"`
}

func toAPIField(f *ticket.Field) apiField {
	opts := f.Choices()
	if opts == nil {
		opts = []string{}
	}
	return apiField{ID: f.ID, Key: f.Key(), Label: f.Label, Kind: f.Kind, Options: opts, Shown: f.Shown, Editable: f.Editable, Position: f.Position}
}

type fieldBody struct {
	Label    *string  `json:"label"`
	Kind     *string  `json:"kind"`
	Options  []string `json:"options"`
	Shown    *bool    `json:"shown"`
	Editable *bool    `json:"editable"`
	Position *int     `json:"position"`
}

func (b fieldBody) apply(in *ticket.FieldInput) {
	if b.Label != nil {
		in.Label = *b.Label
	}
	if b.Kind != nil {
		in.Kind = *b.Kind
	}
	if b.Options != nil {
		in.Options = strings.Join(b.Options, "\n")
	}
	if b.Shown != nil {
		in.Shown = *b.Shown
	}
	if b.Editable != nil {
		in.Editable = *b.Editable
	}
	if b.Position != nil {
		in.Position = *b.Position
	}
}

// APIFields lists the provider's data fields.
func (h *Handlers) APIFields(c *fiber.Ctx) error {
	fields, err := h.Tickets.Fields(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	out := httpx.List[apiField]{Items: make([]apiField, 0, len(fields))}
	for _, f := range fields {
		out.Items = append(out.Items, toAPIField(f))
	}
	return c.JSON(out)
}

// APISaveField creates a data field or changes one (:id).
func (h *Handlers) APISaveField(c *fiber.Ctx) error {
	var id int64
	in := ticket.FieldInput{Shown: true}
	if c.Params("id") != "" {
		var err error
		if id, err = httpx.PathID(c, "id"); err != nil {
			return err
		}
		f, err := h.Tickets.Field(c.UserContext(), httpx.CallerOf(c), id)
		if err != nil {
			return err
		}
		in = ticket.FieldInput{Label: f.Label, Kind: f.Kind, Options: f.Options, Shown: f.Shown, Editable: f.Editable, Position: f.Position}
	}
	var b fieldBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	b.apply(&in)
	f, err := h.Tickets.SaveField(c.UserContext(), httpx.CallerOf(c), id, in)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if id == 0 {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(toAPIField(f))
}

// APIDeleteField deletes a data field.
func (h *Handlers) APIDeleteField(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Tickets.DeleteField(c.UserContext(), httpx.CallerOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ShowFields is the page of data fields, standard fields and ticket types.
func (h *Handlers) ShowFields(c *fiber.Ctx) error {
	f := views.NewForm()
	f.Values["shown"] = "1"
	f.Values["kind"] = "text"
	var editing int64
	if id, err := strconv.ParseInt(c.Query("edit"), 10, 64); err == nil {
		fd, err := h.Tickets.Field(c.UserContext(), httpx.CallerOf(c), id)
		if err != nil {
			return err
		}
		editing = fd.ID
		f.Values = map[string]string{"label": fd.Label, "kind": fd.Kind, "options": fd.Options, "position": strconv.Itoa(fd.Position)}
		if fd.Shown {
			f.Values["shown"] = "1"
		}
		if fd.Editable {
			f.Values["editable"] = "1"
		}
	}
	return h.renderFields(c, fiber.StatusOK, f, editing)
}

func (h *Handlers) renderFields(c *fiber.Ctx, status int, f *views.Form, editing int64) error {
	fields, err := h.Tickets.Fields(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	standard, err := h.Tickets.StandardFields(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	types, err := h.Tickets.Types(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	return httpx.Render(c, status, views.FieldsPage(h.Kit.Page(c, httpx.Tr(c).T("fields.title")), standard, types, fields, f, editing))
}

// SaveField creates or changes a data field from its page.
func (h *Handlers) SaveField(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, "label", "kind", "options", "shown", "editable", "position")
	id, _ := strconv.ParseInt(c.FormValue("id"), 10, 64)
	pos, err := strconv.Atoi(f.Value("position"))
	if err != nil {
		pos = 0
	}
	in := ticket.FieldInput{Label: f.Value("label"), Kind: f.Value("kind"), Options: f.Value("options"),
		Shown: f.Value("shown") == "1", Editable: f.Value("editable") == "1", Position: pos}
	if _, err := h.Tickets.SaveField(c.UserContext(), httpx.CallerOf(c), id, in); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.renderFields(c, status, f, id)
	}
	h.Kit.Flash(c, "success", "flash.field_saved", nil)
	return c.Redirect("/settings/fields", fiber.StatusSeeOther)
}

// DeleteField deletes a data field from its page.
func (h *Handlers) DeleteField(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Tickets.DeleteField(c.UserContext(), httpx.CallerOf(c), id); err != nil {
		return err
	}
	h.Kit.Flash(c, "success", "flash.field_deleted", nil)
	return c.Redirect("/settings/fields", fiber.StatusSeeOther)
}

// SaveTicketFields sets data field values from the ticket page.
func (h *Handlers) SaveTicketFields(c *fiber.Ctx) error {
	t, err := h.pathTicket(c)
	if err != nil {
		return err
	}
	fields, err := h.Tickets.Fields(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, f := range fields {
		if f.Kind == "checkbox" {
			values[f.Key()] = strconv.FormatBool(c.FormValue(f.Key()) == "1")
		} else {
			values[f.Key()] = c.FormValue(f.Key())
		}
	}
	if _, err := h.Tickets.Update(c.UserContext(), httpx.CallerOf(c), t.ID, ticket.Change{Fields: values}); err != nil {
		return h.Kit.FlashError(c, err, "/tickets/"+strconv.FormatInt(t.ID, 10))
	}
	h.Kit.Flash(c, "success", "flash.ticket_saved", nil)
	return c.Redirect("/tickets/"+strconv.FormatInt(t.ID, 10), fiber.StatusSeeOther)
}

// Standard fields: the provider administrator switches whether customers
// see and may change the priority, the assignee and the group.

type apiStandardField struct {
	Name     string `json:"name"`
	Shown    bool   `json:"shown"`
	Editable bool   `json:"editable"`
	Stored   bool   `json:"stored"`
}

func toAPIStandardField(f *ticket.StandardField) apiStandardField {
	return apiStandardField{Name: f.Name, Shown: f.Shown, Editable: f.Editable && f.Shown, Stored: f.Stored()}
}

// APIStandardFields lists the switches of the standard fields.
func (h *Handlers) APIStandardFields(c *fiber.Ctx) error {
	fields, err := h.Tickets.StandardFields(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	out := httpx.List[apiStandardField]{Items: make([]apiStandardField, 0, len(fields))}
	for _, f := range fields {
		out.Items = append(out.Items, toAPIStandardField(f))
	}
	return c.JSON(out)
}

// APISetStandardField switches one standard field.
func (h *Handlers) APISetStandardField(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), httpx.CallerOf(c)
	fields, err := h.Tickets.StandardFields(ctx, u)
	if err != nil {
		return err
	}
	var cur *ticket.StandardField
	for _, f := range fields {
		if f.Name == c.Params("name") {
			cur = f
		}
	}
	if cur == nil {
		return apperr.ErrNotFound
	}
	var b struct {
		Shown    *bool `json:"shown"`
		Editable *bool `json:"editable"`
	}
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	shown, editable := cur.Shown, cur.Editable
	if b.Shown != nil {
		shown = *b.Shown
	}
	if b.Editable != nil {
		editable = *b.Editable
	}
	f, err := h.Tickets.SetStandardField(ctx, u, cur.Name, shown, editable)
	if err != nil {
		return err
	}
	return c.JSON(toAPIStandardField(f))
}

// SaveStandardFields stores the switches of all standard fields from the
// settings page (a checkbox left out is off).
func (h *Handlers) SaveStandardFields(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), httpx.CallerOf(c)
	for _, name := range ticket.StandardFieldNames {
		if _, err := h.Tickets.SetStandardField(ctx, u, name, c.FormValue(name+"_shown") == "1", c.FormValue(name+"_editable") == "1"); err != nil {
			return err
		}
	}
	h.Kit.Flash(c, "success", "flash.standard_fields_saved", nil)
	return c.Redirect("/settings/fields", fiber.StatusSeeOther)
}

// Ticket types: the provider's editable list.

type apiTicketType struct {
	Key      string `json:"key"`
	Label    string `json:"label"` // the provider's own label ("" for a built-in under its translated name)
	Name     string `json:"name"`  // as the reader sees it
	Active   bool   `json:"active"`
	Builtin  bool   `json:"builtin"`
	Position int    `json:"position"`
}

func (h *Handlers) toAPIType(c *fiber.Ctx, types ticket.TypeList, t *ticket.TypeDef) apiTicketType {
	return apiTicketType{Key: t.Key, Label: t.Label, Name: views.TypeLabel(&views.Page{Tr: httpx.Tr(c)}, types, t.Key), Active: t.Active,
		Builtin: ticket.BuiltinType(t.Key), Position: t.Position}
}

// APITypes lists the ticket types.
func (h *Handlers) APITypes(c *fiber.Ctx) error {
	types, err := h.Tickets.Types(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	out := httpx.List[apiTicketType]{Items: make([]apiTicketType, 0, len(types))}
	for _, t := range types {
		out.Items = append(out.Items, h.toAPIType(c, types, t))
	}
	return c.JSON(out)
}

type typeBody struct {
	Label  *string `json:"label"`
	Active *bool   `json:"active"`
}

// APIAddType adds a ticket type.
func (h *Handlers) APIAddType(c *fiber.Ctx) error {
	var b typeBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	label := ""
	if b.Label != nil {
		label = *b.Label
	}
	t, err := h.Tickets.AddType(c.UserContext(), httpx.CallerOf(c), label)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(h.toAPIType(c, ticket.TypeList{t}, t))
}

// APIUpdateType renames or retires a ticket type.
func (h *Handlers) APIUpdateType(c *fiber.Ctx) error {
	var b typeBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	t, err := h.Tickets.UpdateType(c.UserContext(), httpx.CallerOf(c), c.Params("key"), ticket.TypeInput{Label: b.Label, Active: b.Active})
	if err != nil {
		return err
	}
	return c.JSON(h.toAPIType(c, ticket.TypeList{t}, t))
}

// AddType adds a type from the settings page.
func (h *Handlers) AddType(c *fiber.Ctx) error {
	if _, err := h.Tickets.AddType(c.UserContext(), httpx.CallerOf(c), c.FormValue("type_label")); err != nil {
		return h.Kit.FlashError(c, err, "/settings/fields")
	}
	h.Kit.Flash(c, "success", "flash.type_saved", nil)
	return c.Redirect("/settings/fields", fiber.StatusSeeOther)
}

// UpdateType renames, retires or offers again a type from the settings
// page: the form sends a label, or active=0/1.
func (h *Handlers) UpdateType(c *fiber.Ctx) error {
	var in ticket.TypeInput
	if httpx.FormHas(c, "label") {
		label := c.FormValue("label")
		in.Label = &label
	}
	if httpx.FormHas(c, "active") {
		active := c.FormValue("active") == "1"
		in.Active = &active
	}
	if _, err := h.Tickets.UpdateType(c.UserContext(), httpx.CallerOf(c), c.Params("key"), in); err != nil {
		return h.Kit.FlashError(c, err, "/settings/fields")
	}
	h.Kit.Flash(c, "success", "flash.type_saved", nil)
	return c.Redirect("/settings/fields", fiber.StatusSeeOther)
}
