package deviceweb

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/device"
	"backoffice/app/web/httpx"
)

type apiDevice struct {
	ID              int64      `json:"id"`
	CustomerID      *int64     `json:"customer_id"`
	Name            string     `json:"name"`
	SerialNumber    string     `json:"serial_number"`
	Manufacturer    string     `json:"manufacturer"`
	Model           string     `json:"model"`
	Category        string     `json:"category"`
	Site            string     `json:"site"`
	Location        string     `json:"location"`
	Status          string     `json:"status"`
	StatusChangedAt time.Time  `json:"status_changed_at"`
	InstalledOn     *string    `json:"installed_on" format:"date"`
	WarrantyUntil   *string    `json:"warranty_until" format:"date"`
	LastServiceOn   *string    `json:"last_service_on" format:"date"`
	NextServiceDue  *string    `json:"next_service_due" format:"date"`
	Notes           string     `json:"notes"`
	Code            *string    `json:"code"`     // the current code's token
	CodeID          *int64     `json:"code_id"`  // to change the code (PATCH /api/v1/codes/{id})
	CodeURL         *string    `json:"code_url"` // what the QR code carries
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       *time.Time `json:"updated_at"`
}

func dateOut(d *device.Date) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

func (h *Handlers) toAPIDevice(d *device.Device) apiDevice {
	out := apiDevice{ID: d.ID, CustomerID: d.CustomerID, Name: d.Name, SerialNumber: d.SerialNumber, Manufacturer: d.Manufacturer,
		Model: d.Model, Category: d.Category, Site: d.Site, Location: d.Location, Status: d.Status,
		StatusChangedAt: d.StatusChangedAt.UTC(), InstalledOn: dateOut(d.InstalledOn), WarrantyUntil: dateOut(d.WarrantyUntil),
		LastServiceOn: dateOut(d.LastServiceOn), NextServiceDue: dateOut(d.NextServiceDue), Notes: d.Notes,
		CreatedAt: d.CreatedAt.UTC()}
	updated := d.UpdatedAt.UTC()
	out.UpdatedAt = &updated
	if d.Code != nil {
		token, id, url := d.Code.Token, d.Code.ID, h.scanURL(d.Code.Token)
		out.Code, out.CodeID, out.CodeURL = &token, &id, &url
	}
	return out
}

// APIDevices lists the devices the caller may see, filtered, sorted and paged.
func (h *Handlers) APIDevices(c *fiber.Ctx) error {
	v := &apperr.ValidationError{}
	f, sort := deviceFilter(c, v)
	limit := httpx.ParseLimit(c, v)
	after := httpx.KeyCursorOf[device.Cursor](c, v)
	if err := v.Err(); err != nil {
		return err
	}
	page, err := h.Devices.List(c.UserContext(), httpx.CallerOf(c), f, sort, after, limit)
	if err != nil {
		return err
	}
	out := httpx.List[apiDevice]{Items: make([]apiDevice, 0, len(page.Items))}
	for _, d := range page.Items {
		out.Items = append(out.Items, h.toAPIDevice(d))
	}
	if page.Next != nil {
		out.NextCursor = httpx.KeyCursor(page.Next)
	}
	return c.JSON(out)
}

// deviceBody is a device in a request; absent fields keep their value on
// PATCH, null clears one. Dates are "YYYY-MM-DD" or null.
type deviceBody struct {
	CustomerID     httpx.Opt[int64]  `json:"customer_id"`
	Name           httpx.Opt[string] `json:"name"`
	SerialNumber   httpx.Opt[string] `json:"serial_number"`
	Manufacturer   httpx.Opt[string] `json:"manufacturer"`
	Model          httpx.Opt[string] `json:"model"`
	Category       httpx.Opt[string] `json:"category"`
	Site           httpx.Opt[string] `json:"site"`
	Location       httpx.Opt[string] `json:"location"`
	Status         httpx.Opt[string] `json:"status"`
	InstalledOn    httpx.Opt[string] `json:"installed_on"`
	WarrantyUntil  httpx.Opt[string] `json:"warranty_until"`
	LastServiceOn  httpx.Opt[string] `json:"last_service_on"`
	NextServiceDue httpx.Opt[string] `json:"next_service_due"`
	Notes          httpx.Opt[string] `json:"notes"`
}

// textField is one text field of a device body and where it goes in a
// device's input.
type textField struct {
	name string
	opt  httpx.Opt[string]
	dst  *string
}

