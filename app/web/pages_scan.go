package web

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/device"
	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

// Requests per minute and address to the public scan pages.
const scanRateLimit = 60

// scanLimiter rate-limits /c/ (the public pages of scanned codes) per
// client address, so codes cannot be enumerated quickly.
func (s *Server) scanLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Next:         func(c *fiber.Ctx) bool { return !strings.HasPrefix(c.Path(), "/c/") },
		Max:          scanRateLimit,
		Expiration:   time.Minute,
		KeyGenerator: func(c *fiber.Ctx) string { return httpx.ClientIP(c) },
		LimitReached: func(c *fiber.Ctx) error { return fiber.ErrTooManyRequests },
	})
}

// scan resolves the code of the request for the public page; an unknown or
// retired code renders the friendly 404.
func (s *Server) scan(c *fiber.Ctx) (*device.Code, views.ScanData, error) {
	token := c.Params("code")
	d := views.ScanData{Token: token, Form: views.NewForm()}
	code, err := s.devices.Scan(c.UserContext(), token)
	if err != nil {
		return nil, d, err
	}
	if d.Provider, err = s.users.Organization(c.UserContext(), code.ProviderID); err != nil {
		return nil, d, err
	}
	d.Device = code.Device
	return code, d, nil
}

func (s *Server) renderScan(c *fiber.Ctx, status int, d views.ScanData) error {
	title := httpx.Tr(c).T("scan.title")
	if d.State == views.ScanDevice && d.Device != nil {
		title = d.Device.Name
	}
	c.Set("X-Robots-Tag", "noindex")
	return httpx.Render(c, status, views.ScanPage(s.kit.Page(c, title), d))
}

func (s *Server) scanError(c *fiber.Ctx, err error, d views.ScanData) error {
	if errors.Is(err, apperr.ErrNotFound) {
		d.State = views.ScanUnknown
		return s.renderScan(c, fiber.StatusNotFound, d)
	}
	return err
}

// canPair reports whether the signed-in user may pair codes of the
// provider providerID.
func (s *Server) canPair(c *fiber.Ctx, providerID int64) bool {
	u := httpx.CurrentUser(c)
	return u != nil && u.IsStaff() && u.Organization.ScopeProviderID() == providerID &&
		s.rbac.Can(u.Role, "code", "update")
}

// showScan is the page a phone opens from a label: staff and users of the
// device's customer go to the device page; anyone else sees what the code
// allows.
func (s *Server) showScan(c *fiber.Ctx) error {
	code, d, err := s.scan(c)
	if err != nil {
		return s.scanError(c, err, d)
	}
	u := httpx.CurrentUser(c)
	switch {
	case !code.Active:
		d.State = views.ScanInactive
	case code.Device == nil:
		d.State, d.CanPair = views.ScanUnpaired, s.canPair(c, code.ProviderID)
		if d.CanPair {
			if d.Query = strings.TrimSpace(c.Query("q")); d.Query != "" {
				if len(d.Query) > 200 {
					d.Query = d.Query[:200]
				}
				page, err := s.devices.List(c.UserContext(), u, device.Filter{Query: d.Query}, "name", nil, 10)
				if err != nil {
					return err
				}
				d.Matches = page.Items
			}
		}
	case u != nil && s.mayOpenDevice(c, code.Device):
		return c.Redirect("/devices/"+strconv.FormatInt(code.Device.ID, 10), fiber.StatusSeeOther)
	case code.HasPIN():
		d.State = views.ScanPIN
	default:
		d.State = views.ScanDevice
		s.reportForm(&d, views.NewForm(), "")
	}
	return s.renderScan(c, fiber.StatusOK, d)
}

// mayOpenDevice reports whether the signed-in user sees dev in the
// application: staff of its provider, or a user of its customer.
func (s *Server) mayOpenDevice(c *fiber.Ctx, dev *device.Device) bool {
	u := httpx.CurrentUser(c)
	if u.IsStaff() {
		return u.Organization.ScopeProviderID() == dev.ProviderID
	}
	return dev.CustomerID != nil && *dev.CustomerID == u.OrganizationID
}

// unlockScan checks the PIN of a protected code and shows the device.
func (s *Server) unlockScan(c *fiber.Ctx) error {
	code, d, err := s.scan(c)
	if err != nil {
		return s.scanError(c, err, d)
	}
	if !code.Active || code.Device == nil || !code.HasPIN() {
		return c.Redirect("/c/"+d.Token, fiber.StatusSeeOther)
	}
	if err := s.devices.CheckPIN(c.UserContext(), code, c.FormValue("pin"), httpx.ClientIP(c)); err != nil {
		status, ok := httpx.FormErrors(c, d.Form, err)
		if !ok {
			return err
		}
		d.State = views.ScanPIN
		return s.renderScan(c, status, d)
	}
	d.State = views.ScanDevice
	s.reportForm(&d, views.NewForm(), c.FormValue("pin"))
	return s.renderScan(c, fiber.StatusOK, d)
}

