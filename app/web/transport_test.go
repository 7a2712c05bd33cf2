package web_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/web"
	"backoffice/app/web/webtest"
	"backoffice/views"
)

// rawExchange writes raw to a new connection and returns the first answer
// and everything the server sends after it until it closes the connection.
// A server that keeps the connection open fails the test after 5 s.
func rawExchange(t *testing.T, addr, raw string) (*http.Response, string, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	webtest.Must(t, err)
	defer conn.Close()
	webtest.Must(t, conn.SetDeadline(time.Now().Add(5*time.Second)))
	_, err = io.WriteString(conn, raw)
	webtest.Must(t, err)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	webtest.Must(t, err)
	body := webtest.ReadBody(t, resp)
	rest, err := io.ReadAll(br)
	if err != nil {
		t.Fatalf("the connection stayed open after the answer (%v); read so far: %q", err, rest)
	}
	return resp, body, string(rest)
}

// A body that Content-Length and Transfer-Encoding frame differently, or two
// Content-Lengths, is refused with 400 and the connection closed: what
// follows the body is never read as a second request (request smuggling
// through a proxy that reads the other framing).
func TestAmbiguousFramingIsRefused(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		addr := h.Serve()
		smuggled := "GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n"
		body := "0\r\n\r\n" + smuggled
		length := "Content-Length: " + strconv.Itoa(len(body)) + "\r\n"
		for _, tt := range []struct {
			name, framing string
			problem       bool // false: fasthttp refuses it before the request reaches the application
		}{
			{"Content-Length, then Transfer-Encoding", length + "Transfer-Encoding: chunked\r\n", true},
			{"Transfer-Encoding, then Content-Length", "Transfer-Encoding: chunked\r\n" + length, true},
			{"Transfer-Encoding identity", length + "Transfer-Encoding: identity\r\n", true},
			{"two Content-Lengths", length + "Content-Length: 5\r\n", false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				resp, answer, rest := rawExchange(t, addr, "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\n"+
					"Content-Type: application/json\r\n"+tt.framing+"\r\n"+body)
				if resp.StatusCode != 400 {
					t.Fatalf("status %d, want 400\n%s", resp.StatusCode, answer)
				}
				if tt.problem {
					if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
						t.Fatalf("answer is %s, want a problem", resp.Header.Get("Content-Type"))
					}
					webtest.WantContains(t, answer, "Content-Length and Transfer-Encoding")
				}
				if rest != "" {
					t.Fatalf("the body was read as a second request; the server answered it:\n%s", rest)
				}
			})
		}
		// One framing, on a kept-alive connection, is answered normally.
		resp, _, rest := rawExchange(t, addr, "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+
			"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if resp.StatusCode != 422 || !strings.HasPrefix(rest, "HTTP/1.1 200 OK") {
			t.Fatalf("chunked body: status %d, want 422, then the next request answered:\n%s", resp.StatusCode, rest)
		}
	})
}

// gzipped compresses b with gzip, times over.
func gzipped(t *testing.T, b []byte, times int) []byte {
	t.Helper()
	for range times {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		webtest.Must(t, err)
		_, err = zw.Write(b)
		webtest.Must(t, err)
		webtest.Must(t, zw.Close())
		b = buf.Bytes()
	}
	return b
}

func mb(n uint64) float64 { return float64(n) / (1 << 20) }

