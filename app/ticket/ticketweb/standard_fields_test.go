package ticketweb_test

import (
	"context"
	"net/url"
	"testing"

	"backoffice/app/caller"
	"backoffice/app/org"
	"backoffice/app/web/webtest"
	"backoffice/rbac"
)

// The provider administrator's switches of the standard fields priority,
// assignee and group visibly change what customers see and may change, in
// the API and on the pages; only provider administrators switch them, and
// another provider's switches change nothing here.
func TestStandardFieldsSwitchWhatCustomersSeeAndChange(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		admin, member := h.Token("admin"), h.Token("a_member")
		resp, m := h.API("POST", "/api/v1/tickets", member, map[string]any{"subject": "Door stuck", "description": "Room B2"})
		webtest.WantStatus(t, resp, 201, "")
		id := webtest.Itoa64(int64(m["id"].(float64)))
		get := func() map[string]any {
			t.Helper()
			resp, m := h.API("GET", "/api/v1/tickets/"+id, member, nil)
			webtest.WantStatus(t, resp, 200, "")
			return m
		}

		// Defaults: priority and assignee shown, group hidden, nothing editable.
		resp, m = h.API("GET", "/api/v1/ticket-fields/standard", admin, nil)
		webtest.WantStatus(t, resp, 200, "")
		webtest.CheckSchema(t, "StandardFieldList", m)
		items := m["items"].([]any)
		if len(items) != 3 || items[0].(map[string]any)["name"] != "priority" || items[0].(map[string]any)["shown"] != true ||
			items[0].(map[string]any)["stored"] != false || items[2].(map[string]any)["shown"] != false {
			t.Fatalf("defaults: %v", items)
		}
		tk := get()
		if _, ok := tk["priority"]; !ok {
			t.Fatal("priority hidden by default")
		}
		if _, ok := tk["group"]; ok {
			t.Fatal("group shown by default")
		}
		_, body := h.LoggedIn("a_member").Get("/tickets/" + id)
		webtest.WantNotContains(t, body, `name="group"`, `name="assignee_id"`, `name="priority"`)

		// Only provider administrators switch (agents are refused, customers
		// never learn the settings exist); bad input is a field error.
		for name, want := range map[string]int{"agent": 403, "a_admin": 404, "a_member": 404, "b_admin": 404} {
			resp, _ = h.API("PATCH", "/api/v1/ticket-fields/standard/group", h.Token(name), map[string]any{"shown": true})
			webtest.WantStatus(t, resp, want, name)
			resp, _ = h.API("GET", "/api/v1/ticket-fields/standard", h.Token(name), nil)
			webtest.WantStatus(t, resp, want, name)
		}
		resp, _ = h.API("PATCH", "/api/v1/ticket-fields/standard/subject", admin, map[string]any{"shown": true})
		webtest.WantStatus(t, resp, 404, "")
		resp, m = h.API("PATCH", "/api/v1/ticket-fields/standard/group", admin, map[string]any{"shown": "yes"})
		webtest.WantProblem(t, resp, m, 422, "shown")
		resp, _ = h.API("PATCH", "/api/v1/ticket-fields/standard/group", admin, "")
		webtest.WantStatus(t, resp, 422, "")

		// Another provider's administrator switches their own fields only.
		prov, _ := webtest.OtherProvider(t, h)
		x := &org.User{OrganizationID: prov.ID, Email: "x_admin@rival.test", FirstName: "Xenia", LastName: "Rival",
			Role: rbac.ProviderAdmin, PasswordHash: h.Users["admin"].PasswordHash, Language: "en", TimeZone: "Europe/Berlin"}
		webtest.Must(t, h.Svc.Users.CreateUser(ctx, x))
		h.Users["x_admin"] = caller.Of(x, "")
		resp, m = h.API("PATCH", "/api/v1/ticket-fields/standard/priority", h.Token("x_admin"), map[string]any{"shown": false})
		webtest.WantStatus(t, resp, 200, "")
		if _, ok := get()["priority"]; !ok {
			t.Fatal("another provider's switch hid our customer's priority")
		}

		// Priority hidden; group and assignee shown and editable.
		resp, m = h.API("PATCH", "/api/v1/ticket-fields/standard/priority", admin, map[string]any{"shown": false})
		webtest.WantStatus(t, resp, 200, "")
		webtest.CheckSchema(t, "StandardField", m)
		if m["stored"] != true || m["editable"] != false {
			t.Fatalf("after PATCH: %v", m)
		}
		for _, name := range []string{"group", "assignee"} {
			resp, _ = h.API("PATCH", "/api/v1/ticket-fields/standard/"+name, admin, map[string]any{"shown": true, "editable": true})
			webtest.WantStatus(t, resp, 200, "")
		}
		tk = get()
		if _, ok := tk["priority"]; ok {
			t.Fatal("priority still shown")
		}
		if _, ok := tk["group"]; !ok {
			t.Fatal("group not shown")
		}
		b := h.LoggedIn("a_member")
		_, body = b.Get("/tickets/" + id)
		webtest.WantContains(t, body, `name="group"`, `name="assignee_id"`, h.Users["agent"].Name())
		webtest.WantNotContains(t, body, `name="priority"`, `name="status"`)
		resp, body = b.Post("/tickets/"+id, "/tickets/"+id, url.Values{"group": {"Field service"}, "assignee_id": {webtest.Itoa64(h.Users["agent"].ID)}})
		webtest.WantStatus(t, resp, 303, body)
		tk = get()
		if tk["group"] != "Field service" || tk["assignee_id"] != float64(h.Users["agent"].ID) {
			t.Fatalf("after the member's form: group %v assignee %v", tk["group"], tk["assignee_id"])
		}
		// Someone who is not an agent of the provider is refused at the field.
		resp, m = h.API("PATCH", "/api/v1/tickets/"+id, member, map[string]any{"assignee_id": h.Users["x_agent"].ID})
		webtest.WantProblem(t, resp, m, 422, "assignee_id")
		resp, body = b.Post("/tickets/"+id, "/tickets/"+id, url.Values{"assignee_id": {webtest.Itoa64(h.Users["a_admin"].ID)}})
		webtest.WantStatus(t, resp, 422, body)
		webtest.WantContains(t, body, "Choose an active agent")
		if get()["assignee_id"] != float64(h.Users["agent"].ID) {
			t.Fatal("a refused assignee lost the saved one")
		}
		// Priority sent by the member is ignored: not theirs to change.
		resp, _ = h.API("PATCH", "/api/v1/tickets/"+id, member, map[string]any{"priority": "urgent"})
		webtest.WantStatus(t, resp, 200, "")
		_, m = h.API("GET", "/api/v1/tickets/"+id, h.Token("agent"), nil)
		if m["priority"] != "normal" {
			t.Fatalf("hidden priority changed by the member: %v", m["priority"])
		}

		// The new-ticket form offers group and assignee.
		_, body = b.Get("/tickets/new")
		webtest.WantContains(t, body, `name="group"`, `name="assignee_id"`)
		resp, m = h.API("POST", "/api/v1/tickets", member, map[string]any{"subject": "Toner", "description": "empty", "group": "Supplies",
			"assignee_id": h.Users["agent"].ID})
		webtest.WantStatus(t, resp, 201, "")
		if m["group"] != "Supplies" || m["assignee_id"] != float64(h.Users["agent"].ID) {
			t.Fatalf("new ticket: %v", m)
		}

		// The settings page: a checkbox left out is off.
		a := h.LoggedIn("admin")
		_, body = a.Get("/settings/fields")
		webtest.WantContains(t, body, "Standard fields", `name="group_editable"`)
		resp, body = a.Post("/settings/fields", "/settings/fields/standard", url.Values{"priority_shown": {"1"}, "priority_editable": {"1"}})
		webtest.WantStatus(t, resp, 303, body)
		tk = get()
		if _, ok := tk["group"]; ok {
			t.Fatal("group unticked, still shown")
		}
		if _, ok := tk["assignee_id"]; ok {
			t.Fatal("assignee unticked, still shown")
		}
		resp, m = h.API("PATCH", "/api/v1/tickets/"+id, member, map[string]any{"priority": "high"})
		webtest.WantStatus(t, resp, 200, "")
		if m["priority"] != "high" {
			t.Fatalf("priority ticked editable: %v", m["priority"])
		}
		_, body = b.Get("/tickets/" + id)
		webtest.WantContains(t, body, `name="priority"`)
		webtest.WantNotContains(t, body, `name="group"`, `name="assignee_id"`)
		// A customer's own permission wins over the provider's switch.
		resp, _ = h.API("PUT", "/api/v1/customers/"+webtest.Itoa64(h.CustA.ID)+"/ticket-permissions", admin, map[string]any{"see_group": "allow"})
		webtest.WantStatus(t, resp, 200, "")
		if get()["group"] != "Field service" {
			t.Fatal("the company's see_group did not win over the switch")
		}
		// The same form carries type and tags when the company allows them.
		resp, _ = h.API("PUT", "/api/v1/customers/"+webtest.Itoa64(h.CustA.ID)+"/ticket-permissions", admin, map[string]any{"edit_tags": "allow", "edit_type": "allow"})
		webtest.WantStatus(t, resp, 200, "")
		_, body = b.Get("/tickets/" + id)
		webtest.WantContains(t, body, `name="tags"`, `name="type"`)
		resp, body = b.Post("/tickets/"+id, "/tickets/"+id, url.Values{"tags": {"Door, lock"}, "type": {"incident"}})
		webtest.WantStatus(t, resp, 303, body)
		tk = get()
		if tags, _ := tk["tags"].([]any); len(tags) != 2 || tags[0] != "door" || tk["type"] != "incident" || tk["priority"] != "high" {
			t.Fatalf("after the member's tags and type: %v %v %v", tk["tags"], tk["type"], tk["priority"])
		}
		// Customers never reach the settings.
		resp, _ = h.LoggedIn("a_admin").Get("/settings/fields")
		webtest.WantStatus(t, resp, 404, "")
		resp, _ = h.LoggedIn("agent").Post("/tickets", "/settings/fields/standard", url.Values{"group_shown": {"1"}})
		webtest.WantStatus(t, resp, 403, "")
	})
}
