// Package peopleweb holds the HTML and JSON handlers of corporate customers,
// their invitations, the users of the provider and the employees of a
// customer, and the provider's own organization settings, with the API's
// shapes and descriptions. The route table of app/web lists them.
package peopleweb

import (
	"backoffice/app/device"
	"backoffice/app/people"
	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
)

// Handlers serve the people routes.
type Handlers struct {
	Kit     *httpx.Kit
	People  *people.Service
	Devices *device.Service // a customer's devices tab
	Tickets *ticket.Service // a customer's tickets tab
}
