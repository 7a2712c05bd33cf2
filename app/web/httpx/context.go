package httpx

import (
	"github.com/gofiber/fiber/v2"

	"backoffice/app/auth"
	"backoffice/app/caller"
	"backoffice/app/i18n"
	"backoffice/app/org"
	"backoffice/app/people"
)

// Keys of c.Locals, set once per request by the shell's middleware and read
// through the typed getters below.
const (
	LocalUser      = "bo.user"
	LocalCaller    = "bo.caller" // the *caller.Caller made from the user, see CallerOf
	LocalSession   = "bo.session"
	LocalToken     = "bo.token"
	LocalTr        = "bo.tr"
	LocalRequestID = "bo.request_id"
	LocalRoute     = "bo.route" // the route-table path the request matched
	LocalClientIP  = "bo.client_ip"
)

// CurrentUser is the signed-in user, or nil.
func CurrentUser(c *fiber.Ctx) *org.User {
	u, _ := c.Locals(LocalUser).(*org.User)
	return u
}

// CurrentSession is the browser session of the request, or nil for API
// tokens and visitors.
func CurrentSession(c *fiber.Ctx) *auth.Session {
	s, _ := c.Locals(LocalSession).(*auth.Session)
	return s
}

// CurrentToken is the API token of the request, or nil.
func CurrentToken(c *fiber.Ctx) *auth.APIToken {
	t, _ := c.Locals(LocalToken).(*auth.APIToken)
	return t
}

// Tr is the request's translator.
func Tr(c *fiber.Ctx) *i18n.Translator {
	t, _ := c.Locals(LocalTr).(*i18n.Translator)
	return t
}

// RequestID is the id of the request, also sent as X-Request-ID.
func RequestID(c *fiber.Ctx) string {
	id, _ := c.Locals(LocalRequestID).(string)
	return id
}

// ClientIP is the address of the client, as the shell resolved it; every
// throttle, audit entry, session and log line takes it from here.
func ClientIP(c *fiber.Ctx) string {
	ip, _ := c.Locals(LocalClientIP).(string)
	return ip
}

// RoutePath is the route-table path the request matched, or "".
func RoutePath(c *fiber.Ctx) string {
	p, _ := c.Locals(LocalRoute).(string)
	return p
}

// KeepOf names the session and API token the request came with, which a
// password change leaves valid.
func KeepOf(c *fiber.Ctx) auth.Keep {
	k := auth.Keep{SessionID: SessionID(c)}
	if t := CurrentToken(c); t != nil {
		k.TokenID = t.ID
	}
	return k
}

// SessionID is the id of the request's browser session, or 0.
func SessionID(c *fiber.Ctx) int64 {
	if s := CurrentSession(c); s != nil {
		return s.ID
	}
	return 0
}

// CallerOf is the signed-in user making the request as the services take
// them, resolved once per request (what the rules compute for the caller
// is kept on it for the request); nil for a visitor.
func CallerOf(c *fiber.Ctx) *caller.Caller {
	if who, ok := c.Locals(LocalCaller).(*caller.Caller); ok {
		return who
	}
	u := CurrentUser(c)
	if u == nil {
		return nil
	}
	who := caller.Request(u, ClientIP(c))
	c.Locals(LocalCaller, who)
	return who
}

// PathCustomer is the customer named by :id as the caller may see it;
// anything else (or a malformed id) is 404.
func PathCustomer(c *fiber.Ctx, p *people.Service) (*org.Organization, error) {
	id, err := PathID(c, "id")
	if err != nil {
		return nil, err
	}
	return p.Customer(c.UserContext(), CallerOf(c), id)
}
