package web

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

func (s *Server) companyPermsJSON(c *fiber.Ctx, p *ticket.PermSettings) (apiCompanyPerms, error) {
	sf, err := s.tickets.StandardFields(c.UserContext(), httpx.CurrentUser(c))
	if err != nil {
		return apiCompanyPerms{}, err
	}
	out := apiCompanyPerms{Settings: p.Choices(), Effective: map[string]map[string]bool{}}
	for _, r := range rbac.CustomerRoles {
		out.Effective[string(r)] = s.tickets.Effective(r, sf, p, nil).Map()
	}
	return out, nil
}

func (s *Server) apiCompanyPerms(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.tickets.CompanyPerms(c.UserContext(), httpx.CurrentUser(c), id)
	if err != nil {
		return err
	}
	out, err := s.companyPermsJSON(c, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiSetCompanyPerms(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var ch ticket.PermChoices
	if err := httpx.DecodeJSON(c, &ch); err != nil {
		return err
	}
	p, err := s.tickets.SetCompanyPerms(c.UserContext(), httpx.CurrentUser(c), id, ch)
	if err != nil {
		return err
	}
	out, err := s.companyPermsJSON(c, p)
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

func (s *Server) userPerms(c *fiber.Ctx, ch ticket.PermChoices) (apiUserPerms, error) {
	ctx, u := c.UserContext(), httpx.CurrentUser(c)
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return apiUserPerms{}, err
	}
	if ch != nil {
		if _, err := s.tickets.SetUserPerms(ctx, u, id, ch); err != nil {
			return apiUserPerms{}, err
		}
	}
	target, company, user, err := s.tickets.UserPerms(ctx, u, id)
	if err != nil {
		return apiUserPerms{}, err
	}
	sf, err := s.tickets.StandardFields(ctx, u)
	if err != nil {
		return apiUserPerms{}, err
	}
	return apiUserPerms{Settings: user.Choices(), Company: company.Choices(),
		Effective: s.tickets.Effective(target.Role, sf, company, user).Map()}, nil
}

func (s *Server) apiUserPerms(c *fiber.Ctx) error {
	out, err := s.userPerms(c, nil)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiSetUserPerms(c *fiber.Ctx) error {
	var ch ticket.PermChoices
	if err := httpx.DecodeJSON(c, &ch); err != nil {
		return err
	}
	if ch == nil {
		ch = ticket.PermChoices{}
	}
	out, err := s.userPerms(c, ch)
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

func (s *Server) showCompanyPerms(c *fiber.Ctx) error {
	o, err := s.pathCustomer(c)
	if err != nil {
		return err
	}
	p, err := s.tickets.CompanyPerms(c.UserContext(), httpx.CurrentUser(c), o.ID)
	if err != nil {
		return err
	}
	sf, err := s.tickets.StandardFields(c.UserContext(), httpx.CurrentUser(c))
	if err != nil {
		return err
	}
	d := views.PermsData{Title: o.Name, Action: "/customers/" + strconv.FormatInt(o.ID, 10) + "/ticket-permissions", Back: "/customers/" + strconv.FormatInt(o.ID, 10),
		Settings: p.Choices(), Effective: map[string]map[string]bool{}, Company: true}
	for _, r := range rbac.CustomerRoles {
		d.Effective[string(r)] = s.tickets.Effective(r, sf, p, nil).Map()
	}
	users, _, err := s.people.Users(c.UserContext(), httpx.Actor(c), people.UserQuery{CustomerID: o.ID}, nil, 200)
	if err != nil {
		return err
	}
	d.Users = users
	return httpx.Render(c, fiber.StatusOK, views.PermsPage(s.kit.Page(c, httpx.Tr(c).T("perms.title")), d))
}

func (s *Server) saveCompanyPerms(c *fiber.Ctx) error {
	o, err := s.pathCustomer(c)
	if err != nil {
		return err
	}
	if _, err := s.tickets.SetCompanyPerms(c.UserContext(), httpx.CurrentUser(c), o.ID, permChoicesFrom(c)); err != nil {
		return s.kit.FlashError(c, err, "/customers/"+strconv.FormatInt(o.ID, 10)+"/ticket-permissions")
	}
	s.kit.Flash(c, "success", "flash.perms_saved", nil)
	return c.Redirect("/customers/"+strconv.FormatInt(o.ID, 10)+"/ticket-permissions", fiber.StatusSeeOther)
}

func (s *Server) showUserPerms(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	target, company, user, err := s.tickets.UserPerms(c.UserContext(), httpx.CurrentUser(c), id)
	if err != nil {
		return err
	}
	sf, err := s.tickets.StandardFields(c.UserContext(), httpx.CurrentUser(c))
	if err != nil {
		return err
	}
	d := views.PermsData{Title: target.Name(), Action: "/users/" + strconv.FormatInt(id, 10) + "/ticket-permissions",
		Back: "/customers/" + strconv.FormatInt(target.OrganizationID, 10) + "/ticket-permissions", Settings: user.Choices(),
		CompanySettings: company.Choices(), Effective: map[string]map[string]bool{string(target.Role): s.tickets.Effective(target.Role, sf, company, user).Map()}}
	return httpx.Render(c, fiber.StatusOK, views.PermsPage(s.kit.Page(c, httpx.Tr(c).T("perms.title")), d))
}

func (s *Server) saveUserPerms(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.tickets.SetUserPerms(c.UserContext(), httpx.CurrentUser(c), id, permChoicesFrom(c)); err != nil {
		return s.kit.FlashError(c, err, "/users/"+strconv.FormatInt(id, 10)+"/ticket-permissions")
	}
	s.kit.Flash(c, "success", "flash.perms_saved", nil)
	return c.Redirect("/users/"+strconv.FormatInt(id, 10)+"/ticket-permissions", fiber.StatusSeeOther)
}
