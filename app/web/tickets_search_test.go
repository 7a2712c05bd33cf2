package web

import (
	"context"
	"testing"
	"time"

	"backoffice/app/ticket"
)

// Search finds tickets by the words of their messages; a customer never
// finds one by the words of an internal note. The created-within and
// rating filters narrow the list.
func TestTicketSearchCoversMessagesButNotNotesForCustomers(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		old, err := h.srv.tickets.Create(ctx, h.users["a_member"], ticket.NewTicket{Subject: "Old noise", Description: "rattling compressor"})
		must(t, err)
		h.clock.Advance(40 * 24 * time.Hour)
		fresh, err := h.srv.tickets.Create(ctx, h.users["a_member"], ticket.NewTicket{Subject: "Display", Description: "flickers"})
		must(t, err)
		_, err = h.srv.tickets.Reply(ctx, h.users["agent"], fresh.ID, "suspect the zebra strip", true)
		must(t, err)
		count := func(token, query string) int {
			t.Helper()
			resp, m := h.api("GET", "/api/v1/tickets?"+query, token, nil)
			wantStatus(t, resp, 200, "")
			return len(m["items"].([]any))
		}
		member, agent := h.token("a_member"), h.token("agent")
		if count(member, "q=RATTLING") != 1 || count(agent, "q=rattling") != 1 {
			t.Fatal("a public message's words do not find the ticket")
		}
		if count(member, "q=zebra") != 0 {
			t.Fatal("a customer finds a ticket by an internal note")
		}
		if count(agent, "q=zebra") != 1 {
			t.Fatal("staff do not find a ticket by its note")
		}
		if count(member, "created_within=30") != 1 || count(member, "created_within=90") != 2 {
			t.Fatal("created_within does not narrow by creation time")
		}
		resp, _ := h.api("GET", "/api/v1/tickets?created_within=-1", member, nil)
		wantStatus(t, resp, 422, "")
		_, err = h.srv.tickets.Update(ctx, h.users["agent"], old.ID, ticket.Change{Status: ptrTo("resolved")})
		must(t, err)
		_, err = h.srv.tickets.Rate(ctx, h.users["a_member"], old.ID, 2, "")
		must(t, err)
		if count(agent, "rating=2") != 1 || count(agent, "rating=5") != 0 {
			t.Fatal("the rating filter does not narrow")
		}
		_, body := h.loggedIn("a_member").get("/tickets?q=zebra")
		wantNotContains(t, body, "Display")
	})
}

func ptrTo[T any](v T) *T { return &v }
