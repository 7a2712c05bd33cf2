// Package ticketweb holds the HTML and JSON handlers of tickets, their
// messages and attachments, reply templates, data fields, ticket types and
// the customer ticket permissions, with the API's shapes and descriptions.
// The route table of app/web lists them.
package ticketweb

import (
	"backoffice/app/device"
	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
)

// Handlers serve the ticket routes.
type Handlers struct {
	Kit     *httpx.Kit
	Tickets *ticket.Service
	People  *people.Service // customers and their users to choose from
	Devices *device.Service // devices to choose from
	Orgs    *org.Store      // the provider's agents
}
