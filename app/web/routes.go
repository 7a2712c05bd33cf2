package web

import (
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/audit/auditweb"
	"backoffice/app/auth/authweb"
	"backoffice/app/caller"
	"backoffice/app/device/deviceweb"
	"backoffice/app/org"
	"backoffice/app/people/peopleweb"
	"backoffice/app/search/searchweb"
	"backoffice/app/ticket/ticketweb"
	"backoffice/app/web/httpx"
	"backoffice/rbac"
	"backoffice/views"
)

// routeTable lists every route of the application with the permission it
// needs. It is the one place to read who may call what.
func (s *Server) routeTable() []httpx.Route {
	aw, dw, tw, pw, uw := s.authWeb, s.deviceWeb, s.ticketWeb, s.peopleWeb, s.auditWeb
	return []httpx.Route{
		// Operations.
		{Method: "GET", Path: "/healthz", Perm: httpx.Public, Handler: s.healthz},
		{Method: "GET", Path: "/readyz", Perm: httpx.Public, Handler: s.readyz},
		{Method: "GET", Path: metricsPath, Perm: httpx.Public, Handler: s.serveMetrics()}, // its own bearer token

		// Sign-in.
		{Method: "GET", Path: "/login", Perm: httpx.Public, Handler: aw.ShowLoginPage},
		{Method: "POST", Path: "/login", Perm: httpx.Public, Handler: aw.Login},
		{Method: "POST", Path: "/logout", Perm: httpx.Public, Handler: aw.Logout},

		// Pages.
		{Method: "GET", Path: "/", Perm: perm("home", "read"), Handler: s.showHomePage},
		{Method: "GET", Path: "/profile", Perm: perm("profile", "read"), Handler: aw.ShowProfilePage},
		{Method: "POST", Path: "/profile", Perm: perm("profile", "update"), Handler: aw.SaveProfile},
		{Method: "POST", Path: "/profile/password", Perm: perm("profile", "update"), Handler: aw.ChangePassword},
		{Method: "POST", Path: "/profile/sessions/end-others", Perm: perm("profile", "update"), Handler: aw.EndOtherSessions},
		{Method: "POST", Path: "/profile/sessions/:id/end", Perm: perm("profile", "update"), Handler: aw.EndSession},
		{Method: "POST", Path: "/profile/tokens", Perm: perm("apitoken", "create"), Handler: aw.CreateToken},
		{Method: "POST", Path: "/profile/tokens/:id/delete", Perm: perm("apitoken", "delete"), Handler: aw.DeleteToken},
		{Method: "GET", Path: "/audit", Perm: perm("audit", "read"), Handler: uw.ShowAuditPage},
		{Method: "GET", Path: "/search", Perm: perm("search", "read"), Handler: s.searchWeb.ShowSearch},

		// Password links and invitations (the token is the credential).
		{Method: "GET", Path: "/accept-invitation", Perm: httpx.Public, Handler: aw.ShowAcceptInvitation},
		{Method: "POST", Path: "/accept-invitation", Perm: httpx.Public, Handler: aw.AcceptInvitation},
		{Method: "GET", Path: "/password/forgot", Perm: httpx.Public, Handler: aw.ShowPasswordLinkRequest},
		{Method: "POST", Path: "/password/forgot", Perm: httpx.Public, Handler: aw.RequestPasswordLink},
		{Method: "GET", Path: "/password/set", Perm: httpx.Public, Handler: aw.ShowSetPassword},
		{Method: "POST", Path: "/password/set", Perm: httpx.Public, Handler: aw.SetPassword},

		// Customers and their invitations (staff; administrators of an
		// independent organization for its own customers).
		{Method: "GET", Path: "/customers", Perm: perm("customer", "read"), Handler: pw.ShowCustomers},
		{Method: "GET", Path: "/customers/new", Perm: perm("customer", "create"), Handler: pw.ShowNewCustomer},
		{Method: "POST", Path: "/customers", Perm: perm("customer", "create"), Handler: pw.CreateCustomer},
		{Method: "GET", Path: "/customers/:id", Perm: perm("customer", "read"), Handler: pw.ShowCustomer},
		{Method: "GET", Path: "/customers/:id/edit", Perm: perm("customer", "update"), Handler: pw.ShowEditCustomer},
		{Method: "POST", Path: "/customers/:id", Perm: perm("customer", "update"), Handler: pw.UpdateCustomer},
		{Method: "POST", Path: "/customers/:id/delete", Perm: perm("customer", "delete"), Handler: pw.DeleteCustomer},
		{Method: "POST", Path: "/customers/:id/independent", Perm: perm("customer", "independent"), Handler: pw.MakeIndependent},
		{Method: "GET", Path: "/customers/:id/invitations", Perm: perm("invitation", "read"), Handler: pw.ShowInvitations},
		{Method: "GET", Path: "/customers/:id/invitations/new", Perm: perm("invitation", "create"), Handler: pw.ShowNewInvitation},
		{Method: "POST", Path: "/customers/:id/invitations", Perm: perm("invitation", "create"), Handler: pw.CreateInvitation},
		{Method: "GET", Path: "/customers/:id/ticket-permissions", Perm: perm("permission", "read"), Handler: tw.ShowCompanyPerms},
		{Method: "POST", Path: "/customers/:id/ticket-permissions", Perm: perm("permission", "update"), Handler: tw.SaveCompanyPerms},
		{Method: "GET", Path: "/users/:id/ticket-permissions", Perm: perm("permission", "read"), Area: httpx.AreaStaff, Handler: tw.ShowUserPerms},
		{Method: "POST", Path: "/users/:id/ticket-permissions", Perm: perm("permission", "update"), Area: httpx.AreaStaff, Handler: tw.SaveUserPerms},
		{Method: "POST", Path: "/invitations/:id/resend", Perm: perm("invitation", "resend"), Handler: pw.ResendInvitation},
		{Method: "POST", Path: "/invitations/:id/delete", Perm: perm("invitation", "delete"), Handler: pw.DeleteInvitation},

		// Users of the provider organization (staff area); staff act on
		// customers' users through the same routes.
		{Method: "GET", Path: "/users", Perm: perm("user", "read"), Area: httpx.AreaStaff, Handler: pw.ShowPeople},
		{Method: "GET", Path: "/users/new", Perm: perm("user", "create"), Area: httpx.AreaStaff, Handler: pw.ShowNewPerson},
		{Method: "POST", Path: "/users", Perm: perm("user", "create"), Area: httpx.AreaStaff, Handler: pw.CreatePerson},
		{Method: "GET", Path: "/users/:id", Perm: perm("user", "read"), Area: httpx.AreaStaff, Handler: pw.ShowPerson},
		{Method: "POST", Path: "/users/:id", Perm: perm("user", "update"), Area: httpx.AreaStaff, Handler: pw.UpdatePerson},
		{Method: "POST", Path: "/users/:id/disable", Perm: perm("user", "disable"), Area: httpx.AreaStaff, Handler: pw.SetPersonDisabled(true)},
		{Method: "POST", Path: "/users/:id/enable", Perm: perm("user", "disable"), Area: httpx.AreaStaff, Handler: pw.SetPersonDisabled(false)},
		{Method: "POST", Path: "/users/:id/delete", Perm: perm("user", "delete"), Area: httpx.AreaStaff, Handler: pw.DeletePerson},
		{Method: "POST", Path: "/users/:id/password-link", Perm: perm("user", "update"), Area: httpx.AreaStaff, Handler: pw.SendPasswordLink},

		// Employees of a customer company (back office).
		{Method: "GET", Path: "/employees", Perm: perm("user", "read"), Area: httpx.AreaOffice, Handler: pw.ShowPeople},
		{Method: "GET", Path: "/employees/new", Perm: perm("user", "create"), Area: httpx.AreaOffice, Handler: pw.ShowNewPerson},
		{Method: "POST", Path: "/employees", Perm: perm("user", "create"), Area: httpx.AreaOffice, Handler: pw.CreatePerson},
		{Method: "GET", Path: "/employees/:id", Perm: perm("user", "read"), Area: httpx.AreaOffice, Handler: pw.ShowPerson},
		{Method: "POST", Path: "/employees/:id", Perm: perm("user", "update"), Area: httpx.AreaOffice, Handler: pw.UpdatePerson},
		{Method: "POST", Path: "/employees/:id/disable", Perm: perm("user", "disable"), Area: httpx.AreaOffice, Handler: pw.SetPersonDisabled(true)},
		{Method: "POST", Path: "/employees/:id/enable", Perm: perm("user", "disable"), Area: httpx.AreaOffice, Handler: pw.SetPersonDisabled(false)},
		{Method: "POST", Path: "/employees/:id/delete", Perm: perm("user", "delete"), Area: httpx.AreaOffice, Handler: pw.DeletePerson},
		{Method: "POST", Path: "/employees/:id/password-link", Perm: perm("user", "update"), Area: httpx.AreaOffice, Handler: pw.SendPasswordLink},

		// Devices and their QR codes. Customers see their company's devices;
		// staff their provider's. Fixed paths come before /devices/:id.
		{Method: "GET", Path: "/devices", Perm: perm("device", "read"), Handler: dw.ShowDevices},
		{Method: "GET", Path: "/devices/new", Perm: perm("device", "create"), Handler: dw.ShowNewDevice},
		{Method: "POST", Path: "/devices", Perm: perm("device", "create"), Handler: dw.CreateDevice},
		{Method: "GET", Path: "/devices/import", Perm: perm("device", "create"), Handler: dw.ShowImportDevices},
		{Method: "POST", Path: "/devices/import", Perm: perm("device", "create"), Handler: dw.ImportDevices},
		{Method: "GET", Path: "/devices/export", Perm: perm("device", "read"), Handler: dw.ExportDevices},
		{Method: "GET", Path: "/devices/labels", Perm: perm("device", "read"), Handler: dw.DeviceLabels},
		{Method: "GET", Path: "/devices/:id", Perm: perm("device", "read"), Handler: dw.ShowDevice},
		{Method: "GET", Path: "/devices/:id/edit", Perm: perm("device", "update"), Handler: dw.ShowEditDevice},
		{Method: "POST", Path: "/devices/:id", Perm: perm("device", "update"), Handler: dw.UpdateDevice},
		{Method: "POST", Path: "/devices/:id/status", Perm: perm("device", "update"), Handler: dw.SetDeviceStatus},
		{Method: "POST", Path: "/devices/:id/delete", Perm: perm("device", "delete"), Handler: dw.DeleteDevice},
		{Method: "POST", Path: "/devices/:id/code", Perm: perm("code", "create"), Handler: dw.RegenerateCode},
		{Method: "POST", Path: "/devices/:id/pair", Perm: perm("code", "update"), Handler: dw.PairDevice},
		{Method: "GET", Path: "/devices/:id/qr.png", Perm: perm("device", "read"), Handler: dw.DeviceQR},
		{Method: "GET", Path: "/codes", Perm: perm("code", "read"), Handler: dw.ShowCodes},
		{Method: "POST", Path: "/codes", Perm: perm("code", "create"), Handler: dw.CreateCodes},
		{Method: "GET", Path: "/codes/labels", Perm: perm("code", "read"), Handler: dw.CodeLabels},
		{Method: "GET", Path: "/codes/:id/qr.png", Perm: perm("code", "read"), Handler: dw.CodeQR},
		{Method: "POST", Path: "/codes/:id", Perm: perm("code", "update"), Handler: dw.UpdateCode},

		// Service cases. Customers see their company's (or their own)
		// tickets; staff the provider's queue.
		{Method: "GET", Path: "/tickets", Perm: perm("ticket", "read"), Handler: tw.ShowTickets},
		{Method: "GET", Path: "/tickets/new", Perm: perm("ticket", "create"), Handler: tw.ShowNewTicket},
		{Method: "GET", Path: "/tickets/export", Perm: perm("ticket", "read"), Area: httpx.AreaStaff, Handler: tw.ExportTickets},
		{Method: "POST", Path: "/tickets", Perm: perm("ticket", "create"), Handler: tw.CreateTicket},
		{Method: "POST", Path: "/tickets/bulk", Perm: perm("ticket", "assign"), Area: httpx.AreaStaff, Handler: tw.BulkTickets},
		{Method: "GET", Path: "/tickets/:id", Perm: perm("ticket", "read"), Handler: tw.ShowTicket},
		{Method: "POST", Path: "/tickets/:id", Perm: perm("ticket", "read"), Handler: tw.UpdateTicket},
		{Method: "POST", Path: "/tickets/:id/messages", Perm: perm("ticket", "reply"), Handler: tw.ReplyTicket},
		{Method: "POST", Path: "/tickets/:id/close", Perm: perm("ticket", "close"), Handler: tw.TicketState(true)},
		{Method: "POST", Path: "/tickets/:id/reopen", Perm: perm("ticket", "reopen"), Handler: tw.TicketState(false)},
		{Method: "POST", Path: "/tickets/:id/rating", Perm: perm("ticket", "rate"), Handler: tw.RateTicket},
		{Method: "POST", Path: "/tickets/:id/fields", Perm: perm("ticket", "read"), Handler: tw.SaveTicketFields},
		{Method: "GET", Path: "/settings/fields", Perm: perm("datafield", "read"), Handler: tw.ShowFields},
		{Method: "POST", Path: "/settings/fields", Perm: perm("datafield", "update"), Handler: tw.SaveField},
		{Method: "POST", Path: "/settings/fields/standard", Perm: perm("datafield", "update"), Handler: tw.SaveStandardFields},
		{Method: "POST", Path: "/settings/ticket-types", Perm: perm("datafield", "create"), Handler: tw.AddType},
		{Method: "POST", Path: "/settings/ticket-types/:key", Perm: perm("datafield", "update"), Handler: tw.UpdateType},
		{Method: "POST", Path: "/settings/fields/:id/delete", Perm: perm("datafield", "delete"), Handler: tw.DeleteField},
		{Method: "GET", Path: "/tickets/:id/attachments/:attachment_id", Perm: perm("ticket", "read"), Handler: tw.SendAttachment},

		// Reply templates (staff; customers get 404).
		{Method: "GET", Path: "/templates", Perm: perm("template", "read"), Handler: tw.ShowTemplates},
		{Method: "POST", Path: "/templates", Perm: perm("template", "create"), Handler: tw.CreateTemplate},
		{Method: "GET", Path: "/templates/:id", Perm: perm("template", "read"), Handler: tw.ShowTemplate},
		{Method: "POST", Path: "/templates/:id", Perm: perm("template", "update"), Handler: tw.UpdateTemplate},
		{Method: "POST", Path: "/templates/:id/delete", Perm: perm("template", "delete"), Handler: tw.DeleteTemplate},

		// The public page of a scanned label (rate limited per address).
		{Method: "GET", Path: "/c/enter", Perm: httpx.Public, Handler: dw.ShowEnterCode},
		{Method: "GET", Path: "/c/:code", Perm: httpx.Public, Handler: dw.ShowScan},
		{Method: "POST", Path: "/c/:code", Perm: httpx.Public, Handler: dw.UnlockScan},
		{Method: "POST", Path: "/c/:code/pair", Perm: perm("code", "update"), Handler: dw.PairScanned},
		{Method: "POST", Path: "/c/:code/report", Perm: httpx.Public, Handler: dw.ReportProblem},

		// The provider's own details (shown on the public scan page).
		{Method: "GET", Path: "/settings/organization", Perm: perm("setting", "read"), Handler: pw.ShowOrganizationSettings},
		{Method: "POST", Path: "/settings/organization", Perm: perm("setting", "update"), Handler: pw.SaveOrganizationSettings},

		// Mail kept in the outbox, links included: for development only.
		{Method: "GET", Path: "/mailbox", Perm: perm("mailbox", "read"), Handler: s.showMailbox, DevAid: true},
		{Method: "GET", Path: "/mailbox/:id", Perm: perm("mailbox", "read"), Handler: s.showMail, DevAid: true},

		// JSON API.
		{Method: "GET", Path: "/api/v1/openapi.json", Perm: httpx.Public, Handler: s.openAPI, Doc: docOpenAPI},
		{Method: "POST", Path: "/api/v1/auth/token", Perm: httpx.Public, Handler: aw.APIIssueToken, Doc: authweb.DocIssueToken},
		{Method: "DELETE", Path: "/api/v1/auth/token", Perm: perm("apitoken", "delete"), Handler: aw.APIRevokeCurrentToken, Doc: authweb.DocRevokeCurrentToken},
		{Method: "GET", Path: "/api/v1/me", Perm: perm("profile", "read"), Handler: aw.APIMe, Doc: authweb.DocMe},
		{Method: "PATCH", Path: "/api/v1/me", Perm: perm("profile", "update"), Handler: aw.APIUpdateMe, Doc: authweb.DocUpdateMe},
		{Method: "POST", Path: "/api/v1/me/password", Perm: perm("profile", "update"), Handler: aw.APIChangePassword, Doc: authweb.DocChangePassword},
		{Method: "GET", Path: "/api/v1/me/sessions", Perm: perm("profile", "read"), Handler: aw.APISessions, Doc: authweb.DocSessions},
		{Method: "DELETE", Path: "/api/v1/me/sessions/:id", Perm: perm("profile", "update"), Handler: aw.APIEndSession, Doc: authweb.DocEndSession},
		{Method: "GET", Path: "/api/v1/me/tokens", Perm: perm("apitoken", "read"), Handler: aw.APITokens, Doc: authweb.DocTokens},
		{Method: "POST", Path: "/api/v1/me/tokens", Perm: perm("apitoken", "create"), Handler: aw.APICreateToken, Doc: authweb.DocCreateToken},
		{Method: "DELETE", Path: "/api/v1/me/tokens/:id", Perm: perm("apitoken", "delete"), Handler: aw.APIDeleteToken, Doc: authweb.DocDeleteToken},
		{Method: "GET", Path: "/api/v1/audit", Perm: perm("audit", "read"), Handler: uw.APIAudit, Doc: auditweb.DocAudit},
		{Method: "GET", Path: "/api/v1/search", Perm: perm("search", "read"), Handler: s.searchWeb.APISearch, Doc: searchweb.DocSearch},
		{Method: "GET", Path: "/api/v1/customers", Perm: perm("customer", "read"), Handler: pw.APICustomers, Doc: peopleweb.DocCustomers},
		{Method: "POST", Path: "/api/v1/customers", Perm: perm("customer", "create"), Handler: pw.APICreateCustomer, Doc: peopleweb.DocCreateCustomer},
		{Method: "GET", Path: "/api/v1/customers/:id", Perm: perm("customer", "read"), Handler: pw.APICustomer, Doc: peopleweb.DocCustomer},
		{Method: "PATCH", Path: "/api/v1/customers/:id", Perm: perm("customer", "update"), Handler: pw.APIUpdateCustomer, Doc: peopleweb.DocUpdateCustomer},
		{Method: "DELETE", Path: "/api/v1/customers/:id", Perm: perm("customer", "delete"), Handler: pw.APIDeleteCustomer, Doc: peopleweb.DocDeleteCustomer},
		{Method: "POST", Path: "/api/v1/customers/:id/independent", Perm: perm("customer", "independent"), Handler: pw.APIMakeIndependent, Doc: peopleweb.DocMakeIndependent},
		{Method: "GET", Path: "/api/v1/customers/:id/invitations", Perm: perm("invitation", "read"), Handler: pw.APIInvitations, Doc: peopleweb.DocInvitations},
		{Method: "POST", Path: "/api/v1/customers/:id/invitations", Perm: perm("invitation", "create"), Handler: pw.APIInvite, Doc: peopleweb.DocInvite},
		{Method: "POST", Path: "/api/v1/invitations/accept", Perm: httpx.Public, Handler: pw.APIAcceptInvitation, Doc: peopleweb.DocAcceptInvitation},
		{Method: "POST", Path: "/api/v1/invitations/:id/resend", Perm: perm("invitation", "resend"), Handler: pw.APIResendInvitation, Doc: peopleweb.DocResendInvitation},
		{Method: "DELETE", Path: "/api/v1/invitations/:id", Perm: perm("invitation", "delete"), Handler: pw.APIDeleteInvitation, Doc: peopleweb.DocDeleteInvitation},
		{Method: "GET", Path: "/api/v1/email-check", Perm: perm("invitation", "create"), Handler: pw.APIEmailCheck, Doc: peopleweb.DocEmailCheck},
		{Method: "GET", Path: "/api/v1/users", Perm: perm("user", "read"), Handler: pw.APIUsers, Doc: peopleweb.DocUsers},
		{Method: "POST", Path: "/api/v1/users", Perm: perm("user", "create"), Handler: pw.APICreateUser, Doc: peopleweb.DocCreateUser},
		{Method: "GET", Path: "/api/v1/users/:id", Perm: perm("user", "read"), Handler: pw.APIUser, Doc: peopleweb.DocUser},
		{Method: "PATCH", Path: "/api/v1/users/:id", Perm: perm("user", "update"), Handler: pw.APIUpdateUser, Doc: peopleweb.DocUpdateUser},
		{Method: "DELETE", Path: "/api/v1/users/:id", Perm: perm("user", "delete"), Handler: pw.APIDeleteUser, Doc: peopleweb.DocDeleteUser},
		{Method: "POST", Path: "/api/v1/users/:id/disable", Perm: perm("user", "disable"), Handler: pw.APISetDisabled(true), Doc: peopleweb.DocDisableUser},
		{Method: "POST", Path: "/api/v1/users/:id/enable", Perm: perm("user", "disable"), Handler: pw.APISetDisabled(false), Doc: peopleweb.DocEnableUser},
		{Method: "POST", Path: "/api/v1/users/:id/password-link", Perm: perm("user", "update"), Handler: pw.APISendPasswordLink, Doc: peopleweb.DocSendPasswordLink},
		{Method: "GET", Path: "/api/v1/tickets", Perm: perm("ticket", "read"), Handler: tw.APITickets, Doc: ticketweb.DocTickets},
		{Method: "POST", Path: "/api/v1/tickets", Perm: perm("ticket", "create"), Handler: tw.APICreateTicket, Doc: ticketweb.DocCreateTicket},
		{Method: "GET", Path: "/api/v1/tickets/:id", Perm: perm("ticket", "read"), Handler: tw.APITicket, Doc: ticketweb.DocTicket},
		{Method: "PATCH", Path: "/api/v1/tickets/:id", Perm: perm("ticket", "read"), Handler: tw.APIUpdateTicket, Doc: ticketweb.DocUpdateTicket},
		{Method: "GET", Path: "/api/v1/tickets/:id/messages", Perm: perm("ticket", "read"), Handler: tw.APITicketMessages, Doc: ticketweb.DocTicketMessages},
		{Method: "POST", Path: "/api/v1/tickets/:id/messages", Perm: perm("ticket", "reply"), Handler: tw.APIReplyTicket, Doc: ticketweb.DocReplyTicket},
		{Method: "POST", Path: "/api/v1/tickets/:id/close", Perm: perm("ticket", "close"), Handler: tw.APITicketState(true), Doc: ticketweb.DocCloseTicket},
		{Method: "POST", Path: "/api/v1/tickets/:id/reopen", Perm: perm("ticket", "reopen"), Handler: tw.APITicketState(false), Doc: ticketweb.DocReopenTicket},
		{Method: "GET", Path: "/api/v1/tickets/:id/attachments/:attachment_id", Perm: perm("ticket", "read"), Handler: tw.SendAttachment, Doc: ticketweb.DocAttachment},
		{Method: "POST", Path: "/api/v1/tickets/:id/rating", Perm: perm("ticket", "rate"), Handler: tw.APIRateTicket, Doc: ticketweb.DocRateTicket},
		{Method: "GET", Path: "/api/v1/customers/:id/ticket-permissions", Perm: perm("permission", "read"), Handler: tw.APICompanyPerms, Doc: ticketweb.DocCompanyPerms},
		{Method: "PUT", Path: "/api/v1/customers/:id/ticket-permissions", Perm: perm("permission", "update"), Handler: tw.APISetCompanyPerms, Doc: ticketweb.DocSetCompanyPerms},
		{Method: "GET", Path: "/api/v1/users/:id/ticket-permissions", Perm: perm("permission", "read"), Handler: tw.APIUserPerms, Doc: ticketweb.DocUserPerms},
		{Method: "PUT", Path: "/api/v1/users/:id/ticket-permissions", Perm: perm("permission", "update"), Handler: tw.APISetUserPerms, Doc: ticketweb.DocSetUserPerms},
		{Method: "GET", Path: "/api/v1/templates", Perm: perm("template", "read"), Handler: tw.APITemplates, Doc: ticketweb.DocTemplates},
		{Method: "POST", Path: "/api/v1/templates", Perm: perm("template", "create"), Handler: tw.APICreateTemplate, Doc: ticketweb.DocCreateTemplate},
		{Method: "GET", Path: "/api/v1/templates/:id", Perm: perm("template", "read"), Handler: tw.APITemplate, Doc: ticketweb.DocTemplate},
		{Method: "PATCH", Path: "/api/v1/templates/:id", Perm: perm("template", "update"), Handler: tw.APIUpdateTemplate, Doc: ticketweb.DocUpdateTemplate},
		{Method: "DELETE", Path: "/api/v1/templates/:id", Perm: perm("template", "delete"), Handler: tw.APIDeleteTemplate, Doc: ticketweb.DocDeleteTemplate},
		{Method: "GET", Path: "/api/v1/ticket-fields", Perm: perm("datafield", "read"), Handler: tw.APIFields, Doc: ticketweb.DocFields},
		{Method: "POST", Path: "/api/v1/ticket-fields", Perm: perm("datafield", "create"), Handler: tw.APISaveField, Doc: ticketweb.DocCreateField},
		{Method: "GET", Path: "/api/v1/ticket-types", Perm: perm("ticket", "read"), Handler: tw.APITypes, Doc: ticketweb.DocTypes},
		{Method: "POST", Path: "/api/v1/ticket-types", Perm: perm("datafield", "create"), Handler: tw.APIAddType, Doc: ticketweb.DocAddType},
		{Method: "PATCH", Path: "/api/v1/ticket-types/:key", Perm: perm("datafield", "update"), Handler: tw.APIUpdateType, Doc: ticketweb.DocUpdateType},
		{Method: "GET", Path: "/api/v1/ticket-fields/standard", Perm: perm("datafield", "read"), Handler: tw.APIStandardFields, Doc: ticketweb.DocStandardFields},
		{Method: "PATCH", Path: "/api/v1/ticket-fields/standard/:name", Perm: perm("datafield", "update"), Handler: tw.APISetStandardField, Doc: ticketweb.DocSetStandard},
		{Method: "PATCH", Path: "/api/v1/ticket-fields/:id", Perm: perm("datafield", "update"), Handler: tw.APISaveField, Doc: ticketweb.DocUpdateField},
		{Method: "DELETE", Path: "/api/v1/ticket-fields/:id", Perm: perm("datafield", "delete"), Handler: tw.APIDeleteField, Doc: ticketweb.DocDeleteField},
		{Method: "GET", Path: "/api/v1/organization", Perm: perm("setting", "read"), Handler: pw.APIOrganization, Doc: peopleweb.DocOrganization},
		{Method: "PATCH", Path: "/api/v1/organization", Perm: perm("setting", "update"), Handler: pw.APIUpdateOrganization, Doc: peopleweb.DocUpdateOrganization},
		{Method: "GET", Path: "/api/v1/codes", Perm: perm("code", "read"), Handler: dw.APICodes, Doc: deviceweb.DocCodes},
		{Method: "POST", Path: "/api/v1/codes", Perm: perm("code", "create"), Handler: dw.APICreateCodes, Doc: deviceweb.DocCreateCodes},
		{Method: "PATCH", Path: "/api/v1/codes/:id", Perm: perm("code", "update"), Handler: dw.APIUpdateCode, Doc: deviceweb.DocUpdateCode},
		{Method: "GET", Path: "/api/v1/devices", Perm: perm("device", "read"), Handler: dw.APIDevices, Doc: deviceweb.DocDevices},
		{Method: "POST", Path: "/api/v1/devices", Perm: perm("device", "create"), Handler: dw.APICreateDevice, Doc: deviceweb.DocCreateDevice},
		{Method: "POST", Path: "/api/v1/devices/import", Perm: perm("device", "create"), Handler: dw.APIImportDevices, Doc: deviceweb.DocImportDevices},
		{Method: "GET", Path: "/api/v1/devices/export", Perm: perm("device", "read"), Handler: dw.ExportDevices, Doc: deviceweb.DocExportDevices},
		{Method: "GET", Path: "/api/v1/devices/:id", Perm: perm("device", "read"), Handler: dw.APIDevice, Doc: deviceweb.DocDevice},
		{Method: "PATCH", Path: "/api/v1/devices/:id", Perm: perm("device", "update"), Handler: dw.APIUpdateDevice, Doc: deviceweb.DocUpdateDevice},
		{Method: "DELETE", Path: "/api/v1/devices/:id", Perm: perm("device", "delete"), Handler: dw.APIDeleteDevice, Doc: deviceweb.DocDeleteDevice},
		{Method: "POST", Path: "/api/v1/devices/:id/code", Perm: perm("code", "create"), Handler: dw.APIRegenerateCode, Doc: deviceweb.DocRegenerateCode},
		{Method: "GET", Path: "/api/v1/devices/:id/history", Perm: perm("device", "read"), Handler: dw.APIDeviceHistory, Doc: deviceweb.DocDeviceHistory},
		{Method: "GET", Path: "/api/v1/devices/:id/qr.png", Perm: perm("device", "read"), Handler: dw.DeviceQR, Doc: deviceweb.DocDeviceQR},
	}
}

