package httpx

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
