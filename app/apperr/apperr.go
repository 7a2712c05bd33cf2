// Package apperr defines the typed errors that domain code returns and the web
// layer maps to responses: one mapper turns them into a friendly page or an
// RFC 9457 problem document, so handlers never choose status codes by hand.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Wrap them with the operation: fmt.Errorf("load user %d: %w", id, ErrNotFound).
var (
	// ErrNotFound means the record does not exist for the caller. A record of
	// another company is reported the same way, so ids cannot be probed.
	ErrNotFound = errors.New("not found")
	// ErrForbidden means the caller knows the record but may not act on it.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict means the change collides with existing data.
	ErrConflict = errors.New("conflict")
	// ErrUnauthorized means the caller is not signed in or the credentials are wrong.
	ErrUnauthorized = errors.New("unauthorized")
)

// FieldError is one problem with one input field. Message is a message id of
// the i18n catalog; Data fills its template.
type FieldError struct {
	Field   string
	Message string
	Data    map[string]any
	Line    int // line of an uploaded file the problem is on; 0 for none
}

// ValidationError lists the problems with a submitted form or request body.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	if len(e.Fields) == 0 {
		return "invalid input"
	}
	return fmt.Sprintf("invalid input: %s: %s", e.Fields[0].Field, e.Fields[0].Message)
}

// Add records a problem with field.
func (e *ValidationError) Add(field, message string, data map[string]any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Message: message, Data: data})
}

// Has reports whether field already has a problem.
func (e *ValidationError) Has(field string) bool {
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns e when it holds problems, else nil.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Invalid returns a validation error with a single problem.
func Invalid(field, message string) error {
	return &ValidationError{Fields: []FieldError{{Field: field, Message: message}}}
}

// Conflict is a conflict tied to one field, such as a duplicate email. It
// unwraps to ErrConflict and renders like a validation error at that field.
type Conflict struct {
	Field   string
	Message string
}

func (e *Conflict) Error() string { return "conflict: " + e.Field + ": " + e.Message }

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *Conflict) Unwrap() error { return ErrConflict }

// TooManyRequests is returned when a caller is throttled.
type TooManyRequests struct {
	RetryAfter time.Duration
	Message    string // message id
}

func (e *TooManyRequests) Error() string {
	return fmt.Sprintf("too many requests, retry after %s", e.RetryAfter)
}

// Denied refuses an action for a reason the user can act on, such as "the
// company's last administrator cannot be removed". It unwraps to
// ErrForbidden (403), or to ErrConflict (409) when Conflict is set.
type Denied struct {
	Message  string // message id
	Conflict bool
}

func (e *Denied) Error() string { return "denied: " + e.Message }

// Unwrap makes errors.Is work with ErrForbidden or ErrConflict.
func (e *Denied) Unwrap() error {
	if e.Conflict {
		return ErrConflict
	}
	return ErrForbidden
}
