package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/people"
	"backoffice/views"
)

// page builds the data every page needs: translator, user, CSRF token,
// flash messages and the navigation the user's role allows. Handlers add
// only their own data.
func (s *Server) page(c *fiber.Ctx, title string) *views.Page {
	u := currentUser(c)
	p := &views.Page{
		Title:   title,
		Tr:      tr(c),
		User:    u,
		CSRF:    s.csrfToken(c),
		Flashes: s.takeFlash(c),
		Path:    routePath(c),
		Now:     s.clock.Now(),
	}
	if u != nil {
		p.Area = "office"
		if u.IsStaff() {
			p.Area = "staff"
		}
		p.Nav = s.navFor(u, p.Path)
		subject := people.Subject(u)
		p.Can = func(obj, act string) bool { return s.rbac.Can(subject, obj, act) }
		p.InvitationDays = int(s.people.InvitationTTL().Hours() / 24)
	}
	return p
}

// render writes a component as the HTML response.
func (s *Server) render(c *fiber.Ctx, status int, comp templ.Component) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	// Rendering needs no deadline, and an error page may be rendered after
	// the request context has ended.
	return comp.Render(context.WithoutCancel(c.UserContext()), c.Response().BodyWriter())
}

// formFrom copies submitted form fields into a views.Form.
func formFrom(c *fiber.Ctx, fields ...string) *views.Form {
	f := views.NewForm()
	for _, name := range fields {
		f.Values[name] = c.FormValue(name)
	}
	return f
}

// formErrors puts err's problems into f, translated. It reports false when
// err is not about the input, so the caller passes it on.
func formErrors(c *fiber.Ctx, f *views.Form, err error) (int, bool) {
	t := tr(c)
	var (
		ve   *apperr.ValidationError
		conf *apperr.Conflict
	)
	switch {
	case errors.As(err, &ve):
		for _, fe := range ve.Fields {
			if _, seen := f.Errors[fe.Field]; !seen {
				f.Errors[fe.Field] = t.T(fe.Message, fe.Data)
			}
		}
		return fiber.StatusUnprocessableEntity, true
	case errors.As(err, &conf):
		f.Errors[conf.Field] = t.T(conf.Message)
		return fiber.StatusConflict, true
	}
	cl := classify(err)
	switch cl.status {
	case 401, 403, 409, 429:
		f.Error = t.T(cl.detail, cl.data)
		if cl.retry > 0 {
			c.Set(fiber.HeaderRetryAfter, itoa(cl.retry))
		}
		return cl.status, true
	}
	return 0, false
}

// safeNext accepts only a local path to continue to after sign-in, never
// another site ("//evil", "/\evil", "https://…").
func safeNext(next string) string {
	if next == "" || len(next) > 500 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n\t\x00") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return ""
	}
	if strings.HasPrefix(next, "/login") || strings.HasPrefix(next, "/logout") {
		return ""
	}
	return next
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func itoa(n int) string { return strconv.Itoa(n) }

// routePath is the route-table path the request matched, or "".
func routePath(c *fiber.Ctx) string {
	p, _ := c.Locals(localRoute).(string)
	return p
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// parseBefore reads ?before= for id-keyset pages; anything odd starts over.
func parseBefore(c *fiber.Ctx) int64 {
	n, err := strconv.ParseInt(c.Query("before", "0"), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// encodePageKey and decodePageKey carry a keyset position in a page URL.
func encodePageKey(key any) string {
	b, _ := json.Marshal(key)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodePageKey(s string, dst any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return decodeKey(b, dst)
}

// formHas reports whether the submitted form (URL-encoded or multipart)
// has a field name, even an empty one.
func formHas(c *fiber.Ctx, name string) bool {
	if c.Request().PostArgs().Has(name) {
		return true
	}
	if mf, err := c.MultipartForm(); err == nil {
		_, ok := mf.Value[name]
		return ok
	}
	return false
}
