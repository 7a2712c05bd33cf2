package deviceweb

import (
	"backoffice/app/device"
	"backoffice/app/web/httpx"
)

// Descriptions of the device and code routes of the API, for the route
// table and the OpenAPI document.
var (
	DocDevices = &httpx.APIDoc{Summary: "Devices you may see (your company's; for staff the provider's), filtered, sorted and paged", Tag: "devices",
		Status: 200, Response: "DeviceList", Query: []string{"status", "site", "category", "q", "due", "customer_id", "sort", "limit", "cursor"}, Errors: []int{403}}
	DocCreateDevice = &httpx.APIDoc{Summary: "Register a device; it gets a fresh QR code", Tag: "devices",
		Request: "DeviceInput", Status: 201, Response: "Device", Errors: []int{403, 404, 409}}
	DocImportDevices = &httpx.APIDoc{Summary: "Import devices from a CSV body (text/csv): every row or none; problems by line and column", Tag: "devices",
		Status: 201, Response: "ImportResult", Errors: []int{403, 404, 409, 413, 422},
		Extra: map[string]any{"requestBody": map[string]any{"required": true, "content": map[string]any{"text/csv": map[string]any{"schema": httpx.Str}}}}}
	DocExportDevices = &httpx.APIDoc{Summary: "The filtered device list as CSV (formula-like cells neutralised)", Tag: "devices",
		Status: 200, Response: "CSV", Query: []string{"status", "site", "category", "q", "due", "customer_id", "sort"}, Errors: []int{403}}
	DocDevice       = &httpx.APIDoc{Summary: "One device", Tag: "devices", Status: 200, Response: "Device", Errors: []int{403, 404}}
	DocUpdateDevice = &httpx.APIDoc{Summary: "Change a device; fields left out stay. Customers change name, site, location, notes and status only", Tag: "devices",
		Request: "DeviceInput", Status: 200, Response: "Device", Errors: []int{403, 404, 409}}
	DocDeleteDevice   = &httpx.APIDoc{Summary: "Delete a device; its code goes back to stock unpaired", Tag: "devices", Status: 204, Errors: []int{403, 404}}
	DocRegenerateCode = &httpx.APIDoc{Summary: "Give a device a new QR code; the old one stops working at once", Tag: "codes",
		Status: 201, Response: "Code", Errors: []int{403, 404}}
	DocDeviceHistory = &httpx.APIDoc{Summary: "Every change of a device and its codes, newest first, with entries derived from its dates (installed, last service, status since; derived true, id 0)", Tag: "devices",
		Status: 200, Response: "DeviceEventList", Query: []string{"limit", "cursor"}, Errors: []int{403, 404}}
	DocDeviceQR = &httpx.APIDoc{Summary: "The device's QR code as PNG (size 64-1024 px, default 256); cacheable with ETag", Tag: "devices",
		Status: 200, Response: "PNG", Query: []string{"size"}, Errors: []int{403, 404}}
	DocCodes = &httpx.APIDoc{Summary: "QR codes of the provider, newest first; state filters unpaired, paired, disabled or retired", Tag: "codes",
		Status: 200, Response: "CodeList", Query: []string{"state", "device_id", "limit", "cursor"}, Errors: []int{403, 404}}
	DocCreateCodes = &httpx.APIDoc{Summary: "Make a batch of unpaired codes ({\"count\": N}, 1-500) to print in advance", Tag: "codes",
		Request: "CodeBatch", Status: 201, Response: "CodeList", Errors: []int{403, 404}}
	DocUpdateCode = &httpx.APIDoc{Summary: "Enable or disable a code, set or remove its PIN, pair it (device_id) or unpair it (null)", Tag: "codes",
		Request: "CodeUpdate", Status: 200, Response: "Code", Errors: []int{403, 404, 409}}
)

var deviceStatus = map[string]any{"type": "string", "enum": device.Statuses}

// Schemas are the JSON shapes of devices, codes and their inputs; those of
// answers are read off their types.
var Schemas = map[string]any{
	"Device":     httpx.SchemaOf[apiDevice](map[string]any{"status": deviceStatus}),
	"DeviceList": httpx.ListOf("Device"),
	"DeviceInput": httpx.Obj(nil, map[string]any{"customer_id": httpx.Nullable(httpx.Integer), "name": httpx.Str, "serial_number": httpx.Str,
		"manufacturer": httpx.Str, "model": httpx.Str, "category": httpx.Str, "site": httpx.Str, "location": httpx.Str, "status": deviceStatus,
		"installed_on": httpx.Nullable(httpx.Date), "warranty_until": httpx.Nullable(httpx.Date), "last_service_on": httpx.Nullable(httpx.Date),
		"next_service_due": httpx.Nullable(httpx.Date), "notes": httpx.Str}),
	"DeviceEvent": httpx.SchemaOf[apiEvent](map[string]any{
		"derived": map[string]any{"type": "boolean", "description": "an entry derived from the device's dates (installed, serviced, status_since), not a recorded change; its id is 0"}}),
	"DeviceEventList": httpx.ListOf("DeviceEvent"),
	"Code": httpx.SchemaOf[apiCode](map[string]any{
		"state": map[string]any{"type": "string", "enum": []string{"active", "disabled", "retired"}}}),
	"CodeList":  httpx.ListOf("Code"),
	"CodeBatch": httpx.Obj([]string{"count"}, map[string]any{"count": map[string]any{"type": "integer", "minimum": 1, "maximum": 500}}),
	"CodeUpdate": httpx.Obj(nil, map[string]any{"active": map[string]any{"type": "boolean"},
		"pin":       httpx.Nullable(map[string]any{"type": "string", "pattern": "^[0-9]{4,8}$"}),
		"device_id": httpx.Nullable(httpx.Integer)}),
	"ImportResult": httpx.Obj([]string{"imported"}, map[string]any{"imported": httpx.Integer}),
}
