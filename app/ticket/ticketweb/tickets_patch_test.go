package ticketweb_test

import (
	"net/url"
	"reflect"
	"testing"

	"backoffice/app/web/webtest"
)

// A change that sends an empty or null choice is refused at its field: ""
// and null are not "unchanged" but values the database's CHECK constraints
// refuse, which used to surface as a 500.
func TestTicketPatchRefusesEmptyAndNullChoices(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent, mod := h.Token("agent"), h.Token("a_moderator")
		tk := webtest.CreateTicket(t, h, agent, map[string]any{"subject": "Press stops", "description": "D", "customer_id": h.CustA.ID, "priority": "high"})
		tkCall(t, h, "PUT", "/api/v1/customers/"+webtest.Itoa64(h.CustA.ID)+"/ticket-permissions", h.Token("admin"),
			map[string]any{"edit_priority": "allow", "edit_type": "allow"}, 200)
		keep := tkGet(t, h, agent, tk)
		values := map[string][]string{
			"priority": {`""`, `null`, `"asap"`},
			"type":     {`""`, `null`, `"rant"`},
			"status":   {`""`, `null`, `"done"`},
			"subject":  {`""`, `null`},
		}
		for _, token := range []string{agent, mod} {
			for field, vals := range values {
				for _, v := range vals {
					resp, p := h.API("PATCH", webtest.TicketPath(tk, ""), token, `{"`+field+`": `+v+`}`)
					webtest.WantProblem(t, resp, p, 422, field)
				}
			}
		}
		if now := tkGet(t, h, agent, tk); !reflect.DeepEqual(now, keep) {
			t.Errorf("refused changes altered the ticket:\n%v\n%v", keep, now)
		}

		// The page's form: an emptied select is a field error, not a 500.
		b := h.LoggedIn("agent")
		page := "/tickets/" + webtest.SID(tk)
		for _, field := range []string{"priority", "type", "status"} {
			resp, body := b.Post(page, page, url.Values{field: {""}})
			webtest.WantStatus(t, resp, 422, body)
			webtest.WantContains(t, body, `id="f-`+field+`"`, "field-error")
		}
	})
}
