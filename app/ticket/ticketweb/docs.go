package ticketweb

import (
	"strings"

	"backoffice/app/ticket"
	"backoffice/app/web/httpx"
	"backoffice/rbac"
)

// Descriptions of the ticket, template, data field and permission routes of
// the API, for the route table and the OpenAPI document.
var (
	DocTickets = &httpx.APIDoc{Summary: "Tickets you may see (your company's, or your own when your company limits it; for staff the provider's queue, or one of its saved views: mine, unassigned, overdue, waiting, open), newest change first", Tag: "tickets",
		Status: 200, Response: "TicketList", Query: []string{"view", "status", "priority", "type", "device_id", "requester", "assignee", "customer_id", "created_within", "rating", "q", "sort", "limit", "cursor"}, Errors: []int{403}}
	DocCreateTicket = &httpx.APIDoc{Summary: "Open a ticket; staff open one on behalf of a customer (customer_id, requester_id, channel)", Tag: "tickets",
		Request: "TicketInput", Status: 201, Response: "Ticket", Errors: []int{403}}
	DocTicket       = &httpx.APIDoc{Summary: "One ticket, with the parameters you may see", Tag: "tickets", Status: 200, Response: "Ticket", Errors: []int{403, 404}}
	DocUpdateTicket = &httpx.APIDoc{Summary: "Change a ticket's parameters; customers change only what their permissions allow (the rest is ignored)", Tag: "tickets",
		Request: "TicketUpdate", Status: 200, Response: "Ticket", Errors: []int{403, 404}}
	DocTicketMessages = &httpx.APIDoc{Summary: "The correspondence, oldest first; internal notes only for staff", Tag: "tickets",
		Status: 200, Response: "MessageList", Query: []string{"limit", "cursor"}, Errors: []int{403, 404}}
	DocReplyTicket = &httpx.APIDoc{Summary: "Reply; staff may add an internal note (internal: true). Customers reply to web and email tickets only", Tag: "tickets",
		Request: "MessageInput", Status: 201, Response: "Message", Errors: []int{403, 404}}
	DocCloseTicket  = &httpx.APIDoc{Summary: "Close a ticket (customers: web and email tickets)", Tag: "tickets", Status: 200, Response: "Ticket", Errors: []int{403, 404, 409}}
	DocReopenTicket = &httpx.APIDoc{Summary: "Reopen a closed or resolved ticket (customers: web and email tickets)", Tag: "tickets", Status: 200, Response: "Ticket", Errors: []int{403, 404, 409}}
	DocCompanyPerms = &httpx.APIDoc{Summary: "A customer company's ticket permissions (allow, deny or inherit the role default) and what each role gets", Tag: "permissions",
		Status: 200, Response: "CompanyPermissions", Errors: []int{403, 404}}
	DocSetCompanyPerms = &httpx.APIDoc{Summary: "Change a customer company's ticket permissions; those left out stay", Tag: "permissions",
		Request: "PermissionSettings", Status: 200, Response: "CompanyPermissions", Errors: []int{403, 404}}
	DocUserPerms = &httpx.APIDoc{Summary: "One customer user's ticket permissions: their settings (which win), the company's, and the effect", Tag: "permissions",
		Status: 200, Response: "UserPermissions", Errors: []int{403, 404}}
	DocSetUserPerms = &httpx.APIDoc{Summary: "Override ticket permissions for one customer user; those left out stay", Tag: "permissions",
		Request: "PermissionSettings", Status: 200, Response: "UserPermissions", Errors: []int{403, 404}}
	DocAttachment = &httpx.APIDoc{Summary: "A file attached to a ticket's message, as a download (files of internal notes only for staff)", Tag: "tickets",
		Status: 200, Response: "File", Errors: []int{403, 404}}
	DocTemplates      = &httpx.APIDoc{Summary: "Reply templates of your provider, by name (staff only)", Tag: "templates", Status: 200, Response: "TemplateList", Errors: []int{403, 404}}
	DocCreateTemplate = &httpx.APIDoc{Summary: "Add a reply template", Tag: "templates", Request: "TemplateInput", Status: 201, Response: "Template", Errors: []int{403, 404}}
	DocTemplate       = &httpx.APIDoc{Summary: "One reply template", Tag: "templates", Status: 200, Response: "Template", Errors: []int{403, 404}}
	DocUpdateTemplate = &httpx.APIDoc{Summary: "Change a reply template; fields left out stay", Tag: "templates", Request: "TemplateInput", Status: 200, Response: "Template", Errors: []int{403, 404}}
	DocDeleteTemplate = &httpx.APIDoc{Summary: "Delete a reply template", Tag: "templates", Status: 204, Errors: []int{403, 404}}
	DocFields         = &httpx.APIDoc{Summary: "The provider's data fields of tickets, in order", Tag: "fields", Status: 200, Response: "FieldList", Errors: []int{403, 404}}
	DocCreateField    = &httpx.APIDoc{Summary: "Define a data field (text, number, date, select, checkbox), shown in the back office and editable by customers or not", Tag: "fields", Request: "FieldInput", Status: 201, Response: "Field", Errors: []int{403, 404}}
	DocUpdateField    = &httpx.APIDoc{Summary: "Change a data field; properties left out stay", Tag: "fields", Request: "FieldInput", Status: 200, Response: "Field", Errors: []int{403, 404}}
	DocStandardFields = &httpx.APIDoc{Summary: "The switches of the standard fields priority, assignee and group: shown in the back office, editable by customers (the default of every customer; a company's or user's permission wins)", Tag: "fields", Status: 200, Response: "StandardFieldList", Errors: []int{403, 404}}
	DocSetStandard    = &httpx.APIDoc{Summary: "Switch a standard field (priority, assignee, group); properties left out stay", Tag: "fields", Request: "StandardFieldInput", Status: 200, Response: "StandardField", Errors: []int{403, 404, 422}}
	DocTypes          = &httpx.APIDoc{Summary: "The provider's ticket types in order, retired ones included (customers: of the provider serving them)", Tag: "fields", Status: 200, Response: "TicketTypeList", Errors: []int{403}}
	DocAddType        = &httpx.APIDoc{Summary: "Add a ticket type; its key is made from the label", Tag: "fields", Request: "TicketTypeInput", Status: 201, Response: "TicketType", Errors: []int{403, 404, 422}}
	DocUpdateType     = &httpx.APIDoc{Summary: "Rename a ticket type (\"\" gives a built-in type its translated name back) or retire it (active false; tickets keep it); one type stays offered", Tag: "fields", Request: "TicketTypeInput", Status: 200, Response: "TicketType", Errors: []int{403, 404, 422}}
	DocDeleteField    = &httpx.APIDoc{Summary: "Delete a data field; its values are no longer shown", Tag: "fields", Status: 204, Errors: []int{403, 404}}
	DocRateTicket     = &httpx.APIDoc{Summary: "Rate a resolved or closed ticket you requested: score 1-5 and an optional comment; rating again replaces it", Tag: "tickets",
		Request: "Rating", Status: 200, Response: "Ticket", Errors: []int{403, 404}}
)

