package web

import (
	"backoffice/app/web/httpx"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

var (
	docOpenAPI    = &httpx.APIDoc{Summary: "This OpenAPI document", Tag: "meta", Status: 200, Response: "OpenAPI"}
	docIssueToken = &httpx.APIDoc{Summary: "Exchange email and password for a bearer token", Tag: "auth",
		Request: "TokenRequest", Status: 201, Response: "TokenResponse", Errors: []int{403, 429}}
	docRevokeCurrentToken = &httpx.APIDoc{Summary: "Revoke the bearer token of this request", Tag: "auth", Status: 204}
	docMe                 = &httpx.APIDoc{Summary: "The signed-in user", Tag: "profile", Status: 200, Response: "User"}
	docUpdateMe           = &httpx.APIDoc{Summary: "Change name, language or time zone", Tag: "profile",
		Request: "ProfileUpdate", Status: 200, Response: "User"}
	docChangePassword = &httpx.APIDoc{Summary: "Change the password; ends every other session and API token (the token making the change stays valid)", Tag: "profile",
		Request: "PasswordChange", Status: 200, Response: "PasswordChanged", Errors: []int{429}}
	docSessions = &httpx.APIDoc{Summary: "Live browser sessions of the signed-in user", Tag: "profile",
		Status: 200, Response: "SessionList", Query: []string{"limit", "cursor"}}
	docEndSession  = &httpx.APIDoc{Summary: "End one of your sessions", Tag: "profile", Status: 204, Errors: []int{404}}
	docTokens      = &httpx.APIDoc{Summary: "Your API tokens", Tag: "profile", Status: 200, Response: "TokenList", Query: []string{"limit", "cursor"}}
	docCreateToken = &httpx.APIDoc{Summary: "Create an API token; the token is shown only in this response", Tag: "profile",
		Request: "TokenCreate", Status: 201, Response: "Token"}
	docDeleteToken = &httpx.APIDoc{Summary: "Revoke one of your API tokens", Tag: "profile", Status: 204, Errors: []int{404}}
	docAudit       = &httpx.APIDoc{Summary: "Audit log of the provider organization, newest first", Tag: "audit",
		Status: 200, Response: "AuditList", Query: []string{"limit", "cursor"}, Errors: []int{403, 404}}

	docCustomers = &httpx.APIDoc{Summary: "Corporate customers you serve, by name; q searches names and email domains", Tag: "customers",
		Status: 200, Response: "CustomerList", Query: []string{"q", "limit", "cursor"}, Errors: []int{403, 404}}
	docCreateCustomer = &httpx.APIDoc{Summary: "Create a corporate customer", Tag: "customers",
		Request: "CustomerInput", Status: 201, Response: "Customer", Errors: []int{403, 404, 409}}
	docCustomer       = &httpx.APIDoc{Summary: "One customer", Tag: "customers", Status: 200, Response: "Customer", Errors: []int{403, 404}}
	docUpdateCustomer = &httpx.APIDoc{Summary: "Change a customer; fields left out stay as they are", Tag: "customers",
		Request: "CustomerInput", Status: 200, Response: "Customer", Errors: []int{403, 404, 409}}
	docDeleteCustomer = &httpx.APIDoc{Summary: "Delete a customer with its users and invitations (not an independent one)", Tag: "customers",
		Status: 204, Errors: []int{403, 404}}
	docMakeIndependent = &httpx.APIDoc{Summary: "Make a customer an independent organization that manages its own users", Tag: "customers",
		Status: 200, Response: "Customer", Errors: []int{403, 404, 409}}
	docInvitations = &httpx.APIDoc{Summary: "Invitations of a customer, newest first", Tag: "invitations",
		Status: 200, Response: "InvitationList", Query: []string{"limit", "cursor"}, Errors: []int{403, 404}}
	docInvite = &httpx.APIDoc{Summary: "Invite a person to a customer; the invitation email goes out in their language", Tag: "invitations",
		Request: "InvitationInput", Status: 201, Response: "Invitation", Errors: []int{403, 404, 409}}
	docAcceptInvitation = &httpx.APIDoc{Summary: "Accept an invitation: set the password with the token from the email", Tag: "invitations",
		Request: "AcceptInvitation", Status: 200, Response: "User", Errors: []int{404}}
	docResendInvitation = &httpx.APIDoc{Summary: "Send an invitation again with a new link; the old link stops working", Tag: "invitations",
		Status: 200, Response: "Invitation", Errors: []int{403, 404, 409}}
	docDeleteInvitation = &httpx.APIDoc{Summary: "Delete an invitation and the user created from it, with their sessions and tokens", Tag: "invitations",
		Status: 204, Errors: []int{403, 404}}
	docEmailCheck = &httpx.APIDoc{Summary: "Whether an email is in use, and which customer its domain proposes", Tag: "users",
		Status: 200, Response: "EmailCheck", Query: []string{"email"}, Errors: []int{403, 404}}
	docUsers = &httpx.APIDoc{Summary: "Users you may see: your company's; for staff the provider's and its customers' (customer_id filters)", Tag: "users",
		Status: 200, Response: "UserList", Query: []string{"customer_id", "q", "limit", "cursor"}, Errors: []int{403, 404}}
	docCreateUser = &httpx.APIDoc{Summary: "Create a user directly (no invitation); they get a set-password email valid 24 hours. " +
		"Customers cannot use an address in another organization's email domains (422); one outside their own domains comes back with warnings", Tag: "users",
		Request: "UserInput", Status: 201, Response: "User", Errors: []int{403, 404, 409}}
	docUser       = &httpx.APIDoc{Summary: "One user", Tag: "users", Status: 200, Response: "User", Errors: []int{403, 404}}
	docUpdateUser = &httpx.APIDoc{Summary: "Change a user's name, role, language or time zone", Tag: "users",
		Request: "UserUpdate", Status: 200, Response: "User", Errors: []int{403, 404, 409}}
	docDeleteUser  = &httpx.APIDoc{Summary: "Delete a user with their sessions and tokens", Tag: "users", Status: 204, Errors: []int{403, 404, 409}}
	docDisableUser = &httpx.APIDoc{Summary: "Disable a user: every session and token ends at once; data is kept", Tag: "users",
		Status: 200, Response: "User", Errors: []int{403, 404, 409}}
	docEnableUser = &httpx.APIDoc{Summary: "Enable a disabled user", Tag: "users", Status: 200, Response: "User", Errors: []int{403, 404}}

	docOrganization = &httpx.APIDoc{Summary: "Your provider organization: name, email domains, and the phone and address scan pages show", Tag: "organization",
		Status: 200, Response: "Customer", Errors: []int{403, 404}}
	docUpdateOrganization = &httpx.APIDoc{Summary: "Change your provider organization's details; fields left out stay", Tag: "organization",
		Request: "CustomerInput", Status: 200, Response: "Customer", Errors: []int{403, 404, 409}}
	docTickets = &httpx.APIDoc{Summary: "Tickets you may see (your company's, or your own when your company limits it; for staff the provider's queue), newest change first", Tag: "tickets",
		Status: 200, Response: "TicketList", Query: []string{"status", "priority", "type", "device_id", "requester", "assignee", "customer_id", "created_within", "rating", "q", "sort", "limit", "cursor"}, Errors: []int{403}}
	docCreateTicket = &httpx.APIDoc{Summary: "Open a ticket; staff open one on behalf of a customer (customer_id, requester_id, channel)", Tag: "tickets",
		Request: "TicketInput", Status: 201, Response: "Ticket", Errors: []int{403}}
	docTicket       = &httpx.APIDoc{Summary: "One ticket, with the parameters you may see", Tag: "tickets", Status: 200, Response: "Ticket", Errors: []int{403, 404}}
	docUpdateTicket = &httpx.APIDoc{Summary: "Change a ticket's parameters; customers change only what their permissions allow (the rest is ignored)", Tag: "tickets",
		Request: "TicketUpdate", Status: 200, Response: "Ticket", Errors: []int{403, 404}}
	docTicketMessages = &httpx.APIDoc{Summary: "The correspondence, oldest first; internal notes only for staff", Tag: "tickets",
		Status: 200, Response: "MessageList", Query: []string{"limit", "cursor"}, Errors: []int{403, 404}}
	docReplyTicket = &httpx.APIDoc{Summary: "Reply; staff may add an internal note (internal: true). Customers reply to web and email tickets only", Tag: "tickets",
		Request: "MessageInput", Status: 201, Response: "Message", Errors: []int{403, 404}}
	docCloseTicket  = &httpx.APIDoc{Summary: "Close a ticket (customers: web and email tickets)", Tag: "tickets", Status: 200, Response: "Ticket", Errors: []int{403, 404, 409}}
	docReopenTicket = &httpx.APIDoc{Summary: "Reopen a closed or resolved ticket (customers: web and email tickets)", Tag: "tickets", Status: 200, Response: "Ticket", Errors: []int{403, 404, 409}}
	docCompanyPerms = &httpx.APIDoc{Summary: "A customer company's ticket permissions (allow, deny or inherit the role default) and what each role gets", Tag: "permissions",
		Status: 200, Response: "CompanyPermissions", Errors: []int{403, 404}}
	docSetCompanyPerms = &httpx.APIDoc{Summary: "Change a customer company's ticket permissions; those left out stay", Tag: "permissions",
		Request: "PermissionSettings", Status: 200, Response: "CompanyPermissions", Errors: []int{403, 404}}
	docUserPerms = &httpx.APIDoc{Summary: "One customer user's ticket permissions: their settings (which win), the company's, and the effect", Tag: "permissions",
		Status: 200, Response: "UserPermissions", Errors: []int{403, 404}}
	docSetUserPerms = &httpx.APIDoc{Summary: "Override ticket permissions for one customer user; those left out stay", Tag: "permissions",
		Request: "PermissionSettings", Status: 200, Response: "UserPermissions", Errors: []int{403, 404}}
	docAttachment = &httpx.APIDoc{Summary: "A file attached to a ticket's message, as a download (files of internal notes only for staff)", Tag: "tickets",
		Status: 200, Response: "File", Errors: []int{403, 404}}
	docTemplates      = &httpx.APIDoc{Summary: "Reply templates of your provider, by name (staff only)", Tag: "templates", Status: 200, Response: "TemplateList", Errors: []int{403, 404}}
	docCreateTemplate = &httpx.APIDoc{Summary: "Add a reply template", Tag: "templates", Request: "TemplateInput", Status: 201, Response: "Template", Errors: []int{403, 404}}
	docTemplate       = &httpx.APIDoc{Summary: "One reply template", Tag: "templates", Status: 200, Response: "Template", Errors: []int{403, 404}}
	docUpdateTemplate = &httpx.APIDoc{Summary: "Change a reply template; fields left out stay", Tag: "templates", Request: "TemplateInput", Status: 200, Response: "Template", Errors: []int{403, 404}}
	docDeleteTemplate = &httpx.APIDoc{Summary: "Delete a reply template", Tag: "templates", Status: 204, Errors: []int{403, 404}}
	docFields         = &httpx.APIDoc{Summary: "The provider's data fields of tickets, in order", Tag: "fields", Status: 200, Response: "FieldList", Errors: []int{403, 404}}
	docCreateField    = &httpx.APIDoc{Summary: "Define a data field (text, number, date, select, checkbox), shown in the back office and editable by customers or not", Tag: "fields", Request: "FieldInput", Status: 201, Response: "Field", Errors: []int{403, 404}}
	docUpdateField    = &httpx.APIDoc{Summary: "Change a data field; properties left out stay", Tag: "fields", Request: "FieldInput", Status: 200, Response: "Field", Errors: []int{403, 404}}
	docStandardFields = &httpx.APIDoc{Summary: "The switches of the standard fields priority, assignee and group: shown in the back office, editable by customers (the default of every customer; a company's or user's permission wins)", Tag: "fields", Status: 200, Response: "StandardFieldList", Errors: []int{403, 404}}
	docSetStandard    = &httpx.APIDoc{Summary: "Switch a standard field (priority, assignee, group); properties left out stay", Tag: "fields", Request: "StandardFieldInput", Status: 200, Response: "StandardField", Errors: []int{403, 404, 422}}
	docTypes          = &httpx.APIDoc{Summary: "The provider's ticket types in order, retired ones included (customers: of the provider serving them)", Tag: "fields", Status: 200, Response: "TicketTypeList", Errors: []int{403}}
	docAddType        = &httpx.APIDoc{Summary: "Add a ticket type; its key is made from the label", Tag: "fields", Request: "TicketTypeInput", Status: 201, Response: "TicketType", Errors: []int{403, 404, 422}}
	docUpdateType     = &httpx.APIDoc{Summary: "Rename a ticket type (\"\" gives a built-in type its translated name back) or retire it (active false; tickets keep it); one type stays offered", Tag: "fields", Request: "TicketTypeInput", Status: 200, Response: "TicketType", Errors: []int{403, 404, 422}}
	docDeleteField    = &httpx.APIDoc{Summary: "Delete a data field; its values are no longer shown", Tag: "fields", Status: 204, Errors: []int{403, 404}}
	docRateTicket     = &httpx.APIDoc{Summary: "Rate a resolved or closed ticket you requested: score 1-5 and an optional comment; rating again replaces it", Tag: "tickets",
		Request: "Rating", Status: 200, Response: "Ticket", Errors: []int{403, 404}}
	docDevices = &httpx.APIDoc{Summary: "Devices you may see (your company's; for staff the provider's), filtered, sorted and paged", Tag: "devices",
		Status: 200, Response: "DeviceList", Query: []string{"status", "site", "category", "q", "due", "customer_id", "sort", "limit", "cursor"}, Errors: []int{403}}
	docCreateDevice = &httpx.APIDoc{Summary: "Register a device; it gets a fresh QR code", Tag: "devices",
		Request: "DeviceInput", Status: 201, Response: "Device", Errors: []int{403, 404, 409}}
	docImportDevices = &httpx.APIDoc{Summary: "Import devices from a CSV body (text/csv): every row or none; problems by line and column", Tag: "devices",
		Status: 201, Response: "ImportResult", Errors: []int{403, 404, 409, 413, 422},
		Extra: map[string]any{"requestBody": map[string]any{"required": true, "content": map[string]any{"text/csv": map[string]any{"schema": str}}}}}
	docExportDevices = &httpx.APIDoc{Summary: "The filtered device list as CSV (formula-like cells neutralised)", Tag: "devices",
		Status: 200, Response: "CSV", Query: []string{"status", "site", "category", "q", "due", "customer_id", "sort"}, Errors: []int{403}}
	docDevice       = &httpx.APIDoc{Summary: "One device", Tag: "devices", Status: 200, Response: "Device", Errors: []int{403, 404}}
	docUpdateDevice = &httpx.APIDoc{Summary: "Change a device; fields left out stay. Customers change name, site, location, notes and status only", Tag: "devices",
		Request: "DeviceInput", Status: 200, Response: "Device", Errors: []int{403, 404, 409}}
	docDeleteDevice   = &httpx.APIDoc{Summary: "Delete a device; its code goes back to stock unpaired", Tag: "devices", Status: 204, Errors: []int{403, 404}}
	docRegenerateCode = &httpx.APIDoc{Summary: "Give a device a new QR code; the old one stops working at once", Tag: "codes",
		Status: 201, Response: "Code", Errors: []int{403, 404}}
	docDeviceHistory = &httpx.APIDoc{Summary: "Every change of a device and its codes, newest first", Tag: "devices",
		Status: 200, Response: "DeviceEventList", Query: []string{"limit", "cursor"}, Errors: []int{403, 404}}
	docDeviceQR = &httpx.APIDoc{Summary: "The device's QR code as PNG (size 64-1024 px, default 256); cacheable with ETag", Tag: "devices",
		Status: 200, Response: "PNG", Query: []string{"size"}, Errors: []int{403, 404}}
	docCodes = &httpx.APIDoc{Summary: "QR codes of the provider, newest first; state filters unpaired, paired, disabled or retired", Tag: "codes",
		Status: 200, Response: "CodeList", Query: []string{"state", "device_id", "limit", "cursor"}, Errors: []int{403, 404}}
	docCreateCodes = &httpx.APIDoc{Summary: "Make a batch of unpaired codes ({\"count\": N}, 1-500) to print in advance", Tag: "codes",
		Request: "CodeBatch", Status: 201, Response: "CodeList", Errors: []int{403, 404}}
	docUpdateCode = &httpx.APIDoc{Summary: "Enable or disable a code, set or remove its PIN, pair it (device_id) or unpair it (null)", Tag: "codes",
		Request: "CodeUpdate", Status: 200, Response: "Code", Errors: []int{403, 404, 409}}
)

func obj(required []string, props map[string]any) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var (
	str          = map[string]any{"type": "string"}
	integer      = map[string]any{"type": "integer", "format": "int64"}
	dateTime     = map[string]any{"type": "string", "format": "date-time"}
	date         = map[string]any{"type": "string", "format": "date"}
	deviceStatus = map[string]any{"type": "string", "enum": []string{"operational", "needs_attention", "out_of_service", "in_maintenance", "retired"}}
	nullable     = func(s map[string]any) map[string]any {
		c := map[string]any{}
		for k, v := range s {
			c[k] = v
		}
		c["nullable"] = true
		return c
	}
	ref    = func(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
	listOf = func(item string) map[string]any {
		return obj([]string{"items", "next_cursor"}, map[string]any{
			"items":       map[string]any{"type": "array", "items": ref(item)},
			"next_cursor": nullable(str),
		})
	}
)

// schemas are the JSON shapes of the API; tests check responses against them.
var schemas = map[string]any{
	"TokenRequest":  obj([]string{"email", "password"}, map[string]any{"email": str, "password": str}),
	"TokenResponse": obj([]string{"token", "expires_at"}, map[string]any{"token": str, "expires_at": dateTime}),
	"User": obj([]string{"id", "email", "first_name", "last_name", "role", "organization_id", "language", "time_zone", "status", "last_login_at"},
		map[string]any{
			"id": integer, "email": str, "first_name": str, "last_name": str,
			"role":            map[string]any{"type": "string", "enum": []string{"provider_admin", "provider_agent", "administrator", "moderator", "member"}},
			"organization_id": integer,
			"language":        map[string]any{"type": "string", "enum": []string{"en", "de", "ru"}},
			"time_zone":       str,
			"status":          map[string]any{"type": "string", "enum": []string{"active", "disabled", "invited"}},
			"last_login_at":   nullable(dateTime),
			"warnings": map[string]any{"type": "array", "description": "only when created: accepted input that looks wrong",
				"items": obj([]string{"field", "message"}, map[string]any{"field": str, "message": str})},
		}),
	"ProfileUpdate": obj(nil, map[string]any{"first_name": str, "last_name": str, "language": str, "time_zone": str}),
	"PasswordChange": obj([]string{"current_password", "new_password"},
		map[string]any{"current_password": str, "new_password": str}),
	"PasswordChanged": obj([]string{"ended_sessions", "revoked_tokens"}, map[string]any{"ended_sessions": integer, "revoked_tokens": integer}),
	"Session": obj([]string{"id", "ip", "user_agent", "current", "last_seen_at", "expires_at", "created_at"}, map[string]any{
		"id": integer, "ip": str, "user_agent": str, "current": map[string]any{"type": "boolean"},
		"last_seen_at": dateTime, "expires_at": dateTime, "created_at": dateTime,
	}),
	"SessionList": listOf("Session"),
	"TokenCreate": obj([]string{"name"}, map[string]any{"name": str,
		"expires_in_days": map[string]any{"type": "integer", "minimum": 1, "maximum": 365, "default": 30}}),
	"Token": obj([]string{"id", "name", "prefix", "expires_at", "last_used_at", "created_at"}, map[string]any{
		"id": integer, "name": str, "prefix": str, "token": map[string]any{"type": "string", "description": "only when created"},
		"expires_at": dateTime, "last_used_at": nullable(dateTime), "created_at": dateTime,
	}),
	"TokenList": listOf("Token"),
	"AuditEntry": obj([]string{"id", "action", "actor_id", "actor_email", "organization_id", "target_type", "target_id", "ip", "detail", "created_at"},
		map[string]any{
			"id": integer, "action": str, "actor_id": nullable(integer), "actor_email": str, "organization_id": nullable(integer),
			"target_type": str, "target_id": nullable(integer), "ip": str, "detail": str, "created_at": dateTime,
		}),
	"AuditList": listOf("AuditEntry"),
	"Problem": obj([]string{"type", "title", "status"}, map[string]any{
		"type": str, "title": str, "status": map[string]any{"type": "integer"}, "detail": str, "instance": str, "request_id": str,
		"errors": map[string]any{"type": "array", "items": obj([]string{"field", "message"}, map[string]any{"field": str, "message": str,
			"line": map[string]any{"type": "integer", "description": "line of an uploaded file (CSV import)"}})},
	}),
	"OpenAPI": map[string]any{"type": "object"},
	"Customer": obj([]string{"id", "name", "email_domains", "address", "phone", "notes", "independent", "independent_at", "created_at"},
		map[string]any{"id": integer, "name": str, "email_domains": map[string]any{"type": "array", "items": str},
			"address": str, "phone": str, "notes": str, "independent": map[string]any{"type": "boolean"},
			"independent_at": nullable(dateTime), "created_at": dateTime}),
	"CustomerList": listOf("Customer"),
	"CustomerInput": obj(nil, map[string]any{"name": str, "email_domains": map[string]any{"type": "array", "items": str},
		"address": str, "phone": str, "notes": str}),
	"Invitation": obj([]string{"id", "organization_id", "user_id", "email", "first_name", "last_name", "language", "role", "state",
		"expires_at", "accepted_at", "sent_count", "created_at"}, map[string]any{
		"id": integer, "organization_id": integer, "user_id": nullable(integer), "email": str, "first_name": str, "last_name": str,
		"language": str, "role": str, "state": map[string]any{"type": "string", "enum": []string{"pending", "accepted", "expired"}},
		"expires_at": dateTime, "accepted_at": nullable(dateTime), "sent_count": integer, "created_at": dateTime}),
	"InvitationList": listOf("Invitation"),
	"InvitationInput": obj([]string{"first_name", "email", "role"}, map[string]any{"first_name": str, "last_name": str, "email": str,
		"language": map[string]any{"type": "string", "enum": []string{"en", "de", "ru"}, "default": "en"},
		"role":     map[string]any{"type": "string", "enum": []string{"administrator", "moderator", "member"}}}),
	"AcceptInvitation": obj([]string{"token", "password"}, map[string]any{"token": str, "password": str}),
	"UserList":         listOf("User"),
	"UserInput": obj([]string{"first_name", "email", "role"}, map[string]any{"first_name": str, "last_name": str, "email": str,
		"language": map[string]any{"type": "string", "enum": []string{"en", "de", "ru"}, "default": "en"},
		"role":     str, "organization_id": map[string]any{"type": "integer", "description": "staff only: a customer to create the user in; default your own organization"}}),
	"UserUpdate": obj(nil, map[string]any{"first_name": str, "last_name": str, "role": str, "language": str, "time_zone": str}),
	"Device": obj([]string{"id", "customer_id", "name", "serial_number", "manufacturer", "model", "category", "site", "location",
		"status", "status_changed_at", "installed_on", "warranty_until", "last_service_on", "next_service_due", "notes", "code",
		"code_id", "code_url", "created_at", "updated_at"}, map[string]any{
		"id": integer, "customer_id": nullable(integer), "name": str, "serial_number": str, "manufacturer": str, "model": str,
		"category": str, "site": str, "location": str, "status": deviceStatus, "status_changed_at": dateTime,
		"installed_on": nullable(date), "warranty_until": nullable(date), "last_service_on": nullable(date),
		"next_service_due": nullable(date), "notes": str, "code": nullable(str), "code_id": nullable(integer),
		"code_url": nullable(str), "created_at": dateTime, "updated_at": nullable(dateTime)}),
	"DeviceList": listOf("Device"),
	"DeviceInput": obj(nil, map[string]any{"customer_id": nullable(integer), "name": str, "serial_number": str,
		"manufacturer": str, "model": str, "category": str, "site": str, "location": str, "status": deviceStatus,
		"installed_on": nullable(date), "warranty_until": nullable(date), "last_service_on": nullable(date),
		"next_service_due": nullable(date), "notes": str}),
	"DeviceEvent": obj([]string{"id", "action", "field", "from", "to", "code_id", "actor_id", "actor_name", "created_at"}, map[string]any{
		"id": integer, "action": str, "field": str, "from": str, "to": str, "code_id": nullable(integer),
		"actor_id": nullable(integer), "actor_name": str, "created_at": dateTime}),
	"DeviceEventList": listOf("DeviceEvent"),
	"Code": obj([]string{"id", "token", "url", "state", "active", "has_pin", "device_id", "paired_at", "retired_at", "created_at"},
		map[string]any{"id": integer, "token": str, "url": str,
			"state":  map[string]any{"type": "string", "enum": []string{"active", "disabled", "retired"}},
			"active": map[string]any{"type": "boolean"}, "has_pin": map[string]any{"type": "boolean"},
			"device_id": nullable(integer), "paired_at": nullable(dateTime), "retired_at": nullable(dateTime), "created_at": dateTime}),
	"CodeList":  listOf("Code"),
	"CodeBatch": obj([]string{"count"}, map[string]any{"count": map[string]any{"type": "integer", "minimum": 1, "maximum": 500}}),
	"CodeUpdate": obj(nil, map[string]any{"active": map[string]any{"type": "boolean"},
		"pin":       nullable(map[string]any{"type": "string", "pattern": "^[0-9]{4,8}$"}),
		"device_id": nullable(integer)}),
	"ImportResult": obj([]string{"imported"}, map[string]any{"imported": integer}),
	"CSV":          map[string]any{"type": "string", "format": "text/csv"},
	"File":         map[string]any{"type": "string", "format": "binary"},
	"Field": obj([]string{"id", "key", "label", "kind", "options", "shown", "editable", "position"}, map[string]any{"id": integer,
		"key": map[string]any{"type": "string", "description": "the key of its value in a ticket's fields"}, "label": str,
		"kind":    map[string]any{"type": "string", "enum": []string{"text", "number", "date", "select", "checkbox"}},
		"options": map[string]any{"type": "array", "items": str}, "shown": map[string]any{"type": "boolean"},
		"editable": map[string]any{"type": "boolean"}, "position": integer}),
	"FieldList": listOf("Field"),
	"FieldInput": obj(nil, map[string]any{"label": str, "kind": str, "options": map[string]any{"type": "array", "items": str},
		"shown": map[string]any{"type": "boolean"}, "editable": map[string]any{"type": "boolean"}, "position": integer}),
	"Template":      obj([]string{"id", "name", "body", "updated_at"}, map[string]any{"id": integer, "name": str, "body": str, "updated_at": dateTime}),
	"TemplateList":  listOf("Template"),
	"TemplateInput": obj(nil, map[string]any{"name": str, "body": str}),
	"Attachment": obj([]string{"id", "filename", "content_type", "size", "url"}, map[string]any{"id": integer, "filename": str,
		"content_type": str, "size": integer, "url": str}),
	"PNG": map[string]any{"type": "string", "format": "binary"},
	"Ticket": obj([]string{"id", "number", "subject", "status", "channel", "customer_id", "device_id", "requester_id", "fields", "rating",
		"created_at", "updated_at", "first_response_at", "resolved_at", "closed_at", "due_at"}, map[string]any{
		"id": integer, "number": integer, "subject": str,
		"status":      map[string]any{"type": "string", "enum": []string{"new", "open", "pending", "resolved", "closed"}},
		"priority":    map[string]any{"type": "string", "enum": []string{"low", "normal", "high", "urgent"}, "description": "when your permissions show it"},
		"type":        map[string]any{"type": "string", "description": "when your permissions show it"},
		"channel":     map[string]any{"type": "string", "enum": []string{"web", "email", "phone", "messenger", "qr", "video"}},
		"customer_id": integer, "device_id": nullable(integer), "requester_id": nullable(integer),
		"assignee_id": nullable(integer), "group": str, "tags": map[string]any{"type": "array", "items": str},
		"fields": map[string]any{"type": "object"}, "rating": nullable(integer),
		"created_at": dateTime, "updated_at": dateTime, "first_response_at": nullable(dateTime),
		"resolved_at": nullable(dateTime), "closed_at": nullable(dateTime), "due_at": nullable(dateTime)}),
	"TicketList": listOf("Ticket"),
	"TicketInput": obj([]string{"subject", "description"}, map[string]any{"subject": str, "description": str,
		"device_id": integer, "priority": str, "type": str, "tags": map[string]any{"type": "array", "items": str},
		"group":        map[string]any{"type": "string", "description": "staff, or customers whom the group is editable for"},
		"assignee_id":  map[string]any{"type": "integer", "description": "staff, or customers whom the assignee is editable for: an active agent of the provider"},
		"customer_id":  map[string]any{"type": "integer", "description": "staff: the customer"},
		"requester_id": map[string]any{"type": "integer", "description": "staff: a user of that customer"},
		"channel":      map[string]any{"type": "string", "enum": []string{"web", "email", "phone", "messenger"}, "description": "staff; default phone"},
		"fields":       map[string]any{"type": "object", "description": "data field key → value (customers: editable fields only)"}}),
	"TicketUpdate": obj(nil, map[string]any{"fields": map[string]any{"type": "object", "description": "data field key → value; \"\" clears"}, "subject": str, "status": str, "priority": str, "type": str, "group": str,
		"tags": map[string]any{"type": "array", "items": str}, "assignee_id": nullable(integer), "device_id": nullable(integer)}),
	"Message": obj([]string{"id", "author_id", "author_name", "body", "created_at"}, map[string]any{"id": integer,
		"author_id": nullable(integer), "author_name": str, "body": str, "internal": map[string]any{"type": "boolean", "description": "staff only"},
		"attachments": map[string]any{"type": "array", "items": ref("Attachment")},
		"created_at":  dateTime}),
	"MessageList": listOf("Message"),
	"PermissionSettings": map[string]any{"type": "object", "description": "permission → allow, deny or inherit; permissions: see_all, view_priority, edit_priority, view_type, edit_type, view_tags, edit_tags, see_assignee, edit_assignee, close, see_group, edit_group",
		"additionalProperties": map[string]any{"type": "string", "enum": []string{"allow", "deny", "inherit"}}},
	"CompanyPermissions": obj([]string{"settings", "effective"}, map[string]any{"settings": ref("PermissionSettings"),
		"effective": map[string]any{"type": "object", "description": "role → permission → allowed"}}),
	"UserPermissions": obj([]string{"settings", "company", "effective"}, map[string]any{"settings": ref("PermissionSettings"),
		"company": ref("PermissionSettings"), "effective": map[string]any{"type": "object", "description": "permission → allowed"}}),
	"Rating": obj([]string{"score"}, map[string]any{"score": map[string]any{"type": "integer", "minimum": 1, "maximum": 5}, "comment": str}),
	"MessageInput": obj([]string{"body"}, map[string]any{"body": str, "internal": map[string]any{"type": "boolean", "description": "staff: an internal note"},
		"files": map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "binary"}, "description": "as multipart/form-data: up to 5 files of 3 MB (images, PDF, text, zip)"}}),
	"StandardField": obj([]string{"name", "shown", "editable", "stored"}, map[string]any{
		"name":     map[string]any{"type": "string", "enum": []string{"priority", "assignee", "group"}},
		"shown":    map[string]any{"type": "boolean", "description": "customers see it in the back office"},
		"editable": map[string]any{"type": "boolean", "description": "customers may change it (only when shown)"},
		"stored":   map[string]any{"type": "boolean", "description": "false while the role defaults apply"}}),
	"StandardFieldList": listOf("StandardField"),
	"TicketType": obj([]string{"key", "label", "name", "active", "builtin", "position"}, map[string]any{"key": str,
		"label":   map[string]any{"type": "string", "description": "the provider's own label; \"\" for a built-in type under its translated name"},
		"name":    map[string]any{"type": "string", "description": "the type as the reader sees it"},
		"active":  map[string]any{"type": "boolean", "description": "offered for new choices"},
		"builtin": map[string]any{"type": "boolean"}, "position": integer}),
	"TicketTypeList":     listOf("TicketType"),
	"TicketTypeInput":    obj(nil, map[string]any{"label": str, "active": map[string]any{"type": "boolean"}}),
	"StandardFieldInput": obj(nil, map[string]any{"shown": map[string]any{"type": "boolean"}, "editable": map[string]any{"type": "boolean"}}),
	"EmailCheck": obj([]string{"email", "valid", "taken", "customer"}, map[string]any{"email": str,
		"valid": map[string]any{"type": "boolean"}, "taken": map[string]any{"type": "boolean"}, "customer": nullable(ref("Customer"))}),
}

