package deviceweb

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/device"
	"backoffice/app/i18n"
	"backoffice/app/org"
	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

// deviceFilter reads a device list's filter and sort from the query. Bad
// values are problems in v (the API answers 422; pages drop them).
func deviceFilter(c *fiber.Ctx, v *apperr.ValidationError) (device.Filter, string) {
	f := device.Filter{Status: c.Query("status"), Site: c.Query("site"), Category: c.Query("category"),
		Query: strings.TrimSpace(c.Query("q"))}
	if s := c.Query("due"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 3650 {
			v.Add("due", "error.due_range", nil)
		} else {
			f.DueWithin = n
		}
	}
	if s := c.Query("customer_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			v.Add("customer_id", "error.customer_unknown", nil)
		} else if httpx.CallerOf(c).IsStaff() {
			f.CustomerID = id
		}
	}
	sort := c.Query("sort", "name")
	if err := device.CheckFilter(f, sort); err != nil {
		var ve *apperr.ValidationError
		if errors.As(err, &ve) {
			v.Fields = append(v.Fields, ve.Fields...)
		}
	}
	return f, sort
}

// pageDeviceFilter is deviceFilter for pages: anything invalid is dropped.
func pageDeviceFilter(c *fiber.Ctx) (device.Filter, string) {
	v := &apperr.ValidationError{}
	f, sort := deviceFilter(c, v)
	for _, fe := range v.Fields {
		switch fe.Field {
		case "status":
			f.Status = ""
		case "sort":
			sort = "name"
		case "q":
			if len(f.Query) > 200 {
				f.Query = f.Query[:200]
			}
			if strings.IndexByte(f.Query, 0) >= 0 {
				f.Query = ""
			}
		case "site":
			f.Site = ""
		case "category":
			f.Category = ""
		}
	}
	return f, sort
}

func (h *Handlers) today(c *fiber.Ctx) device.Date {
	return device.DateOf(h.Kit.UserNow(c))
}

// ShowDevices is the device list, filtered and sorted.
func (h *Handlers) ShowDevices(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), httpx.CallerOf(c)
	f, sort := pageDeviceFilter(c)
	var after *device.Cursor
	if v := c.Query("after"); v != "" {
		after = new(device.Cursor)
		if err := httpx.DecodePageKey(v, after); err != nil {
			return c.Redirect("/devices", fiber.StatusSeeOther)
		}
	}
	page, err := h.Devices.List(ctx, u, f, sort, after, httpx.PageSize)
	if err != nil {
		return err
	}
	counts, err := h.Devices.Counts(ctx, u, f)
	if err != nil {
		return err
	}
	sites, categories, err := h.Devices.Facets(ctx, u)
	if err != nil {
		return err
	}
	d := views.DevicesData{Items: page.Items, Filter: f, Sort: sort, Counts: counts, Sites: sites, Categories: categories,
		Query: views.DeviceQuery(f, sort, f.Status), Today: h.today(c), Staff: u.IsStaff()}
	for _, n := range counts {
		d.Total += n
	}
	if page.Next != nil {
		d.NextHref = "/devices?" + httpx.JoinQuery(d.Query, "after="+httpx.EncodePageKey(page.Next))
	}
	if after != nil {
		d.FirstHref = "/devices?" + d.Query
	}
	if u.IsStaff() {
		cs, err := h.People.Customers(ctx, httpx.CallerOf(c), "", "", 0, 200)
		if err != nil {
			return err
		}
		d.Customers = cs.Items
	}
	return httpx.Render(c, fiber.StatusOK, views.DevicesPage(h.Kit.Page(c, httpx.Tr(c).T("devices.title")), d))
}

// pathDevice loads the device named by :id for the caller; one of another
// customer is 404.
func (h *Handlers) pathDevice(c *fiber.Ctx) (*device.Device, error) {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.Devices.Device(c.UserContext(), httpx.CallerOf(c), id)
}

func (h *Handlers) scanURL(token string) string {
	return strings.TrimRight(h.BaseURL, "/") + "/c/" + token
}

