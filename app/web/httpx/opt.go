package httpx

import (
	"bytes"
	"encoding/json"
	"reflect"

	"backoffice/app/apperr"
)

// Opt is one field of a PATCH body, which can be absent (keep the value),
// null (clear it) or a value. A value of the wrong JSON type is kept as a
// mistake for Check to report at the field, so that one answer names every
// wrong field.
type Opt[T any] struct {
	Set   bool // the field was sent (null included)
	Null  bool // it was sent as null
	Value T    // the value sent (the zero value for null)
	bad   bool // it was sent with the wrong JSON type
}

// UnmarshalJSON reads the field when it is present.
func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.Null = true
		return nil
	}
	if json.Unmarshal(b, &o.Value) != nil {
		o.bad = true
	}
	return nil
}

// Ptr is the sent value as a change: nil when absent, the zero value when
// null.
func (o Opt[T]) Ptr() *T {
	if !o.Set {
		return nil
	}
	v := o.Value
	return &v
}

// Clear is the sent value as a change that null clears: nil when absent, a
// pointer to nil when null.
func (o Opt[T]) Clear() **T {
	if !o.Set {
		return nil
	}
	var inner *T
	if !o.Null {
		v := o.Value
		inner = &v
	}
	return &inner
}

// Check adds to v the field error of o (at field name) when it was sent
// with the wrong JSON type: error.json_type naming the expected type.
func Check[T any](v *apperr.ValidationError, name string, o Opt[T]) {
	if o.bad {
		v.Add(name, "error.json_type", map[string]any{"Type": jsonKind(reflect.TypeFor[T]())})
	}
}

// jsonKind is the JSON type that a value of Go type t is read from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "object"
}

// CheckID adds to v the field error of an id field (at name): message when
// it was sent as anything but null or a positive whole number.
func CheckID(v *apperr.ValidationError, name, message string, o Opt[int64]) {
	if o.bad || (o.Set && !o.Null && o.Value <= 0) {
		v.Add(name, message, nil)
	}
}
