package httpx

import (
	"encoding/json"
	"testing"

	"backoffice/app/apperr"
)

func TestOptTellsAbsentNullAndValue(t *testing.T) {
	var b struct {
		Name   Opt[string]            `json:"name"`
		Gone   Opt[string]            `json:"gone"`
		Owner  Opt[int64]             `json:"owner"`
		Device Opt[int64]             `json:"device"`
		Tags   Opt[[]string]          `json:"tags"`
		Fields Opt[map[string]any]    `json:"fields"`
		Bad    Opt[int64]             `json:"bad"`
		Zero   Opt[int64]             `json:"zero"`
		Wrong  Opt[string]            `json:"wrong"`
		Map    Opt[map[string]string] `json:"map"`
	}
	body := `{"name":"Pump","gone":null,"owner":null,"device":7,"tags":["a"],"fields":{"f1":"x"},"bad":"7","zero":0,"wrong":3,"map":[1]}`
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatal(err)
	}
	if p := b.Name.Ptr(); p == nil || *p != "Pump" {
		t.Errorf("name: %v", p)
	}
	if p := b.Gone.Ptr(); p == nil || *p != "" || !b.Gone.Null {
		t.Errorf("null string: %v %+v", p, b.Gone)
	}
	if c := b.Owner.Clear(); c == nil || *c != nil {
		t.Errorf("null id must clear: %v", c)
	}
	if c := b.Device.Clear(); c == nil || *c == nil || **c != 7 {
		t.Errorf("id: %v", c)
	}
	var absent Opt[int64]
	if absent.Clear() != nil || absent.Ptr() != nil {
		t.Error("an absent field changes something")
	}
	v := &apperr.ValidationError{}
	Check(v, "name", b.Name)
	Check(v, "tags", b.Tags)
	Check(v, "fields", b.Fields)
	CheckID(v, "owner", "error.id_invalid", b.Owner)
	CheckID(v, "device", "error.id_invalid", b.Device)
	CheckID(v, "bad", "error.id_invalid", b.Bad)
	CheckID(v, "zero", "error.id_invalid", b.Zero)
	Check(v, "wrong", b.Wrong)
	Check(v, "map", b.Map)
	want := []apperr.FieldError{{Field: "bad", Message: "error.id_invalid"}, {Field: "zero", Message: "error.id_invalid"},
		{Field: "wrong", Message: "error.json_type", Data: map[string]any{"Type": "string"}},
		{Field: "map", Message: "error.json_type", Data: map[string]any{"Type": "object"}}}
	if len(v.Fields) != len(want) {
		t.Fatalf("errors %+v, want %+v", v.Fields, want)
	}
	for i, fe := range v.Fields {
		if fe.Field != want[i].Field || fe.Message != want[i].Message || (want[i].Data != nil && fe.Data["Type"] != want[i].Data["Type"]) {
			t.Errorf("error %d: %+v, want %+v", i, fe, want[i])
		}
	}
}
