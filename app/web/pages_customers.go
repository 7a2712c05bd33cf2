package web

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/rbac"
	"backoffice/views"
)

const pageSize = 25

func (s *Server) showCustomers(c *fiber.Ctx) error {
	var cur customerCursor
	if v := c.Query("after"); v != "" {
		if err := decodePageKey(v, &cur); err != nil {
			return c.Redirect("/customers", fiber.StatusSeeOther)
		}
	}
	q := pageSearch(c)
	page, err := s.people.Customers(c.UserContext(), actor(c), q, cur.Name, cur.ID, pageSize)
	if err != nil {
		return err
	}
	d := views.CustomersData{Items: page.Items, Query: q, IsFirst: cur.ID == 0}
	if page.NextID > 0 {
		d.NextHref = "/customers?q=" + views.QueryEscape(q) + "&after=" + encodePageKey(customerCursor{Name: page.NextName, ID: page.NextID})
	}
	return s.render(c, fiber.StatusOK, views.CustomersPage(s.page(c, tr(c).T("customers.title")), d))
}

func (s *Server) showNewCustomer(c *fiber.Ctx) error {
	return s.render(c, fiber.StatusOK, views.CustomerFormPage(s.page(c, tr(c).T("customers.new")), 0, views.NewForm()))
}

var customerFields = []string{"name", "email_domains", "address", "phone", "notes"}

func customerInput(f *views.Form) org.CustomerInput {
	return org.CustomerInput{Name: f.Value("name"), EmailDomains: org.SplitDomains(f.Value("email_domains")),
		Address: f.Value("address"), Phone: f.Value("phone"), Notes: f.Value("notes")}
}

func (s *Server) createCustomer(c *fiber.Ctx) error {
	f := formFrom(c, customerFields...)
	o, err := s.people.CreateCustomer(c.UserContext(), actor(c), customerInput(f))
	if err != nil {
		status, ok := formErrors(c, f, err)
		if !ok {
			return err
		}
		return s.render(c, status, views.CustomerFormPage(s.page(c, tr(c).T("customers.new")), 0, f))
	}
	s.flash(c, "success", "flash.customer_created", map[string]any{"Name": o.Name})
	return c.Redirect("/customers/"+itoa64(o.ID)+"/invitations", fiber.StatusSeeOther)
}

func (s *Server) showEditCustomer(c *fiber.Ctx) error {
	o, err := s.pathCustomer(c)
	if err != nil {
		return err
	}
	f := views.NewForm()
	f.Values = map[string]string{"name": o.Name, "email_domains": strings.Join(o.DomainNames(), ", "),
		"address": o.Address, "phone": o.Phone, "notes": o.Notes}
	return s.render(c, fiber.StatusOK, views.CustomerFormPage(s.page(c, tr(c).T("customers.edit")), o.ID, f))
}

func (s *Server) updateCustomer(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := formFrom(c, customerFields...)
	o, err := s.people.UpdateCustomer(c.UserContext(), actor(c), id, customerInput(f))
	if err != nil {
		status, ok := formErrors(c, f, err)
		if !ok {
			return err
		}
		return s.render(c, status, views.CustomerFormPage(s.page(c, tr(c).T("customers.edit")), id, f))
	}
	s.flash(c, "success", "flash.customer_saved", map[string]any{"Name": o.Name})
	return c.Redirect("/customers/"+itoa64(o.ID), fiber.StatusSeeOther)
}

func (s *Server) deleteCustomer(c *fiber.Ctx) error {
	o, err := s.pathCustomer(c)
	if err != nil {
		return err
	}
	if err := s.people.DeleteCustomer(c.UserContext(), actor(c), o.ID); err != nil {
		return s.flashError(c, err, "/customers/"+itoa64(o.ID))
	}
	s.flash(c, "success", "flash.customer_deleted", map[string]any{"Name": o.Name})
	return c.Redirect("/customers", fiber.StatusSeeOther)
}

func (s *Server) makeIndependent(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	o, err := s.people.MakeIndependent(c.UserContext(), actor(c), id)
	if err != nil {
		return s.flashError(c, err, "/customers/"+itoa64(id))
	}
	s.flash(c, "success", "flash.customer_independent", map[string]any{"Name": o.Name})
	return c.Redirect("/customers/"+itoa64(id), fiber.StatusSeeOther)
}

