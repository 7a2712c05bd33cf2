package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

// Reply templates of the provider's agents (staff only; customers get 404).

func (s *Server) showTemplates(c *fiber.Ctx) error {
	return s.renderTemplates(c, fiber.StatusOK, views.NewForm(), 0)
}

func (s *Server) renderTemplates(c *fiber.Ctx, status int, f *views.Form, editing int64) error {
	ts, err := s.tickets.Templates(c.UserContext(), httpx.CurrentUser(c))
	if err != nil {
		return err
	}
	return httpx.Render(c, status, views.TemplatesPage(s.kit.Page(c, httpx.Tr(c).T("templates.title")), ts, f, editing))
}

func (s *Server) createTemplate(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, "name", "body")
	if _, err := s.tickets.CreateTemplate(c.UserContext(), httpx.CurrentUser(c), ticket.TemplateInput{Name: f.Value("name"), Body: f.Value("body")}); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return s.renderTemplates(c, status, f, 0)
	}
	s.kit.Flash(c, "success", "flash.template_saved", nil)
	return c.Redirect("/templates", fiber.StatusSeeOther)
}

func (s *Server) showTemplate(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.tickets.Template(c.UserContext(), httpx.CurrentUser(c), id)
	if err != nil {
		return err
	}
	f := views.NewForm()
	f.Values["name"], f.Values["body"] = t.Name, t.Body
	return s.renderTemplates(c, fiber.StatusOK, f, t.ID)
}

func (s *Server) updateTemplate(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	f := httpx.FormFrom(c, "name", "body")
	if _, err := s.tickets.UpdateTemplate(c.UserContext(), httpx.CurrentUser(c), id, ticket.TemplateInput{Name: f.Value("name"), Body: f.Value("body")}); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return s.renderTemplates(c, status, f, id)
	}
	s.kit.Flash(c, "success", "flash.template_saved", nil)
	return c.Redirect("/templates", fiber.StatusSeeOther)
}

func (s *Server) deleteTemplate(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.tickets.DeleteTemplate(c.UserContext(), httpx.CurrentUser(c), id); err != nil {
		return err
	}
	s.kit.Flash(c, "success", "flash.template_deleted", nil)
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

func (s *Server) apiTemplates(c *fiber.Ctx) error {
	ts, err := s.tickets.Templates(c.UserContext(), httpx.CurrentUser(c))
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

func (s *Server) apiCreateTemplate(c *fiber.Ctx) error {
	var b templateBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	var in ticket.TemplateInput
	b.apply(&in)
	t, err := s.tickets.CreateTemplate(c.UserContext(), httpx.CurrentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPITemplate(t))
}

func (s *Server) apiTemplate(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.tickets.Template(c.UserContext(), httpx.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(toAPITemplate(t))
}

func (s *Server) apiUpdateTemplate(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.tickets.Template(c.UserContext(), httpx.CurrentUser(c), id)
	if err != nil {
		return err
	}
	var b templateBody
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	in := ticket.TemplateInput{Name: t.Name, Body: t.Body}
	b.apply(&in)
	if t, err = s.tickets.UpdateTemplate(c.UserContext(), httpx.CurrentUser(c), id, in); err != nil {
		return err
	}
	return c.JSON(toAPITemplate(t))
}

func (s *Server) apiDeleteTemplate(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.tickets.DeleteTemplate(c.UserContext(), httpx.CurrentUser(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
