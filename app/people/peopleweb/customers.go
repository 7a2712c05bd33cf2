package peopleweb

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/device"
	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
	"backoffice/rbac"
	"backoffice/views"
)

// ShowCustomers is the customer list, by name.
func (h *Handlers) ShowCustomers(c *fiber.Ctx) error {
	var cur customerCursor
	if v := c.Query("after"); v != "" {
		if err := httpx.DecodePageKey(v, &cur); err != nil {
			return c.Redirect("/customers", fiber.StatusSeeOther)
		}
	}
	q := httpx.PageSearch(c)
	page, err := h.People.CustomerSummaries(c.UserContext(), httpx.CallerOf(c), q, cur.Name, cur.ID, httpx.PageSize)
	if err != nil {
		return err
	}
	d := views.CustomersData{Items: page.Items, Query: q, IsFirst: cur.ID == 0, Records: httpx.CallerOf(c).IsStaff()}
	if page.NextID > 0 {
		d.NextHref = "/customers?q=" + views.QueryEscape(q) + "&after=" + httpx.EncodePageKey(customerCursor{Name: page.NextName, ID: page.NextID})
	}
	return httpx.Render(c, fiber.StatusOK, views.CustomersPage(h.Kit.Page(c, httpx.Tr(c).T("customers.title")), d))
}

// ShowNewCustomer is the form of a new customer.
func (h *Handlers) ShowNewCustomer(c *fiber.Ctx) error {
	return httpx.Render(c, fiber.StatusOK, views.CustomerFormPage(h.Kit.Page(c, httpx.Tr(c).T("customers.new")), 0, views.NewForm()))
}

var customerFields = []string{"name", "email_domains", "address", "phone", "notes"}

func customerInput(f *views.Form) org.CustomerInput {
	return org.CustomerInput{Name: f.Value("name"), EmailDomains: org.SplitDomains(f.Value("email_domains")),
		Address: f.Value("address"), Phone: f.Value("phone"), Notes: f.Value("notes")}
}

// CreateCustomer creates a customer from the form.
func (h *Handlers) CreateCustomer(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, customerFields...)
	o, err := h.People.CreateCustomer(c.UserContext(), httpx.CallerOf(c), customerInput(f))
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return httpx.Render(c, status, views.CustomerFormPage(h.Kit.Page(c, httpx.Tr(c).T("customers.new")), 0, f))
	}
	h.Kit.Flash(c, "success", "flash.customer_created", map[string]any{"Name": o.Name})
	return c.Redirect("/customers/"+strconv.FormatInt(o.ID, 10)+"/invitations", fiber.StatusSeeOther)
}

// ShowEditCustomer is the form that changes a customer.
func (h *Handlers) ShowEditCustomer(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, h.People)
	if err != nil {
		return err
	}
	f := views.NewForm()
	f.Values = map[string]string{"name": o.Name, "email_domains": strings.Join(o.DomainNames(), ", "),
		"address": o.Address, "phone": o.Phone, "notes": o.Notes}
	return httpx.Render(c, fiber.StatusOK, views.CustomerFormPage(h.Kit.Page(c, httpx.Tr(c).T("customers.edit")), o.ID, f))
}

// UpdateCustomer saves the edit form of a customer.
func (h *Handlers) UpdateCustomer(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	f := httpx.FormFrom(c, customerFields...)
	o, err := h.People.UpdateCustomer(c.UserContext(), httpx.CallerOf(c), id, customerInput(f))
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return httpx.Render(c, status, views.CustomerFormPage(h.Kit.Page(c, httpx.Tr(c).T("customers.edit")), id, f))
	}
	h.Kit.Flash(c, "success", "flash.customer_saved", map[string]any{"Name": o.Name})
	return c.Redirect("/customers/"+strconv.FormatInt(o.ID, 10), fiber.StatusSeeOther)
}

// DeleteCustomer deletes a customer from its page.
func (h *Handlers) DeleteCustomer(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, h.People)
	if err != nil {
		return err
	}
	if err := h.People.DeleteCustomer(c.UserContext(), httpx.CallerOf(c), o.ID); err != nil {
		return h.Kit.FlashError(c, err, "/customers/"+strconv.FormatInt(o.ID, 10))
	}
	h.Kit.Flash(c, "success", "flash.customer_deleted", map[string]any{"Name": o.Name})
	return c.Redirect("/customers", fiber.StatusSeeOther)
}