// guard enforces a route's permission: a visitor is sent to sign in (401 in
// the API); a role without the permission gets 403, or 404 when the resource
// is one customers never see, so its existence is not revealed. Then it
// checks the query parameters an API route declares (422).
func (s *Server) guard(r httpx.Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(httpx.LocalRoute, r.Path)
		if r.Perm == httpx.Public {
			return c.Next()
		}
		u := httpx.CallerOf(c)
		if u == nil {
			return apperr.ErrUnauthorized
		}
		if r.Area != "" && r.Area != httpx.AreaOf(u.User) {
			return apperr.ErrNotFound
		}
		if !s.rbac.Can(u.Subject, r.Perm.Obj, r.Perm.Act) {
			if u.Role.IsCustomer() && s.rbac.StaffOnly(r.Perm.Obj) {
				return apperr.ErrNotFound
			}
			return apperr.ErrForbidden
		}
		if r.Doc != nil {
			if err := checkQuery(c, r.Doc.Query); err != nil {
				return err
			}
		}
		return c.Next()
	}
}

// navItem is an entry of the navigation, shown to roles holding its permission.
type navItem struct {
	Href   string
	Label  string
	Icon   string
	Perm   httpx.Perm
	Area   string // "" for both areas
	DevAid bool   // like route.DevAid
}

