// Package auditweb holds the audit log page and API route, with the API's
// shape and description. The route table of app/web lists them.
package auditweb

import (
	"backoffice/app/audit"
	"backoffice/app/web/httpx"
)

// Handlers serve the audit log routes.
type Handlers struct {
	Kit   *httpx.Kit
	Audit *audit.Store
}
