// Package webtest runs the whole application for handler tests: a Harness
// holds a server on a fresh database with a provider, two customers and a
// user for every role, and Browser is a cookie-keeping client of its pages.
package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/auth"
	"backoffice/app/caller"
	"backoffice/app/clock"
	"backoffice/app/config"
	"backoffice/app/db/dbtest"
	"backoffice/app/i18n"
	"backoffice/app/org"
	"backoffice/app/web"
	"backoffice/rbac"
)

// Password is the password of every fixture user.
const Password = "Correct-Horse-7-Battery"

// cheapParams keep fixtures fast; production parameters are tested in app/auth.
var cheapParams = auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// Harness is a running application on a fresh database with two customers
// and a user for every role.
type Harness struct {
	T        *testing.T
	DB       *bun.DB
	Server   *web.Server
	Svc      web.Services // the server's domain services
	RBAC     *rbac.Enforcer
	Clock    *clock.Fake
	Logs     *SyncBuffer
	Provider *org.Organization
	CustA    *org.Organization
	CustB    *org.Organization
	Users    map[string]*caller.Caller // by fixture name, see NewEnv
}

// FixtureUsers are the users of every harness: staff of the provider, and the three roles at customer A,
// plus an administrator and a member at customer B.
var FixtureUsers = []struct {
	name string
	role rbac.Role
	org  string
}{
	{"admin", rbac.ProviderAdmin, "provider"},
	{"agent", rbac.ProviderAgent, "provider"},
	{"a_admin", rbac.Administrator, "a"},
	{"a_moderator", rbac.Moderator, "a"},
	{"a_member", rbac.Member, "a"},
	{"b_admin", rbac.Administrator, "b"},
	{"b_member", rbac.Member, "b"},
}

// EachDB runs fn with a harness on every available database.
func EachDB(t *testing.T, fn func(t *testing.T, h *Harness)) {
	EachDBWith(t, nil, fn)
}

// EachDBWith is EachDB with a harness configured from env (see NewEnv).
func EachDBWith(t *testing.T, env map[string]string, fn func(t *testing.T, h *Harness)) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		fn(t, NewEnv(t, bdb, env))
	})
}

// New builds a harness on bdb with the defaults of the tests.
func New(t *testing.T, bdb *bun.DB) *Harness {
	t.Helper()
	return NewEnv(t, bdb, nil)
}

// NewAt builds a harness whose BASE_URL is baseURL (browsers send an
// Origin that must match it).
func NewAt(t *testing.T, bdb *bun.DB, baseURL string) *Harness {
	t.Helper()
	return NewEnv(t, bdb, map[string]string{"BASE_URL": baseURL})
}

