package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/db"
	"backoffice/app/org"
	"backoffice/app/web"
	"backoffice/app/web/httpx"
	"backoffice/app/web/webtest"
	"backoffice/rbac"
	"backoffice/views"
)

func TestHealthAndReadiness(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		resp, body := h.API("GET", "/healthz", "", nil)
		if resp.StatusCode != 200 || body["status"] != "ok" {
			t.Fatalf("healthz: %d %v", resp.StatusCode, body)
		}
		resp, body = h.API("GET", "/readyz", "", nil)
		if resp.StatusCode != 200 || body["status"] != "ready" {
			t.Fatalf("readyz: %d %v", resp.StatusCode, body)
		}
		// With a migration rolled back the instance is not ready.
		if _, err := db.RollbackOne(context.Background(), h.DB); err != nil {
			t.Fatal(err)
		}
		resp, body = h.API("GET", "/readyz", "", nil)
		if resp.StatusCode != 503 || body["checks"].(map[string]any)["migrations"] != "pending" {
			t.Fatalf("readyz with a pending migration: %d %v", resp.StatusCode, body)
		}
		// With the database closed it is not ready either, and liveness holds.
		h.DB.Close()
		resp, body = h.API("GET", "/readyz", "", nil)
		if resp.StatusCode != 503 || body["checks"].(map[string]any)["database"] != "unreachable" {
			t.Fatalf("readyz with the database gone: %d %v", resp.StatusCode, body)
		}
		if resp, _ := h.API("GET", "/healthz", "", nil); resp.StatusCode != 200 {
			t.Fatal("healthz depends on the database")
		}
	})
}

// metricsToken is the BACKOFFICE_METRICS_TOKEN of the metrics tests.
var metricsToken = strings.Repeat("m", 40)

// getMetrics asks the main port for /metrics with the Authorization header
// auth ("" for none).
func getMetrics(h *webtest.Harness, auth string) (*http.Response, string) {
	h.T.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp := h.Do(req)
	return resp, webtest.ReadBody(h.T, resp)
}

func TestMetricsUseRouteTemplates(t *testing.T) {
	webtest.EachDBWith(t, map[string]string{"BACKOFFICE_METRICS_TOKEN": metricsToken}, func(t *testing.T, h *webtest.Harness) {
		tok := h.Token("agent")
		h.API("DELETE", "/api/v1/me/tokens/424242", tok, nil)
		h.API("GET", "/api/v1/me", tok, nil)
		h.Browser().Get("/no/such/page/12345")
		resp, body := getMetrics(h, "Bearer "+metricsToken)
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body,
			`backoffice_http_requests_total{method="DELETE",route="/api/v1/me/tokens/:id",status="404"} 1`,
			`backoffice_http_requests_total{method="GET",route="/api/v1/me",status="200"} 1`,
			`backoffice_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
			`backoffice_http_request_duration_seconds_bucket{method="GET",route="/api/v1/me",status="200",le="0.005"}`,
			"go_goroutines", "go_sql_max_open_connections", "process_cpu_seconds_total", `backoffice_build_info{version="test"} 1`)
		webtest.WantNotContains(t, body, "424242", "12345")
	})
}

// On the main port /metrics answers only the bearer of the metrics token,
// and does not exist without BACKOFFICE_METRICS_TOKEN.
func TestMetricsOnTheMainPortNeedTheToken(t *testing.T) {
	t.Run("no token configured", func(t *testing.T) {
		webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
			unknown, page := h.Browser().Get("/no-such-page")
			for _, auth := range []string{"", "Bearer ", "Bearer " + metricsToken} {
				resp, body := getMetrics(h, auth)
				webtest.WantStatus(t, resp, 404, body)
				if resp.Header.Get("Content-Type") != unknown.Header.Get("Content-Type") || len(body) != len(page) {
					t.Errorf("Authorization %q: /metrics does not answer like a page that does not exist", auth)
				}
			}
		})
	})
	t.Run("token configured", func(t *testing.T) {
		webtest.EachDBWith(t, map[string]string{"BACKOFFICE_METRICS_TOKEN": metricsToken}, func(t *testing.T, h *webtest.Harness) {
			for _, auth := range []string{"", "Bearer", "Bearer ", "Bearer " + metricsToken[1:], "Bearer " + metricsToken + "x",
				"Basic " + metricsToken, metricsToken, "Bearer " + h.Token("admin")} {
				resp, body := getMetrics(h, auth)
				webtest.WantStatus(t, resp, 401, body)
				if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer realm="metrics"` {
					t.Errorf("Authorization %q: WWW-Authenticate %q", auth, got)
				}
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("Authorization %q: answer is %s, want a problem", auth, resp.Header.Get("Content-Type"))
				}
				webtest.WantContains(t, body, "BACKOFFICE_METRICS_TOKEN")
				webtest.WantNotContains(t, body, "go_goroutines")
			}
			for _, scheme := range []string{"Bearer ", "bearer "} {
				resp, body := getMetrics(h, scheme+metricsToken)
				webtest.WantStatus(t, resp, 200, body)
				webtest.WantContains(t, body, "backoffice_build_info")
			}
		})
	})
}