// pairScanned pairs a scanned, unpaired code with a device (staff).
func (s *Server) pairScanned(c *fiber.Ctx) error {
	code, d, err := s.scan(c)
	if err != nil {
		return s.scanError(c, err, d)
	}
	id, err := strconv.ParseInt(c.FormValue("device_id"), 10, 64)
	if err != nil || id <= 0 {
		id = -1
	}
	updated, err := s.devices.UpdateCode(c.UserContext(), httpx.CurrentUser(c), code.ID, device.CodeChange{Pair: true, DeviceID: id})
	if err != nil {
		status, ok := httpx.FormErrors(c, d.Form, err)
		if !ok {
			return err
		}
		if d.Form.Errors["device_id"] != "" {
			d.Form.Error = d.Form.Errors["device_id"]
		}
		d.State, d.CanPair = views.ScanUnpaired, true
		return s.renderScan(c, status, d)
	}
	s.kit.Flash(c, "success", "flash.code_paired", map[string]any{"Name": updated.Device.Name})
	return c.Redirect("/devices/"+strconv.FormatInt(updated.Device.ID, 10), fiber.StatusSeeOther)
}

// Limits of problem reports from scan pages.
var (
	reportLimit   = auth.Limit{Max: 5, Window: time.Hour} // per address
	reportMinWait = 3 * time.Second                       // a person takes longer to fill in the form
	reportMaxAge  = 2 * time.Hour
)

// reportForm puts the "report a problem" form on the page, with the signed
// time it is shown (bots that post at once, or replay an old form, are
// refused).
func (s *Server) reportForm(d *views.ScanData, f *views.Form, pin string) {
	d.Report, d.PIN = f, pin
	d.ReportT = strconv.FormatInt(s.clock.Now().Unix(), 10)
	d.ReportSig = s.kit.Sign("report:"+d.Token, d.ReportT)
}

// reportProblem opens a ticket of channel qr for the scanned device.
func (s *Server) reportProblem(c *fiber.Ctx) error {
	ctx := c.UserContext()
	code, d, err := s.scan(c)
	if err != nil {
		return s.scanError(c, err, d)
	}
	if !code.Active || code.Device == nil || code.Device.CustomerID == nil {
		return c.Redirect("/c/"+d.Token, fiber.StatusSeeOther)
	}
	f := httpx.FormFrom(c, "name", "email", "description")
	pin := c.FormValue("pin")
	d.State = views.ScanDevice
	refuse := func(status int, msg string) error {
		f.Error = httpx.Tr(c).T(msg)
		s.reportForm(&d, f, pin)
		return s.renderScan(c, status, d)
	}
	if code.HasPIN() {
		if err := s.devices.CheckPIN(ctx, code, pin, httpx.ClientIP(c)); err != nil {
			d.State = views.ScanPIN
			if _, ok := httpx.FormErrors(c, d.Form, err); !ok {
				return err
			}
			return s.renderScan(c, fiber.StatusForbidden, d)
		}
	}
	shown, err := strconv.ParseInt(c.FormValue("t"), 10, 64)
	if err != nil || !s.kit.Verify("report:"+d.Token, c.FormValue("t"), c.FormValue("sig")) {
		return refuse(fiber.StatusUnprocessableEntity, "error.report_form_stale")
	}
	age := s.clock.Now().Sub(time.Unix(shown, 0))
	if age > reportMaxAge {
		return refuse(fiber.StatusUnprocessableEntity, "error.report_form_stale")
	}
	if age < reportMinWait || c.FormValue("website") != "" {
		return refuse(fiber.StatusUnprocessableEntity, "error.report_too_fast")
	}
	throttle := auth.NewThrottle(s.db, s.clock)
	key := "report:" + httpx.ClientIP(c)
	if err := throttle.Reserve(ctx, key, reportLimit); err != nil { // counts the report
		if _, ok := httpx.FormErrors(c, f, err); !ok {
			return err
		}
		s.reportForm(&d, f, pin)
		return s.renderScan(c, fiber.StatusTooManyRequests, d)
	}
	t, err := s.tickets.ReportProblem(ctx, code.Device, ticket.Report{Name: f.Value("name"), Email: f.Value("email"),
		Description: f.Value("description")})
	if err != nil {
		if err := throttle.Release(ctx, key); err != nil { // no report made
			return err
		}
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		s.reportForm(&d, f, pin)
		return s.renderScan(c, status, d)
	}
	d.State, d.Reported = views.ScanReported, views.TicketNumber(t)
	return s.renderScan(c, fiber.StatusCreated, d)
}
