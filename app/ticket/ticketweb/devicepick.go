package ticketweb

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/caller"
	"backoffice/app/device"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

// pickerSelectMax is the most devices the new-ticket form offers in a
// select; a company with more searches them (views.DevicePicker).
const pickerSelectMax = 100

// devicePick fills the device choice of the new-ticket form for the devices
// u may see (of customerID for staff): a select of them while they are few,
// else the search field, named after the device the form already holds.
func (h *Handlers) devicePick(ctx context.Context, u *caller.Caller, f *views.Form, customerID int64, d *views.NewTicketData) error {
	page, err := h.Devices.List(ctx, u, device.Filter{CustomerID: customerID}, "name", nil, pickerSelectMax)
	if err != nil {
		return err
	}
	if page.Next == nil {
		d.Devices = page.Items
		return nil
	}
	d.DeviceSearch = true
	if id := formID(f, "device_id"); id > 0 && f.Value("device") == "" {
		dv, err := h.Devices.Device(ctx, u, id)
		if err != nil || (customerID != 0 && (dv.CustomerID == nil || *dv.CustomerID != customerID)) {
			f.Values["device_id"] = ""
			return nil
		}
		f.Values["device"], f.Values["device_for"] = device.Label(dv), device.Label(dv)
	}
	return nil
}

// pickedDevice is the device id the submitted form names. From the select,
// its value. From the search field: none when it is empty; the id the
// script chose while the text still reads as that choice (device_for);
// else the device the text names, found among the caller's devices (of
// customerID for staff). The ticket service checks the id either way.
func (h *Handlers) pickedDevice(c *fiber.Ctx, f *views.Form, customerID int64) (int64, error) {
	if !httpx.FormHas(c, "device_for") {
		return formID(f, "device_id"), nil
	}
	text := strings.TrimSpace(c.FormValue("device"))
	f.Values["device"], f.Values["device_for"] = text, c.FormValue("device_for")
	if text == "" {
		f.Values["device_id"], f.Values["device_for"] = "", ""
		return 0, nil
	}
	if id := formID(f, "device_id"); id != 0 && text == f.Value("device_for") {
		return id, nil
	}
	d, err := h.Devices.Find(c.UserContext(), httpx.CallerOf(c), customerID, text)
	if err != nil {
		f.Values["device_id"], f.Values["device_for"] = "", ""
		return 0, err
	}
	f.Values["device_id"], f.Values["device"], f.Values["device_for"] = strconv.FormatInt(d.ID, 10), device.Label(d), device.Label(d)
	return d.ID, nil
}
