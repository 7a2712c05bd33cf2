package peopleweb

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/app/web/httpx"
	"backoffice/rbac"
)

type apiCustomer struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	EmailDomains  []string   `json:"email_domains"`
	Address       string     `json:"address"`
	Phone         string     `json:"phone"`
	Notes         string     `json:"notes"`
	Independent   bool       `json:"independent"`
	IndependentAt *time.Time `json:"independent_at"`
	CreatedAt     time.Time  `json:"created_at"`
	// The rolled-up counts, in the list and in the answer for one customer.
	OpenTickets *int `json:"open_tickets,omitempty"`
	Devices     *int `json:"devices,omitempty"`
	People      *int `json:"people,omitempty"`
}

func toAPICustomer(o *org.Organization) apiCustomer {
	return apiCustomer{ID: o.ID, Name: o.Name, EmailDomains: o.DomainNames(), Address: o.Address, Phone: o.Phone,
		Notes: o.Notes, Independent: o.Independent, IndependentAt: o.IndependentAt, CreatedAt: o.CreatedAt}
}

// withCounts adds a customer's rolled-up counts.
func (a apiCustomer) withCounts(n people.Counts) apiCustomer {
	a.OpenTickets, a.Devices, a.People = &n.OpenTickets, &n.Devices, &n.People
	return a
}

type customerCursor struct {
	Name string `json:"n"`
	ID   int64  `json:"i"`
}

// APICustomers lists the customers the caller serves, by name.
func (h *Handlers) APICustomers(c *fiber.Ctx) error {
	v := &apperr.ValidationError{}
	limit := httpx.ParseLimit(c, v)
	var cur customerCursor
	httpx.ParseKeyCursor(c, v, &cur)
	if err := v.Err(); err != nil {
		return err
	}
	page, err := h.People.CustomerSummaries(c.UserContext(), httpx.CallerOf(c), c.Query("q"), cur.Name, cur.ID, limit)
	if err != nil {
		return err
	}
	out := httpx.List[apiCustomer]{Items: make([]apiCustomer, 0, len(page.Items))}
	for _, o := range page.Items {
		out.Items = append(out.Items, toAPICustomer(o.Organization).withCounts(o.Counts))
	}
	if page.NextID > 0 {
		out.NextCursor = httpx.KeyCursor(customerCursor{Name: page.NextName, ID: page.NextID})
	}
	return c.JSON(out)
}

type customerBody struct {
	Name         *string  `json:"name"`
	EmailDomains []string `json:"email_domains"`
	Address      *string  `json:"address"`
	Phone        *string  `json:"phone"`
	Notes        *string  `json:"notes"`
}

// apply puts the given fields over in.
func (b *customerBody) apply(in *org.CustomerInput) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&in.Name, b.Name)
	set(&in.Address, b.Address)
	set(&in.Phone, b.Phone)
	set(&in.Notes, b.Notes)
	if b.EmailDomains != nil {
		in.EmailDomains = b.EmailDomains
	}
}

// APICreateCustomer creates a corporate customer.
func (h *Handlers) APICreateCustomer(c *fiber.Ctx) error {
	var body customerBody
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	var in org.CustomerInput
	body.apply(&in)
	o, err := h.People.CreateCustomer(c.UserContext(), httpx.CallerOf(c), in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/customers/"+strconv.FormatInt(o.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(toAPICustomer(o))
}

// APICustomer answers one customer.
func (h *Handlers) APICustomer(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, h.People)
	if err != nil {
		return err
	}
	counts, err := h.People.CustomerCounts(c.UserContext(), httpx.CallerOf(c), o.ID)
	if err != nil {
		return err
	}
	return c.JSON(toAPICustomer(o).withCounts(counts))
}

// APIUpdateCustomer changes the fields sent of a customer.
func (h *Handlers) APIUpdateCustomer(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, h.People)
	if err != nil {
		return err
	}
	var body customerBody
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	in := customerInputOf(o)
	body.apply(&in)
	if o, err = h.People.UpdateCustomer(c.UserContext(), httpx.CallerOf(c), o.ID, in); err != nil {
		return err
	}
	return c.JSON(toAPICustomer(o))
}

// customerInputOf is the input that keeps o as it is.
func customerInputOf(o *org.Organization) org.CustomerInput {
	return org.CustomerInput{Name: o.Name, EmailDomains: o.DomainNames(), Address: o.Address, Phone: o.Phone, Notes: o.Notes}
}

