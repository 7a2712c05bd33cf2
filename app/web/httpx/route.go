package httpx

import (
	"github.com/gofiber/fiber/v2"

	"backoffice/app/org"
)

// Perm is the permission a route needs: a Casbin object and action. The
// zero Perm marks a public route.
type Perm struct {
	Obj string
	Act string
}

// Public marks a route anyone may call.
var Public = Perm{}

// Route is one row of the route table.
type Route struct {
	Method  string
	Path    string
	Perm    Perm
	Handler fiber.Handler
	Doc     *APIDoc // OpenAPI description; every /api/v1 route has one
	Area    string  // AreaStaff or AreaOffice: pages of one area only (404 in the other); "" for both
	DevAid  bool    // a development aid: exists only while mail is not sent (no SMTP_URL)
}

// The two areas of the application.
const (
	AreaStaff  = "staff"
	AreaOffice = "office"
)

// AreaOf is the area a user works in.
func AreaOf(u *org.User) string {
	if u.IsStaff() {
		return AreaStaff
	}
	return AreaOffice
}

// APIDoc describes one API route for the OpenAPI document.
type APIDoc struct {
	Summary  string
	Tag      string
	Request  string         // schema name of the JSON body, if any
	Status   int            // success status
	Response string         // schema name of the success body, if any
	Query    []string       // query parameters
	Errors   []int          // error statuses besides 401 (and 422 with a body)
	Extra    map[string]any // anything else for the operation
}
