package httpx

import (
	"reflect"
	"testing"
	"time"
)

func TestSchemaOfReadsTheType(t *testing.T) {
	type answer struct {
		ID       int64          `json:"id"`
		Name     string         `json:"name"`
		Owner    *int64         `json:"owner"`
		Due      *string        `json:"due" format:"date"`
		At       time.Time      `json:"at"`
		Hidden   *string        `json:"hidden,omitempty"`
		Assignee **int64        `json:"assignee,omitempty"`
		Tags     *[]string      `json:"tags,omitempty"`
		Done     bool           `json:"done"`
		Fields   map[string]any `json:"fields"`
		State    string         `json:"state"`
		internal int
		Skipped  string `json:"-"`
	}
	state := map[string]any{"type": "string", "enum": []string{"a", "b"}}
	got := SchemaOf[answer](map[string]any{"state": state})
	want := Obj([]string{"id", "name", "owner", "due", "at", "done", "fields", "state"}, map[string]any{
		"id": Integer, "name": Str, "owner": Nullable(Integer),
		"due": Nullable(map[string]any{"type": "string", "format": "date"}), "at": DateTime, "hidden": Str,
		"assignee": Nullable(Integer), "tags": map[string]any{"type": "array", "items": Str},
		"done": map[string]any{"type": "boolean"}, "fields": map[string]any{"type": "object"}, "state": state})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %v\nwant %v", got, want)
	}
	defer func() {
		if recover() == nil {
			t.Error("a property for no field was taken")
		}
	}()
	SchemaOf[answer](map[string]any{"nope": Str})
}
