package ticketweb_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// An agent answers and moves the ticket on with one submit, on the page and
// through the API; customers are offered no such buttons and the API
// refuses them a status.
func TestReplyAndSetStatus(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		tk, err := h.Svc.Tickets.Create(context.Background(), h.Users["a_member"], ticket.NewTicket{Subject: "Pump", Description: "noise"})
		webtest.Must(t, err)
		page := "/tickets/" + webtest.Itoa64(tk.ID)

		agent := h.LoggedIn("agent")
		resp, body := agent.Get(page)
		webtest.WantStatus(t, resp, 200, body)
		if !strings.Contains(body, `name="then" value="resolved"`) || !strings.Contains(body, `name="then" value="pending"`) {
			t.Fatal("the agent's reply form lacks the send-and-set buttons")
		}
		resp, body = agent.Post(page, page+"/messages", url.Values{"body": {"Replaced the seal."}, "then": {"resolved"}})
		if resp.StatusCode != 303 {
			t.Fatalf("send and resolve: %d %s", resp.StatusCode, body)
		}
		got := webtest.APIGet(t, h, "/api/v1/tickets/"+webtest.Itoa64(tk.ID), h.Token("agent"))
		if got["status"] != "resolved" {
			t.Fatalf("after send and resolve the ticket is %v", got["status"])
		}

		member := h.LoggedIn("a_member")
		resp, body = member.Get(page)
		webtest.WantStatus(t, resp, 200, body)
		if strings.Contains(body, `name="then"`) {
			t.Fatal("a customer is offered send-and-set buttons")
		}

		msgs := "/api/v1/tickets/" + webtest.Itoa64(tk.ID) + "/messages"
		r, p := h.API("POST", msgs, h.Token("a_member"), map[string]any{"body": "Thanks", "status": "resolved"})
		webtest.WantProblem(t, r, p, 422, "status")
		r, p = h.API("POST", msgs, h.Token("agent"), map[string]any{"body": "Which model?", "status": "pending"})
		webtest.WantStatus(t, r, 201, "")
		webtest.CheckSchema(t, "Message", p)
		if got := webtest.APIGet(t, h, "/api/v1/tickets/"+webtest.Itoa64(tk.ID), h.Token("agent")); got["status"] != "pending" {
			t.Fatalf("after the API's send and wait the ticket is %v", got["status"])
		}
		r, p = h.API("POST", msgs, h.Token("agent"), map[string]any{"body": "x", "status": "closed"})
		webtest.WantProblem(t, r, p, 422, "status")
	})
}
