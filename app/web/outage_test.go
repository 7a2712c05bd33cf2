package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/db"
	"backoffice/app/db/dbtest"
	"backoffice/app/web/httpx"
	"backoffice/app/web/webtest"
)

// closeAfterCommit closes the database right after the commit of the first
// transaction that inserted into table: the write is durable, and whatever
// comes after it fails, as when PostgreSQL restarts at that moment.
type closeAfterCommit struct {
	db    *bun.DB
	table string
	armed atomic.Bool
}

func (h *closeAfterCommit) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if strings.HasPrefix(e.Query, `INSERT INTO "`+h.table+`"`) {
		h.armed.Store(true)
	}
	return ctx
}

func (h *closeAfterCommit) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if e.Query == "COMMIT" && h.armed.Load() {
		h.db.Close()
	}
}

// A create whose transaction committed answers 201 with what it wrote even
// when the database goes away right after the commit: an error there made
// clients send it again and duplicate it.
func TestCreateAnswersFromWhatItWroteWhenTheDatabaseGoesAwayAfterCommit(t *testing.T) {
	for _, c := range []struct {
		name, user, table, path string
		body                    func(h *webtest.Harness) map[string]any
	}{
		{"ticket by staff", "agent", "tickets", "/api/v1/tickets", func(h *webtest.Harness) map[string]any {
			return map[string]any{"subject": "Press stops", "description": "D", "customer_id": h.CustA.ID}
		}},
		{"ticket by a customer", "a_member", "tickets", "/api/v1/tickets", func(h *webtest.Harness) map[string]any {
			return map[string]any{"subject": "Press stops", "description": "D"}
		}},
		{"device", "agent", "devices", "/api/v1/devices", func(h *webtest.Harness) map[string]any {
			return map[string]any{"customer_id": h.CustA.ID, "name": "Press", "serial_number": "PR-1"}
		}},
		{"customer", "admin", "organizations", "/api/v1/customers", func(h *webtest.Harness) map[string]any {
			return map[string]any{"name": "Customer C", "email_domains": []string{"c.test"}}
		}},
		{"user", "a_admin", "users", "/api/v1/users", func(h *webtest.Harness) map[string]any {
			return map[string]any{"first_name": "New", "last_name": "Colleague", "email": "new@a.test", "role": "member"}
		}},
		{"invitation", "agent", "invitations", "", func(h *webtest.Harness) map[string]any {
			return map[string]any{"first_name": "In", "last_name": "Vited", "email": "invited@a.test", "role": "member"}
		}},
		{"API token", "agent", "api_tokens", "/api/v1/me/tokens", func(h *webtest.Harness) map[string]any {
			return map[string]any{"name": "CI", "expires_in_days": 30}
		}},
		{"reply", "agent", "ticket_messages", "", func(h *webtest.Harness) map[string]any { return map[string]any{"body": "On my way"} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
				token, path := h.Token(c.user), c.path
				switch c.table {
				case "invitations":
					path = "/api/v1/customers/" + webtest.Itoa64(h.CustA.ID) + "/invitations"
				case "ticket_messages":
					tk := webtest.CreateTicket(t, h, token, map[string]any{"subject": "S", "description": "D", "customer_id": h.CustA.ID})
					path = webtest.TicketPath(tk, "/messages")
				}
				h.DB.AddQueryHook(&closeAfterCommit{db: h.DB, table: c.table})
				resp, got := h.API("POST", path, token, c.body(h))
				if resp.StatusCode != http.StatusCreated || webtest.IDOf(got) == 0 {
					t.Fatalf("POST %s after its commit: %d %v", path, resp.StatusCode, got)
				}
				if err := h.DB.PingContext(context.Background()); err == nil {
					t.Fatal("the database was not closed after the commit")
				}
			})
		})
	}
}

// While the database is unreachable every request answers 503 with
// Retry-After, in the API and on the pages, and the outage is logged once,
// not once per request.
func TestUnreachableDatabaseAnswers503AndIsLoggedOnce(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		token, b := h.Token("agent"), h.LoggedIn("agent")
		webtest.Must(t, h.DB.Close())
		for i := 0; i < 10; i++ {
			resp, p := h.API("GET", "/api/v1/tickets", token, nil)
			webtest.WantProblem(t, resp, p, 503)
			if resp.Header.Get("Retry-After") != "5" {
				t.Fatalf("API: Retry-After %q", resp.Header.Get("Retry-After"))
			}
			resp, body := b.Get("/tickets")
			webtest.WantStatus(t, resp, 503, body)
			webtest.WantContains(t, body, "The service is briefly unavailable.")
			if resp.Header.Get("Retry-After") != "5" {
				t.Fatalf("page: Retry-After %q", resp.Header.Get("Retry-After"))
			}
		}
		logs := h.Logs.String()
		if n := strings.Count(logs, "database unreachable"); n != 1 {
			t.Fatalf("%d lines about the outage for 20 requests, want 1:\n%s", n, logs)
		}
		if strings.Contains(logs, "request failed") {
			t.Fatalf("an outage was logged as a failed request:\n%s", logs)
		}
	})
}

// tcpProxy forwards connections to target; stopped, it refuses them as a
// PostgreSQL that is down does, and started again it serves on its address.
type tcpProxy struct {
	target string
	mu     sync.Mutex
	addr   string
	ln     net.Listener
	conns  []net.Conn
}

func (p *tcpProxy) start(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	webtest.Must(t, err)
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go io.Copy(up, c)
			go io.Copy(c, up)
		}
	}()
}

func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// A PostgreSQL that goes down and comes back: one line when the outage
// starts, one when the database answers again, and the next outage is
// reported anew.
func TestPostgreSQLOutageIsLoggedWhenItStartsAndWhenItEnds(t *testing.T) {
	if len(dbtest.Dialects(t)) < 2 {
		t.Skip("needs TEST_POSTGRES_URL")
	}
	u, err := url.Parse(dbtest.URL(t, dbtest.Postgres))
	webtest.Must(t, err)
	p := &tcpProxy{target: u.Host, addr: "127.0.0.1:0"}
	p.start(t)
	defer p.stop()
	u.Host = p.addr
	bdb, err := db.Open(context.Background(), u.String())
	webtest.Must(t, err)
	t.Cleanup(func() { bdb.Close() })
	_, err = db.Migrate(context.Background(), bdb)
	webtest.Must(t, err)
	h := webtest.New(t, bdb)
	token := h.Token("agent")
	waitFor := func(what string, n int) {
		t.Helper()
		for deadline := time.Now().Add(3 * httpx.RetryUnavailable); strings.Count(h.Logs.String(), what) < n; time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d lines %q, want %d:\n%s", strings.Count(h.Logs.String(), what), what, n, h.Logs.String())
			}
		}
	}

	for outage := 1; outage <= 2; outage++ {
		p.stop()
		for i := 0; i < 5; i++ {
			resp, body := h.API("GET", "/api/v1/tickets", token, nil)
			webtest.WantProblem(t, resp, body, 503)
		}
		if n := strings.Count(h.Logs.String(), "database unreachable"); n != outage {
			t.Fatalf("outage %d: %d lines about it, want %d:\n%s", outage, n, outage, h.Logs.String())
		}
		p.start(t)
		waitFor("database reachable again", outage)
		if resp, _ := h.API("GET", "/api/v1/tickets", token, nil); resp.StatusCode != 200 {
			t.Fatalf("after outage %d: %d", outage, resp.StatusCode)
		}
	}
}
