package web

import (
	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/org"
	"backoffice/views"
)

// perm is the permission a route needs: a Casbin object and action. The
// zero perm marks a public route.
type perm struct {
	Obj string
	Act string
}

// public marks a route anyone may call.
var public = perm{}

// route is one row of the route table.
type route struct {
	Method  string
	Path    string
	Perm    perm
	Handler fiber.Handler
	Doc     *apiDoc // OpenAPI description; every /api/v1 route has one
}

// routeTable lists every route of the application with the permission it
// needs. It is the one place to read who may call what.
func (s *Server) routeTable() []route {
	return []route{
		// Operations.
		{Method: "GET", Path: "/healthz", Perm: public, Handler: s.healthz},
		{Method: "GET", Path: "/readyz", Perm: public, Handler: s.readyz},
		{Method: "GET", Path: "/metrics", Perm: public, Handler: s.metricsHandler()},

		// Sign-in.
		{Method: "GET", Path: "/login", Perm: public, Handler: s.showLoginPage},
		{Method: "POST", Path: "/login", Perm: public, Handler: s.login},
		{Method: "POST", Path: "/logout", Perm: public, Handler: s.logout},

		// Pages.
		{Method: "GET", Path: "/", Perm: perm{"home", "read"}, Handler: s.showHomePage},
		{Method: "GET", Path: "/profile", Perm: perm{"profile", "read"}, Handler: s.showProfilePage},
		{Method: "POST", Path: "/profile", Perm: perm{"profile", "update"}, Handler: s.saveProfile},
		{Method: "POST", Path: "/profile/password", Perm: perm{"profile", "update"}, Handler: s.changePassword},
		{Method: "POST", Path: "/profile/sessions/end-others", Perm: perm{"profile", "update"}, Handler: s.endOtherSessions},
		{Method: "POST", Path: "/profile/sessions/:id/end", Perm: perm{"profile", "update"}, Handler: s.endSession},
		{Method: "POST", Path: "/profile/tokens", Perm: perm{"apitoken", "create"}, Handler: s.createToken},
		{Method: "POST", Path: "/profile/tokens/:id/delete", Perm: perm{"apitoken", "delete"}, Handler: s.deleteToken},
		{Method: "GET", Path: "/audit", Perm: perm{"audit", "read"}, Handler: s.showAuditPage},

		// JSON API.
		{Method: "GET", Path: "/api/v1/openapi.json", Perm: public, Handler: s.openAPI, Doc: docOpenAPI},
		{Method: "POST", Path: "/api/v1/auth/token", Perm: public, Handler: s.apiIssueToken, Doc: docIssueToken},
		{Method: "DELETE", Path: "/api/v1/auth/token", Perm: perm{"apitoken", "delete"}, Handler: s.apiRevokeCurrentToken, Doc: docRevokeCurrentToken},
		{Method: "GET", Path: "/api/v1/me", Perm: perm{"profile", "read"}, Handler: s.apiMe, Doc: docMe},
		{Method: "PATCH", Path: "/api/v1/me", Perm: perm{"profile", "update"}, Handler: s.apiUpdateMe, Doc: docUpdateMe},
		{Method: "POST", Path: "/api/v1/me/password", Perm: perm{"profile", "update"}, Handler: s.apiChangePassword, Doc: docChangePassword},
		{Method: "GET", Path: "/api/v1/me/sessions", Perm: perm{"profile", "read"}, Handler: s.apiSessions, Doc: docSessions},
		{Method: "DELETE", Path: "/api/v1/me/sessions/:id", Perm: perm{"profile", "update"}, Handler: s.apiEndSession, Doc: docEndSession},
		{Method: "GET", Path: "/api/v1/me/tokens", Perm: perm{"apitoken", "read"}, Handler: s.apiTokens, Doc: docTokens},
		{Method: "POST", Path: "/api/v1/me/tokens", Perm: perm{"apitoken", "create"}, Handler: s.apiCreateToken, Doc: docCreateToken},
		{Method: "DELETE", Path: "/api/v1/me/tokens/:id", Perm: perm{"apitoken", "delete"}, Handler: s.apiDeleteToken, Doc: docDeleteToken},
		{Method: "GET", Path: "/api/v1/audit", Perm: perm{"audit", "read"}, Handler: s.apiAudit, Doc: docAudit},
	}
}

// guard enforces a route's permission: a visitor is sent to sign in (401 in
// the API); a role without the permission gets 403, or 404 when the resource
// is one customers never see, so its existence is not revealed.
func (s *Server) guard(r route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localRoute, r.Path)
		if r.Perm == public {
			return c.Next()
		}
		u := currentUser(c)
		if u == nil {
			return apperr.ErrUnauthorized
		}
		if !s.rbac.Can(u.Role, r.Perm.Obj, r.Perm.Act) {
			if u.Role.IsCustomer() && s.rbac.StaffOnly(r.Perm.Obj) {
				return apperr.ErrNotFound
			}
			return apperr.ErrForbidden
		}
		return c.Next()
	}
}

// navItem is an entry of the navigation, shown to roles holding its permission.
type navItem struct {
	Href  string
	Label string
	Icon  string
	Perm  perm
}

// navigation lists the sections that exist; each user sees those their role
// may open.
var navigation = []navItem{
	{Href: "/", Label: "nav.home", Icon: "home", Perm: perm{"home", "read"}},
	{Href: "/audit", Label: "nav.audit", Icon: "list", Perm: perm{"audit", "read"}},
}

func (s *Server) navFor(u *org.User, routePath string) []views.NavItem {
	var out []views.NavItem
	for _, n := range navigation {
		if s.rbac.Can(u.Role, n.Perm.Obj, n.Perm.Act) {
			out = append(out, views.NavItem{Href: n.Href, Label: n.Label, Icon: n.Icon, Active: n.Href == routePath})
		}
	}
	return out
}
