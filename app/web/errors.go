package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/db"
	"backoffice/views"
)

// problem is an RFC 9457 problem document.
type problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []problemField `json:"errors,omitempty"`
}

type problemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"` // line of an uploaded file
}

// classified is what an error means for the response.
type classified struct {
	status  int
	titleID string // message id of the title
	detail  string // message id of the detail
	data    map[string]any
	fields  []apperr.FieldError
	retry   int  // seconds, for 429 and 503
	outage  bool // the database is unreachable
}

// retryUnavailable is how long clients are asked to wait while the database
// is unreachable, and how often it is pinged meanwhile.
const retryUnavailable = 5 * time.Second

func classify(err error) classified {
	var (
		ve   *apperr.ValidationError
		conf *apperr.Conflict
		tmr  *apperr.TooManyRequests
		den  *apperr.Denied
		fe   *fiber.Error
	)
	switch {
	case errors.As(err, &ve):
		return classified{status: 422, titleID: "error.invalid_title", detail: "form.fix_errors", fields: ve.Fields}
	case errors.As(err, &conf):
		return classified{status: 409, titleID: "error.conflict_title", detail: conf.Message,
			fields: []apperr.FieldError{{Field: conf.Field, Message: conf.Message}}}
	case errors.As(err, &den):
		if den.Conflict {
			return classified{status: 409, titleID: "error.conflict_title", detail: den.Message}
		}
		return classified{status: 403, titleID: "error.forbidden_title", detail: den.Message}
	case errors.As(err, &tmr):
		secs := int(math.Ceil(tmr.RetryAfter.Seconds()))
		return classified{status: 429, titleID: "error.too_many_title", detail: tmr.Message,
			data: map[string]any{"Minutes": (secs + 59) / 60}, retry: secs}
	case errors.Is(err, auth.ErrDisabled):
		return classified{status: 403, titleID: "error.forbidden_title", detail: "error.account_disabled"}
	case errors.Is(err, auth.ErrBadCredentials):
		return classified{status: 401, titleID: "error.unauthorized_title", detail: "error.bad_credentials"}
	case errors.Is(err, apperr.ErrUnauthorized):
		return classified{status: 401, titleID: "error.unauthorized_title", detail: "error.unauthorized"}
	case errors.Is(err, apperr.ErrNotFound):
		return classified{status: 404, titleID: "error.not_found_title", detail: "error.not_found"}
	case errors.Is(err, apperr.ErrForbidden):
		return classified{status: 403, titleID: "error.forbidden_title", detail: "error.forbidden"}
	case errors.Is(err, apperr.ErrConflict):
		return classified{status: 409, titleID: "error.conflict_title", detail: "error.conflict"}
	case errors.Is(err, errFraming):
		return classified{status: 400, titleID: "error.bad_request_title", detail: "error.framing"}
	case errors.Is(err, errContentEncoding):
		return classified{status: 415, titleID: "error.media_type_title", detail: "error.content_encoding"}
	case isCSRF(err):
		return classified{status: 403, titleID: "error.forbidden_title", detail: "error.csrf"}
	case errors.As(err, &fe):
		switch fe.Code {
		case fiber.StatusNotFound:
			return classified{status: 404, titleID: "error.not_found_title", detail: "error.not_found"}
		case fiber.StatusMethodNotAllowed:
			return classified{status: 405, titleID: "error.method_title", detail: "error.method"}
		case fiber.StatusRequestEntityTooLarge:
			return classified{status: 413, titleID: "error.too_large_title", detail: "error.too_large"}
		case fiber.StatusUnsupportedMediaType:
			return classified{status: 415, titleID: "error.media_type_title", detail: "error.media_type"}
		case fiber.StatusTooManyRequests:
			return classified{status: 429, titleID: "error.too_many_title", detail: "error.too_many_requests"}
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return classified{status: fe.Code, titleID: "error.bad_request_title", detail: "error.bad_request"}
		}
	case db.Unreachable(err):
		return classified{status: 503, titleID: "error.unavailable_title", detail: "error.db_unavailable",
			retry: int(retryUnavailable / time.Second), outage: true}
	case errors.Is(err, context.DeadlineExceeded):
		return classified{status: 503, titleID: "error.unavailable_title", detail: "error.unavailable",
			retry: int(retryUnavailable / time.Second)}
	}
	return classified{status: 500, titleID: "error.internal_title", detail: "error.internal"}
}

