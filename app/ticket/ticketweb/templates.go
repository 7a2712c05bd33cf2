package ticketweb

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

// Reply templates of the provider's agents (staff only; customers get 404).

// ShowTemplates is the list of reply templates with the form of a new one.
func (h *Handlers) ShowTemplates(c *fiber.Ctx) error {
	return h.renderTemplates(c, fiber.StatusOK, views.NewForm(), 0)
}

func (h *Handlers) renderTemplates(c *fiber.Ctx, status int, f *views.Form, editing int64) error {
	ts, err := h.Tickets.Templates(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	return httpx.Render(c, status, views.TemplatesPage(h.Kit.Page(c, httpx.Tr(c).T("templates.title")), ts, f, editing))
}

// CreateTemplate adds a reply template from its page.
func (h *Handlers) CreateTemplate(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, "name", "body")
	if _, err := h.Tickets.CreateTemplate(c.UserContext(), httpx.CallerOf(c), ticket.TemplateInput{Name: f.Value("name"), Body: f.Value("body")}); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.renderTemplates(c, status, f, 0)
	}
	h.Kit.Flash(c, "success", "flash.template_saved", nil)
	return c.Redirect("/templates", fiber.StatusSeeOther)
}

// ShowTemplate is the list with one template open for editing.
func (h *Handlers) ShowTemplate(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	t, err := h.Tickets.Template(c.UserContext(), httpx.CallerOf(c), id)
	if err != nil {
		return err
	}
	f := views.NewForm()
	f.Values["name"], f.Values["body"] = t.Name, t.Body
	return h.renderTemplates(c, fiber.StatusOK, f, t.ID)
}

// UpdateTemplate saves a reply template from its page.
func (h *Handlers) UpdateTemplate(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	f := httpx.FormFrom(c, "name", "body")
	if _, err := h.Tickets.UpdateTemplate(c.UserContext(), httpx.CallerOf(c), id, ticket.TemplateInput{Name: f.Value("name"), Body: f.Value("body")}); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.renderTemplates(c, status, f, id)
	}
	h.Kit.Flash(c, "success", "flash.template_saved", nil)
	return c.Redirect("/templates", fiber.StatusSeeOther)
}

// DeleteTemplate deletes a reply template from its page.
func (h *Handlers) DeleteTemplate(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Tickets.DeleteTemplate(c.UserContext(), httpx.CallerOf(c), id); err != nil {
		return err
	}
	h.Kit.Flash(c, "success", "flash.template_deleted", nil)
	return c.Redirect("/templates", fiber.StatusSeeOther)
}

type apiTemplate struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Body      string    `json:"body"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toAPITemplate(t *ticket.Template) apiTemplate {
	return apiTemplate{ID: t.ID, Name: t.Name, Body: t.Body, UpdatedAt: t.UpdatedAt.UTC()}
}

// APITemplates lists the provider's reply templates.
func (h *Handlers) APITemplates(c *fiber.Ctx) error {
	ts, err := h.Tickets.Templates(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	out := httpx.List[apiTemplate]{Items: make([]apiTemplate, 0, len(ts))}
	for _, t := range ts {
		out.Items = append(out.Items, toAPITemplate(t))
	}
	return c.JSON(out)
}

type templateBody struct {
	Name *string `json:"name"`
	Body *string `json:"body"`
}

// apply puts the sent fields over in.
func (b templateBody) apply(in *ticket.TemplateInput) {
	if b.Name != nil {
		in.Name = *b.Name
	}
	if b.Body != nil {
		in.Body = *b.Body
	}
}

// APICreateTemplate adds a reply template.
func (h *Handlers) APICreateTemplate(c *fiber.Ctx) error {
	var b templateBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	var in ticket.TemplateInput
	b.apply(&in)
	t, err := h.Tickets.CreateTemplate(c.UserContext(), httpx.CallerOf(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPITemplate(t))
}

// APITemplate answers one reply template.
func (h *Handlers) APITemplate(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	t, err := h.Tickets.Template(c.UserContext(), httpx.CallerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(toAPITemplate(t))
}

// APIUpdateTemplate changes the fields sent of a reply template.
func (h *Handlers) APIUpdateTemplate(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	t, err := h.Tickets.Template(c.UserContext(), httpx.CallerOf(c), id)
	if err != nil {
		return err
	}
	var b templateBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	in := ticket.TemplateInput{Name: t.Name, Body: t.Body}
	b.apply(&in)
	if t, err = h.Tickets.UpdateTemplate(c.UserContext(), httpx.CallerOf(c), id, in); err != nil {
		return err
	}
	return c.JSON(toAPITemplate(t))
}

// APIDeleteTemplate deletes a reply template.
func (h *Handlers) APIDeleteTemplate(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Tickets.DeleteTemplate(c.UserContext(), httpx.CallerOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
