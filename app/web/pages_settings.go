package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"backoffice/views"
)

// The provider's own details: name, email domains, and the phone and
// address shown to anyone who scans one of its labels.

func (s *Server) showOrganizationSettings(c *fiber.Ctx) error {
	o, err := s.people.Organization(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	f := views.NewForm()
	f.Values = map[string]string{"name": o.Name, "email_domains": strings.Join(o.DomainNames(), ", "),
		"address": o.Address, "phone": o.Phone, "notes": o.Notes}
	return s.render(c, fiber.StatusOK, views.OrganizationSettingsPage(s.page(c, tr(c).T("settings.title")), f))
}

func (s *Server) saveOrganizationSettings(c *fiber.Ctx) error {
	f := formFrom(c, customerFields...)
	if _, err := s.people.UpdateOrganization(c.UserContext(), actor(c), customerInput(f)); err != nil {
		status, ok := formErrors(c, f, err)
		if !ok {
			return err
		}
		return s.render(c, status, views.OrganizationSettingsPage(s.page(c, tr(c).T("settings.title")), f))
	}
	s.flash(c, "success", "flash.settings_saved", nil)
	return c.Redirect("/settings/organization", fiber.StatusSeeOther)
}

func (s *Server) apiOrganization(c *fiber.Ctx) error {
	o, err := s.people.Organization(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(toAPICustomer(o))
}

func (s *Server) apiUpdateOrganization(c *fiber.Ctx) error {
	o, err := s.people.Organization(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	var body customerBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	in := customerInputOf(o)
	body.apply(&in)
	if o, err = s.people.UpdateOrganization(c.UserContext(), actor(c), in); err != nil {
		return err
	}
	return c.JSON(toAPICustomer(o))
}