// A compressed body is refused with 415 before anything expands it, on
// every route: a gzip bomb (256 MB of JSON in a few hundred bytes, gzipped
// twice) leaves the memory of the process as it was.
func TestCompressedBodiesAreRefused(t *testing.T) {
	expanded := 256 << 20
	bomb := gzipped(t, append(append([]byte(`{"email":"`), bytes.Repeat([]byte("a"), expanded)...), `"}`...), 2)
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		addr := h.Serve()
		for _, tt := range []struct{ path, contentType, encoding string }{
			{"/api/v1/auth/token", "application/json", "gzip, gzip"},
			{"/api/v1/auth/token", "application/json", "deflate"},
			{"/api/v1/auth/token", "application/json", "identity\r\nContent-Encoding: gzip"},
			{"/login", "application/x-www-form-urlencoded", "gzip"},
			{"/no/such/route", "application/json", "br"},
		} {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			resp, body, _ := rawExchange(t, addr, "POST "+tt.path+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "+tt.contentType+
				"\r\nContent-Encoding: "+tt.encoding+"\r\nContent-Length: "+strconv.Itoa(len(bomb))+"\r\n\r\n"+string(bomb))
			runtime.ReadMemStats(&after)
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s, Content-Encoding %q: %d bytes sent, status %d; allocated %.2f MB, heap %.1f -> %.1f MB",
				tt.path, tt.encoding, len(bomb), resp.StatusCode, mb(allocated), mb(before.HeapAlloc), mb(after.HeapAlloc))
			if allocated > 32<<20 {
				t.Errorf("%s, Content-Encoding %q: %.0f MB allocated while answering", tt.path, tt.encoding, mb(allocated))
			}
			if resp.StatusCode != 415 {
				t.Errorf("%s, Content-Encoding %q: status %d, want 415\n%s", tt.path, tt.encoding, resp.StatusCode, body)
			} else if strings.HasPrefix(tt.path, "/api/") {
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
					t.Fatalf("answer is %s, want a problem", resp.Header.Get("Content-Type"))
				}
				webtest.WantContains(t, body, "Content-Encoding")
			}
		}
		// Identity is no encoding.
		req := httptest.NewRequest("POST", "/api/v1/auth/token", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "identity")
		resp := h.Do(req)
		webtest.WantStatus(t, resp, 422, webtest.ReadBody(t, resp))
	})
}

func TestClientAddr(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32"), netip.MustParsePrefix("2001:db8::/32")}
	for _, tt := range []struct {
		peer      string
		forwarded []string
		want      string
	}{
		{"198.51.100.4", nil, "198.51.100.4"},
		{"198.51.100.4", []string{"203.0.113.9"}, "198.51.100.4"}, // not a proxy of ours: its header is ignored
		{"10.0.0.5", nil, "10.0.0.5"},
		{"10.0.0.5", []string{"203.0.113.9"}, "203.0.113.9"},
		{"10.0.0.5", []string{"6.6.6.6, 203.0.113.9"}, "203.0.113.9"}, // a spoofed prefix
		{"10.0.0.5", []string{"6.6.6.6", "203.0.113.9"}, "203.0.113.9"},
		{"10.0.0.5", []string{"6.6.6.6,203.0.113.9, 10.1.2.3 ,192.0.2.1"}, "203.0.113.9"}, // through three proxies
		{"10.0.0.5", []string{"6.6.6.6, 10.1.2.3"}, "6.6.6.6"},
		{"10.0.0.5", []string{"10.9.9.9, 10.1.2.3"}, "10.9.9.9"}, // proxies all the way
		{"10.0.0.5", []string{"6.6.6.6, 203.0.113.9:4711"}, "203.0.113.9"},
		{"10.0.0.5", []string{"6.6.6.6, [2001:db8::7]:443, 2a00::1"}, "2a00::1"},
		{"10.0.0.5", []string{"6.6.6.6, ::ffff:203.0.113.9"}, "203.0.113.9"},
		{"10.0.0.5", []string{"6.6.6.6, unknown"}, "10.0.0.5"}, // garbage from our proxy: the proxy is all we know
		{"10.0.0.5", []string{""}, "10.0.0.5"},
	} {
		var forwarded [][]byte
		for _, f := range tt.forwarded {
			forwarded = append(forwarded, []byte(f))
		}
		if got := web.ClientAddr(netip.MustParseAddr(tt.peer), forwarded, trusted); got.String() != tt.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", tt.peer, tt.forwarded, got, tt.want)
		}
	}
}

// Behind a trusted proxy, entries a client writes in front of its own
// address do not make it someone else: the sign-in throttle per address
// holds, and the log names the real address.
func TestSpoofedForwardedForDoesNotChangeTheClient(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		for i := range 30 {
			b := h.Browser()
			b.IP = fmt.Sprintf("6.6.6.%d, 203.0.113.9", i)
			resp, body := b.Post("/login", "/login", url.Values{"email": {fmt.Sprintf("nobody%d@x.test", i)}, "password": {"wrong-password-1"}})
			webtest.WantStatus(t, resp, 422, body)
		}
		b := h.Browser()
		b.IP = "7.7.7.7, 203.0.113.9"
		resp, body := b.Post("/login", "/login", url.Values{"email": {h.Users["b_member"].Email}, "password": {webtest.Password}})
		webtest.WantStatus(t, resp, 429, body)
		webtest.WantContains(t, h.Logs.String(), "ip=203.0.113.9")
		webtest.WantNotContains(t, h.Logs.String(), "ip=6.6.6.", "ip=7.7.7.7")
		// Someone else behind the same proxy is not affected.
		b = h.Browser()
		b.IP = "203.0.113.9, 198.51.100.20"
		b.Login("b_member")
	})
}

