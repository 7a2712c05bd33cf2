package httpx

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/db"
)

// Classified is what an error means for the response.
type Classified struct {
	Status  int
	TitleID string // message id of the title
	Detail  string // message id of the detail
	Data    map[string]any
	Fields  []apperr.FieldError
	Retry   int  // seconds, for 429 and 503
	Outage  bool // the database is unreachable
}

// RetryUnavailable is how long clients are asked to wait while the database
// is unreachable, and how often it is pinged meanwhile.
const RetryUnavailable = 5 * time.Second

// Classify maps the errors of the domains, of the database and of Fiber to
// what they mean for the response; anything unknown is a 500.
func Classify(err error) Classified {
	var (
		ve   *apperr.ValidationError
		conf *apperr.Conflict
		tmr  *apperr.TooManyRequests
		den  *apperr.Denied
		fe   *fiber.Error
	)
	switch {
	case errors.As(err, &ve):
		return Classified{Status: 422, TitleID: "error.invalid_title", Detail: "form.fix_errors", Fields: ve.Fields}
	case errors.As(err, &conf):
		return Classified{Status: 409, TitleID: "error.conflict_title", Detail: conf.Message,
			Fields: []apperr.FieldError{{Field: conf.Field, Message: conf.Message}}}
	case errors.As(err, &den):
		if den.Conflict {
			return Classified{Status: 409, TitleID: "error.conflict_title", Detail: den.Message}
		}
		return Classified{Status: 403, TitleID: "error.forbidden_title", Detail: den.Message}
	case errors.As(err, &tmr):
		secs := int(math.Ceil(tmr.RetryAfter.Seconds()))
		return Classified{Status: 429, TitleID: "error.too_many_title", Detail: tmr.Message,
			Data: map[string]any{"Minutes": (secs + 59) / 60}, Retry: secs}
	case errors.Is(err, auth.ErrDisabled):
		return Classified{Status: 403, TitleID: "error.forbidden_title", Detail: "error.account_disabled"}
	case errors.Is(err, auth.ErrBadCredentials):
		return Classified{Status: 401, TitleID: "error.unauthorized_title", Detail: "error.bad_credentials"}
	case errors.Is(err, apperr.ErrUnauthorized):
		return Classified{Status: 401, TitleID: "error.unauthorized_title", Detail: "error.unauthorized"}
	case errors.Is(err, apperr.ErrNotFound):
		return Classified{Status: 404, TitleID: "error.not_found_title", Detail: "error.not_found"}
	case errors.Is(err, apperr.ErrForbidden):
		return Classified{Status: 403, TitleID: "error.forbidden_title", Detail: "error.forbidden"}
	case errors.Is(err, apperr.ErrConflict):
		return Classified{Status: 409, TitleID: "error.conflict_title", Detail: "error.conflict"}
	case errors.As(err, &fe):
		switch fe.Code {
		case fiber.StatusNotFound:
			return Classified{Status: 404, TitleID: "error.not_found_title", Detail: "error.not_found"}
		case fiber.StatusMethodNotAllowed:
			return Classified{Status: 405, TitleID: "error.method_title", Detail: "error.method"}
		case fiber.StatusRequestEntityTooLarge:
			return Classified{Status: 413, TitleID: "error.too_large_title", Detail: "error.too_large"}
		case fiber.StatusUnsupportedMediaType:
			return Classified{Status: 415, TitleID: "error.media_type_title", Detail: "error.media_type"}
		case fiber.StatusTooManyRequests:
			return Classified{Status: 429, TitleID: "error.too_many_title", Detail: "error.too_many_requests"}
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return Classified{Status: fe.Code, TitleID: "error.bad_request_title", Detail: "error.bad_request"}
		}
	case db.Unreachable(err):
		return Classified{Status: 503, TitleID: "error.unavailable_title", Detail: "error.db_unavailable",
			Retry: int(RetryUnavailable / time.Second), Outage: true}
	case errors.Is(err, context.DeadlineExceeded):
		return Classified{Status: 503, TitleID: "error.unavailable_title", Detail: "error.unavailable",
			Retry: int(RetryUnavailable / time.Second)}
	}
	return Classified{Status: 500, TitleID: "error.internal_title", Detail: "error.internal"}
}

// ProblemField is one problem of a problem document, at a field of the input.
type ProblemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"` // line of an uploaded file
}