// handleError is the one place where errors become responses: a problem
// document under /api/, a friendly page elsewhere. A 500 is logged with the
// request id, and the visitor sees only that id. While the database is
// unreachable every request answers 503 with Retry-After, and the outage is
// logged once.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	cl := classify(err)
	switch {
	case cl.outage:
		s.noteOutage(requestID(c), err)
	case cl.status == 503:
		s.log.Warn("request timed out", "request_id", requestID(c), "path", c.Path(), "err", err)
	case cl.status >= 500:
		s.log.Error("request failed", "request_id", requestID(c), "method", c.Method(), "path", c.Path(), "err", err)
	}
	if c.Locals(localTr) == nil {
		s.setTranslator(c, nil)
	}
	t := tr(c)
	if cl.retry > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(cl.retry))
	}
	if cl.status == 401 && isAPI(c) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="backoffice"`)
	}
	if isAPI(c) {
		return s.problem(c, cl)
	}
	if cl.status == 401 {
		return c.Redirect(loginURL(c), fiber.StatusSeeOther)
	}
	page := s.page(c, t.T(cl.titleID))
	rid := ""
	if cl.status >= 500 {
		rid = requestID(c)
	}
	detail := t.T(cl.detail, cl.data)
	if len(cl.fields) > 0 {
		var parts []string
		for _, f := range cl.fields {
			parts = append(parts, fmt.Sprintf("%s: %s", f.Field, t.T(f.Message, f.Data)))
		}
		detail = strings.Join(parts, "; ")
	}
	return s.render(c, cl.status, views.ErrorPage(page, cl.status, page.Title, detail, rid))
}

// problem answers with cl as a problem document, in the language of the
// request's translator.
func (s *Server) problem(c *fiber.Ctx, cl classified) error {
	t := tr(c)
	p := problem{Type: "about:blank", Title: t.T(cl.titleID), Status: cl.status, Detail: t.T(cl.detail, cl.data),
		Instance: c.OriginalURL(), RequestID: requestID(c)}
	if len(p.Instance) > 200 {
		p.Instance = p.Instance[:200]
	}
	for _, f := range cl.fields {
		p.Errors = append(p.Errors, problemField{Field: f.Field, Message: t.T(f.Message, f.Data), Line: f.Line})
	}
	c.Status(cl.status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.JSON(p, "application/problem+json")
}

// noteOutage logs the first request that finds the database unreachable and
// pings the database until it answers, which is logged too: one line when an
// outage starts and one when it ends, however many requests fail between.
func (s *Server) noteOutage(requestID string, err error) {
	if !s.dbDown.CompareAndSwap(false, true) {
		return
	}
	s.log.Error("database unreachable: answering 503 until it is back", "request_id", requestID, "err", err)
	go func() {
		for {
			time.Sleep(retryUnavailable)
			ctx, cancel := context.WithTimeout(context.Background(), retryUnavailable)
			err := s.db.PingContext(ctx)
			cancel()
			if err == nil {
				s.log.Info("database reachable again")
				s.dbDown.Store(false)
				return
			}
		}
	}()
}

func isAPI(c *fiber.Ctx) bool {
	return strings.HasPrefix(strings.ToLower(c.Path()), "/api/")
}

func loginURL(c *fiber.Ctx) string {
	if c.Method() == fiber.MethodGet && c.Path() != "/" {
		return "/login?next=" + urlQueryEscape(c.OriginalURL())
	}
	return "/login"
}
