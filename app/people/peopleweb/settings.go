package peopleweb

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/web/httpx"
	"backoffice/views"
)

// The provider's own details: name, email domains, and the phone and
// address shown to anyone who scans one of its labels.

// ShowOrganizationSettings is the page of the provider's own details.
func (h *Handlers) ShowOrganizationSettings(c *fiber.Ctx) error {
	o, err := h.People.Organization(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	f := views.NewForm()
	f.Values = map[string]string{"name": o.Name, "email_domains": strings.Join(o.DomainNames(), ", "),
		"address": o.Address, "phone": o.Phone, "notes": o.Notes}
	return httpx.Render(c, fiber.StatusOK, views.OrganizationSettingsPage(h.Kit.Page(c, httpx.Tr(c).T("settings.title")), f))
}

// SaveOrganizationSettings saves the provider's own details.
func (h *Handlers) SaveOrganizationSettings(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, customerFields...)
	if _, err := h.People.UpdateOrganization(c.UserContext(), httpx.CallerOf(c), customerInput(f)); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return httpx.Render(c, status, views.OrganizationSettingsPage(h.Kit.Page(c, httpx.Tr(c).T("settings.title")), f))
	}
	h.Kit.Flash(c, "success", "flash.settings_saved", nil)
	return c.Redirect("/settings/organization", fiber.StatusSeeOther)
}

// APIOrganization answers the caller's provider organization.
func (h *Handlers) APIOrganization(c *fiber.Ctx) error {
	o, err := h.People.Organization(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	return c.JSON(toAPICustomer(o))
}

// APIUpdateOrganization changes the fields sent of the provider organization.
func (h *Handlers) APIUpdateOrganization(c *fiber.Ctx) error {
	o, err := h.People.Organization(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	var body customerBody
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	in := customerInputOf(o)
	body.apply(&in)
	if o, err = h.People.UpdateOrganization(c.UserContext(), httpx.CallerOf(c), in); err != nil {
		return err
	}
	return c.JSON(toAPICustomer(o))
}
