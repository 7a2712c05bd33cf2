// Package authweb holds the HTML and JSON handlers of signing in and out,
// invitation and password links, the profile with its sessions and API
// tokens, and the API's own token and /me routes, with their shapes and
// descriptions. The route table of app/web lists them.
package authweb

import (
	"time"

	"backoffice/app/auth"
	"backoffice/app/people"
	"backoffice/app/web/httpx"
)

// Handlers serve the sign-in and profile routes.
type Handlers struct {
	Kit        *httpx.Kit
	Auth       *auth.Service
	People     *people.Service // invitations and password links
	SessionMax time.Duration   // the absolute lifetime of a session cookie
}
