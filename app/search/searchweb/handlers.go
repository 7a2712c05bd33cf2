// Package searchweb holds the search page and the search API: the header's
// box asks the API as one types and falls back to the page without script.
// Which kinds a caller finds follows the permissions of the kinds' own list
// routes; which records, the lists' own queries (app/search).
package searchweb

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/apperr"
	"backoffice/app/org"
	"backoffice/app/search"
	"backoffice/app/web/httpx"
	"backoffice/views"
)

// Handlers serve the search routes.
type Handlers struct {
	Kit    *httpx.Kit
	Search *search.Service
}

// Results per kind: the header's list, the page of every kind, and the
// page of one kind.
const (
	apiLimit    = 5
	apiMaxLimit = 20
	pageLimit   = 10
	kindLimit   = httpx.PageSize
)

// kindsFor lists the kinds whose list pages the caller may open, asking the
// permissions of those routes (the people list is a staff area page).
func (h *Handlers) kindsFor(c *fiber.Ctx) []search.Kind {
	var out []search.Kind
	if h.Kit.Can(c, "ticket", "read") {
		out = append(out, search.Tickets)
	}
	if h.Kit.Can(c, "device", "read") {
		out = append(out, search.Devices)
	}
	if h.Kit.Can(c, "customer", "read") {
		out = append(out, search.Customers)
	}
	if h.Kit.Can(c, "user", "read") && httpx.AreaOf(httpx.CurrentUser(c)) == httpx.AreaStaff {
		out = append(out, search.People)
	}
	return out
}

// ShowSearch is the page of results: every kind the caller may find, a few
// of each, or one kind's longer list (?kind=). A query the search refuses
// is shown at the field.
func (h *Handlers) ShowSearch(c *fiber.Ctx) error {
	tr := httpx.Tr(c)
	p := h.Kit.Page(c, tr.T("search.title"))
	kinds := h.kindsFor(c)
	d := views.SearchData{}
	q := search.Query{Kinds: kinds, Limit: pageLimit}
	if k := search.Kind(c.Query("kind")); k != "" && containsKind(kinds, k) {
		d.Kind, q.Kinds, q.Limit = string(k), []search.Kind{k}, kindLimit
		if k == search.People && c.Query("after") != "" {
			var cur org.UserCursor
			if httpx.DecodePageKey(c.Query("after"), &cur) == nil {
				q.PeopleAfter = &cur
			}
		}
	}
	text, err := search.Clean(c.Query("q"))
	if err != nil {
		d.Query, d.Error = httpx.PageSearch(c), fieldMessage(tr.T, err)
		return httpx.Render(c, fiber.StatusUnprocessableEntity, views.SearchPage(p, d))
	}
	q.Text, d.Query = text, text
	groups, err := h.Search.Search(c.UserContext(), httpx.CallerOf(c), q)
	if err != nil {
		return err
	}
	d.Groups = views.SearchGroups(p, text, groups)
	if d.Kind == string(search.People) && len(groups) == 1 && groups[0].PeopleNext != nil {
		d.NextHref = views.SearchMoreURL(search.People, text) + "&after=" + httpx.EncodePageKey(groups[0].PeopleNext)
	}
	return httpx.Render(c, fiber.StatusOK, views.SearchPage(p, d))
}

func containsKind(kinds []search.Kind, k search.Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// fieldMessage is the translated problem of a refused query.
func fieldMessage(t func(string, ...map[string]any) string, err error) string {
	var v *apperr.ValidationError
	if errors.As(err, &v) && len(v.Fields) > 0 {
		return t(v.Fields[0].Message, v.Fields[0].Data)
	}
	return t("error.invalid_chars")
}

// apiItem is one record found.
type apiItem struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle"`
	URL      string `json:"url"`
}

// apiGroup is what a search found of one kind.
type apiGroup struct {
	Kind    string    `json:"kind"`
	Label   string    `json:"label"`
	Items   []apiItem `json:"items"`
	HasMore bool      `json:"has_more"`
	MoreURL string    `json:"more_url"`
}

// apiResults are the groups of one search.
type apiResults struct {
	Query  string     `json:"q"`
	URL    string     `json:"url"`
	Groups []apiGroup `json:"groups"`
}

// APISearch answers a search with a few records of every kind the caller
// may find, grouped, each group linking to its full list.
func (h *Handlers) APISearch(c *fiber.Ctx) error {
	v := &apperr.ValidationError{}
	limit := apiLimit
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > apiMaxLimit {
			v.Add("limit", "error.limit_range", map[string]any{"Max": apiMaxLimit})
		}
		limit = n
	}
	text, err := search.Clean(c.Query("q"))
	if err != nil {
		var qv *apperr.ValidationError
		if errors.As(err, &qv) {
			v.Fields = append(v.Fields, qv.Fields...)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	u := httpx.CallerOf(c)
	groups, err := h.Search.Search(c.UserContext(), u, search.Query{Text: text, Kinds: h.kindsFor(c), Limit: limit})
	if err != nil {
		return err
	}
	p := &views.Page{Tr: httpx.Tr(c), User: u.User, Area: httpx.AreaOf(u.User)}
	out := apiResults{Query: text, URL: "/search?q=" + views.QueryEscape(text), Groups: []apiGroup{}}
	for _, g := range views.SearchGroups(p, text, groups) {
		ag := apiGroup{Kind: g.Kind, Label: g.Label, Items: make([]apiItem, 0, len(g.Items)), HasMore: g.More, MoreURL: g.MoreURL}
		for _, it := range g.Items {
			ag.Items = append(ag.Items, apiItem(it))
		}
		out.Groups = append(out.Groups, ag)
	}
	return c.JSON(out)
}

// DocSearch describes the search API.
var DocSearch = &httpx.APIDoc{Summary: "Search tickets (number, subject, messages), devices (name, serial number, manufacturer, model) and, " +
	"for staff, customers and people: a few of each kind you may see, grouped, each group with the link of its full list", Tag: "search",
	Status: 200, Response: "SearchResults", Query: []string{"q", "limit"}}

// Schemas are the JSON shapes of search results.
var Schemas = map[string]any{
	"SearchResults": httpx.Obj([]string{"q", "url", "groups"}, map[string]any{
		"q": httpx.Str, "url": map[string]any{"type": "string", "description": "the search page of these results"},
		"groups": map[string]any{"type": "array", "items": httpx.Ref("SearchGroup")},
	}),
	"SearchGroup": httpx.Obj([]string{"kind", "label", "items", "has_more", "more_url"}, map[string]any{
		"kind":     map[string]any{"type": "string", "enum": []string{"tickets", "devices", "customers", "people"}},
		"label":    map[string]any{"type": "string", "description": "the kind's name in the caller's language"},
		"items":    map[string]any{"type": "array", "items": httpx.Ref("SearchItem")},
		"has_more": map[string]any{"type": "boolean", "description": "the full list holds more than these"},
		"more_url": map[string]any{"type": "string", "description": "the kind's full list, filtered by q"},
	}),
	"SearchItem": httpx.Obj([]string{"title", "subtitle", "url"}, map[string]any{"title": httpx.Str, "subtitle": httpx.Str, "url": httpx.Str}),
}
