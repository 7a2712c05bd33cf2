package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/web/httpx"
	"backoffice/views"
)

// problem is an RFC 9457 problem document.
type problem struct {
	Type      string               `json:"type"`
	Title     string               `json:"title"`
	Status    int                  `json:"status"`
	Detail    string               `json:"detail,omitempty"`
	Instance  string               `json:"instance,omitempty"`
	RequestID string               `json:"request_id,omitempty"`
	Errors    []httpx.ProblemField `json:"errors,omitempty"`
}

// classify is httpx.Classify with the refusals of the shell's own
// middleware: ambiguous framing, compressed bodies and CSRF.
func classify(err error) httpx.Classified {
	switch {
	case errors.Is(err, errFraming):
		return httpx.Classified{Status: 400, TitleID: "error.bad_request_title", Detail: "error.framing"}
	case errors.Is(err, errContentEncoding):
		return httpx.Classified{Status: 415, TitleID: "error.media_type_title", Detail: "error.content_encoding"}
	case isCSRF(err):
		return httpx.Classified{Status: 403, TitleID: "error.forbidden_title", Detail: "error.csrf"}
	}
	return httpx.Classify(err)
}

// handleError is the one place where errors become responses: a problem
// document under /api/, a friendly page elsewhere. A 500 is logged with the
// request id, and the visitor sees only that id. While the database is
// unreachable every request answers 503 with Retry-After, and the outage is
// logged once.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	cl := classify(err)
	switch {
	case cl.Outage:
		s.noteOutage(httpx.RequestID(c), err)
	case cl.Status == 503:
		s.log.Warn("request timed out", "request_id", httpx.RequestID(c), "path", c.Path(), "err", err)
	case cl.Status >= 500:
		s.log.Error("request failed", "request_id", httpx.RequestID(c), "method", c.Method(), "path", c.Path(), "err", err)
	}
	if c.Locals(httpx.LocalTr) == nil {
		s.setTranslator(c, nil)
	}
	t := httpx.Tr(c)
	if cl.Retry > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(cl.Retry))
	}
	if cl.Status == 401 && isAPI(c) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="backoffice"`)
	}
	if isAPI(c) {
		return s.problem(c, cl)
	}
	if cl.Status == 401 {
		return c.Redirect(loginURL(c), fiber.StatusSeeOther)
	}
	page := s.kit.Page(c, t.T(cl.TitleID))
	rid := ""
	if cl.Status >= 500 {
		rid = httpx.RequestID(c)
	}
	detail := t.T(cl.Detail, cl.Data)
	if len(cl.Fields) > 0 {
		var parts []string
		for _, f := range cl.Fields {
			parts = append(parts, fmt.Sprintf("%s: %s", f.Field, t.T(f.Message, f.Data)))
		}
		detail = strings.Join(parts, "; ")
	}
	return httpx.Render(c, cl.Status, views.ErrorPage(page, cl.Status, page.Title, detail, rid))
}

// problem answers with cl as a problem document, in the language of the
// request's translator.
func (s *Server) problem(c *fiber.Ctx, cl httpx.Classified) error {
	t := httpx.Tr(c)
	p := problem{Type: "about:blank", Title: t.T(cl.TitleID), Status: cl.Status, Detail: t.T(cl.Detail, cl.Data),
		Instance: c.OriginalURL(), RequestID: httpx.RequestID(c)}
	if len(p.Instance) > 200 {
		p.Instance = p.Instance[:200]
	}
	for _, f := range cl.Fields {
		p.Errors = append(p.Errors, httpx.ProblemField{Field: f.Field, Message: t.T(f.Message, f.Data), Line: f.Line})
	}
	c.Status(cl.Status)
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
			time.Sleep(httpx.RetryUnavailable)
			ctx, cancel := context.WithTimeout(context.Background(), httpx.RetryUnavailable)
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
		return "/login?next=" + url.QueryEscape(c.OriginalURL())
	}
	return "/login"
}
