package auditweb

import "backoffice/app/web/httpx"

// DocAudit describes the audit log route of the API.
var DocAudit = &httpx.APIDoc{Summary: "Audit log of the provider organization, newest first", Tag: "audit",
	Status: 200, Response: "AuditList", Query: []string{"limit", "cursor"}, Errors: []int{403, 404}}

// Schemas are the JSON shapes of the audit log.
var Schemas = map[string]any{
	"AuditEntry": httpx.Obj([]string{"id", "action", "actor_id", "actor_email", "organization_id", "target_type", "target_id", "ip", "detail", "created_at"},
		map[string]any{
			"id": httpx.Integer, "action": httpx.Str, "actor_id": httpx.Nullable(httpx.Integer), "actor_email": httpx.Str, "organization_id": httpx.Nullable(httpx.Integer),
			"target_type": httpx.Str, "target_id": httpx.Nullable(httpx.Integer), "ip": httpx.Str, "detail": httpx.Str, "created_at": httpx.DateTime,
		}),
	"AuditList": httpx.ListOf("AuditEntry"),
}
