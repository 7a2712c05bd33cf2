package deviceweb

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/device"
	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

// scan resolves the code of the request for the public page; an unknown or
// retired code renders the friendly 404.
func (h *Handlers) scan(c *fiber.Ctx) (*device.Code, views.ScanData, error) {
	token := c.Params("code")
	if t, err := url.PathUnescape(token); err == nil {
		token = t // "/c/7k3m%209qxw…", typed with spaces
	}
	d := views.ScanData{Token: token, Form: views.NewForm()}
	code, err := h.Devices.Scan(c.UserContext(), token)
	if err != nil {
		return nil, d, err
	}
	d.Token = code.Token // the canonical form, whatever the URL held
	if d.Provider, err = h.Orgs.Organization(c.UserContext(), code.ProviderID); err != nil {
		return nil, d, err
	}
	d.Device = code.Device
	return code, d, nil
}

func (h *Handlers) renderScan(c *fiber.Ctx, status int, d views.ScanData) error {
	title := httpx.Tr(c).T("scan.title")
	if d.State == views.ScanDevice && d.Device != nil {
		title = d.Device.Name
	}
	c.Set("X-Robots-Tag", "noindex")
	return httpx.Render(c, status, views.ScanPage(h.Kit.Page(c, title), d))
}

func (h *Handlers) scanError(c *fiber.Ctx, err error, d views.ScanData) error {
	if errors.Is(err, apperr.ErrNotFound) {
		d.State = views.ScanUnknown
		return h.renderScan(c, fiber.StatusNotFound, d)
	}
	return err
}

// canPair reports whether the signed-in user may pair codes of the
// provider providerID.
func (h *Handlers) canPair(c *fiber.Ctx, providerID int64) bool {
	u := httpx.CallerOf(c)
	return u != nil && u.IsStaff() && u.Organization.ScopeProviderID() == providerID &&
		h.Kit.Can(c, "code", "update")
}

// ShowScan is the page a phone opens from a label: staff and users of the
// device's customer go to the device page; anyone else sees what the code
// allows.
func (h *Handlers) ShowScan(c *fiber.Ctx) error {
	code, d, err := h.scan(c)
	if err != nil {
		return h.scanError(c, err, d)
	}
	if c.Params("code") != code.Token { // typed in lower case, in groups, …
		return c.Redirect(canonicalScan(c, code.Token), fiber.StatusMovedPermanently)
	}
	u := httpx.CallerOf(c)
	switch {
	case !code.Active:
		d.State = views.ScanInactive
	case code.Device == nil:
		d.State, d.CanPair = views.ScanUnpaired, h.canPair(c, code.ProviderID)
		if d.CanPair {
			if d.Query = strings.TrimSpace(c.Query("q")); d.Query != "" {
				if len(d.Query) > 200 {
					d.Query = d.Query[:200]
				}
				page, err := h.Devices.List(c.UserContext(), u, device.Filter{Query: d.Query}, "name", nil, 10)
				if err != nil {
					return err
				}
				d.Matches = page.Items
			}
		}
	case u != nil && h.mayOpenDevice(c, code.Device):
		return c.Redirect("/devices/"+strconv.FormatInt(code.Device.ID, 10), fiber.StatusSeeOther)
	case code.HasPIN():
		d.State = views.ScanPIN
	default:
		d.State = views.ScanDevice
		h.reportForm(&d, views.NewForm(), "")
	}
	return h.renderScan(c, fiber.StatusOK, d)
}

// canonicalScan is the page of token, with the request's query.
func canonicalScan(c *fiber.Ctx, token string) string {
	to := "/c/" + token
	if q := string(c.Context().QueryArgs().QueryString()); q != "" {
		to += "?" + q
	}
	return to
}

