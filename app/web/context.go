package web

import (
	"github.com/gofiber/fiber/v2"

	"backoffice/app/auth"
	"backoffice/app/i18n"
	"backoffice/app/org"
)

// Keys of c.Locals, set once per request by the identify middleware and read
// through the typed getters below.
const (
	localUser      = "bo.user"
	localSession   = "bo.session"
	localToken     = "bo.token"
	localTr        = "bo.tr"
	localRequestID = "bo.request_id"
	localRoute     = "bo.route" // the route-table path the request matched
	localClientIP  = "bo.client_ip"
)

// currentUser is the signed-in user, or nil.
func currentUser(c *fiber.Ctx) *org.User {
	u, _ := c.Locals(localUser).(*org.User)
	return u
}

// currentSession is the browser session of the request, or nil for API
// tokens and visitors.
func currentSession(c *fiber.Ctx) *auth.Session {
	s, _ := c.Locals(localSession).(*auth.Session)
	return s
}

// currentToken is the API token of the request, or nil.
func currentToken(c *fiber.Ctx) *auth.APIToken {
	t, _ := c.Locals(localToken).(*auth.APIToken)
	return t
}

// tr is the request's translator.
func tr(c *fiber.Ctx) *i18n.Translator {
	t, _ := c.Locals(localTr).(*i18n.Translator)
	return t
}

// requestID is the id of the request, also sent as X-Request-ID.
func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// clientIP is the address of the client, as resolveClient found it; every
// throttle, audit entry, session and log line takes it from here.
func clientIP(c *fiber.Ctx) string {
	ip, _ := c.Locals(localClientIP).(string)
	return ip
}

// keepOf names the session and API token the request came with, which a
// password change leaves valid.
func keepOf(c *fiber.Ctx) auth.Keep {
	k := auth.Keep{SessionID: sessionID(c)}
	if t := currentToken(c); t != nil {
		k.TokenID = t.ID
	}
	return k
}

// sessionID is the id of the request's browser session, or 0.
func sessionID(c *fiber.Ctx) int64 {
	if s := currentSession(c); s != nil {
		return s.ID
	}
	return 0
}