// Schemas are the JSON shapes of tickets, messages, templates, data fields,
// ticket types and customer permissions.
var Schemas = map[string]any{
	"Field": httpx.SchemaOf[apiField](map[string]any{
		"key":  map[string]any{"type": "string", "description": "the key of its value in a ticket's fields"},
		"kind": map[string]any{"type": "string", "enum": ticket.FieldKinds}}),
	"FieldList": httpx.ListOf("Field"),
	"FieldInput": httpx.Obj(nil, map[string]any{"label": httpx.Str, "kind": httpx.Str, "options": map[string]any{"type": "array", "items": httpx.Str},
		"shown": map[string]any{"type": "boolean"}, "editable": map[string]any{"type": "boolean"}, "position": httpx.Integer}),
	"Template":      httpx.SchemaOf[apiTemplate](nil),
	"TemplateList":  httpx.ListOf("Template"),
	"TemplateInput": httpx.Obj(nil, map[string]any{"name": httpx.Str, "body": httpx.Str}),
	"Attachment":    httpx.SchemaOf[apiAttachment](nil),
	"Ticket": httpx.SchemaOf[apiTicket](map[string]any{
		"status":   map[string]any{"type": "string", "enum": ticket.Statuses},
		"priority": map[string]any{"type": "string", "enum": ticket.Priorities, "description": "when your permissions show it"},
		"type":     map[string]any{"type": "string", "description": "when your permissions show it"},
		"channel":  map[string]any{"type": "string", "enum": ticket.Channels}}),
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
	"Message": httpx.SchemaOf[apiMessage](map[string]any{
		"internal":    map[string]any{"type": "boolean", "description": "staff only"},
		"attachments": map[string]any{"type": "array", "items": httpx.Ref("Attachment")}}),
	"MessageList": httpx.ListOf("Message"),
	"PermissionSettings": map[string]any{"type": "object", "description": "permission → allow, deny or inherit; permissions: " + strings.Join(rbac.TicketPerms, ", "),
		"additionalProperties": map[string]any{"type": "string", "enum": []string{"allow", "deny", "inherit"}}},
	"CompanyPermissions": httpx.Obj([]string{"settings", "effective"}, map[string]any{"settings": httpx.Ref("PermissionSettings"),
		"effective": map[string]any{"type": "object", "description": "role → permission → allowed"}}),
	"UserPermissions": httpx.Obj([]string{"settings", "company", "effective"}, map[string]any{"settings": httpx.Ref("PermissionSettings"),
		"company": httpx.Ref("PermissionSettings"), "effective": map[string]any{"type": "object", "description": "permission → allowed"}}),
	"Rating": httpx.Obj([]string{"score"}, map[string]any{"score": map[string]any{"type": "integer", "minimum": 1, "maximum": 5}, "comment": httpx.Str}),
	"MessageInput": httpx.Obj([]string{"body"}, map[string]any{"body": httpx.Str, "internal": map[string]any{"type": "boolean", "description": "staff: an internal note"},
		"status": map[string]any{"type": "string", "enum": ticket.ReplyStatuses, "description": "staff: move the ticket to this status with the reply, in one step"},
		"files":  map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "binary"}, "description": "as multipart/form-data: up to 5 files of 3 MB (images, PDF, text, zip)"}}),
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
}