var pathParam = regexp.MustCompile(`:([a-z_]+)`)

// openAPIPath turns a Fiber route (/x/:id) into an OpenAPI path (/x/{id}).
func openAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

var statusText = map[int]string{200: "OK", 201: "Created", 204: "No content", 400: "Malformed request", 401: "Not signed in",
	403: "Not allowed", 404: "Not found", 409: "Conflict", 415: "Unsupported media type", 422: "Invalid input", 429: "Too many requests"}

// openAPIDocument builds the OpenAPI 3 document from the route table.
func (s *Server) openAPIDocument() map[string]any {
	paths := map[string]map[string]any{}
	for _, r := range s.routes {
		if r.Doc == nil {
			continue
		}
		d := r.Doc
		op := map[string]any{"summary": d.Summary, "tags": []string{d.Tag},
			"operationId": strings.ToLower(r.Method) + strings.ReplaceAll(strings.ReplaceAll(openAPIPath(strings.TrimPrefix(r.Path, "/api/v1")), "/", "_"), "{", "by_")}
		op["operationId"] = strings.NewReplacer("}", "", ".", "_").Replace(op["operationId"].(string))
		responses := map[string]any{}
		okResp := map[string]any{"description": statusText[d.Status]}
		if d.Response != "" {
			mime := map[string]string{"CSV": "text/csv", "PNG": "image/png", "File": "application/octet-stream"}[d.Response]
			if mime == "" {
				mime = "application/json"
			}
			okResp["content"] = map[string]any{mime: map[string]any{"schema": ref(d.Response)}}
		}
		responses[strconv.Itoa(d.Status)] = okResp
		errs := append([]int{}, d.Errors...)
		if r.Perm != httpx.Public {
			errs = append(errs, 401)
		}
		if d.Request != "" {
			errs = append(errs, 400, 415, 422)
			op["requestBody"] = map[string]any{"required": true,
				"content": map[string]any{"application/json": map[string]any{"schema": ref(d.Request)}}}
		}
		if len(d.Query) > 0 {
			errs = append(errs, 422)
		}
		for _, code := range errs {
			responses[strconv.Itoa(code)] = map[string]any{"description": statusText[code],
				"content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
		}
		op["responses"] = responses
		for k, v := range d.Extra {
			op[k] = v
		}
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": integer})
		}
		for _, q := range d.Query {
			sch := map[string]any{"type": "string", "maxLength": maxQuery(q)}
			if q == "limit" {
				sch = map[string]any{"type": "integer", "minimum": 1, "maximum": httpx.MaxLimit, "default": httpx.DefaultLimit}
			}
			params = append(params, map[string]any{"name": q, "in": "query", "required": false, "schema": sch})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.Perm == httpx.Public {
			op["security"] = []any{}
		}
		p := openAPIPath(r.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(r.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Backoffice API", "version": s.version,
			"description": "JSON API of Backoffice. Authenticate with `Authorization: Bearer <token>`; " +
				"get a token from POST /api/v1/auth/token or your profile. Errors are RFC 9457 problem documents."},
		"servers":  []map[string]any{{"url": s.cfg.BaseURL}},
		"paths":    paths,
		"security": []map[string]any{{"bearer": []string{}}},
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
}

func (s *Server) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.JSON(s.openAPIDocument())
}

// Schemas are the component schemas of the OpenAPI document, against which
// tests check the API's answers.
func Schemas() map[string]any { return schemas }
