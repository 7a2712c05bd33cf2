package authweb

import "backoffice/app/web/httpx"

// Descriptions of the sign-in, profile, session and API token routes of the
// API, for the route table and the OpenAPI document.
var (
	DocIssueToken = &httpx.APIDoc{Summary: "Exchange email and password for a bearer token", Tag: "auth",
		Request: "TokenRequest", Status: 201, Response: "TokenResponse", Errors: []int{403, 429}}
	DocRevokeCurrentToken = &httpx.APIDoc{Summary: "Revoke the bearer token of this request", Tag: "auth", Status: 204}
	DocMe                 = &httpx.APIDoc{Summary: "The signed-in user", Tag: "profile", Status: 200, Response: "User"}
	DocUpdateMe           = &httpx.APIDoc{Summary: "Change name, language or time zone", Tag: "profile",
		Request: "ProfileUpdate", Status: 200, Response: "User"}
	DocChangePassword = &httpx.APIDoc{Summary: "Change the password; ends every other session and API token (the token making the change stays valid)", Tag: "profile",
		Request: "PasswordChange", Status: 200, Response: "PasswordChanged", Errors: []int{429}}
	DocSessions = &httpx.APIDoc{Summary: "Live browser sessions of the signed-in user", Tag: "profile",
		Status: 200, Response: "SessionList", Query: []string{"limit", "cursor"}}
	DocEndSession  = &httpx.APIDoc{Summary: "End one of your sessions", Tag: "profile", Status: 204, Errors: []int{404}}
	DocTokens      = &httpx.APIDoc{Summary: "Your API tokens", Tag: "profile", Status: 200, Response: "TokenList", Query: []string{"limit", "cursor"}}
	DocCreateToken = &httpx.APIDoc{Summary: "Create an API token; the token is shown only in this response", Tag: "profile",
		Request: "TokenCreate", Status: 201, Response: "Token"}
	DocDeleteToken = &httpx.APIDoc{Summary: "Revoke one of your API tokens", Tag: "profile", Status: 204, Errors: []int{404}}
)

// Schemas are the JSON shapes of tokens, sessions, profile and password
// changes.
var Schemas = map[string]any{
	"TokenRequest":  httpx.Obj([]string{"email", "password"}, map[string]any{"email": httpx.Str, "password": httpx.Str}),
	"TokenResponse": httpx.Obj([]string{"token", "expires_at"}, map[string]any{"token": httpx.Str, "expires_at": httpx.DateTime}),
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
}
