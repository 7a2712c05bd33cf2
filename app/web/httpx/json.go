package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
)

// DecodeJSON reads a JSON request body into dst. Unknown fields are ignored
// (a client cannot set what dst does not hold); malformed JSON is a 422 at
// "body" and a wrongly typed field a 422 at that field.
func DecodeJSON(c *fiber.Ctx, dst any) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if ct != "" && !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) && !strings.Contains(ct, "+json") {
		return fiber.ErrUnsupportedMediaType
	}
	body := bytes.TrimSpace(c.Body())
	if len(body) == 0 {
		return apperr.Invalid("body", "error.body_required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := te.Field
			if field == "" {
				field = "body"
			}
			return &apperr.ValidationError{Fields: []apperr.FieldError{{Field: field, Message: "error.json_type", Data: map[string]any{"Type": jsonType(te.Type.String())}}}}
		}
		return &apperr.ValidationError{Fields: []apperr.FieldError{{Field: "body", Message: "error.json_malformed"}}}
	}
	if dec.More() {
		return &apperr.ValidationError{Fields: []apperr.FieldError{{Field: "body", Message: "error.json_malformed"}}}
	}
	return nil
}

func jsonType(goType string) string {
	switch {
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "number"
	case strings.Contains(goType, "bool"):
		return "boolean"
	case strings.Contains(goType, "string"):
		return "string"
	case strings.HasPrefix(goType, "[]"):
		return "array"
	}
	return "object"
}

// UTC is t in UTC (the database may hand times back in the local zone).
func UTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