// The internal listener serves /metrics without a token, and stops with
// the server.
func TestMetricsListener(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		webtest.Must(t, err)
		served := make(chan error, 1)
		go func() { served <- h.Server.ServeMetrics(ln) }()
		base := "http://" + ln.Addr().String()
		resp, err := http.Get(base + "/metrics")
		webtest.Must(t, err)
		body := webtest.ReadBody(t, resp)
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, "backoffice_build_info", "go_goroutines")
		resp, err = http.Get(base + "/healthz")
		webtest.Must(t, err)
		webtest.WantStatus(t, resp, 404, webtest.ReadBody(t, resp))
		// Profiles are there too, and only there.
		resp, err = http.Get(base + "/debug/pprof/heap?debug=1")
		webtest.Must(t, err)
		body = webtest.ReadBody(t, resp)
		webtest.WantStatus(t, resp, 200, body)
		webtest.WantContains(t, body, "heap profile")
		resp, err = http.Get(base + "/debug/pprof/profile?seconds=1")
		webtest.Must(t, err)
		webtest.WantStatus(t, resp, 200, "")
		if b := webtest.ReadBody(t, resp); len(b) == 0 {
			t.Error("empty CPU profile")
		}
		resp, body = h.Browser().Get("/debug/pprof/")
		webtest.WantStatus(t, resp, 404, body)
		// The main port still keeps it to itself.
		resp, body = getMetrics(h, "")
		webtest.WantStatus(t, resp, 404, body)

		webtest.Must(t, h.Server.Shutdown(context.Background()))
		webtest.Must(t, <-served)
		if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
			c.Close()
			t.Fatal("the metrics listener still accepts connections after Shutdown")
		}
	})
}

func TestErrorsAreFriendlyPagesOrProblems(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		b := h.LoggedIn("a_member")
		resp, body := b.Get("/no-such-page")
		webtest.WantStatus(t, resp, 404, body)
		webtest.WantContains(t, body, "Page not found", "Go to the overview", "Customer A") // inside the app shell
		resp, body = h.Browser().Get("/no-such-page")
		webtest.WantStatus(t, resp, 404, body)
		webtest.WantContains(t, body, "Page not found", `class="bare"`)
		// Fiber routes are case-sensitive here: /LOGIN is not /login.
		resp, _ = h.Browser().Get("/PROFILE")
		webtest.WantStatus(t, resp, 404, "")
		// Too large a body is refused, not crashed on (over a real connection:
		// the limit is enforced while reading the request).
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		webtest.Must(t, err)
		go h.Server.Serve(ln)
		defer h.Server.Shutdown(context.Background())
		conn, err := net.Dial("tcp", ln.Addr().String())
		webtest.Must(t, err)
		defer conn.Close()
		fmt.Fprintf(conn, "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", web.BodyLimit+10)
		r, err := http.ReadResponse(bufio.NewReader(conn), nil)
		webtest.Must(t, err)
		if r.StatusCode != 413 {
			t.Fatalf("oversized body: %d", r.StatusCode)
		}
	})
}

func TestPanicsBecomeA500PageWithTheRequestID(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		h.Server.App().Get("/boom", func(c *fiber.Ctx) error { panic("kaboom") })
		req := httptest.NewRequest("GET", "/boom", nil)
		req.Header.Set("X-Request-ID", "req-boom-000001")
		resp := h.Do(req)
		body := webtest.ReadBody(t, resp)
		webtest.WantStatus(t, resp, 500, body)
		webtest.WantContains(t, body, "Something went wrong", "req-boom-000001")
		webtest.WantNotContains(t, body, "kaboom")
		if !strings.Contains(h.Logs.String(), "req-boom-000001") || !strings.Contains(h.Logs.String(), "kaboom") {
			t.Fatal("the panic was not logged with its request id")
		}
	})
}