// ShowDevice is the page of one device.
func (h *Handlers) ShowDevice(c *fiber.Ctx) error {
	d, err := h.pathDevice(c)
	if err != nil {
		return err
	}
	return h.renderDevice(c, fiber.StatusOK, d, nil, nil)
}

// renderDevice shows the device page, with a pairing or PIN form that
// failed (nil for fresh forms).
func (h *Handlers) renderDevice(c *fiber.Ctx, status int, d *device.Device, pairForm, pinForm *views.Form) error {
	before := httpx.ParseBefore(c)
	history, more, err := h.Devices.History(c.UserContext(), httpx.CallerOf(c), d.ID, before, 50)
	if err != nil {
		return err
	}
	data := views.DeviceData{Device: d, History: history, Today: h.today(c), Staff: httpx.CallerOf(c).IsStaff(),
		StatusForm: views.NewForm(), PairForm: pairForm, PINForm: pinForm}
	data.StatusForm.Values["status"] = d.Status
	if d.Code != nil {
		data.ScanURL = h.scanURL(d.Code.Token)
	}
	if data.PairForm == nil {
		data.PairForm = views.NewForm()
	}
	if data.PINForm == nil {
		data.PINForm = views.NewForm()
	}
	if more {
		data.HistoryMore = "/devices/" + strconv.FormatInt(d.ID, 10) + "?before=" + strconv.FormatInt(history[len(history)-1].ID, 10)
	}
	if h.Kit.Can(c, "ticket", "read") {
		page, err := h.Tickets.List(c.UserContext(), httpx.CallerOf(c), ticket.Filter{DeviceID: d.ID}, "-updated_at", nil, 5)
		if err != nil {
			return err
		}
		data.Tickets = page.Items
	}
	return httpx.Render(c, status, views.DevicePage(h.Kit.Page(c, d.Name), data))
}

var deviceFields = []string{"customer_id", "name", "serial_number", "manufacturer", "model", "category", "site", "location",
	"status", "installed_on", "warranty_until", "last_service_on", "next_service_due", "notes"}

func deviceInput(f *views.Form) device.Input {
	in := device.Input{Name: f.Value("name"), SerialNumber: f.Value("serial_number"), Manufacturer: f.Value("manufacturer"),
		Model: f.Value("model"), Category: f.Value("category"), Site: f.Value("site"), Location: f.Value("location"),
		Status: f.Value("status"), InstalledOn: f.Value("installed_on"), WarrantyUntil: f.Value("warranty_until"),
		LastServiceOn: f.Value("last_service_on"), NextServiceDue: f.Value("next_service_due"), Notes: f.Value("notes")}
	if v := f.Value("customer_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			id = -1 // reported as an unknown customer
		}
		in.CustomerID = id
	}
	return in
}

func deviceForm(d *device.Device) *views.Form {
	in := device.InputOf(d)
	f := views.NewForm()
	f.Values = map[string]string{"name": in.Name, "serial_number": in.SerialNumber, "manufacturer": in.Manufacturer,
		"model": in.Model, "category": in.Category, "site": in.Site, "location": in.Location, "status": in.Status,
		"installed_on": in.InstalledOn, "warranty_until": in.WarrantyUntil, "last_service_on": in.LastServiceOn,
		"next_service_due": in.NextServiceDue, "notes": in.Notes}
	if in.CustomerID != 0 {
		f.Values["customer_id"] = strconv.FormatInt(in.CustomerID, 10)
	}
	return f
}

func (h *Handlers) deviceFormPage(c *fiber.Ctx, status int, id int64, name string, f *views.Form) error {
	u := httpx.CallerOf(c)
	d := views.DeviceFormData{ID: id, Form: f, Staff: u.IsStaff(), Name: name}
	if u.IsStaff() {
		cs, err := h.People.Customers(c.UserContext(), httpx.CallerOf(c), "", "", 0, 500)
		if err != nil {
			return err
		}
		d.Customers = cs.Items
	}
	title := httpx.Tr(c).T("devices.new")
	if id != 0 {
		title = httpx.Tr(c).T("devices.edit")
	}
	return httpx.Render(c, status, views.DeviceFormPage(h.Kit.Page(c, title), d))
}

