package web

import (
	"backoffice/app/web/httpx"
	"backoffice/rbac"
)

// Internals the tests of package web_test read.
const (
	CookieSession = httpx.CookieSession
	MaxQueryValue = maxQueryValue
	BodyLimit     = bodyLimit
)

var (
	ClientAddr  = clientAddr
	OpenAPIPath = openAPIPath
	PathParam   = pathParam
	Routes      = func(s *Server) []httpx.Route { return s.routes }
	RouteTable  = func(s *Server) []httpx.Route { return s.routeTable() }
	Navigation  = navigation
	Enforcer    = func(s *Server) *rbac.Enforcer { return s.rbac }
)
