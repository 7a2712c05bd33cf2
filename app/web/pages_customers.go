package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/app/web/httpx"
	"backoffice/rbac"
	"backoffice/views"
)

func (s *Server) showCustomers(c *fiber.Ctx) error {
	var cur customerCursor
	if v := c.Query("after"); v != "" {
		if err := httpx.DecodePageKey(v, &cur); err != nil {
			return c.Redirect("/customers", fiber.StatusSeeOther)
		}
	}
	q := httpx.PageSearch(c)
	page, err := s.people.Customers(c.UserContext(), httpx.Actor(c), q, cur.Name, cur.ID, httpx.PageSize)
	if err != nil {
		return err
	}
	d := views.CustomersData{Items: page.Items, Query: q, IsFirst: cur.ID == 0}
	if page.NextID > 0 {
		d.NextHref = "/customers?q=" + views.QueryEscape(q) + "&after=" + httpx.EncodePageKey(customerCursor{Name: page.NextName, ID: page.NextID})
	}
	return httpx.Render(c, fiber.StatusOK, views.CustomersPage(s.kit.Page(c, httpx.Tr(c).T("customers.title")), d))
}

func (s *Server) showNewCustomer(c *fiber.Ctx) error {
	return httpx.Render(c, fiber.StatusOK, views.CustomerFormPage(s.kit.Page(c, httpx.Tr(c).T("customers.new")), 0, views.NewForm()))
}

var customerFields = []string{"name", "email_domains", "address", "phone", "notes"}

func customerInput(f *views.Form) org.CustomerInput {
	return org.CustomerInput{Name: f.Value("name"), EmailDomains: org.SplitDomains(f.Value("email_domains")),
		Address: f.Value("address"), Phone: f.Value("phone"), Notes: f.Value("notes")}
}

func (s *Server) createCustomer(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, customerFields...)
	o, err := s.people.CreateCustomer(c.UserContext(), httpx.Actor(c), customerInput(f))
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return httpx.Render(c, status, views.CustomerFormPage(s.kit.Page(c, httpx.Tr(c).T("customers.new")), 0, f))
	}
	s.kit.Flash(c, "success", "flash.customer_created", map[string]any{"Name": o.Name})
	return c.Redirect("/customers/"+strconv.FormatInt(o.ID, 10)+"/invitations", fiber.StatusSeeOther)
}

func (s *Server) showEditCustomer(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, s.people)
	if err != nil {
		return err
	}
	f := views.NewForm()
	f.Values = map[string]string{"name": o.Name, "email_domains": strings.Join(o.DomainNames(), ", "),
		"address": o.Address, "phone": o.Phone, "notes": o.Notes}
	return httpx.Render(c, fiber.StatusOK, views.CustomerFormPage(s.kit.Page(c, httpx.Tr(c).T("customers.edit")), o.ID, f))
}

func (s *Server) updateCustomer(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	f := httpx.FormFrom(c, customerFields...)
	o, err := s.people.UpdateCustomer(c.UserContext(), httpx.Actor(c), id, customerInput(f))
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return httpx.Render(c, status, views.CustomerFormPage(s.kit.Page(c, httpx.Tr(c).T("customers.edit")), id, f))
	}
	s.kit.Flash(c, "success", "flash.customer_saved", map[string]any{"Name": o.Name})
	return c.Redirect("/customers/"+strconv.FormatInt(o.ID, 10), fiber.StatusSeeOther)
}

func (s *Server) deleteCustomer(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, s.people)
	if err != nil {
		return err
	}
	if err := s.people.DeleteCustomer(c.UserContext(), httpx.Actor(c), o.ID); err != nil {
		return s.kit.FlashError(c, err, "/customers/"+strconv.FormatInt(o.ID, 10))
	}
	s.kit.Flash(c, "success", "flash.customer_deleted", map[string]any{"Name": o.Name})
	return c.Redirect("/customers", fiber.StatusSeeOther)
}