// ShowNewDevice is the form of a new device.
func (h *Handlers) ShowNewDevice(c *fiber.Ctx) error {
	f := views.NewForm()
	f.Values["status"] = device.StatusOperational
	f.Values["customer_id"] = c.Query("customer_id")
	return h.deviceFormPage(c, fiber.StatusOK, 0, "", f)
}

// CreateDevice registers a device from the form.
func (h *Handlers) CreateDevice(c *fiber.Ctx) error {
	f := httpx.FormFrom(c, deviceFields...)
	d, err := h.Devices.Create(c.UserContext(), httpx.CallerOf(c), deviceInput(f))
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.deviceFormPage(c, status, 0, "", f)
	}
	h.Kit.Flash(c, "success", "flash.device_created", map[string]any{"Name": d.Name})
	return c.Redirect("/devices/"+strconv.FormatInt(d.ID, 10), fiber.StatusSeeOther)
}

// ShowEditDevice is the form that changes a device.
func (h *Handlers) ShowEditDevice(c *fiber.Ctx) error {
	d, err := h.pathDevice(c)
	if err != nil {
		return err
	}
	return h.deviceFormPage(c, fiber.StatusOK, d.ID, d.Name, deviceForm(d))
}

// UpdateDevice saves the edit form.
func (h *Handlers) UpdateDevice(c *fiber.Ctx) error {
	d, err := h.pathDevice(c)
	if err != nil {
		return err
	}
	f := httpx.FormFrom(c, deviceFields...)
	in := deviceInput(f)
	if !httpx.CallerOf(c).IsStaff() {
		in.CustomerID = 0 // not theirs to set; the service keeps the device's
	}
	updated, err := h.Devices.Update(c.UserContext(), httpx.CallerOf(c), d.ID, in)
	if err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		return h.deviceFormPage(c, status, d.ID, d.Name, f)
	}
	h.Kit.Flash(c, "success", "flash.device_saved", map[string]any{"Name": updated.Name})
	return c.Redirect("/devices/"+strconv.FormatInt(d.ID, 10), fiber.StatusSeeOther)
}

// SetDeviceStatus changes a device's status from its page.
func (h *Handlers) SetDeviceStatus(c *fiber.Ctx) error {
	d, err := h.pathDevice(c)
	if err != nil {
		return err
	}
	back := "/devices/" + strconv.FormatInt(d.ID, 10)
	updated, err := h.Devices.SetStatus(c.UserContext(), httpx.CallerOf(c), d.ID, c.FormValue("status"))
	if err != nil {
		return h.Kit.FlashError(c, err, back)
	}
	h.Kit.Flash(c, "success", "flash.device_status", map[string]any{"Status": httpx.Tr(c).T("device_status." + updated.Status)})
	return c.Redirect(back, fiber.StatusSeeOther)
}

// DeleteDevice deletes a device from its page.
func (h *Handlers) DeleteDevice(c *fiber.Ctx) error {
	d, err := h.pathDevice(c)
	if err != nil {
		return err
	}
	if err := h.Devices.Delete(c.UserContext(), httpx.CallerOf(c), d.ID); err != nil {
		return h.Kit.FlashError(c, err, "/devices/"+strconv.FormatInt(d.ID, 10))
	}
	h.Kit.Flash(c, "success", "flash.device_deleted", map[string]any{"Name": d.Name})
	return c.Redirect("/devices", fiber.StatusSeeOther)
}

// RegenerateCode gives a device a new code from its page.
func (h *Handlers) RegenerateCode(c *fiber.Ctx) error {
	d, err := h.pathDevice(c)
	if err != nil {
		return err
	}
	if _, err := h.Devices.Regenerate(c.UserContext(), httpx.CallerOf(c), d.ID); err != nil {
		return h.Kit.FlashError(c, err, "/devices/"+strconv.FormatInt(d.ID, 10))
	}
	h.Kit.Flash(c, "success", "flash.code_regenerated", nil)
	return c.Redirect("/devices/"+strconv.FormatInt(d.ID, 10), fiber.StatusSeeOther)
}

