package web

import (
	"bytes"
	"net/netip"
	"slices"
	"strings"
	"time"

	"backoffice/app/web/httpx"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
)

// Requests whose body the application will not read.
var (
	errFraming         = &fiber.Error{Code: fiber.StatusBadRequest, Message: "ambiguous framing"}
	errContentEncoding = &fiber.Error{Code: fiber.StatusUnsupportedMediaType, Message: "content encoding"}
)

// checkBody refuses, before any handler reads the body:
//   - a body framed both by Transfer-Encoding and by Content-Length, closing
//     the connection. fasthttp would read it as chunked (it refuses two
//     Content-Lengths itself), but a proxy in front may have gone by the
//     Content-Length, and then the rest of the body is a request smuggled
//     past the proxy. RFC 9112 section 6.3 lets a server refuse it.
//   - a compressed body (a Content-Encoding other than identity). Fiber
//     expands one without limit when a handler reads it, while the body limit
//     counts the compressed bytes only; no route takes one.
func checkBody(c *fiber.Ctx) error {
	if framedTwice(c.Request().Header.RawHeaders()) {
		c.Context().SetConnectionClose()
		return errFraming
	}
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderContentEncoding) {
		if v = bytes.TrimSpace(v); len(v) > 0 && !bytes.EqualFold(v, []byte("identity")) {
			return errContentEncoding
		}
	}
	return c.Next()
}

// framedTwice tells whether a raw header block has both a Content-Length
// and a Transfer-Encoding field.
func framedTwice(raw []byte) bool {
	var length, transfer bool
	for line := range bytes.Lines(raw) {
		name, _, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			continue
		}
		length = length || bytes.EqualFold(name, []byte(fiber.HeaderContentLength))
		transfer = transfer || bytes.EqualFold(name, []byte(fiber.HeaderTransferEncoding))
	}
	return length && transfer
}

// resolveClient keeps the client's address for the request (clientIP reads
// it): the peer, or when the peer is a trusted proxy, what X-Forwarded-For
// says.
func (s *Server) resolveClient(c *fiber.Ctx) error {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	forwarded := c.Request().Header.PeekAll(fiber.HeaderXForwardedFor)
	c.Locals(httpx.LocalClientIP, clientAddr(peer.Unmap(), forwarded, s.cfg.TrustedProxies).String())
	return c.Next()
}

// clientAddr walks back from the peer along X-Forwarded-For (its values in
// the order received) while the address in hand is a trusted proxy. Every
// proxy appends the address it was reached from, so the list is read from
// the right: the first address that is no trusted proxy is the client, and
// whatever stands left of it is what the client sent. An entry that is no
// address ends the walk at the proxy that passed it on.
func clientAddr(peer netip.Addr, forwarded [][]byte, trusted []netip.Prefix) netip.Addr {
	hops := strings.Split(string(bytes.Join(forwarded, []byte(","))), ",")
	addr := peer
	for i := len(hops) - 1; i >= 0; i-- {
		if !slices.ContainsFunc(trusted, func(p netip.Prefix) bool { return p.Contains(addr) }) {
			break
		}
		next, ok := parseHop(strings.TrimSpace(hops[i]))
		if !ok {
			break
		}
		addr = next
	}
	return addr
}

// parseHop reads one X-Forwarded-For entry: an address, with a port as some
// proxies write it.
func parseHop(s string) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return netip.Addr{}, false
		}
		addr = ap.Addr()
	}
	return addr.Unmap(), true
}

// strictTransport sends HSTS (a year, subdomains included) on every answer
// when BASE_URL is https: the public address says the site is served over
// TLS, whatever a proxy in front says in X-Forwarded-Proto.
func strictTransport(c *fiber.Ctx) error {
	c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000; includeSubDomains")
	return c.Next()
}

// ScanRateLimit is how many requests per minute one address may make to the
// public scan pages.
const ScanRateLimit = 60

// scanLimiter rate-limits /c/ (the public pages of scanned codes) per
// client address, so codes cannot be enumerated quickly.
func (s *Server) scanLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Next:         func(c *fiber.Ctx) bool { return !strings.HasPrefix(c.Path(), "/c/") },
		Max:          ScanRateLimit,
		Expiration:   time.Minute,
		KeyGenerator: func(c *fiber.Ctx) string { return httpx.ClientIP(c) },
		LimitReached: func(c *fiber.Ctx) error { return fiber.ErrTooManyRequests },
	})
}
