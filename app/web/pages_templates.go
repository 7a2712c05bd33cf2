package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/ticket"
	"backoffice/views"
)

// Reply templates of the provider's agents (staff only; customers get 404).

func (s *Server) showTemplates(c *fiber.Ctx) error {
	return s.renderTemplates(c, fiber.StatusOK, views.NewForm(), 0)
}

func (s *Server) renderTemplates(c *fiber.Ctx, status int, f *views.Form, editing int64) error {
	ts, err := s.tickets.Templates(c.UserContext(), currentUser(c))
	if err != nil {
		return err
	}
	return s.render(c, status, views.TemplatesPage(s.page(c, tr(c).T("templates.title")), ts, f, editing))
}

func (s *Server) createTemplate(c *fiber.Ctx) error {
	f := formFrom(c, "name", "body")
	if _, err := s.tickets.CreateTemplate(c.UserContext(), currentUser(c), ticket.TemplateInput{Name: f.Value("name"), Body: f.Value("body")}); err != nil {
		status, ok := formErrors(c, f, err)
		if !ok {
			return err
		}
		return s.renderTemplates(c, status, f, 0)
	}
	s.flash(c, "success", "flash.template_saved", nil)
	return c.Redirect("/templates", fiber.StatusSeeOther)
}

func (s *Server) showTemplate(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.tickets.Template(c.UserContext(), currentUser(c), id)
	if err != nil {
		return err
	}
	f := views.NewForm()
	f.Values["name"], f.Values["body"] = t.Name, t.Body
	return s.renderTemplates(c, fiber.StatusOK, f, t.ID)
}

func (s *Server) updateTemplate(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := formFrom(c, "name", "body")
	if _, err := s.tickets.UpdateTemplate(c.UserContext(), currentUser(c), id, ticket.TemplateInput{Name: f.Value("name"), Body: f.Value("body")}); err != nil {
		status, ok := formErrors(c, f, err)
		if !ok {
			return err
		}
		return s.renderTemplates(c, status, f, id)
	}
	s.flash(c, "success", "flash.template_saved", nil)
	return c.Redirect("/templates", fiber.StatusSeeOther)
}

func (s *Server) deleteTemplate(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.tickets.DeleteTemplate(c.UserContext(), currentUser(c), id); err != nil {
		return err
	}
	s.flash(c, "success", "flash.template_deleted", nil)
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
	ts, err := s.tickets.Templates(c.UserContext(), currentUser(c))
	if err != nil {
		return err
	}
	out := list[apiTemplate]{Items: make([]apiTemplate, 0, len(ts))}
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
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	var in ticket.TemplateInput
	b.apply(&in)
	t, err := s.tickets.CreateTemplate(c.UserContext(), currentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPITemplate(t))
}

func (s *Server) apiTemplate(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.tickets.Template(c.UserContext(), currentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(toAPITemplate(t))
}

func (s *Server) apiUpdateTemplate(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.tickets.Template(c.UserContext(), currentUser(c), id)
	if err != nil {
		return err
	}
	var b templateBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	in := ticket.TemplateInput{Name: t.Name, Body: t.Body}
	b.apply(&in)
	if t, err = s.tickets.UpdateTemplate(c.UserContext(), currentUser(c), id, in); err != nil {
		return err
	}
	return c.JSON(toAPITemplate(t))
}

func (s *Server) apiDeleteTemplate(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.tickets.DeleteTemplate(c.UserContext(), currentUser(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