// MakeIndependent makes a customer an independent organization from its page.
func (h *Handlers) MakeIndependent(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	o, err := h.People.MakeIndependent(c.UserContext(), httpx.CallerOf(c), id)
	if err != nil {
		return h.Kit.FlashError(c, err, "/customers/"+strconv.FormatInt(id, 10))
	}
	h.Kit.Flash(c, "success", "flash.customer_independent", map[string]any{"Name": o.Name})
	return c.Redirect("/customers/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}

// customerTabLimit is how many devices or tickets a customer's tab shows;
// the full, filtered list is a link away.
const customerTabLimit = 10

// ShowCustomer is the page of one customer: its users, or with ?tab= its
// devices or tickets (staff).
func (h *Handlers) ShowCustomer(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), httpx.CallerOf(c)
	o, err := httpx.PathCustomer(c, h.People)
	if err != nil {
		return err
	}
	d := views.CustomerData{Customer: o, Tab: "users", CanManage: !o.Independent, InvitationOK: !o.Independent,
		Records: a.IsStaff(), Today: device.DateOf(h.Kit.UserNow(c))}
	if d.Counts, err = h.People.CustomerCounts(ctx, a, o.ID); err != nil {
		return err
	}
	switch tab := c.Query("tab"); {
	case tab == "devices" && d.Records && h.Kit.Can(c, "device", "read"):
		page, err := h.Devices.List(ctx, a, device.Filter{CustomerID: o.ID}, "status", nil, customerTabLimit)
		if err != nil {
			return err
		}
		d.Tab, d.Devices, d.More = tab, page.Items, page.Next != nil
	case tab == "tickets" && d.Records && h.Kit.Can(c, "ticket", "read"):
		page, err := h.Tickets.List(ctx, a, ticket.Filter{CustomerID: o.ID}, "-updated_at", nil, customerTabLimit)
		if err != nil {
			return err
		}
		d.Tab, d.Tickets, d.More = tab, page.Items, page.Next != nil
	default:
		users, next, err := h.People.Users(ctx, a, people.UserQuery{CustomerID: o.ID}, userCursorQuery(c), httpx.PageSize)
		if err != nil {
			return err
		}
		d.Users = users
		if next != nil {
			d.NextHref = "/customers/" + strconv.FormatInt(o.ID, 10) + "?after=" + httpx.EncodePageKey(next)
		}
	}
	return httpx.Render(c, fiber.StatusOK, views.CustomerPage(h.Kit.Page(c, o.Name), d))
}

// ShowInvitations is the invitations tab of a customer.
func (h *Handlers) ShowInvitations(c *fiber.Ctx) error {
	ctx, a := c.UserContext(), httpx.CallerOf(c)
	o, err := httpx.PathCustomer(c, h.People)
	if err != nil {
		return err
	}
	before := httpx.ParseBefore(c)
	invs, more, err := h.People.Invitations(ctx, a, o.ID, before, httpx.PageSize)
	if err != nil {
		return err
	}
	d := views.CustomerData{Customer: o, Tab: "invitations", Invitations: invs, CanManage: !o.Independent, InvitationOK: !o.Independent,
		Records: a.IsStaff()}
	if d.Counts, err = h.People.CustomerCounts(ctx, a, o.ID); err != nil {
		return err
	}
	if more {
		d.NextHref = "/customers/" + strconv.FormatInt(o.ID, 10) + "/invitations?before=" + strconv.FormatInt(invs[len(invs)-1].ID, 10)
	}
	return httpx.Render(c, fiber.StatusOK, views.CustomerPage(h.Kit.Page(c, o.Name), d))
}

// ShowNewInvitation is the form of a new invitation.
func (h *Handlers) ShowNewInvitation(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, h.People)
	if err != nil {
		return err
	}
	if o.Independent {
		return people.ErrIndependent
	}
	f := views.NewForm()
	f.Values = map[string]string{"language": httpx.Tr(c).Lang, "role": string(rbac.Member), "email": c.Query("email")}
	return httpx.Render(c, fiber.StatusOK, views.InvitationFormPage(h.Kit.Page(c, httpx.Tr(c).T("invitations.add")), o, f))
}

var personFields = []string{"first_name", "last_name", "email", "language", "role"}

func personInput(f *views.Form) org.PersonInput {
	return org.PersonInput{FirstName: f.Value("first_name"), LastName: f.Value("last_name"), Email: f.Value("email"),
		Language: f.Value("language"), Role: rbac.Role(f.Value("role"))}
}

// CreateInvitation invites a person from the form.
func (h *Handlers) CreateInvitation(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, h.People)
	if err != nil {
		return err
	}
	f := httpx.FormFrom(c, personFields...)
	inv, err := h.People.Invite(c.UserContext(), httpx.CallerOf(c), o.ID, personInput(f))
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return httpx.Render(c, status, views.InvitationFormPage(h.Kit.Page(c, httpx.Tr(c).T("invitations.add")), o, f))
	}
	h.Kit.Flash(c, "success", "flash.invitation_sent", map[string]any{"Email": inv.User.Email})
	return c.Redirect("/customers/"+strconv.FormatInt(o.ID, 10)+"/invitations", fiber.StatusSeeOther)
}

// ResendInvitation sends an invitation again from its page.
func (h *Handlers) ResendInvitation(c *fiber.Ctx) error {
	inv, o, err := h.pathInvitation(c)
	if err != nil {
		return err
	}
	back := "/customers/" + strconv.FormatInt(o.ID, 10) + "/invitations"
	if _, err := h.People.ResendInvitation(c.UserContext(), httpx.CallerOf(c), inv.ID); err != nil {
		return h.Kit.FlashError(c, err, back)
	}
	h.Kit.Flash(c, "success", "flash.invitation_resent", map[string]any{"Email": inv.User.Email})
	return c.Redirect(back, fiber.StatusSeeOther)
}

// DeleteInvitation deletes an invitation from its page.
func (h *Handlers) DeleteInvitation(c *fiber.Ctx) error {
	inv, o, err := h.pathInvitation(c)
	if err != nil {
		return err
	}
	back := "/customers/" + strconv.FormatInt(o.ID, 10) + "/invitations"
	if err := h.People.DeleteInvitation(c.UserContext(), httpx.CallerOf(c), inv.ID); err != nil {
		return h.Kit.FlashError(c, err, back)
	}
	h.Kit.Flash(c, "success", "flash.invitation_deleted", nil)
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
