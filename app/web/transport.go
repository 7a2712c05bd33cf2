package web

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
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