// navigation lists the sections that exist; each user sees those their role
// may open.
var navigation = []navItem{
	{Href: "/", Label: "nav.home", Icon: "home", Perm: perm("home", "read")},
	{Href: "/tickets", Label: "nav.tickets", Icon: "inbox", Perm: perm("ticket", "read")},
	{Href: "/templates", Label: "nav.templates", Icon: "list", Perm: perm("template", "read")},
	{Href: "/devices", Label: "nav.devices", Icon: "cpu", Perm: perm("device", "read")},
	{Href: "/customers", Label: "nav.customers", Icon: "building", Perm: perm("customer", "read")},
	{Href: "/users", Label: "nav.users", Icon: "users", Perm: perm("user", "read"), Area: httpx.AreaStaff},
	{Href: "/employees", Label: "nav.employees", Icon: "users", Perm: perm("user", "read"), Area: httpx.AreaOffice},
	{Href: "/settings/fields", Label: "nav.fields", Icon: "list", Perm: perm("datafield", "read")},
	{Href: "/settings/organization", Label: "nav.settings", Icon: "shield", Perm: perm("setting", "update")},
	{Href: "/mailbox", Label: "nav.mailbox", Icon: "inbox", Perm: perm("mailbox", "read"), DevAid: true},
	{Href: "/audit", Label: "nav.audit", Icon: "list", Perm: perm("audit", "read")},
}

