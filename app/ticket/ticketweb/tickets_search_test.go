package ticketweb_test

import (
	"context"
	"testing"
	"time"

	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

// Search finds tickets by the words of their messages; a customer never
// finds one by the words of an internal note. The created-within and
// rating filters narrow the list.
func TestTicketSearchCoversMessagesButNotNotesForCustomers(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		old, err := h.Svc.Tickets.Create(ctx, h.Users["a_member"], ticket.NewTicket{Subject: "Old noise", Description: "rattling compressor"})
		webtest.Must(t, err)
		h.Clock.Advance(40 * 24 * time.Hour)
		fresh, err := h.Svc.Tickets.Create(ctx, h.Users["a_member"], ticket.NewTicket{Subject: "Display", Description: "flickers"})
		webtest.Must(t, err)
		_, err = h.Svc.Tickets.Reply(ctx, h.Users["agent"], fresh.ID, "suspect the zebra strip", true)
		webtest.Must(t, err)
		count := func(token, query string) int {
			t.Helper()
			resp, m := h.API("GET", "/api/v1/tickets?"+query, token, nil)
			webtest.WantStatus(t, resp, 200, "")
			return len(m["items"].([]any))
		}
		member, agent := h.Token("a_member"), h.Token("agent")
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
		resp, _ := h.API("GET", "/api/v1/tickets?created_within=-1", member, nil)
		webtest.WantStatus(t, resp, 422, "")
		_, err = h.Svc.Tickets.Update(ctx, h.Users["agent"], old.ID, ticket.Change{Status: ptrTo("resolved")})
		webtest.Must(t, err)
		_, err = h.Svc.Tickets.Rate(ctx, h.Users["a_member"], old.ID, 2, "")
		webtest.Must(t, err)
		if count(agent, "rating=2") != 1 || count(agent, "rating=5") != 0 {
			t.Fatal("the rating filter does not narrow")
		}
		_, body := h.LoggedIn("a_member").Get("/tickets?q=zebra")
		webtest.WantNotContains(t, body, "Display")
	})
}

func ptrTo[T any](v T) *T { return &v }

// Lists sort by rating, best first with -rating, unrated last.
func TestTicketsSortByRating(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		var ids []int64
		for i, score := range []int{0, 3, 5, 1} {
			tk, err := h.Svc.Tickets.Create(ctx, h.Users["a_member"], ticket.NewTicket{Subject: "T" + webtest.Itoa(i), Description: "d"})
			webtest.Must(t, err)
			ids = append(ids, tk.ID)
			if score > 0 {
				_, err = h.Svc.Tickets.Update(ctx, h.Users["agent"], tk.ID, ticket.Change{Status: ptrTo("resolved")})
				webtest.Must(t, err)
				_, err = h.Svc.Tickets.Rate(ctx, h.Users["a_member"], tk.ID, score, "")
				webtest.Must(t, err)
			}
		}
		var got []int64
		cursor := ""
		for {
			_, m := h.API("GET", "/api/v1/tickets?sort=-rating&limit=1"+cursor, h.Token("a_member"), nil)
			for _, it := range m["items"].([]any) {
				got = append(got, int64(it.(map[string]any)["id"].(float64)))
			}
			next, _ := m["next_cursor"].(string)
			if next == "" {
				break
			}
			cursor = "&cursor=" + next
		}
		want := []int64{ids[2], ids[1], ids[3], ids[0]}
		if len(got) != 4 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
			t.Fatalf("order %v, want %v", got, want)
		}
	})
}