// NewEnv builds a harness configured from env over the defaults of
// the tests.
func NewEnv(t *testing.T, bdb *bun.DB, env map[string]string) *Harness {
	t.Helper()
	ctx := context.Background()
	fc := clock.NewFake(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	vars := map[string]string{"BACKOFFICE_SECRET": strings.Repeat("s", 40), "BASE_URL": "http://desk.test", "BACKOFFICE_DATA_DIR": t.TempDir(),
		// app.Test connects from 0.0.0.0; trusting it lets tests choose client
		// addresses with X-Forwarded-For, as a reverse proxy would.
		"BACKOFFICE_TRUSTED_PROXIES": "0.0.0.0"}
	maps.Copy(vars, env)
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	h := &Harness{T: t, DB: bdb, Clock: fc, Logs: &SyncBuffer{}, Users: map[string]*caller.Caller{}}
	t.Cleanup(func() {
		if t.Failed() {
			for _, line := range strings.Split(h.Logs.String(), "\n") {
				if strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN") {
					t.Log(line)
				}
			}
		}
	})
	log := slog.New(slog.NewTextHandler(h.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	enforcer, err := rbac.New(ctx, bdb)
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	hasher := auth.NewHasher(cheapParams, 4)
	sessions := auth.NewSessionStore(bdb, fc, cfg.SessionIdle, cfg.SessionMax)
	h.Server, err = web.New(web.Deps{Config: cfg, DB: bdb, Log: log, Clock: fc, Enforcer: enforcer, I18n: bundle,
		Auth: auth.NewService(bdb, fc, hasher, sessions), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	h.Svc, h.RBAC = h.Server.Services(), enforcer

	store := org.NewStore(bdb, fc)
	h.Provider = &org.Organization{Name: "Provider Ltd"}
	Must(t, store.CreateOrganization(ctx, h.Provider, []string{"provider.test"}))
	h.CustA = &org.Organization{Name: "Customer A", ProviderID: &h.Provider.ID}
	Must(t, store.CreateOrganization(ctx, h.CustA, []string{"a.test"}))
	h.CustB = &org.Organization{Name: "Customer B", ProviderID: &h.Provider.ID}
	Must(t, store.CreateOrganization(ctx, h.CustB, []string{"b.test"}))
	hash, err := hasher.Hash(ctx, Password)
	Must(t, err)
	orgs := map[string]*org.Organization{"provider": h.Provider, "a": h.CustA, "b": h.CustB}
	for _, f := range FixtureUsers {
		u := &org.User{OrganizationID: orgs[f.org].ID, Email: f.name + "@" + map[string]string{"provider": "provider", "a": "a", "b": "b"}[f.org] + ".test",
			FirstName: strings.ToUpper(f.name[:1]) + f.name[1:], LastName: "Tester", Role: f.role, PasswordHash: hash,
			Language: "en", TimeZone: "Europe/Berlin"}
		Must(t, store.CreateUser(ctx, u))
		u, err = store.User(ctx, u.ID)
		Must(t, err)
		h.Users[f.name] = caller.Of(u, "")
	}
	return h
}

// SyncBuffer holds the log; the server may write to it from a goroutine of
// its own while a test reads it.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p to the log.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is the log so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Must fails the test at once on an error.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Do sends a request through the application.
func (h *Harness) Do(req *http.Request) *http.Response {
	h.T.Helper()
	if req.RemoteAddr == "" {
		req.RemoteAddr = "192.0.2.10:1234"
	}
	resp, err := h.Server.App().Test(req, -1)
	if err != nil {
		h.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return resp
}

// Serve runs the application on a real port of 127.0.0.1 until the test
// ends, for what app.Test cannot show (framing, connections, shutdown), and
// returns its address.
func (h *Harness) Serve() string {
	h.T.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Must(h.T, err)
	served := make(chan error, 1)
	go func() { served <- h.Server.Serve(ln) }()
	h.T.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h.Server.Shutdown(ctx)
		<-served
	})
	return ln.Addr().String()
}

// ReadBody reads and closes the body of resp.
func ReadBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return string(b)
}

// Token issues an API token for a fixture user directly through the store.
func (h *Harness) Token(name string) string {
	h.T.Helper()
	plain, _, err := h.Svc.Auth.Tokens().Create(context.Background(), h.Users[name].ID, "test", time.Hour*24)
	Must(h.T, err)
	return plain
}

// API calls the JSON API with a bearer token ("" for none) and decodes the
// JSON answer into a map (nil when the body is empty).
func (h *Harness) API(method, path, token string, body any) (*http.Response, map[string]any) {
	h.T.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		default:
			raw, err := json.Marshal(b)
			Must(h.T, err)
			rd = bytes.NewReader(raw)
		}
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp := h.Do(req)
	raw := ReadBody(h.T, resp)
	if ct := resp.Header.Get("Content-Type"); raw == "" || (ct != "" && !strings.Contains(ct, "json")) {
		return resp, nil // empty, or not JSON (CSV, PNG)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		h.T.Fatalf("%s %s: answer is not a JSON object: %v\n%s", method, path, err, raw)
	}
	return resp, m
}

// Browser is a cookie-keeping client of the HTML pages.
type Browser struct {
	H       *Harness
	Cookies map[string]string
	IP      string // the client address, sent as X-Forwarded-For
	Lang    string // sent as Accept-Language when set
}

// Browser returns a new client without cookies, from 192.0.2.10.
func (h *Harness) Browser() *Browser {
	return &Browser{H: h, Cookies: map[string]string{}, IP: "192.0.2.10"}
}

// Send sends req with the browser's cookies, language and address, keeps the
// cookies of the answer and returns it with its body.
func (b *Browser) Send(req *http.Request) (*http.Response, string) {
	b.H.T.Helper()
	for k, v := range b.Cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if b.Lang != "" {
		req.Header.Set("Accept-Language", b.Lang)
	}
	req.Header.Set("X-Forwarded-For", b.IP)
	resp := b.H.Do(req)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.Cookies, c.Name)
		} else {
			b.Cookies[c.Name] = c.Value
		}
	}
	return resp, ReadBody(b.H.T, resp)
}

// Get fetches a page.
func (b *Browser) Get(path string) (*http.Response, string) {
	b.H.T.Helper()
	return b.Send(httptest.NewRequest("GET", path, nil))
}

// CSRFField finds the CSRF token in a page's forms.
var CSRFField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// CSRF fetches a page and returns the CSRF token of its forms.
func (b *Browser) CSRF(page string) string {
	b.H.T.Helper()
	_, body := b.Get(page)
	m := CSRFField.FindStringSubmatch(body)
	if m == nil {
		b.H.T.Fatalf("no CSRF field on %s", page)
	}
	return m[1]
}

// Post submits a form as the page at from would, with its CSRF token.
func (b *Browser) Post(from, path string, form url.Values) (*http.Response, string) {
	b.H.T.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.CSRF(from))
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Send(req)
}

// Login signs in through the form and checks that it worked.
func (b *Browser) Login(name string) {
	b.H.T.Helper()
	resp, body := b.Post("/login", "/login", url.Values{"email": {b.H.Users[name].Email}, "password": {Password}})
	if resp.StatusCode != http.StatusSeeOther {
		b.H.T.Fatalf("login %s: status %d\n%s", name, resp.StatusCode, body)
	}
}

// LoggedIn returns a signed-in browser for a fixture user.
func (h *Harness) LoggedIn(name string) *Browser {
	b := h.Browser()
	b.Login(name)
	return b
}

// WantStatus fails the test unless resp has the status want.
func WantStatus(t testing.TB, resp *http.Response, want int, body string) {
	t.Helper()
	if resp.StatusCode != want {
		if len(body) > 2000 {
			body = body[:2000]
		}
		t.Fatalf("%s %s: status %d, want %d\n%s", resp.Request.Method, resp.Request.URL, resp.StatusCode, want, body)
	}
}

// WantContains fails the test unless body contains every one of subs.
func WantContains(t testing.TB, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(body, s) {
			if len(body) > 3000 {
				body = body[:3000]
			}
			t.Fatalf("response lacks %q:\n%s", s, body)
		}
	}
}

// WantNotContains fails the test when body contains any of subs.
func WantNotContains(t testing.TB, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(body, s) {
			t.Fatalf("response contains %q but must not", s)
		}
	}
}

// SQLite is a fresh SQLite database for one test.
func SQLite(t *testing.T) *bun.DB { return dbtest.New(t, dbtest.SQLite) }

// Itoa formats a number for paths and forms.
func Itoa(n int) string { return strconv.Itoa(n) }

// Itoa64 formats an id for paths and forms.
func Itoa64(n int64) string { return strconv.FormatInt(n, 10) }