// texts are the body's text fields.
func (b *deviceBody) texts(in *device.Input) []textField {
	return []textField{{"name", b.Name, &in.Name}, {"serial_number", b.SerialNumber, &in.SerialNumber},
		{"manufacturer", b.Manufacturer, &in.Manufacturer}, {"model", b.Model, &in.Model}, {"category", b.Category, &in.Category},
		{"site", b.Site, &in.Site}, {"location", b.Location, &in.Location}, {"status", b.Status, &in.Status},
		{"installed_on", b.InstalledOn, &in.InstalledOn}, {"warranty_until", b.WarrantyUntil, &in.WarrantyUntil},
		{"last_service_on", b.LastServiceOn, &in.LastServiceOn}, {"next_service_due", b.NextServiceDue, &in.NextServiceDue},
		{"notes", b.Notes, &in.Notes}}
}

func decodeDeviceBody(c *fiber.Ctx) (*deviceBody, error) {
	b := &deviceBody{}
	if err := httpx.DecodeJSON(c, b); err != nil {
		return nil, err
	}
	v := &apperr.ValidationError{}
	httpx.Check(v, "customer_id", b.CustomerID)
	for _, f := range b.texts(&device.Input{}) {
		httpx.Check(v, f.name, f.opt)
	}
	return b, v.Err()
}

// apply puts the sent fields over in; a null date or customer clears it.
func (b *deviceBody) apply(in *device.Input) {
	for _, f := range b.texts(in) {
		if p := f.opt.Ptr(); p != nil {
			*f.dst = *p
		}
	}
	switch {
	case !b.CustomerID.Set:
	case b.CustomerID.Null:
		in.CustomerID = 0
	case b.CustomerID.Value == 0:
		in.CustomerID = -1
	default:
		in.CustomerID = b.CustomerID.Value
	}
}

