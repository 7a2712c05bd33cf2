package web

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rawExchange writes raw to a new connection and returns the first answer
// and everything the server sends after it until it closes the connection.
// A server that keeps the connection open fails the test after 5 s.
func rawExchange(t *testing.T, addr, raw string) (*http.Response, string, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	must(t, err)
	defer conn.Close()
	must(t, conn.SetDeadline(time.Now().Add(5*time.Second)))
	_, err = io.WriteString(conn, raw)
	must(t, err)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	must(t, err)
	body := readBody(t, resp)
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
	eachDB(t, func(t *testing.T, h *harness) {
		addr := h.serve()
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
					wantContains(t, answer, "Content-Length and Transfer-Encoding")
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
