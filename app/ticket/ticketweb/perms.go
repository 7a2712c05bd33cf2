package ticketweb

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/people"
	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
	"backoffice/rbac"
	"backoffice/views"
)

// Customer permissions on tickets: set per customer company by the provider
// administrator and overridden per user.

type apiCompanyPerms struct {
	Settings  ticket.PermChoices         `json:"settings"`
	Effective map[string]map[string]bool `json:"effective"` // per role
}

func (h *Handlers) companyPermsJSON(c *fiber.Ctx, p *ticket.PermSettings) (apiCompanyPerms, error) {
	sf, err := h.Tickets.StandardFields(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return apiCompanyPerms{}, err
	}
	out := apiCompanyPerms{Settings: p.Choices(), Effective: map[string]map[string]bool{}}
	for _, r := range rbac.CustomerRoles {
		out.Effective[string(r)] = h.Tickets.Effective(r, sf, p, nil).Map()
	}
	return out, nil
}

// APICompanyPerms answers a customer company's ticket permissions.
func (h *Handlers) APICompanyPerms(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.Tickets.CompanyPerms(c.UserContext(), httpx.CallerOf(c), id)
	if err != nil {
		return err
	}
	out, err := h.companyPermsJSON(c, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// APISetCompanyPerms changes a customer company's ticket permissions.
func (h *Handlers) APISetCompanyPerms(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var ch ticket.PermChoices
	if err := httpx.DecodeJSON(c, &ch); err != nil {
		return err
	}
	p, err := h.Tickets.SetCompanyPerms(c.UserContext(), httpx.CallerOf(c), id, ch)
	if err != nil {
		return err
	}
	out, err := h.companyPermsJSON(c, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

type apiUserPerms struct {
	Settings  ticket.PermChoices `json:"settings"`
	Company   ticket.PermChoices `json:"company"`
	Effective map[string]bool    `json:"effective"`
}

func (h *Handlers) userPerms(c *fiber.Ctx, ch ticket.PermChoices) (apiUserPerms, error) {
	ctx, u := c.UserContext(), httpx.CallerOf(c)
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return apiUserPerms{}, err
	}
	if ch != nil {
		if _, err := h.Tickets.SetUserPerms(ctx, u, id, ch); err != nil {
			return apiUserPerms{}, err
		}
	}
	target, company, user, err := h.Tickets.UserPerms(ctx, u, id)
	if err != nil {
		return apiUserPerms{}, err
	}
	sf, err := h.Tickets.StandardFields(ctx, u)
	if err != nil {
		return apiUserPerms{}, err
	}
	return apiUserPerms{Settings: user.Choices(), Company: company.Choices(),
		Effective: h.Tickets.Effective(target.Role, sf, company, user).Map()}, nil
}

// APIUserPerms answers one customer user's ticket permissions.
func (h *Handlers) APIUserPerms(c *fiber.Ctx) error {
	out, err := h.userPerms(c, nil)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// APISetUserPerms changes one customer user's ticket permissions.
func (h *Handlers) APISetUserPerms(c *fiber.Ctx) error {
	var ch ticket.PermChoices
	if err := httpx.DecodeJSON(c, &ch); err != nil {
		return err
	}
	if ch == nil {
		ch = ticket.PermChoices{}
	}
	out, err := h.userPerms(c, ch)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// permChoicesFrom reads one select per permission from a form.
func permChoicesFrom(c *fiber.Ctx) ticket.PermChoices {
	ch := ticket.PermChoices{}
	for _, perm := range rbac.TicketPerms {
		if v := c.FormValue(perm); v != "" {
			ch[perm] = v
		}
	}
	return ch
}

// ShowCompanyPerms is the ticket permissions page of a customer company.
func (h *Handlers) ShowCompanyPerms(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, h.People)
	if err != nil {
		return err
	}
	p, err := h.Tickets.CompanyPerms(c.UserContext(), httpx.CallerOf(c), o.ID)
	if err != nil {
		return err
	}
	sf, err := h.Tickets.StandardFields(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	d := views.PermsData{Title: o.Name, Action: "/customers/" + strconv.FormatInt(o.ID, 10) + "/ticket-permissions", Back: "/customers/" + strconv.FormatInt(o.ID, 10),
		Settings: p.Choices(), Effective: map[string]map[string]bool{}, Company: true}
	for _, r := range rbac.CustomerRoles {
		d.Effective[string(r)] = h.Tickets.Effective(r, sf, p, nil).Map()
	}
	users, _, err := h.People.Users(c.UserContext(), httpx.CallerOf(c), people.UserQuery{CustomerID: o.ID}, nil, 200)
	if err != nil {
		return err
	}
	d.Users = users
	return httpx.Render(c, fiber.StatusOK, views.PermsPage(h.Kit.Page(c, httpx.Tr(c).T("perms.title")), d))
}

// SaveCompanyPerms saves the ticket permissions page of a company.
func (h *Handlers) SaveCompanyPerms(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, h.People)
	if err != nil {
		return err
	}
	if _, err := h.Tickets.SetCompanyPerms(c.UserContext(), httpx.CallerOf(c), o.ID, permChoicesFrom(c)); err != nil {
		return h.Kit.FlashError(c, err, "/customers/"+strconv.FormatInt(o.ID, 10)+"/ticket-permissions")
	}
	h.Kit.Flash(c, "success", "flash.perms_saved", nil)
	return c.Redirect("/customers/"+strconv.FormatInt(o.ID, 10)+"/ticket-permissions", fiber.StatusSeeOther)
}

// ShowUserPerms is the ticket permissions page of one customer user.
func (h *Handlers) ShowUserPerms(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	target, company, user, err := h.Tickets.UserPerms(c.UserContext(), httpx.CallerOf(c), id)
	if err != nil {
		return err
	}
	sf, err := h.Tickets.StandardFields(c.UserContext(), httpx.CallerOf(c))
	if err != nil {
		return err
	}
	d := views.PermsData{Title: target.Name(), Action: "/users/" + strconv.FormatInt(id, 10) + "/ticket-permissions",
		Back: "/customers/" + strconv.FormatInt(target.OrganizationID, 10) + "/ticket-permissions", Settings: user.Choices(),
		CompanySettings: company.Choices(), Effective: map[string]map[string]bool{string(target.Role): h.Tickets.Effective(target.Role, sf, company, user).Map()}}
	return httpx.Render(c, fiber.StatusOK, views.PermsPage(h.Kit.Page(c, httpx.Tr(c).T("perms.title")), d))
}

// SaveUserPerms saves the ticket permissions page of a user.
func (h *Handlers) SaveUserPerms(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.Tickets.SetUserPerms(c.UserContext(), httpx.CallerOf(c), id, permChoicesFrom(c)); err != nil {
		return h.Kit.FlashError(c, err, "/users/"+strconv.FormatInt(id, 10)+"/ticket-permissions")
	}
	h.Kit.Flash(c, "success", "flash.perms_saved", nil)
	return c.Redirect("/users/"+strconv.FormatInt(id, 10)+"/ticket-permissions", fiber.StatusSeeOther)
}
