package web_test

import (
	"strings"
	"testing"

	"backoffice/app/web/webtest"
	"backoffice/rbac"
)

// The menu of a role is worked out once per policy: a change of the policy
// shows in the next page's menu.
func TestMenuFollowsThePolicy(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("agent")
		entry := `href="/templates"`
		menu := func() bool {
			resp, body := b.Get("/tickets")
			webtest.WantStatus(t, resp, 200, body)
			return strings.Contains(body, entry)
		}
		if !menu() || !menu() {
			t.Fatal("the agent's menu lacks the templates")
		}
		if err := h.RBAC.Revoke(rbac.ProviderAgent, "template", "read"); err != nil {
			t.Fatal(err)
		}
		if menu() {
			t.Fatal("the menu still offers the templates after the permission was revoked")
		}
		if err := h.RBAC.Grant(rbac.ProviderAgent, "template", "read"); err != nil {
			t.Fatal(err)
		}
		if !menu() {
			t.Fatal("the menu does not offer the templates again after the grant")
		}
	})
}