func (s *Server) makeIndependent(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	o, err := s.people.MakeIndependent(c.UserContext(), httpx.Actor(c), id)
	if err != nil {
		return s.kit.FlashError(c, err, "/customers/"+strconv.FormatInt(id, 10))
	}
	s.kit.Flash(c, "success", "flash.customer_independent", map[string]any{"Name": o.Name})
	return c.Redirect("/customers/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

// customerPage loads a customer and renders its page with the given tab.
func (s *Server) showCustomer(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), httpx.Actor(c)
	o, err := httpx.PathCustomer(c, s.people)
	if err != nil {
		return err
	}
	d := views.CustomerData{Customer: o, Tab: "users", CanManage: !o.Independent, InvitationOK: !o.Independent}
	users, next, err := s.people.Users(ctx, a, people.UserQuery{CustomerID: o.ID}, userCursorQuery(c), httpx.PageSize)
	if err != nil {
		return err
	}
	d.Users = users
	if next != nil {
		d.NextHref = "/customers/" + strconv.FormatInt(o.ID, 10) + "?after=" + httpx.EncodePageKey(next)
	}
	return httpx.Render(c, fiber.StatusOK, views.CustomerPage(s.kit.Page(c, o.Name), d))
}

func (s *Server) showInvitations(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), httpx.Actor(c)
	o, err := httpx.PathCustomer(c, s.people)
	if err != nil {
		return err
	}
	before := httpx.ParseBefore(c)
	invs, more, err := s.people.Invitations(ctx, a, o.ID, before, httpx.PageSize)
	if err != nil {
		return err
	}
	d := views.CustomerData{Customer: o, Tab: "invitations", Invitations: invs, CanManage: !o.Independent, InvitationOK: !o.Independent}
	if more {
		d.NextHref = "/customers/" + strconv.FormatInt(o.ID, 10) + "/invitations?before=" + strconv.FormatInt(invs[len(invs)-1].ID, 10)
	}
	return httpx.Render(c, fiber.StatusOK, views.CustomerPage(s.kit.Page(c, o.Name), d))
}

func (s *Server) showNewInvitation(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, s.people)
	if err != nil {
		return err
	}
	if o.Independent {
		return people.ErrIndependent
	}
	f := views.NewForm()
	f.Values = map[string]string{"language": httpx.Tr(c).Lang, "role": string(rbac.Member), "email": c.Query("email")}
	return httpx.Render(c, fiber.StatusOK, views.InvitationFormPage(s.kit.Page(c, httpx.Tr(c).T("invitations.add")), o, f))
}

var personFields = []string{"first_name", "last_name", "email", "language", "role"}

func personInput(f *views.Form) org.PersonInput {
	return org.PersonInput{FirstName: f.Value("first_name"), LastName: f.Value("last_name"), Email: f.Value("email"),
		Language: f.Value("language"), Role: rbac.Role(f.Value("role"))}
}

func (s *Server) createInvitation(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, s.people)
	if err != nil {
		return err
	}
	f := httpx.FormFrom(c, personFields...)
	inv, err := s.people.Invite(c.UserContext(), httpx.Actor(c), o.ID, personInput(f))
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return httpx.Render(c, status, views.InvitationFormPage(s.kit.Page(c, httpx.Tr(c).T("invitations.add")), o, f))
	}
	s.kit.Flash(c, "success", "flash.invitation_sent", map[string]any{"Email": inv.User.Email})
	return c.Redirect("/customers/"+strconv.FormatInt(o.ID, 10)+"/invitations", fiber.StatusSeeOther)
}

func (s *Server) resendInvitation(c *fiber.Ctx) error {
	inv, o, err := s.pathInvitation(c)
	if err != nil {
		return err
	}
	back := "/customers/" + strconv.FormatInt(o.ID, 10) + "/invitations"
	if _, err := s.people.ResendInvitation(c.UserContext(), httpx.Actor(c), inv.ID); err != nil {
		return s.kit.FlashError(c, err, back)
	}
	s.kit.Flash(c, "success", "flash.invitation_resent", map[string]any{"Email": inv.User.Email})
	return c.Redirect(back, fiber.StatusSeeOther)
}

func (s *Server) deleteInvitation(c *fiber.Ctx) error {
	inv, o, err := s.pathInvitation(c)
	if err != nil {
		return err
	}
	back := "/customers/" + strconv.FormatInt(o.ID, 10) + "/invitations"
	if err := s.people.DeleteInvitation(c.UserContext(), httpx.Actor(c), inv.ID); err != nil {
		return s.kit.FlashError(c, err, back)
	}
	s.kit.Flash(c, "success", "flash.invitation_deleted", nil)
	return c.Redirect(back, fiber.StatusSeeOther)
}

// userCursorQuery reads ?after= of a user list page; anything odd starts over.
func userCursorQuery(c *fiber.Ctx) *org.UserCursor {
	v := c.Query("after")
	if v == "" {
		return nil
	}
	after := new(org.UserCursor)
	if httpx.DecodePageKey(v, after) != nil {
		return nil
	}
	return after
}
