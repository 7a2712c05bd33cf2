package httpx

import (
	"reflect"
	"strings"
	"time"
)

// Pieces of the JSON schemas of the OpenAPI document, from which each
// domain declares the shapes of its answers and inputs.
var (
	Str      = map[string]any{"type": "string"}
	Integer  = map[string]any{"type": "integer", "format": "int64"}
	DateTime = map[string]any{"type": "string", "format": "date-time"}
	Date     = map[string]any{"type": "string", "format": "date"}
)

// Obj is an object schema with the given properties, of which required
// must be present.
func Obj(required []string, props map[string]any) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// Nullable is a copy of s that also allows null.
func Nullable(s map[string]any) map[string]any {
	c := map[string]any{}
	for k, v := range s {
		c[k] = v
	}
	c["nullable"] = true
	return c
}

// Ref refers to the component schema name.
func Ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// ListOf is the schema of a list answer of item objects.
func ListOf(item string) map[string]any {
	return Obj([]string{"items", "next_cursor"}, map[string]any{
		"items":       map[string]any{"type": "array", "items": Ref(item)},
		"next_cursor": Nullable(Str),
	})
}

// SchemaOf is the schema of the JSON that a value of struct type T encodes
// to, read off its fields: a property per json-tagged field, required
// unless it is omitempty; a pointer that can be encoded as null is
// nullable (under omitempty, the pointer it points to); time.Time is a
// date-time; the tag format:"date" gives a string its format. props
// replaces the properties that say more than their Go type (enums,
// descriptions, bounds), by name.
func SchemaOf[T any](props map[string]any) map[string]any {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		panic("httpx.SchemaOf: " + t.String() + " is not a struct")
	}
	var required []string
	out := map[string]any{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" || tag == "" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		omit := strings.Contains(","+opts+",", ",omitempty,")
		ft := f.Type
		if omit && ft.Kind() == reflect.Pointer {
			ft = ft.Elem() // absent when nil; what it points to is encoded
		}
		if p, ok := props[name]; ok {
			out[name] = p
		} else {
			out[name] = schemaOfType(ft, f.Tag.Get("format"))
		}
		if !omit {
			required = append(required, name)
		}
	}
	for name, p := range props {
		if _, ok := out[name]; !ok {
			panic("httpx.SchemaOf: " + t.String() + " has no field " + name)
		}
		out[name] = p
	}
	return Obj(required, out)
}

var timeType = reflect.TypeFor[time.Time]()

// schemaOfType is the schema of a value of Go type t.
func schemaOfType(t reflect.Type, format string) map[string]any {
	if t.Kind() == reflect.Pointer {
		return Nullable(schemaOfType(t.Elem(), format))
	}
	switch {
	case t == timeType:
		return DateTime
	case t.Kind() == reflect.String && format != "":
		return map[string]any{"type": "string", "format": format}
	}
	switch t.Kind() {
	case reflect.String:
		return Str
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
		reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Integer
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOfType(t.Elem(), "")}
	}
	return map[string]any{"type": "object"}
}
