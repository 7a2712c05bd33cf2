package httpx

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/views"
)

// FormFrom copies submitted form fields into a views.Form.
func FormFrom(c *fiber.Ctx, fields ...string) *views.Form {
	f := views.NewForm()
	for _, name := range fields {
		f.Values[name] = c.FormValue(name)
	}
	return f
}

// FormErrors puts err's problems into f, translated. It reports false when
// err is not about the input, so the caller passes it on.
func FormErrors(c *fiber.Ctx, f *views.Form, err error) (int, bool) {
	t := Tr(c)
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
	cl := Classify(err)
	switch cl.Status {
	case 401, 403, 409, 429:
		f.Error = t.T(cl.Detail, cl.Data)
		if cl.Retry > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(cl.Retry))
		}
		return cl.Status, true
	}
	return 0, false
}

// FormHas reports whether the submitted form (URL-encoded or multipart)
// has a field name, even an empty one.
func FormHas(c *fiber.Ctx, name string) bool {
	if c.Request().PostArgs().Has(name) {
		return true
	}
	if mf, err := c.MultipartForm(); err == nil {
		_, ok := mf.Value[name]
		return ok
	}
	return false
}

// SafeNext accepts only a local path to continue to after sign-in, never
// another site ("//evil", "/\evil", "https://…").
func SafeNext(next string) string {
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
