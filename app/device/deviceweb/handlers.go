// Package deviceweb holds the HTML and JSON handlers of devices, their QR
// codes and the public page of a scanned code, with the API's device and
// code shapes and descriptions. The route table of app/web lists them.
package deviceweb

import (
	"backoffice/app/device"
	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
)

// Handlers serve the device routes.
type Handlers struct {
	Kit     *httpx.Kit
	Devices *device.Service
	Tickets *ticket.Service     // a device's tickets on its page; problems reported from a scan page
	People  *people.Service     // the customers a device may belong to
	Orgs    *org.Store          // the provider shown on a scan page
	Reports *ticket.ScanReports // problem reports from scan pages
	BaseURL string              // the links printed on labels start with it
}
