package peopleweb

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/app/web/httpx"
	"backoffice/rbac"
	"backoffice/views"
)

// The user directory serves two areas: /users (the provider's staff) and
// /employees (a customer company's people). Both show the signed-in user's
// own organization; staff reach customers' users from the customer page.

func peopleBase(c *fiber.Ctx) string {
	if httpx.CallerOf(c).IsStaff() {
		return "/users"
	}
	return "/employees"
}

func rolesOf(o *org.Organization) []string {
	var out []string
	for _, r := range people.RolesFor(o) {
		out = append(out, string(r))
	}
	return out
}

// ShowPeople is the list of users (staff area) or employees (back office).
func (h *Handlers) ShowPeople(c *fiber.Ctx) error {
	u, t := httpx.CallerOf(c), httpx.Tr(c)
	after := userCursorQuery(c)
	q := httpx.PageSearch(c)
	users, next, err := h.People.OwnUsers(c.UserContext(), httpx.CallerOf(c), q, after, httpx.PageSize)
	if err != nil {
		return err
	}
	base := peopleBase(c)
	d := views.PeopleData{Base: base, Users: users, Query: q, IsFirst: after == nil, CanOpen: true}
	if u.IsStaff() {
		d.Title, d.Subtitle = t.T("people.staff_title"), t.T("people.staff_subtitle", map[string]any{"Company": u.Organization.Name})
	} else {
		d.Title, d.Subtitle = t.T("people.employees_title"), t.T("people.employees_subtitle", map[string]any{"Company": u.Organization.Name})
	}
	if next != nil {
		d.NextHref = base + "?q=" + views.QueryEscape(q) + "&after=" + httpx.EncodePageKey(next)
	}
	return httpx.Render(c, fiber.StatusOK, views.PeoplePage(h.Kit.Page(c, d.Title), d))
}

// ShowNewPerson is the form of a new user or employee.
func (h *Handlers) ShowNewPerson(c *fiber.Ctx) error {
	f := views.NewForm()
	f.Values = map[string]string{"language": httpx.Tr(c).Lang, "email": c.Query("email")}
	return h.renderNewPerson(c, fiber.StatusOK, f)
}

func (h *Handlers) renderNewPerson(c *fiber.Ctx, status int, f *views.Form) error {
	u := httpx.CallerOf(c)
	roles := rolesOf(u.Organization)
	if f.Value("role") == "" {
		f.Values["role"] = roles[len(roles)-1]
	}
	return httpx.Render(c, status, views.PersonFormPage(h.Kit.Page(c, httpx.Tr(c).T("people.new")), peopleBase(c), f, roles))
}

// CreatePerson creates a user or employee from the form.
func (h *Handlers) CreatePerson(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, personFields...)
	nu, warnings, err := h.People.CreateUser(c.UserContext(), httpx.CallerOf(c), 0, personInput(f))
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.renderNewPerson(c, status, f)
	}
	h.Kit.Flash(c, "success", "flash.user_created", map[string]any{"Email": nu.Email})
	for _, w := range warnings {
		h.Kit.Flash(c, "warning", w.Message, w.Data)
	}
	return c.Redirect(peopleBase(c)+"/"+strconv.FormatInt(nu.ID, 10), fiber.StatusSeeOther)
}

// personData builds a user's page; the base for actions is where the
// viewer manages people, and the way back is the target's list.
func (h *Handlers) personData(c *fiber.Ctx, target *org.User, f *views.Form) views.PersonData {
	u := httpx.CallerOf(c)
	base := peopleBase(c)
	d := views.PersonData{Base: base, Back: base, User: target, Roles: rolesOf(target.Organization), Self: target.ID == u.ID}
	if target.OrganizationID != u.OrganizationID {
		d.Back = "/customers/" + strconv.FormatInt(target.OrganizationID, 10)
	}
	if err := people.CanManage(httpx.CallerOf(c), target); err != nil {
		d.Locked = httpx.Tr(c).T("error.customer_independent")
	} else {
		d.Editable = true
	}
	if f == nil {
		f = views.NewForm()
		f.Values = map[string]string{"first_name": target.FirstName, "last_name": target.LastName,
			"role": string(target.Role), "language": target.Language}
	}
	d.Form = f
	return d
}