func (s *Server) navFor(u *org.User, routePath string) []views.NavItem {
	entries := s.menus.of(s, caller.SubjectOf(u), httpx.AreaOf(u))
	out := make([]views.NavItem, 0, len(entries))
	for _, n := range entries {
		active := n.Href == routePath || (n.Href != "/" && strings.HasPrefix(routePath, n.Href+"/"))
		out = append(out, views.NavItem{Href: n.Href, Label: n.Label, Icon: n.Icon, Active: active})
	}
	return out
}

// menus keeps the navigation entries of each role and area, worked out once
// per policy version (a page would otherwise ask about every entry).
type menus struct {
	mu      sync.Mutex
	version uint64
	byRole  map[menuKey][]navItem
}

type menuKey struct {
	subject rbac.Role
	area    string
}

// of are the entries shown to subject in area under the current policy.
func (m *menus) of(s *Server, subject rbac.Role, area string) []navItem {
	version := s.rbac.Version()
	key := menuKey{subject, area}
	m.mu.Lock()
	if m.version != version || m.byRole == nil {
		m.version, m.byRole = version, map[menuKey][]navItem{}
	}
	entries, ok := m.byRole[key]
	m.mu.Unlock()
	if ok {
		return entries
	}
	for _, n := range navigation {
		if n.DevAid && s.cfg.SendsMail() {
			continue
		}
		if (n.Area == "" || n.Area == area) && s.rbac.Can(subject, n.Perm.Obj, n.Perm.Act) {
			entries = append(entries, n)
		}
	}
	m.mu.Lock()
	if m.version == version {
		m.byRole[key] = entries
	}
	m.mu.Unlock()
	return entries
}

// perm is the permission to act on obj.
func perm(obj, act string) httpx.Perm { return httpx.Perm{Obj: obj, Act: act} }