func TestStaticFilesAreFingerprintedAndCached(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		url := views.Asset("css/app.css")
		resp, body := h.Browser().Get(url)
		webtest.WantStatus(t, resp, 200, "")
		if !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
			t.Fatalf("headers: %v", resp.Header)
		}
		webtest.WantContains(t, body, "--brand")
		resp, _ = h.Browser().Get("/static/css/nothing.css")
		webtest.WantStatus(t, resp, 404, "")
	})
}

// Every route is registered from the route table, with its guard.
func TestEveryRouteComesFromTheRouteTable(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		table := map[string]bool{}
		for _, r := range web.Routes(h.Server) {
			table[r.Method+" "+r.Path] = true
		}
		for _, r := range h.Server.App().GetRoutes(true) {
			if r.Method == "USE" || r.Method == "HEAD" {
				continue
			}
			if !table[r.Method+" "+r.Path] {
				t.Errorf("route %s %s is not in the route table", r.Method, r.Path)
			}
		}
	})
}

var pathParams = regexp.MustCompile(`:[a-z_]+`)

// For every route and role, the guard answers exactly as the policy says:
// denied means 403 (404 for customers on staff-only resources); allowed
// means the handler ran (a 404 then can only come from a missing record).
func TestEveryRouteEnforcesTheRoleMatrix(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		roles := map[rbac.Role]string{rbac.ProviderAdmin: "admin", rbac.ProviderAgent: "agent",
			rbac.Administrator: "a_admin", rbac.Moderator: "a_moderator", rbac.Member: "a_member"}
		checked := 0
		for _, r := range web.Routes(h.Server) {
			if r.Perm == httpx.Public {
				continue
			}
			for role, user := range roles {
				path := pathParams.ReplaceAllString(r.Path, "999999")
				var status int
				if strings.HasPrefix(r.Path, "/api/") {
					var body any
					if r.Method == "POST" || r.Method == "PATCH" {
						body = map[string]any{}
					}
					resp, _ := h.API(r.Method, path, h.Token(user), body)
					status = resp.StatusCode
				} else {
					b := h.LoggedIn(user)
					if r.Method == "GET" {
						resp, _ := b.Get(path)
						status = resp.StatusCode
					} else {
						resp, _ := b.Post("/", path, nil)
						status = resp.StatusCode
					}
				}
				allowed := h.Svc.RBAC.Can(role, r.Perm.Obj, r.Perm.Act)
				wrongArea := r.Area != "" && r.Area != map[bool]string{true: httpx.AreaStaff, false: httpx.AreaOffice}[role.IsStaff()]
				switch {
				case wrongArea:
					if status != 404 {
						t.Errorf("%s %s as %s (other area): %d, want 404", r.Method, r.Path, role, status)
					}
				case !allowed && role.IsCustomer() && h.Svc.RBAC.StaffOnly(r.Perm.Obj):
					if status != 404 {
						t.Errorf("%s %s as %s: %d, want 404", r.Method, r.Path, role, status)
					}
				case !allowed:
					if status != 403 {
						t.Errorf("%s %s as %s: %d, want 403", r.Method, r.Path, role, status)
					}
				default:
					if status == 401 || status == 403 || (status == 404 && !strings.Contains(r.Path, ":")) || status >= 500 {
						t.Errorf("%s %s as %s: %d, want the handler's answer", r.Method, r.Path, role, status)
					}
				}
				checked++
			}
			// Visitors are asked to sign in.
			resp, _ := h.Browser().Get(pathParams.ReplaceAllString(r.Path, "1"))
			if strings.HasPrefix(r.Path, "/api/") && r.Method == "GET" && resp.StatusCode != 401 {
				t.Errorf("GET %s as visitor: %d, want 401", r.Path, resp.StatusCode)
			} else if !strings.HasPrefix(r.Path, "/api/") && r.Method == "GET" && resp.StatusCode != 303 {
				t.Errorf("GET %s as visitor: %d, want 303 to sign in", r.Path, resp.StatusCode)
			}
		}
		if checked < 50 {
			t.Fatalf("only %d route/role pairs checked", checked)
		}
	})
}

// Customer users live in customer organizations and staff in the provider;
// the area follows.
func TestAreasFollowTheRole(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		for name, u := range h.Users {
			want := u.Organization.IsProvider()
			if u.IsStaff() != want {
				t.Errorf("%s: staff=%v but provider org=%v", name, u.IsStaff(), want)
			}
		}
		_ = org.StatusActive
	})
}