// tokenFrom accepts a code token or a scan URL ending in /c/<token>.
func tokenFrom(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/c/"); i >= 0 {
		s = s[i+3:]
	}
	return strings.TrimRight(s, "/")
}

// PairDevice pairs the label whose code (or scanned URL) staff typed with
// the device.
func (h *Handlers) PairDevice(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), httpx.CallerOf(c)
	d, err := h.pathDevice(c)
	if err != nil {
		return err
	}
	f := httpx.FormFrom(c, "code")
	token := tokenFrom(f.Value("code"))
	codes, _, err := h.Devices.Codes(ctx, u, device.CodeFilter{Token: token}, 0, 1)
	if err != nil {
		return err
	}
	if token == "" || len(codes) == 0 {
		f.Errors["code"] = httpx.Tr(c).T("error.code_unknown")
		return h.renderDevice(c, fiber.StatusUnprocessableEntity, d, f, nil)
	}
	if _, err := h.Devices.UpdateCode(ctx, u, codes[0].ID, device.CodeChange{Pair: true, DeviceID: d.ID}); err != nil {
		status, ok := httpx.FormErrors(c, f, err)
		if !ok {
			return err
		}
		if f.Errors["device_id"] != "" {
			f.Errors["code"] = f.Errors["device_id"]
		}
		return h.renderDevice(c, status, d, f, nil)
	}
	h.Kit.Flash(c, "success", "flash.code_paired", map[string]any{"Name": d.Name})
	return c.Redirect("/devices/"+strconv.FormatInt(d.ID, 10), fiber.StatusSeeOther)
}

// sendQR answers a QR code PNG of url, cacheable and revalidated by ETag.
func (h *Handlers) sendQR(c *fiber.Ctx, url string) error {
	size, _ := strconv.Atoi(c.Query("size"))
	size = device.ClampQRSize(size)
	sum := sha256.Sum256([]byte(url + "|" + strconv.Itoa(size)))
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	png, err := device.QRPNG(url, size)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	return c.Send(png)
}

// DeviceQR sends the QR image of a device's code.
func (h *Handlers) DeviceQR(c *fiber.Ctx) error {
	d, err := h.pathDevice(c)
	if err != nil {
		return err
	}
	if d.Code == nil {
		return apperr.ErrNotFound
	}
	return h.sendQR(c, h.scanURL(d.Code.Token))
}

// qrDataURI is a QR code as an inline image, for label sheets.
func (h *Handlers) qrDataURI(url string) (templ.SafeURL, error) {
	png, err := device.QRPNG(url, 256)
	if err != nil {
		return "", err
	}
	return templ.SafeURL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil
}