// APICreateDevice registers a device with a fresh code.
func (h *Handlers) APICreateDevice(c *fiber.Ctx) error {
	b, err := decodeDeviceBody(c)
	if err != nil {
		return err
	}
	var in device.Input
	b.apply(&in)
	d, err := h.Devices.Create(c.UserContext(), httpx.CallerOf(c), in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/devices/"+strconv.FormatInt(d.ID, 10))
	return c.Status(fiber.StatusCreated).JSON(h.toAPIDevice(d))
}

// APIDevice answers one device.
func (h *Handlers) APIDevice(c *fiber.Ctx) error {
	d, err := h.pathDevice(c)
	if err != nil {
		return err
	}
	return c.JSON(h.toAPIDevice(d))
}

// APIUpdateDevice changes the fields sent; the rest stay.
func (h *Handlers) APIUpdateDevice(c *fiber.Ctx) error {
	d, err := h.pathDevice(c)
	if err != nil {
		return err
	}
	b, err := decodeDeviceBody(c)
	if err != nil {
		return err
	}
	in := device.InputOf(d)
	if !httpx.CallerOf(c).IsStaff() {
		b.CustomerID = httpx.Opt[int64]{} // not theirs to set
	}
	b.apply(&in)
	if d, err = h.Devices.Update(c.UserContext(), httpx.CallerOf(c), d.ID, in); err != nil {
		return err
	}
	return c.JSON(h.toAPIDevice(d))
}

// APIDeleteDevice deletes a device; its code goes back to stock.
func (h *Handlers) APIDeleteDevice(c *fiber.Ctx) error {
	d, err := h.pathDevice(c)
	if err != nil {
		return err
	}
	if err := h.Devices.Delete(c.UserContext(), httpx.CallerOf(c), d.ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type apiCode struct {
	ID        int64      `json:"id"`
	Token     string     `json:"token"`
	URL       string     `json:"url"`
	State     string     `json:"state"`
	Active    bool       `json:"active"`
	HasPIN    bool       `json:"has_pin"`
	DeviceID  *int64     `json:"device_id"`
	PairedAt  *time.Time `json:"paired_at"`
	RetiredAt *time.Time `json:"retired_at"`
	CreatedAt time.Time  `json:"created_at"`
}

func (h *Handlers) toAPICode(cd *device.Code) apiCode {
	return apiCode{ID: cd.ID, Token: cd.Token, URL: h.scanURL(cd.Token), State: cd.State(), Active: cd.Active,
		HasPIN: cd.HasPIN(), DeviceID: cd.DeviceID, PairedAt: httpx.UTC(cd.PairedAt), RetiredAt: httpx.UTC(cd.RetiredAt),
		CreatedAt: cd.CreatedAt.UTC()}
}

// APICodes lists the provider's codes, newest first.
func (h *Handlers) APICodes(c *fiber.Ctx) error {
	p, err := httpx.ParsePaging(c)
	if err != nil {
		return err
	}
	f := device.CodeFilter{State: c.Query("state")}
	if v := c.Query("device_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return apperr.Invalid("device_id", "error.device_unknown")
		}
		f.DeviceID = id
	}
	codes, more, err := h.Devices.Codes(c.UserContext(), httpx.CallerOf(c), f, p.After, p.Limit)
	if err != nil {
		return err
	}
	out := httpx.List[apiCode]{Items: make([]apiCode, 0, len(codes))}
	for _, cd := range codes {
		out.Items = append(out.Items, h.toAPICode(cd))
	}
	if more {
		out.NextCursor = httpx.CursorFor(codes[len(codes)-1].ID)
	}
	return c.JSON(out)
}

// APICreateCodes makes a batch of unpaired codes.
func (h *Handlers) APICreateCodes(c *fiber.Ctx) error {
	var body struct {
		Count *int `json:"count"`
	}
	if err := httpx.DecodeJSON(c, &body); err != nil {
		return err
	}
	if body.Count == nil {
		return apperr.Invalid("count", "error.required")
	}
	codes, err := h.Devices.CreateCodes(c.UserContext(), httpx.CallerOf(c), *body.Count)
	if err != nil {
		return err
	}
	out := httpx.List[apiCode]{Items: make([]apiCode, 0, len(codes))}
	for _, cd := range codes {
		out.Items = append(out.Items, h.toAPICode(cd))
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// APIUpdateCode changes a code: {"active": bool, "pin": "1234" or null to
// remove, "device_id": id to pair or null to unpair}; absent fields stay.
func (h *Handlers) APIUpdateCode(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	var b struct {
		Active   httpx.Opt[bool]   `json:"active"`
		PIN      httpx.Opt[string] `json:"pin"`
		DeviceID httpx.Opt[int64]  `json:"device_id"`
	}
	if err := httpx.DecodeJSON(c, &b); err != nil {
		return err
	}
	v := &apperr.ValidationError{}
	httpx.Check(v, "active", b.Active)
	httpx.Check(v, "pin", b.PIN)
	httpx.CheckID(v, "device_id", "error.device_unknown", b.DeviceID)
	ch := device.CodeChange{Active: b.Active.Ptr(), PIN: b.PIN.Ptr(), Pair: b.DeviceID.Set, DeviceID: b.DeviceID.Value}
	if err := v.Err(); err != nil {
		return err
	}
	code, err := h.Devices.UpdateCode(c.UserContext(), httpx.CallerOf(c), id, ch)
	if err != nil {
		return err
	}
	return c.JSON(h.toAPICode(code))
}

// APIRegenerateCode gives a device a new code.
func (h *Handlers) APIRegenerateCode(c *fiber.Ctx) error {
	d, err := h.pathDevice(c)
	if err != nil {
		return err
	}
	code, err := h.Devices.Regenerate(c.UserContext(), httpx.CallerOf(c), d.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(h.toAPICode(code))
}

type apiEvent struct {
	ID        int64     `json:"id"`
	Action    string    `json:"action"`
	Field     string    `json:"field"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	CodeID    *int64    `json:"code_id"`
	ActorID   *int64    `json:"actor_id"`
	ActorName string    `json:"actor_name"`
	CreatedAt time.Time `json:"created_at"`
	Derived   bool      `json:"derived"` // from the device's dates, not a recorded change (id 0)
}

// APIDeviceHistory lists the changes of a device and its codes, newest first.
func (h *Handlers) APIDeviceHistory(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	p, err := httpx.ParsePaging(c)
	if err != nil {
		return err
	}
	events, more, err := h.Devices.History(c.UserContext(), httpx.CallerOf(c), id, p.After, p.Limit)
	if err != nil {
		return err
	}
	out := httpx.List[apiEvent]{Items: make([]apiEvent, 0, len(events))}
	for _, e := range events {
		out.Items = append(out.Items, apiEvent{ID: e.ID, Action: e.Action, Field: e.Field, From: e.FromValue, To: e.ToValue,
			CodeID: e.CodeID, ActorID: e.ActorID, ActorName: e.ActorName, CreatedAt: e.CreatedAt.UTC(), Derived: e.Derived})
	}
	if more {
		out.NextCursor = httpx.CursorFor(events[len(events)-1].ID)
	}
	return c.JSON(out)
}

// APIImportDevices takes a CSV file as the request body (text/csv), or as
// the "file" field of a multipart form.
func (h *Handlers) APIImportDevices(c *fiber.Ctx) error {
	body := c.Body()
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		fh, err := c.FormFile("file")
		if err != nil {
			return apperr.Invalid("file", "error.import_no_file")
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		devices, err := h.Devices.Import(c.UserContext(), httpx.CallerOf(c), f)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"imported": len(devices)})
	}
	devices, err := h.Devices.Import(c.UserContext(), httpx.CallerOf(c), bytes.NewReader(body))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"imported": len(devices)})
}