// ShowEnterCode is the public form for the code printed under a label's QR
// code (a scuffed label, a phone without a camera): a code that exists
// opens its page, typed in any case, with or without spaces and dashes.
func (h *Handlers) ShowEnterCode(c *fiber.Ctx) error {
	d := views.ScanData{State: views.ScanEnter, Form: views.NewForm()}
	typed := strings.TrimSpace(c.Query("code"))
	if typed == "" {
		return h.renderScan(c, fiber.StatusOK, d)
	}
	if len(typed) > 80 {
		typed = typed[:80]
	}
	d.Form.Values["code"] = strings.ToValidUTF8(typed, "")
	code, err := h.Devices.Scan(c.UserContext(), tokenFrom(typed))
	if errors.Is(err, apperr.ErrNotFound) {
		d.Form.Errors["code"] = httpx.Tr(c).T("error.code_not_found")
		return h.renderScan(c, fiber.StatusNotFound, d)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/c/"+code.Token, fiber.StatusSeeOther)
}

// mayOpenDevice reports whether the signed-in user sees dev in the
// application: staff of its provider, or a user of its customer.
func (h *Handlers) mayOpenDevice(c *fiber.Ctx, dev *device.Device) bool {
	u := httpx.CallerOf(c)
	if u.IsStaff() {
		return u.Organization.ScopeProviderID() == dev.ProviderID
	}
	return dev.CustomerID != nil && *dev.CustomerID == u.OrganizationID
}

// UnlockScan checks the PIN of a protected code and shows the device.
func (h *Handlers) UnlockScan(c *fiber.Ctx) error {
	code, d, err := h.scan(c)
	if err != nil {
		return h.scanError(c, err, d)
	}
	if !code.Active || code.Device == nil || !code.HasPIN() {
		return c.Redirect("/c/"+d.Token, fiber.StatusSeeOther)
	}
	if err := h.Devices.CheckPIN(c.UserContext(), code, c.FormValue("pin"), httpx.ClientIP(c)); err != nil {
		status, ok := httpx.FormErrors(c, d.Form, err)
		if !ok {
			return err
		}
		d.State = views.ScanPIN
		return h.renderScan(c, status, d)
	}
	d.State = views.ScanDevice
	h.reportForm(&d, views.NewForm(), c.FormValue("pin"))
	return h.renderScan(c, fiber.StatusOK, d)
}

// PairScanned pairs a scanned, unpaired code with a device (staff).
func (h *Handlers) PairScanned(c *fiber.Ctx) error {
	code, d, err := h.scan(c)
	if err != nil {
		return h.scanError(c, err, d)
	}
	id, err := strconv.ParseInt(c.FormValue("device_id"), 10, 64)
	if err != nil || id <= 0 {
		id = -1
	}
	updated, err := h.Devices.UpdateCode(c.UserContext(), httpx.CallerOf(c), code.ID, device.CodeChange{Pair: true, DeviceID: id})
	if err != nil {
		status, ok := httpx.FormErrors(c, d.Form, err)
		if !ok {
			return err
		}
		if d.Form.Errors["device_id"] != "" {
			d.Form.Error = d.Form.Errors["device_id"]
		}
		d.State, d.CanPair = views.ScanUnpaired, true
		return h.renderScan(c, status, d)
	}
	h.Kit.Flash(c, "success", "flash.code_paired", map[string]any{"Name": updated.Device.Name})
	return c.Redirect("/devices/"+strconv.FormatInt(updated.Device.ID, 10), fiber.StatusSeeOther)
}

// reportForm puts the "report a problem" form on the page, with the signed
// time it is shown (bots that post at once, or replay an old form, are
// refused).
func (h *Handlers) reportForm(d *views.ScanData, f *views.Form, pin string) {
	d.Report, d.PIN = f, pin
	d.ReportT = strconv.FormatInt(h.Kit.Clock.Now().Unix(), 10)
	d.ReportSig = h.Kit.Sign("report:"+d.Token, d.ReportT)
}

// ReportProblem opens a ticket of channel qr for the scanned device; the
// rules are ticket.ScanReports'.
func (h *Handlers) ReportProblem(c *fiber.Ctx) error {
	code, d, err := h.scan(c)
	if err != nil {
		return h.scanError(c, err, d)
	}
	if !code.Active || code.Device == nil || code.Device.CustomerID == nil {
		return c.Redirect("/c/"+d.Token, fiber.StatusSeeOther)
	}
	f := httpx.FormFrom(c, "name", "email", "description")
	pin := c.FormValue("pin")
	r := ticket.ScanReport{Report: ticket.Report{Name: f.Value("name"), Email: f.Value("email"), Description: f.Value("description")},
		PIN: pin, Trap: c.FormValue("website"), IP: httpx.ClientIP(c)}
	if shown, err := strconv.ParseInt(c.FormValue("t"), 10, 64); err == nil && h.Kit.Verify("report:"+d.Token, c.FormValue("t"), c.FormValue("sig")) {
		r.ShownAt = time.Unix(shown, 0)
	}
	d.State = views.ScanDevice
	t, err := h.Reports.Report(c.UserContext(), code, r)
	var pinErr *ticket.PINRefused
	switch {
	case err == nil:
		d.State, d.Reported = views.ScanReported, views.TicketNumber(t)
		return h.renderScan(c, fiber.StatusCreated, d)
	case errors.As(err, &pinErr):
		d.State = views.ScanPIN
		if _, ok := httpx.FormErrors(c, d.Form, pinErr.Err); !ok {
			return err
		}
		return h.renderScan(c, fiber.StatusForbidden, d)
	case errors.Is(err, ticket.ErrReportStale) || errors.Is(err, ticket.ErrReportTooFast):
		var denied *apperr.Denied
		errors.As(err, &denied)
		f.Error = httpx.Tr(c).T(denied.Message)
		h.reportForm(&d, f, pin)
		return h.renderScan(c, fiber.StatusUnprocessableEntity, d)
	}
	status, ok := httpx.FormErrors(c, f, err)
	if !ok {
		return err
	}
	h.reportForm(&d, f, pin)
	return h.renderScan(c, status, d)
}
