package peopleweb

import "backoffice/app/web/httpx"

// Descriptions of the customer, invitation, user and organization routes of
// the API, for the route table and the OpenAPI document.
var (
	DocCustomers = &httpx.APIDoc{Summary: "Corporate customers you serve, by name, with their open tickets, devices and people (rolled up); q searches names and email domains", Tag: "customers",
		Status: 200, Response: "CustomerList", Query: []string{"q", "limit", "cursor"}, Errors: []int{403, 404}}
	DocCreateCustomer = &httpx.APIDoc{Summary: "Create a corporate customer", Tag: "customers",
		Request: "CustomerInput", Status: 201, Response: "Customer", Errors: []int{403, 404, 409}}
	DocCustomer       = &httpx.APIDoc{Summary: "One customer", Tag: "customers", Status: 200, Response: "Customer", Errors: []int{403, 404}}
	DocUpdateCustomer = &httpx.APIDoc{Summary: "Change a customer; fields left out stay as they are", Tag: "customers",
		Request: "CustomerInput", Status: 200, Response: "Customer", Errors: []int{403, 404, 409}}
	DocDeleteCustomer = &httpx.APIDoc{Summary: "Delete a customer with its users and invitations (not an independent one)", Tag: "customers",
		Status: 204, Errors: []int{403, 404}}
	DocMakeIndependent = &httpx.APIDoc{Summary: "Make a customer an independent organization that manages its own users", Tag: "customers",
		Status: 200, Response: "Customer", Errors: []int{403, 404, 409}}
	DocInvitations = &httpx.APIDoc{Summary: "Invitations of a customer, newest first", Tag: "invitations",
		Status: 200, Response: "InvitationList", Query: []string{"limit", "cursor"}, Errors: []int{403, 404}}
	DocInvite = &httpx.APIDoc{Summary: "Invite a person to a customer; the invitation email goes out in their language", Tag: "invitations",
		Request: "InvitationInput", Status: 201, Response: "Invitation", Errors: []int{403, 404, 409}}
	DocAcceptInvitation = &httpx.APIDoc{Summary: "Accept an invitation: set the password with the token from the email", Tag: "invitations",
		Request: "AcceptInvitation", Status: 200, Response: "User", Errors: []int{404}}
	DocResendInvitation = &httpx.APIDoc{Summary: "Send an invitation again with a new link; the old link stops working", Tag: "invitations",
		Status: 200, Response: "Invitation", Errors: []int{403, 404, 409}}
	DocDeleteInvitation = &httpx.APIDoc{Summary: "Delete an invitation and the user created from it, with their sessions and tokens", Tag: "invitations",
		Status: 204, Errors: []int{403, 404}}
	DocEmailCheck = &httpx.APIDoc{Summary: "Whether an email is in use, and which customer its domain proposes", Tag: "users",
		Status: 200, Response: "EmailCheck", Query: []string{"email"}, Errors: []int{403, 404}}
	DocUsers = &httpx.APIDoc{Summary: "Users you may see: your company's; for staff the provider's and its customers' (customer_id filters)", Tag: "users",
		Status: 200, Response: "UserList", Query: []string{"customer_id", "q", "limit", "cursor"}, Errors: []int{403, 404}}
	DocCreateUser = &httpx.APIDoc{Summary: "Create a user directly (no invitation); they get a set-password email valid 24 hours. " +
		"Customers cannot use an address in another organization's email domains (422); one outside their own domains comes back with warnings", Tag: "users",
		Request: "UserInput", Status: 201, Response: "User", Errors: []int{403, 404, 409}}
	DocUser       = &httpx.APIDoc{Summary: "One user", Tag: "users", Status: 200, Response: "User", Errors: []int{403, 404}}
	DocUpdateUser = &httpx.APIDoc{Summary: "Change a user's name, role, language or time zone", Tag: "users",
		Request: "UserUpdate", Status: 200, Response: "User", Errors: []int{403, 404, 409}}
	DocDeleteUser  = &httpx.APIDoc{Summary: "Delete a user with their sessions and tokens", Tag: "users", Status: 204, Errors: []int{403, 404, 409}}
	DocDisableUser = &httpx.APIDoc{Summary: "Disable a user: every session and token ends at once; data is kept", Tag: "users",
		Status: 200, Response: "User", Errors: []int{403, 404, 409}}
	DocEnableUser       = &httpx.APIDoc{Summary: "Enable a disabled user", Tag: "users", Status: 200, Response: "User", Errors: []int{403, 404}}
	DocSendPasswordLink = &httpx.APIDoc{Summary: "Email a user a new link to set their password: a set-password link (24 hours) when they have none, " +
		"else a reset link (1 hour); older links stop working. Limited per user and caller like \"forgot password\" (429); refused for a disabled user (409)", Tag: "users",
		Status: 202, Response: "PasswordLinkSent", Errors: []int{403, 404, 409, 429}}

	DocOrganization = &httpx.APIDoc{Summary: "Your provider organization: name, email domains, and the phone and address scan pages show", Tag: "organization",
		Status: 200, Response: "Customer", Errors: []int{403, 404}}
	DocUpdateOrganization = &httpx.APIDoc{Summary: "Change your provider organization's details; fields left out stay", Tag: "organization",
		Request: "CustomerInput", Status: 200, Response: "Customer", Errors: []int{403, 404, 409}}
)

// countOf is a rolled-up count of a customer, present in the list and in
// the answer for one customer.
func countOf(what string) map[string]any {
	return map[string]any{"type": "integer", "minimum": 0, "description": what + " (in the list and GET of one customer)"}
}

// Schemas are the JSON shapes of customers, invitations, users and their
// inputs.
var Schemas = map[string]any{
	"Customer": httpx.Obj([]string{"id", "name", "email_domains", "address", "phone", "notes", "independent", "independent_at", "created_at"},
		map[string]any{"id": httpx.Integer, "name": httpx.Str, "email_domains": map[string]any{"type": "array", "items": httpx.Str},
			"address": httpx.Str, "phone": httpx.Str, "notes": httpx.Str, "independent": map[string]any{"type": "boolean"},
			"independent_at": httpx.Nullable(httpx.DateTime), "created_at": httpx.DateTime,
			"open_tickets": countOf("tickets in status new, open or pending"),
			"devices":      countOf("devices placed with the customer"),
			"people":       countOf("the customer's users, invited ones included")}),
	"CustomerList": httpx.ListOf("Customer"),
	"PasswordLinkSent": httpx.Obj([]string{"user_id", "purpose", "expires_at"}, map[string]any{"user_id": httpx.Integer,
		"purpose": map[string]any{"type": "string", "enum": []string{"set_password", "reset_password"}}, "expires_at": httpx.DateTime}),
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
	"EmailCheck": httpx.Obj([]string{"email", "valid", "taken", "customer"}, map[string]any{"email": httpx.Str,
		"valid": map[string]any{"type": "boolean"}, "taken": map[string]any{"type": "boolean"}, "customer": httpx.Nullable(httpx.Ref("Customer"))}),
}
