package web

import (
	"regexp"
	"strconv"
	"strings"

	"backoffice/app/audit/auditweb"
	"backoffice/app/auth/authweb"
	"backoffice/app/device/deviceweb"
	"backoffice/app/people/peopleweb"
	"backoffice/app/search/searchweb"
	"backoffice/app/ticket/ticketweb"
	"backoffice/app/web/httpx"

	"github.com/gofiber/fiber/v2"
)

var (
	docOpenAPI = &httpx.APIDoc{Summary: "This OpenAPI document", Tag: "meta", Status: 200, Response: "OpenAPI"}
)

// schemas are the JSON shapes of the API: the shell's and those of each
// domain; tests check responses against them.
var schemas = mergeSchemas(map[string]any{
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
	"Problem": httpx.Obj([]string{"type", "title", "status"}, map[string]any{
		"type": httpx.Str, "title": httpx.Str, "status": map[string]any{"type": "integer"}, "detail": httpx.Str, "instance": httpx.Str, "request_id": httpx.Str,
		"errors": map[string]any{"type": "array", "items": httpx.Obj([]string{"field", "message"}, map[string]any{"field": httpx.Str, "message": httpx.Str,
			"line": map[string]any{"type": "integer", "description": "line of an uploaded file (CSV import)"}})},
	}),
	"OpenAPI": map[string]any{"type": "object"},
	"CSV":     map[string]any{"type": "string", "format": "text/csv"},
	"File":    map[string]any{"type": "string", "format": "binary"},
	"PNG":     map[string]any{"type": "string", "format": "binary"},
}, deviceweb.Schemas, ticketweb.Schemas, peopleweb.Schemas, authweb.Schemas, auditweb.Schemas, searchweb.Schemas)

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