// queryIDs reads repeated ?id= values (at most max).
func queryIDs(c *fiber.Ctx, max int) []int64 {
	var ids []int64
	for _, raw := range c.Context().QueryArgs().PeekMulti("id") {
		for _, part := range strings.Split(string(raw), ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err == nil && id > 0 && len(ids) < max {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// maxLabels bounds one label sheet request (several A4 pages).
const maxLabels = 210

// DeviceLabels is a printable sheet of the labels of the chosen devices.
func (h *Handlers) DeviceLabels(c *fiber.Ctx) error {
	ctx, u := c.UserContext(), httpx.CallerOf(c)
	var labels []views.Label
	t := httpx.Tr(c)
	providers := map[int64]*org.Organization{}
	for _, id := range queryIDs(c, maxLabels) {
		d, err := h.Devices.Device(ctx, u, id)
		if errors.Is(err, apperr.ErrNotFound) {
			continue // another customer's device, or gone: not printed
		}
		if err != nil {
			return err
		}
		if d.Code == nil {
			continue
		}
		provider, ok := providers[d.ProviderID]
		if !ok {
			if provider, err = h.Orgs.Organization(ctx, d.ProviderID); err != nil {
				return err
			}
			providers[d.ProviderID] = provider
		}
		l, err := h.label(t, d.Code, provider)
		if err != nil {
			return err
		}
		l.Title, l.Sub = d.Name, t.T("labels.serial", map[string]any{"Serial": d.SerialNumber})
		labels = append(labels, l)
	}
	return httpx.Render(c, fiber.StatusOK, views.LabelSheet(h.Kit.Page(c, t.T("labels.title")), t.T("labels.title"), "/devices", labels))
}

// label is the printed label of code, serviced by provider: its QR code,
// the code to type instead, and whom to call. Without a device its title is
// the provider.
func (h *Handlers) label(t *i18n.Translator, code *device.Code, provider *org.Organization) (views.Label, error) {
	qr, err := h.qrDataURI(h.scanURL(code.Token))
	if err != nil {
		return views.Label{}, err
	}
	return views.Label{Title: provider.Name, Code: device.GroupToken(code.Token), Provider: provider.Name,
		Phone: provider.Phone, Note: t.T("labels.scan_note"), QR: qr}, nil
}

// ExportDevices sends the filtered device list as CSV.
func (h *Handlers) ExportDevices(c *fiber.Ctx) error {
	v := &apperr.ValidationError{}
	f, sort := deviceFilter(c, v)
	if err := v.Err(); err != nil {
		return err
	}
	list, err := h.Devices.Export(c.UserContext(), httpx.CallerOf(c), f, sort, httpx.MaxExport)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := device.WriteCSV(&buf, list); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="devices-`+device.DateOf(h.Kit.UserNow(c)).String()+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

func importExample() string {
	return "customer,name,serial_number,manufacturer,model,category,site,location,status,installed_on,next_service_due\n" +
		"Customer GmbH,Filling line 1,FL-2024-0001,Krones,Modulfill,Filling,Plant Nord,Hall 2,operational,2024-03-01,2026-12-15\n"
}

// ShowImportDevices is the CSV import form.
func (h *Handlers) ShowImportDevices(c *fiber.Ctx) error {
	return httpx.Render(c, fiber.StatusOK, views.DeviceImportPage(h.Kit.Page(c, httpx.Tr(c).T("devices.import")),
		views.ImportData{Form: views.NewForm(), Example: importExample()}))
}

// ImportDevices imports an uploaded CSV file: every row or none.
func (h *Handlers) ImportDevices(c *fiber.Ctx) error {
	t := httpx.Tr(c)
	d := views.ImportData{Form: views.NewForm(), Example: importExample()}
	fh, err := c.FormFile("file")
	if err != nil {
		d.Form.Errors["file"] = t.T("error.import_no_file")
		return httpx.Render(c, fiber.StatusUnprocessableEntity, views.DeviceImportPage(h.Kit.Page(c, t.T("devices.import")), d))
	}
	file, err := fh.Open()
	if err != nil {
		return err
	}
	defer file.Close()
	imported, err := h.Devices.Import(c.UserContext(), httpx.CallerOf(c), file)
	if err != nil {
		var ve *apperr.ValidationError
		if !errors.As(err, &ve) {
			if _, ok := httpx.FormErrors(c, d.Form, err); !ok {
				return err
			}
			return httpx.Render(c, fiber.StatusConflict, views.DeviceImportPage(h.Kit.Page(c, t.T("devices.import")), d))
		}
		d.Form.Error = t.N("devices.import_failed", len(ve.Fields))
		for _, fe := range ve.Fields {
			d.Problems = append(d.Problems, views.ImportProblem{Line: fe.Line, Column: fe.Field, Message: t.T(fe.Message, fe.Data)})
		}
		return httpx.Render(c, fiber.StatusUnprocessableEntity, views.DeviceImportPage(h.Kit.Page(c, t.T("devices.import")), d))
	}
	h.Kit.Flash(c, "success", "flash.devices_imported", map[string]any{"Count": len(imported)})
	return c.Redirect("/devices?sort=-status_changed_at", fiber.StatusSeeOther)
}
