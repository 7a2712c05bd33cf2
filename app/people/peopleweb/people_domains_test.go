package peopleweb_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"backoffice/app/web/webtest"
)

// A customer administrator cannot reserve an address in another
// organization's email domains (that organization could then not add the
// person: emails are unique); an address outside the company's own domains
// is created with a warning. Provider staff are not restricted.
func TestCustomerCannotTakeAnotherOrganizationsAddress(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		admin := h.Token("a_admin")
		create := func(token, email string, orgID int64) (int, map[string]any) {
			t.Helper()
			body := map[string]any{"first_name": "Eve", "email": email, "language": "en", "role": "member"}
			if orgID != 0 {
				body["organization_id"] = orgID
			}
			resp, got := h.API("POST", "/api/v1/users", token, body)
			return resp.StatusCode, got
		}
		for _, email := range []string{"eve@b.test", "Eve@B.Test", "eve@sales.b.test", "eve@provider.test"} {
			resp, got := h.API("POST", "/api/v1/users", admin, map[string]any{"first_name": "Eve", "email": email, "language": "en", "role": "member"})
			errs := webtest.WantProblem(t, resp, got, 422, "email")
			if msg, _ := errs[0]["message"].(string); !strings.Contains(msg, "another organization") {
				t.Errorf("%s: message %q", email, msg)
			}
		}
		if _, err := h.Svc.Users.UserByEmail(context.Background(), "eve@b.test"); err == nil {
			t.Fatal("the refused address was reserved")
		}
		// Company B can still add its own person.
		if status, got := create(h.Token("b_admin"), "eve@b.test", 0); status != 201 || got["warnings"] != nil {
			t.Fatalf("B adds eve@b.test: %d %v", status, got)
		}

		// Outside every organization's domains: created, with a warning.
		status, got := create(admin, "eve@gmail.example", 0)
		if status != 201 || got["organization_id"] != float64(h.CustA.ID) {
			t.Fatalf("gmail address: %d %v", status, got)
		}
		webtest.CheckSchema(t, "User", got)
		ws, _ := got["warnings"].([]any)
		if len(ws) != 1 || ws[0].(map[string]any)["field"] != "email" ||
			!strings.Contains(ws[0].(map[string]any)["message"].(string), "not in your company's email domains (a.test)") {
			t.Fatalf("warnings %v", got["warnings"])
		}
		if status, got := create(admin, "eve@a.test", 0); status != 201 || got["warnings"] != nil {
			t.Fatalf("own domain: %d %v", status, got)
		}

		// Provider staff may create anyone in a customer they serve.
		for _, email := range []string{"ida@provider.test", "ida@b.test", "ida@gmail.example"} {
			if status, got := create(h.Token("admin"), email, h.CustA.ID); status != 201 || got["warnings"] != nil {
				t.Fatalf("provider administrator creates %s in A: %d %v", email, status, got)
			}
		}

		// Invitations, which create users too, are for those who serve the
		// customer only.
		if resp, got := h.API("POST", "/api/v1/customers/"+webtest.Itoa64(h.CustA.ID)+"/invitations", admin,
			map[string]any{"first_name": "Eve", "email": "eve2@b.test", "language": "en", "role": "member"}); resp.StatusCode == 201 {
			t.Fatalf("customer administrator invites: %v", got)
		}

		// The page: the error at the field, the warning after saving.
		b := h.LoggedIn("a_admin")
		r, body := b.Post("/employees/new", "/employees", url.Values{"first_name": {"Max"}, "email": {"max@b.test"},
			"language": {"en"}, "role": {"member"}})
		webtest.WantStatus(t, r, 422, body)
		webtest.WantContains(t, body, `id="email-status" aria-live="polite">This address is in the email domain of another organization`,
			`value="max@b.test"`)
		r, body = b.Post("/employees/new", "/employees", url.Values{"first_name": {"Max"}, "email": {"max@gmail.example"},
			"language": {"en"}, "role": {"member"}})
		webtest.WantStatus(t, r, 303, body)
		_, body = b.Get(r.Header.Get("Location"))
		webtest.WantContains(t, body, "max@gmail.example was created", "flash-warning",
			"max@gmail.example is not in your company&#39;s email domains (a.test)")
	})
}