// APIDeleteCustomer deletes a customer with its users and invitations.
func (h *Handlers) APIDeleteCustomer(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.People.DeleteCustomer(c.UserContext(), httpx.CallerOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// APIMakeIndependent makes a customer an independent organization.
func (h *Handlers) APIMakeIndependent(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	o, err := h.People.MakeIndependent(c.UserContext(), httpx.CallerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(toAPICustomer(o))
}

type apiInvitation struct {
	ID             int64      `json:"id"`
	OrganizationID int64      `json:"organization_id"`
	UserID         *int64     `json:"user_id"`
	Email          string     `json:"email"`
	FirstName      string     `json:"first_name"`
	LastName       string     `json:"last_name"`
	Language       string     `json:"language"`
	Role           string     `json:"role"`
	State          string     `json:"state"`
	ExpiresAt      time.Time  `json:"expires_at"`
	AcceptedAt     *time.Time `json:"accepted_at"`
	SentCount      int        `json:"sent_count"`
	CreatedAt      time.Time  `json:"created_at"`
}

func (h *Handlers) toAPIInvitation(inv *org.Invitation) apiInvitation {
	out := apiInvitation{ID: inv.ID, OrganizationID: inv.OrganizationID, State: inv.State(h.Kit.Clock.Now()),
		ExpiresAt: inv.ExpiresAt, AcceptedAt: inv.AcceptedAt, SentCount: inv.SentCount, CreatedAt: inv.CreatedAt}
	if u := inv.User; u != nil {
		out.UserID, out.Email, out.FirstName, out.LastName = &u.ID, u.Email, u.FirstName, u.LastName
		out.Language, out.Role = u.Language, string(u.Role)
	}
	return out
}

// APIInvitations lists a customer's invitations, newest first.
func (h *Handlers) APIInvitations(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	p, err := httpx.ParsePaging(c)
	if err != nil {
		return err
	}
	invs, more, err := h.People.Invitations(c.UserContext(), httpx.CallerOf(c), id, p.After, p.Limit)
	if err != nil {
		return err
	}
	out := httpx.List[apiInvitation]{Items: make([]apiInvitation, 0, len(invs))}
	for _, inv := range invs {
		out.Items = append(out.Items, h.toAPIInvitation(inv))
	}
	if more {
		out.NextCursor = httpx.CursorFor(invs[len(invs)-1].ID)
	}
	return c.JSON(out)
}

type personBody struct {
	FirstName      string `json:"first_name"`
	LastName       string `json:"last_name"`
	Email          string `json:"email"`
	Language       string `json:"language"`
	Role           string `json:"role"`
	OrganizationID int64  `json:"organization_id"`
}

func (b personBody) input() org.PersonInput {
	if b.Language == "" {
		b.Language = "en"
	}
	return org.PersonInput{FirstName: b.FirstName, LastName: b.LastName, Email: b.Email, Language: b.Language, Role: rbac.Role(b.Role)}
}

// APIInvite invites a person to a customer.
func (h *Handlers) APIInvite(c *fiber.Ctx) error {
	o, err := httpx.PathCustomer(c, h.People)
	if err != nil {
		return err
	}
	id := o.ID
	var body personBody
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	inv, err := h.People.Invite(c.UserContext(), httpx.CallerOf(c), id, body.input())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(h.toAPIInvitation(inv))
}

// APIResendInvitation sends an invitation again with a new link.
func (h *Handlers) APIResendInvitation(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	inv, err := h.People.ResendInvitation(c.UserContext(), httpx.CallerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(h.toAPIInvitation(inv))
}

// APIDeleteInvitation deletes an invitation and the user created from it.
func (h *Handlers) APIDeleteInvitation(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.People.DeleteInvitation(c.UserContext(), httpx.CallerOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type acceptBody struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// APIAcceptInvitation sets the invitee's password and answers with the
// user, who can then sign in (or get a token from POST /api/v1/auth/token).
func (h *Handlers) APIAcceptInvitation(c *fiber.Ctx) error {
	var body acceptBody
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	if body.Token == "" {
		return apperr.Invalid("token", "error.required")
	}
	u, err := h.People.AcceptInvitation(c.UserContext(), body.Token, body.Password, httpx.ClientIP(c))
	if err != nil {
		return err
	}
	return c.JSON(httpx.ToAPIUser(u))
}

// APIUsers lists the users the caller may see.
func (h *Handlers) APIUsers(c *fiber.Ctx) error {
	v := &apperr.ValidationError{}
	limit := httpx.ParseLimit(c, v)
	var cur org.UserCursor
	after := &cur
	if !httpx.ParseKeyCursor(c, v, &cur) {
		after = nil
	}
	var q people.UserQuery
	if s := c.Query("customer_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			v.Add("customer_id", "error.id_invalid", nil)
		}
		q.CustomerID = id
	}
	q.Query = c.Query("q")
	if err := v.Err(); err != nil {
		return err
	}
	users, next, err := h.People.Users(c.UserContext(), httpx.CallerOf(c), q, after, limit)
	if err != nil {
		return err
	}
	out := httpx.List[httpx.APIUser]{Items: make([]httpx.APIUser, 0, len(users))}
	for _, u := range users {
		out.Items = append(out.Items, httpx.ToAPIUser(u))
	}
	if next != nil {
		out.NextCursor = httpx.KeyCursor(next)
	}
	return c.JSON(out)
}

// APICreateUser creates a user directly, without an invitation.
func (h *Handlers) APICreateUser(c *fiber.Ctx) error {
	var body personBody
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	u, warnings, err := h.People.CreateUser(c.UserContext(), httpx.CallerOf(c), body.OrganizationID, body.input())
	if err != nil {
		return err
	}
	out := httpx.ToAPIUser(u)
	for _, w := range warnings {
		out.Warnings = append(out.Warnings, httpx.ProblemField{Field: w.Field, Message: httpx.Tr(c).T(w.Message, w.Data)})
	}
	c.Set(fiber.HeaderLocation, "/api/v1/users/"+strconv.FormatInt(u.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(out)
}

// APIUser answers one user.
func (h *Handlers) APIUser(c *fiber.Ctx) error {
	u, err := h.pathUser(c)
	if err != nil {
		return err
	}
	return c.JSON(httpx.ToAPIUser(u))
}

type userUpdateBody struct {
	FirstName *string `json:"first_name"`
	LastName  *string `json:"last_name"`
	Role      *string `json:"role"`
	Language  *string `json:"language"`
	TimeZone  *string `json:"time_zone"`
}

// APIUpdateUser changes a user's name, role, language or time zone.
func (h *Handlers) APIUpdateUser(c *fiber.Ctx) error {
	target, err := h.pathUser(c)
	if err != nil {
		return err
	}
	id := target.ID
	var body userUpdateBody
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	up := org.UserUpdate{FirstName: body.FirstName, LastName: body.LastName, Language: body.Language, TimeZone: body.TimeZone}
	if body.Role != nil {
		r := rbac.Role(*body.Role)
		up.Role = &r
	}
	u, err := h.People.UpdateUser(c.UserContext(), httpx.CallerOf(c), id, up)
	if err != nil {
		return err
	}
	return c.JSON(httpx.ToAPIUser(u))
}

// APIDeleteUser deletes a user with their sessions and tokens.
func (h *Handlers) APIDeleteUser(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.People.DeleteUser(c.UserContext(), httpx.CallerOf(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// APISetDisabled disables (disabled true) or enables a user.
func (h *Handlers) APISetDisabled(disabled bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := httpx.PathID(c, "id")
		if err != nil {
			return err
		}
		u, err := h.People.SetDisabled(c.UserContext(), httpx.CallerOf(c), id, disabled)
		if err != nil {
			return err
		}
		return c.JSON(httpx.ToAPIUser(u))
	}
}

type apiEmailCheck struct {
	Email    string       `json:"email"`
	Valid    bool         `json:"valid"`
	Taken    bool         `json:"taken"`
	Customer *apiCustomer `json:"customer"`
}

// APIEmailCheck tells staff forms, while typing, whether an email is taken
// and which customer its domain proposes.
func (h *Handlers) APIEmailCheck(c *fiber.Ctx) error {
	email := org.NormalizeEmail(c.Query("email"))
	v := &apperr.ValidationError{}
	org.CheckEmail(v, "email", email)
	out := apiEmailCheck{Email: email, Valid: v.Err() == nil}
	if out.Valid {
		res, err := h.People.CheckEmail(c.UserContext(), httpx.CallerOf(c), email)
		if err != nil {
			return err
		}
		out.Taken = res.Taken
		if res.Customer != nil {
			cu := toAPICustomer(res.Customer)
			out.Customer = &cu
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// pathUser and pathInvitation load the record named by :id as the caller may
// see it; anything else (or a malformed id) is 404.
func (h *Handlers) pathUser(c *fiber.Ctx) (*org.User, error) {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.People.User(c.UserContext(), httpx.CallerOf(c), id)
}

func (h *Handlers) pathInvitation(c *fiber.Ctx) (*org.Invitation, *org.Organization, error) {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return nil, nil, err
	}
	return h.People.Invitation(c.UserContext(), httpx.CallerOf(c), id)
}

type apiPasswordLink struct {
	UserID    int64     `json:"user_id"`
	Purpose   string    `json:"purpose"`
	ExpiresAt time.Time `json:"expires_at"`
}

// APISendPasswordLink sends a user a new set-password (or reset) link.
func (h *Handlers) APISendPasswordLink(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	sent, err := h.People.SendPasswordLink(c.UserContext(), httpx.CallerOf(c), id)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(apiPasswordLink{UserID: sent.User.ID, Purpose: sent.Purpose, ExpiresAt: sent.Expires.UTC()})
}
