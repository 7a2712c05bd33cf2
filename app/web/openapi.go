package web

import (
	"backoffice/app/device/deviceweb"
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
)

// schemas are the JSON shapes of the API: the shell's and those of each
// domain; tests check responses against them.
var schemas = mergeSchemas(map[string]any{
	"TokenRequest":  httpx.Obj([]string{"email", "password"}, map[string]any{"email": httpx.Str, "password": httpx.Str}),
	"TokenResponse": httpx.Obj([]string{"token", "expires_at"}, map[string]any{"token": httpx.Str, "expires_at": httpx.DateTime}),
	"User": httpx.Obj([]string{"id", "email", "first_name", "last_name", "role", "organization_id", "language", "time_zone", "status", "last_login_at"},
		map[string]any{
			"id": httpx.Integer, "email": httpx.Str, "first_name": httpx.Str, "last_name": httpx.Str,
			"role":            map[string]any{"type": "string", "enum": []string{"provider_admin", "provider_agent", "administrator", "moderator", "member"}},
			"organization_id": httpx.Integer,
			"language":        map[string]any{"type": "string", "enum": []string{"en", "de", "ru"}},
			"time_zone":       httpx.Str,
			"status":          map[string]any{"type": "string", "enum": []string{"active", "disabled", "invited"}},
			"last_login_at":   httpx.Nullable(httpx.DateTime),
			"warnings": map[string]any{"type": "array", "description": "only when created: accepted input that looks wrong",
				"items": httpx.Obj([]string{"field", "message"}, map[string]any{"field": httpx.Str, "message": httpx.Str})},
		}),
	"ProfileUpdate": httpx.Obj(nil, map[string]any{"first_name": httpx.Str, "last_name": httpx.Str, "language": httpx.Str, "time_zone": httpx.Str}),
	"PasswordChange": httpx.Obj([]string{"current_password", "new_password"},
		map[string]any{"current_password": httpx.Str, "new_password": httpx.Str}),
	"PasswordChanged": httpx.Obj([]string{"ended_sessions", "revoked_tokens"}, map[string]any{"ended_sessions": httpx.Integer, "revoked_tokens": httpx.Integer}),
	"Session": httpx.Obj([]string{"id", "ip", "user_agent", "current", "last_seen_at", "expires_at", "created_at"}, map[string]any{
		"id": httpx.Integer, "ip": httpx.Str, "user_agent": httpx.Str, "current": map[string]any{"type": "boolean"},
		"last_seen_at": httpx.DateTime, "expires_at": httpx.DateTime, "created_at": httpx.DateTime,
	}),
	"SessionList": httpx.ListOf("Session"),
	"TokenCreate": httpx.Obj([]string{"name"}, map[string]any{"name": httpx.Str,
		"expires_in_days": map[string]any{"type": "integer", "minimum": 1, "maximum": 365, "default": 30}}),
	"Token": httpx.Obj([]string{"id", "name", "prefix", "expires_at", "last_used_at", "created_at"}, map[string]any{
		"id": httpx.Integer, "name": httpx.Str, "prefix": httpx.Str, "token": map[string]any{"type": "string", "description": "only when created"},
		"expires_at": httpx.DateTime, "last_used_at": httpx.Nullable(httpx.DateTime), "created_at": httpx.DateTime,
	}),
	"TokenList": httpx.ListOf("Token"),
	"AuditEntry": httpx.Obj([]string{"id", "action", "actor_id", "actor_email", "organization_id", "target_type", "target_id", "ip", "detail", "created_at"},
		map[string]any{
			"id": httpx.Integer, "action": httpx.Str, "actor_id": httpx.Nullable(httpx.Integer), "actor_email": httpx.Str, "organization_id": httpx.Nullable(httpx.Integer),
			"target_type": httpx.Str, "target_id": httpx.Nullable(httpx.Integer), "ip": httpx.Str, "detail": httpx.Str, "created_at": httpx.DateTime,
		}),
	"AuditList": httpx.ListOf("AuditEntry"),
	"Problem": httpx.Obj([]string{"type", "title", "status"}, map[string]any{
		"type": httpx.Str, "title": httpx.Str, "status": map[string]any{"type": "integer"}, "detail": httpx.Str, "instance": httpx.Str, "request_id": httpx.Str,
		"errors": map[string]any{"type": "array", "items": httpx.Obj([]string{"field", "message"}, map[string]any{"field": httpx.Str, "message": httpx.Str,
			"line": map[string]any{"type": "integer", "description": "line of an uploaded file (CSV import)"}})},
	}),
	"OpenAPI": map[string]any{"type": "object"},
	"Customer": httpx.Obj([]string{"id", "name", "email_domains", "address", "phone", "notes", "independent", "independent_at", "created_at"},
		map[string]any{"id": httpx.Integer, "name": httpx.Str, "email_domains": map[string]any{"type": "array", "items": httpx.Str},
			"address": httpx.Str, "phone": httpx.Str, "notes": httpx.Str, "independent": map[string]any{"type": "boolean"},
			"independent_at": httpx.Nullable(httpx.DateTime), "created_at": httpx.DateTime}),
	"CustomerList": httpx.ListOf("Customer"),
	"CustomerInput": httpx.Obj(nil, map[string]any{"name": httpx.Str, "email_domains": map[string]any{"type": "array", "items": httpx.Str},
		"address": httpx.Str, "phone": httpx.Str, "notes": httpx.Str}),
	"Invitation": httpx.Obj([]string{"id", "organization_id", "user_id", "email", "first_name", "last_name", "language", "role", "state",
		"expires_at", "accepted_at", "sent_count", "created_at"}, map[string]any{
		"id": httpx.Integer, "organization_id": httpx.Integer, "user_id": httpx.Nullable(httpx.Integer), "email": httpx.Str, "first_name": httpx.Str, "last_name": httpx.Str,
		"language": httpx.Str, "role": httpx.Str, "state": map[string]any{"type": "string", "enum": []string{"pending", "accepted", "expired"}},
		"expires_at": httpx.DateTime, "accepted_at": httpx.Nullable(httpx.DateTime), "sent_count": httpx.Integer, "created_at": httpx.DateTime}),
	"InvitationList": httpx.ListOf("Invitation"),
	"InvitationInput": httpx.Obj([]string{"first_name", "email", "role"}, map[string]any{"first_name": httpx.Str, "last_name": httpx.Str, "email": httpx.Str,
		"language": map[string]any{"type": "string", "enum": []string{"en", "de", "ru"}, "default": "en"},
		"role":     map[string]any{"type": "string", "enum": []string{"administrator", "moderator", "member"}}}),
	"AcceptInvitation": httpx.Obj([]string{"token", "password"}, map[string]any{"token": httpx.Str, "password": httpx.Str}),
	"UserList":         httpx.ListOf("User"),
	"UserInput": httpx.Obj([]string{"first_name", "email", "role"}, map[string]any{"first_name": httpx.Str, "last_name": httpx.Str, "email": httpx.Str,
		"language": map[string]any{"type": "string", "enum": []string{"en", "de", "ru"}, "default": "en"},
		"role":     httpx.Str, "organization_id": map[string]any{"type": "integer", "description": "staff only: a customer to create the user in; default your own organization"}}),
	"UserUpdate": httpx.Obj(nil, map[string]any{"first_name": httpx.Str, "last_name": httpx.Str, "role": httpx.Str, "language": httpx.Str, "time_zone": httpx.Str}),
	"CSV":        map[string]any{"type": "string", "format": "text/csv"},
	"File":       map[string]any{"type": "string", "format": "binary"},
	"Field": httpx.Obj([]string{"id", "key", "label", "kind", "options", "shown", "editable", "position"}, map[string]any{"id": httpx.Integer,
		"key": map[string]any{"type": "string", "description": "the key of its value in a ticket's fields"}, "label": httpx.Str,
		"kind":    map[string]any{"type": "string", "enum": []string{"text", "number", "date", "select", "checkbox"}},
		"options": map[string]any{"type": "array", "items": httpx.Str}, "shown": map[string]any{"type": "boolean"},
		"editable": map[string]any{"type": "boolean"}, "position": httpx.Integer}),
	"FieldList": httpx.ListOf("Field"),
	"FieldInput": httpx.Obj(nil, map[string]any{"label": httpx.Str, "kind": httpx.Str, "options": map[string]any{"type": "array", "items": httpx.Str},
		"shown": map[string]any{"type": "boolean"}, "editable": map[string]any{"type": "boolean"}, "position": httpx.Integer}),
	"Template":      httpx.Obj([]string{"id", "name", "body", "updated_at"}, map[string]any{"id": httpx.Integer, "name": httpx.Str, "body": httpx.Str, "updated_at": httpx.DateTime}),
	"TemplateList":  httpx.ListOf("Template"),
	"TemplateInput": httpx.Obj(nil, map[string]any{"name": httpx.Str, "body": httpx.Str}),
	"Attachment": httpx.Obj([]string{"id", "filename", "content_type", "size", "url"}, map[string]any{"id": httpx.Integer, "filename": httpx.Str,
		"content_type": httpx.Str, "size": httpx.Integer, "url": httpx.Str}),
	"PNG": map[string]any{"type": "string", "format": "binary"},
	"Ticket": httpx.Obj([]string{"id", "number", "subject", "status", "channel", "customer_id", "device_id", "requester_id", "fields", "rating",
		"created_at", "updated_at", "first_response_at", "resolved_at", "closed_at", "due_at"}, map[string]any{
		"id": httpx.Integer, "number": httpx.Integer, "subject": httpx.Str,
		"status":      map[string]any{"type": "string", "enum": []string{"new", "open", "pending", "resolved", "closed"}},
		"priority":    map[string]any{"type": "string", "enum": []string{"low", "normal", "high", "urgent"}, "description": "when your permissions show it"},
		"type":        map[string]any{"type": "string", "description": "when your permissions show it"},
		"channel":     map[string]any{"type": "string", "enum": []string{"web", "email", "phone", "messenger", "qr", "video"}},
		"customer_id": httpx.Integer, "device_id": httpx.Nullable(httpx.Integer), "requester_id": httpx.Nullable(httpx.Integer),
		"assignee_id": httpx.Nullable(httpx.Integer), "group": httpx.Str, "tags": map[string]any{"type": "array", "items": httpx.Str},
		"fields": map[string]any{"type": "object"}, "rating": httpx.Nullable(httpx.Integer),
		"created_at": httpx.DateTime, "updated_at": httpx.DateTime, "first_response_at": httpx.Nullable(httpx.DateTime),
		"resolved_at": httpx.Nullable(httpx.DateTime), "closed_at": httpx.Nullable(httpx.DateTime), "due_at": httpx.Nullable(httpx.DateTime)}),
	"TicketList": httpx.ListOf("Ticket"),
	"TicketInput": httpx.Obj([]string{"subject", "description"}, map[string]any{"subject": httpx.Str, "description": httpx.Str,
		"device_id": httpx.Integer, "priority": httpx.Str, "type": httpx.Str, "tags": map[string]any{"type": "array", "items": httpx.Str},
		"group":        map[string]any{"type": "string", "description": "staff, or customers whom the group is editable for"},
		"assignee_id":  map[string]any{"type": "integer", "description": "staff, or customers whom the assignee is editable for: an active agent of the provider"},
		"customer_id":  map[string]any{"type": "integer", "description": "staff: the customer"},
		"requester_id": map[string]any{"type": "integer", "description": "staff: a user of that customer"},
		"channel":      map[string]any{"type": "string", "enum": []string{"web", "email", "phone", "messenger"}, "description": "staff; default phone"},
		"fields":       map[string]any{"type": "object", "description": "data field key → value (customers: editable fields only)"}}),
	"TicketUpdate": httpx.Obj(nil, map[string]any{"fields": map[string]any{"type": "object", "description": "data field key → value; \"\" clears"}, "subject": httpx.Str, "status": httpx.Str, "priority": httpx.Str, "type": httpx.Str, "group": httpx.Str,
		"tags": map[string]any{"type": "array", "items": httpx.Str}, "assignee_id": httpx.Nullable(httpx.Integer), "device_id": httpx.Nullable(httpx.Integer)}),
	"Message": httpx.Obj([]string{"id", "author_id", "author_name", "body", "created_at"}, map[string]any{"id": httpx.Integer,
		"author_id": httpx.Nullable(httpx.Integer), "author_name": httpx.Str, "body": httpx.Str, "internal": map[string]any{"type": "boolean", "description": "staff only"},
		"attachments": map[string]any{"type": "array", "items": httpx.Ref("Attachment")},
		"created_at":  httpx.DateTime}),
	"MessageList": httpx.ListOf("Message"),
	"PermissionSettings": map[string]any{"type": "object", "description": "permission → allow, deny or inherit; permissions: see_all, view_priority, edit_priority, view_type, edit_type, view_tags, edit_tags, see_assignee, edit_assignee, close, see_group, edit_group",
		"additionalProperties": map[string]any{"type": "string", "enum": []string{"allow", "deny", "inherit"}}},
	"CompanyPermissions": httpx.Obj([]string{"settings", "effective"}, map[string]any{"settings": httpx.Ref("PermissionSettings"),
		"effective": map[string]any{"type": "object", "description": "role → permission → allowed"}}),
	"UserPermissions": httpx.Obj([]string{"settings", "company", "effective"}, map[string]any{"settings": httpx.Ref("PermissionSettings"),
		"company": httpx.Ref("PermissionSettings"), "effective": map[string]any{"type": "object", "description": "permission → allowed"}}),
	"Rating": httpx.Obj([]string{"score"}, map[string]any{"score": map[string]any{"type": "integer", "minimum": 1, "maximum": 5}, "comment": httpx.Str}),
	"MessageInput": httpx.Obj([]string{"body"}, map[string]any{"body": httpx.Str, "internal": map[string]any{"type": "boolean", "description": "staff: an internal note"},
		"files": map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "binary"}, "description": "as multipart/form-data: up to 5 files of 3 MB (images, PDF, text, zip)"}}),
	"StandardField": httpx.Obj([]string{"name", "shown", "editable", "stored"}, map[string]any{
		"name":     map[string]any{"type": "string", "enum": []string{"priority", "assignee", "group"}},
		"shown":    map[string]any{"type": "boolean", "description": "customers see it in the back office"},
		"editable": map[string]any{"type": "boolean", "description": "customers may change it (only when shown)"},
		"stored":   map[string]any{"type": "boolean", "description": "false while the role defaults apply"}}),
	"StandardFieldList": httpx.ListOf("StandardField"),
	"TicketType": httpx.Obj([]string{"key", "label", "name", "active", "builtin", "position"}, map[string]any{"key": httpx.Str,
		"label":   map[string]any{"type": "string", "description": "the provider's own label; \"\" for a built-in type under its translated name"},
		"name":    map[string]any{"type": "string", "description": "the type as the reader sees it"},
		"active":  map[string]any{"type": "boolean", "description": "offered for new choices"},
		"builtin": map[string]any{"type": "boolean"}, "position": httpx.Integer}),
	"TicketTypeList":     httpx.ListOf("TicketType"),
	"TicketTypeInput":    httpx.Obj(nil, map[string]any{"label": httpx.Str, "active": map[string]any{"type": "boolean"}}),
	"StandardFieldInput": httpx.Obj(nil, map[string]any{"shown": map[string]any{"type": "boolean"}, "editable": map[string]any{"type": "boolean"}}),
	"EmailCheck": httpx.Obj([]string{"email", "valid", "taken", "customer"}, map[string]any{"email": httpx.Str,
		"valid": map[string]any{"type": "boolean"}, "taken": map[string]any{"type": "boolean"}, "customer": httpx.Nullable(httpx.Ref("Customer"))}),
}, deviceweb.Schemas)

