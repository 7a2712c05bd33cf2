package deviceweb

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/device"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

const maxCodeLabels = device.MaxBatch

// ShowCodes is the page of the provider's codes.
func (h *Handlers) ShowCodes(c *fiber.Ctx) error {
	return h.renderCodes(c, fiber.StatusOK, views.NewForm())
}

func (h *Handlers) renderCodes(c *fiber.Ctx, status int, f *views.Form) error {
	state := c.Query("state")
	switch state {
	case "", "unpaired", "paired", "disabled", "retired":
	default:
		state = ""
	}
	before := httpx.ParseBefore(c)
	codes, more, err := h.Devices.Codes(c.UserContext(), httpx.CallerOf(c), device.CodeFilter{State: state}, before, 50)
	if err != nil {
		return err
	}
	d := views.CodesData{Items: codes, State: state, IsFirst: before == 0, Form: f}
	if more {
		d.NextHref = "/codes?state=" + state + "&before=" + strconv.FormatInt(codes[len(codes)-1].ID, 10)
	}
	return httpx.Render(c, status, views.CodesPage(h.Kit.Page(c, httpx.Tr(c).T("codes.title")), d))
}

// CreateCodes makes a batch of codes from the codes page.
func (h *Handlers) CreateCodes(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, "count")
	n, err := strconv.Atoi(f.Value("count"))
	if err != nil {
		n = 0
	}
	codes, err := h.Devices.CreateCodes(c.UserContext(), httpx.CallerOf(c), n)
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.renderCodes(c, status, f)
	}
	h.Kit.Flash(c, "success", "flash.codes_created", map[string]any{"Count": len(codes)})
	return c.Redirect("/codes/labels?from="+strconv.FormatInt(codes[0].ID, 10)+"&to="+strconv.FormatInt(codes[len(codes)-1].ID, 10), fiber.StatusSeeOther)
}

// CodeLabels prints labels of codes chosen by ?id= or by the id range
// ?from=&to= of a batch.
func (h *Handlers) CodeLabels(c *fiber.Ctx) error {
	ctx, u, t := c.UserContext(), httpx.CallerOf(c), httpx.Tr(c)
	f := device.CodeFilter{IDs: queryIDs(c, maxCodeLabels)}
	var codes []*device.Code
	from, _ := strconv.ParseInt(c.Query("from"), 10, 64)
	to, _ := strconv.ParseInt(c.Query("to"), 10, 64)
	if len(f.IDs) == 0 && from > 0 && to >= from && to-from < maxCodeLabels {
		for id := from; id <= to; id++ {
			f.IDs = append(f.IDs, id)
		}
	}
	if len(f.IDs) > 0 {
		var err error
		if codes, _, err = h.Devices.Codes(ctx, u, f, 0, maxCodeLabels); err != nil {
			return err
		}
	}
	provider, err := h.Orgs.Organization(ctx, u.Organization.ScopeProviderID())
	if err != nil {
		return err
	}
	labels := make([]views.Label, 0, len(codes))
	for i := len(codes) - 1; i >= 0; i-- { // oldest first, as created
		cd := codes[i]
		l, err := h.label(t, cd, provider)
		if err != nil {
			return err
		}
		if cd.Device != nil {
			l.Title, l.Sub = cd.Device.Name, t.T("labels.serial", map[string]any{"Serial": cd.Device.SerialNumber})
		} else {
			l.Provider = "" // it is the title
		}
		labels = append(labels, l)
	}
	return httpx.Render(c, fiber.StatusOK, views.LabelSheet(h.Kit.Page(c, t.T("labels.title")), t.T("labels.title"), "/codes", labels))
}

// CodeQR sends the QR image of a code.
func (h *Handlers) CodeQR(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	code, err := h.Devices.Code(c.UserContext(), httpx.CallerOf(c), id)
	if err != nil {
		return err
	}
	return h.sendQR(c, h.scanURL(code.Token))
}

// UpdateCode enables, disables, unpairs a code or sets its PIN, then
// returns to the page the form was on.
func (h *Handlers) UpdateCode(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), httpx.CallerOf(c)
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	back := httpx.SafeNext(c.FormValue("back"))
	if back == "" {
		back = "/codes"
	}
	var ch device.CodeChange
	on, off := true, false
	flash := ""
	switch c.FormValue("action") {
	case "enable":
		ch.Active, flash = &on, "flash.code_enabled"
	case "disable":
		ch.Active, flash = &off, "flash.code_disabled"
	case "unpair":
		ch.Pair, flash = true, "flash.code_unpaired"
	case "pin":
		pin := c.FormValue("pin")
		ch.PIN, flash = &pin, "flash.code_pin_set"
		if pin == "" {
			flash = "flash.code_pin_cleared"
		}
	default:
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	if _, err := h.Devices.UpdateCode(ctx, u, id, ch); err != nil {
		return h.Kit.FlashError(c, err, back)
	}
	h.Kit.Flash(c, "success", flash, nil)
	return c.Redirect(back, fiber.StatusSeeOther)
}
