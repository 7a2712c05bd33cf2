package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/web/httpx"
	"backoffice/views"
)

// The provider's own details: name, email domains, and the phone and
// address shown to anyone who scans one of its labels.

func (s *Server) showOrganizationSettings(c *fiber.Ctx) error {
	o, err := s.people.Organization(c.UserContext(), httpx.Actor(c))
	if err != nil {
		return err
	}
	f := views.NewForm()
	f.Values = map[string]string{"name": o.Name, "email_domains": strings.Join(o.DomainNames(), ", "),
		"address": o.Address, "phone": o.Phone, "notes": o.Notes}
	return httpx.Render(c, fiber.StatusOK, views.OrganizationSettingsPage(s.kit.Page(c, httpx.Tr(c).T("settings.title")), f))
}

func (s *Server) saveOrganizationSettings(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, customerFields...)
	if _, err := s.people.UpdateOrganization(c.UserContext(), httpx.Actor(c), customerInput(f)); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return httpx.Render(c, status, views.OrganizationSettingsPage(s.kit.Page(c, httpx.Tr(c).T("settings.title")), f))
	}
	s.kit.Flash(c, "success", "flash.settings_saved", nil)
	return c.Redirect("/settings/organization", fiber.StatusSeeOther)
}

func (s *Server) apiOrganization(c *fiber.Ctx) error {
	o, err := s.people.Organization(c.UserContext(), httpx.Actor(c))
	if err != nil {
		return err
	}
	return c.JSON(toAPICustomer(o))
}

func (s *Server) apiUpdateOrganization(c *fiber.Ctx) error {
	o, err := s.people.Organization(c.UserContext(), httpx.Actor(c))
	if err != nil {
		return err
	}
	var body customerBody
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	in := customerInputOf(o)
	body.apply(&in)
	if o, err = s.people.UpdateOrganization(c.UserContext(), httpx.Actor(c), in); err != nil {
		return err
	}
	return c.JSON(toAPICustomer(o))
}