// With an https BASE_URL every answer carries HSTS, whether or not a proxy
// says X-Forwarded-Proto; with an http one none does, whatever it says.
func TestHSTSFollowsTheBaseURL(t *testing.T) {
	const hsts = "max-age=31536000; includeSubDomains"
	t.Run("https", func(t *testing.T) {
		webtest.EachDBWith(t, map[string]string{"BASE_URL": "https://desk.test"}, func(t *testing.T, h *webtest.Harness) {
			for _, path := range []string{"/login", "/no/such/page", "/api/v1/me", "/healthz", views.Asset("css/app.css")} {
				resp, _ := h.API("GET", path, "", nil)
				if got := resp.Header.Get("Strict-Transport-Security"); got != hsts {
					t.Errorf("GET %s: Strict-Transport-Security %q, want %q", path, got, hsts)
				}
			}
		})
	})
	t.Run("http", func(t *testing.T) {
		webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
			req := httptest.NewRequest("GET", "/login", nil)
			req.Header.Set("X-Forwarded-Proto", "https")
			if got := h.Do(req).Header.Get("Strict-Transport-Security"); got != "" {
				t.Errorf("Strict-Transport-Security %q", got)
			}
		})
	})
}

// Fiber's helpers believe X-Forwarded-Proto only from a trusted proxy, also
// when none is configured.
func TestForwardedProtoOnlyFromTrustedProxies(t *testing.T) {
	for _, tt := range []struct {
		name, proxies, want string
	}{{"trusted", "0.0.0.0", "https"}, {"untrusted", "192.0.2.1", "http"}, {"none configured", "", "http"}} {
		t.Run(tt.name, func(t *testing.T) {
			webtest.EachDBWith(t, map[string]string{"BACKOFFICE_TRUSTED_PROXIES": tt.proxies}, func(t *testing.T, h *webtest.Harness) {
				h.Server.App().Get("/proto", func(c *fiber.Ctx) error { return c.SendString(c.Protocol()) })
				req := httptest.NewRequest("GET", "/proto", nil)
				req.Header.Set("X-Forwarded-Proto", "https")
				if got := webtest.ReadBody(t, h.Do(req)); got != tt.want {
					t.Errorf("protocol %q, want %q", got, tt.want)
				}
			})
		})
	}
}

// A request in flight on a kept-alive connection when Shutdown begins gets
// its whole answer, marked Connection: close so that the client sends no
// further request into it, and then the connection ends cleanly.
func TestShutdownAnswersInFlightRequestsWithConnectionClose(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		entered, release := make(chan struct{}), make(chan struct{})
		h.Server.App().Get("/slow", func(c *fiber.Ctx) error {
			close(entered)
			<-release
			return c.SendString("done")
		})
		addr := h.Serve()
		conn, err := net.Dial("tcp", addr)
		webtest.Must(t, err)
		defer conn.Close()
		webtest.Must(t, conn.SetDeadline(time.Now().Add(5*time.Second)))
		br := bufio.NewReader(conn)
		send := func(path string) {
			_, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
			webtest.Must(t, err)
		}
		answer := func() *http.Response {
			resp, err := http.ReadResponse(br, nil)
			webtest.Must(t, err)
			return resp
		}
		send("/healthz")
		if resp := answer(); resp.Close {
			t.Fatal("the connection is not kept alive before the shutdown")
		} else {
			webtest.ReadBody(t, resp)
		}

		send("/slow")
		<-entered
		shut := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			shut <- h.Server.Shutdown(ctx)
		}()
		for { // until the listener is closed: the shutdown has begun
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err != nil {
				break
			}
			c.Close()
			time.Sleep(10 * time.Millisecond)
		}
		close(release)
		resp := answer()
		if body := webtest.ReadBody(t, resp); resp.StatusCode != 200 || body != "done" {
			t.Fatalf("in-flight request: %d %q", resp.StatusCode, body)
		}
		if !resp.Close { // http.ReadResponse takes Connection: close out of the header into Close
			t.Error("the in-flight answer does not say Connection: close")
		}
		if rest, err := io.ReadAll(br); err != nil || len(rest) > 0 {
			t.Errorf("after the answer: %q, %v; want the connection closed", rest, err)
		}
		webtest.Must(t, <-shut)
	})
}