// flashError shows a refusal (403/409), or the first problem of bad input
// (422), as a message on the page the user came from; other errors go to
// the error handler.
func (s *Server) flashError(c *fiber.Ctx, err error, back string) error {
	cl := classify(err)
	switch {
	case cl.status == fiber.StatusUnprocessableEntity && len(cl.fields) > 0:
		s.flash(c, "error", cl.fields[0].Message, cl.fields[0].Data)
	case cl.status == fiber.StatusForbidden || cl.status == fiber.StatusConflict:
		s.flash(c, "error", cl.detail, cl.data)
	default:
		return err
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}

// customerPage loads a customer and renders its page with the given tab.
func (s *Server) showCustomer(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), actor(c)
	o, err := s.pathCustomer(c)
	if err != nil {
		return err
	}
	d := views.CustomerData{Customer: o, Tab: "users", CanManage: !o.Independent, InvitationOK: !o.Independent}
	users, next, err := s.people.Users(ctx, a, people.UserQuery{CustomerID: o.ID}, userCursorQuery(c), pageSize)
	if err != nil {
		return err
	}
	d.Users = users
	if next != nil {
		d.NextHref = "/customers/" + itoa64(o.ID) + "?after=" + encodePageKey(next)
	}
	return s.render(c, fiber.StatusOK, views.CustomerPage(s.page(c, o.Name), d))
}

func (s *Server) showInvitations(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), actor(c)
	o, err := s.pathCustomer(c)
	if err != nil {
		return err
	}
	before := parseBefore(c)
	invs, more, err := s.people.Invitations(ctx, a, o.ID, before, pageSize)
	if err != nil {
		return err
	}
	d := views.CustomerData{Customer: o, Tab: "invitations", Invitations: invs, CanManage: !o.Independent, InvitationOK: !o.Independent}
	if more {
		d.NextHref = "/customers/" + itoa64(o.ID) + "/invitations?before=" + itoa64(invs[len(invs)-1].ID)
	}
	return s.render(c, fiber.StatusOK, views.CustomerPage(s.page(c, o.Name), d))
}

func (s *Server) showNewInvitation(c *fiber.Ctx) error {
	o, err := s.pathCustomer(c)
	if err != nil {
		return err
	}
	if o.Independent {
		return people.ErrIndependent
	}
	f := views.NewForm()
	f.Values = map[string]string{"language": tr(c).Lang, "role": string(rbac.Member), "email": c.Query("email")}
	return s.render(c, fiber.StatusOK, views.InvitationFormPage(s.page(c, tr(c).T("invitations.add")), o, f))
}

var personFields = []string{"first_name", "last_name", "email", "language", "role"}

func personInput(f *views.Form) org.PersonInput {
	return org.PersonInput{FirstName: f.Value("first_name"), LastName: f.Value("last_name"), Email: f.Value("email"),
		Language: f.Value("language"), Role: rbac.Role(f.Value("role"))}
}

func (s *Server) createInvitation(c *fiber.Ctx) error {
	o, err := s.pathCustomer(c)
	if err != nil {
		return err
	}
	f := formFrom(c, personFields...)
	inv, err := s.people.Invite(c.UserContext(), actor(c), o.ID, personInput(f))
	if err != nil {
		status, ok := formErrors(c, f, err)
		if !ok {
			return err
		}
		return s.render(c, status, views.InvitationFormPage(s.page(c, tr(c).T("invitations.add")), o, f))
	}
	s.flash(c, "success", "flash.invitation_sent", map[string]any{"Email": inv.User.Email})
	return c.Redirect("/customers/"+itoa64(o.ID)+"/invitations", fiber.StatusSeeOther)
}

func (s *Server) resendInvitation(c *fiber.Ctx) error {
	inv, o, err := s.pathInvitation(c)
	if err != nil {
		return err
	}
	back := "/customers/" + itoa64(o.ID) + "/invitations"
	if _, err := s.people.ResendInvitation(c.UserContext(), actor(c), inv.ID); err != nil {
		return s.flashError(c, err, back)
	}
	s.flash(c, "success", "flash.invitation_resent", map[string]any{"Email": inv.User.Email})
	return c.Redirect(back, fiber.StatusSeeOther)
}

func (s *Server) deleteInvitation(c *fiber.Ctx) error {
	inv, o, err := s.pathInvitation(c)
	if err != nil {
		return err
	}
	back := "/customers/" + itoa64(o.ID) + "/invitations"
	if err := s.people.DeleteInvitation(c.UserContext(), actor(c), inv.ID); err != nil {
		return s.flashError(c, err, back)
	}
	s.flash(c, "success", "flash.invitation_deleted", nil)
	return c.Redirect(back, fiber.StatusSeeOther)
}

// pageSearch is a list page's ?q=, trimmed and cut to 200 characters. Pages
// drop what they cannot use: a value no database takes (a NUL, broken UTF-8)
// lists everything, as no search does.
func pageSearch(c *fiber.Ctx) string {
	q := strings.TrimSpace(c.Query("q"))
	if !utf8.ValidString(q) || strings.IndexByte(q, 0) >= 0 {
		return ""
	}
	if r := []rune(q); len(r) > 200 {
		q = string(r[:200])
	}
	return q
}

// userCursorQuery reads ?after= of a user list page; anything odd starts over.
func userCursorQuery(c *fiber.Ctx) *org.UserCursor {
	v := c.Query("after")
	if v == "" {
		return nil
	}
	after := new(org.UserCursor)
	if decodePageKey(v, after) != nil {
		return nil
	}
	return after
}