// mergeSchemas joins the schemas of the parts; a name declared twice is a
// mistake that would hide one of the shapes.
func mergeSchemas(parts ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, p := range parts {
		for name, sch := range p {
			if _, dup := out[name]; dup {
				panic("OpenAPI schema " + name + " declared twice")
			}
			out[name] = sch
		}
	}
	return out
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
			okResp["content"] = map[string]any{mime: map[string]any{"schema": httpx.Ref(d.Response)}}
		}
		responses[strconv.Itoa(d.Status)] = okResp
		errs := append([]int{}, d.Errors...)
		if r.Perm != httpx.Public {
			errs = append(errs, 401)
		}
		if d.Request != "" {
			errs = append(errs, 400, 415, 422)
			op["requestBody"] = map[string]any{"required": true,
				"content": map[string]any{"application/json": map[string]any{"schema": httpx.Ref(d.Request)}}}
		}
		if len(d.Query) > 0 {
			errs = append(errs, 422)
		}
		for _, code := range errs {
			responses[strconv.Itoa(code)] = map[string]any{"description": statusText[code],
				"content": map[string]any{"application/problem+json": map[string]any{"schema": httpx.Ref("Problem")}}}
		}
		op["responses"] = responses
		for k, v := range d.Extra {
			op[k] = v
		}
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": httpx.Integer})
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