// ShowPerson is the page of one user or employee.
func (h *Handlers) ShowPerson(c *fiber.Ctx) error {
	target, err := h.pathUser(c)
	if err != nil {
		return err
	}
	// Customer users are managed from their own area: back-office users see
	// only their company (the store made sure of that).
	return httpx.Render(c, fiber.StatusOK, views.PersonPage(h.Kit.Page(c, target.Name()), h.personData(c, target, nil)))
}

// UpdatePerson saves the page of a user or employee.
func (h *Handlers) UpdatePerson(c *fiber.Ctx) error {
	target, err := h.pathUser(c)
	if err != nil {
		return err
	}
	f := httpx.FormFrom(c, "first_name", "last_name", "role", "language")
	first, last, lang := f.Value("first_name"), f.Value("last_name"), f.Value("language")
	role := rbac.Role(f.Value("role"))
	up := org.UserUpdate{FirstName: &first, LastName: &last, Language: &lang, Role: &role}
	if _, err := h.People.UpdateUser(c.UserContext(), httpx.CallerOf(c), target.ID, up); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return httpx.Render(c, status, views.PersonPage(h.Kit.Page(c, target.Name()), h.personData(c, target, f)))
	}
	h.Kit.Flash(c, "success", "flash.user_saved", map[string]any{"Email": target.Email})
	return c.Redirect(peopleBase(c)+"/"+strconv.FormatInt(target.ID, 10), fiber.StatusSeeOther)
}

// SetPersonDisabled disables (disabled true) or enables a user from their page.
func (h *Handlers) SetPersonDisabled(disabled bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := httpx.PathID(c, "id")
		if err != nil {
			return err
		}
		back := peopleBase(c) + "/" + strconv.FormatInt(id, 10)
		u, err := h.People.SetDisabled(c.UserContext(), httpx.CallerOf(c), id, disabled)
		if err != nil {
			return h.Kit.FlashError(c, err, back)
		}
		msg := "flash.user_enabled"
		if disabled {
			msg = "flash.user_disabled"
		}
		h.Kit.Flash(c, "success", msg, map[string]any{"Email": u.Email})
		return c.Redirect(back, fiber.StatusSeeOther)
	}
}

// DeletePerson deletes a user or employee from their page.
func (h *Handlers) DeletePerson(c *fiber.Ctx) error {
	target, err := h.pathUser(c)
	if err != nil {
		return err
	}
	back := peopleBase(c)
	if target.OrganizationID != httpx.CallerOf(c).OrganizationID {
		back = "/customers/" + strconv.FormatInt(target.OrganizationID, 10)
	}
	if err := h.People.DeleteUser(c.UserContext(), httpx.CallerOf(c), target.ID); err != nil {
		return h.Kit.FlashError(c, err, peopleBase(c)+"/"+strconv.FormatInt(target.ID, 10))
	}
	h.Kit.Flash(c, "success", "flash.user_deleted", map[string]any{"Email": target.Email})
	return c.Redirect(back, fiber.StatusSeeOther)
}

// SendPasswordLink sends a user a new set-password (or reset) link from
// their page.
func (h *Handlers) SendPasswordLink(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	back := peopleBase(c) + "/" + strconv.FormatInt(id, 10)
	sent, err := h.People.SendPasswordLink(c.UserContext(), httpx.CallerOf(c), id)
	if err != nil {
		return h.Kit.FlashError(c, err, back)
	}
	h.Kit.Flash(c, "success", "flash.password_link_"+sent.Purpose, map[string]any{"Email": sent.User.Email})
	return c.Redirect(back, fiber.StatusSeeOther)
}
