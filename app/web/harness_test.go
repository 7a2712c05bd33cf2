package web

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
	"backoffice/app/clock"
	"backoffice/app/config"
	"backoffice/app/db/dbtest"
	"backoffice/app/i18n"
	"backoffice/app/org"
	"backoffice/rbac"
)

// testPassword is the password of every fixture user.
const testPassword = "Correct-Horse-7-Battery"

// cheapParams keep fixtures fast; production parameters are tested in app/auth.
var cheapParams = auth.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// harness is a running application on a fresh database with two customers
// and a user for every role.
type harness struct {
	t        *testing.T
	db       *bun.DB
	srv      *Server
	clock    *clock.Fake
	logs     *syncBuffer
	provider *org.Organization
	custA    *org.Organization
	custB    *org.Organization
	users    map[string]*org.User // by fixture name, see newHarness
}

// Fixture users: staff of the provider, and the three roles at customer A,
// plus an administrator and a member at customer B.
var fixtureUsers = []struct {
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

// eachDB runs fn with a harness on every available database.
func eachDB(t *testing.T, fn func(t *testing.T, h *harness)) {
	eachDBWith(t, nil, fn)
}

// eachDBWith is eachDB with a harness configured from env (see newHarnessEnv).
func eachDBWith(t *testing.T, env map[string]string, fn func(t *testing.T, h *harness)) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		fn(t, newHarnessEnv(t, bdb, env))
	})
}

func newHarness(t *testing.T, bdb *bun.DB) *harness {
	t.Helper()
	return newHarnessEnv(t, bdb, nil)
}

// newHarnessAt builds a harness whose BASE_URL is baseURL (browsers send an
// Origin that must match it).
func newHarnessAt(t *testing.T, bdb *bun.DB, baseURL string) *harness {
	t.Helper()
	return newHarnessEnv(t, bdb, map[string]string{"BASE_URL": baseURL})
}

// newHarnessEnv builds a harness configured from env over the defaults of
// the tests.
func newHarnessEnv(t *testing.T, bdb *bun.DB, env map[string]string) *harness {
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
	h := &harness{t: t, db: bdb, clock: fc, logs: &syncBuffer{}, users: map[string]*org.User{}}
	t.Cleanup(func() {
		if t.Failed() {
			for _, line := range strings.Split(h.logs.String(), "\n") {
				if strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN") {
					t.Log(line)
				}
			}
		}
	})
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
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
	h.srv, err = New(Deps{Config: cfg, DB: bdb, Log: log, Clock: fc, Enforcer: enforcer, I18n: bundle,
		Auth: auth.NewService(bdb, fc, hasher, sessions), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}

	store := org.NewStore(bdb, fc)
	h.provider = &org.Organization{Name: "Provider Ltd"}
	must(t, store.CreateOrganization(ctx, h.provider, []string{"provider.test"}))
	h.custA = &org.Organization{Name: "Customer A", ProviderID: &h.provider.ID}
	must(t, store.CreateOrganization(ctx, h.custA, []string{"a.test"}))
	h.custB = &org.Organization{Name: "Customer B", ProviderID: &h.provider.ID}
	must(t, store.CreateOrganization(ctx, h.custB, []string{"b.test"}))
	hash, err := hasher.Hash(ctx, testPassword)
	must(t, err)
	orgs := map[string]*org.Organization{"provider": h.provider, "a": h.custA, "b": h.custB}
	for _, f := range fixtureUsers {
		u := &org.User{OrganizationID: orgs[f.org].ID, Email: f.name + "@" + map[string]string{"provider": "provider", "a": "a", "b": "b"}[f.org] + ".test",
			FirstName: strings.ToUpper(f.name[:1]) + f.name[1:], LastName: "Tester", Role: f.role, PasswordHash: hash,
			Language: "en", TimeZone: "Europe/Berlin"}
		must(t, store.CreateUser(ctx, u))
		u, err = store.User(ctx, u.ID)
		must(t, err)
		h.users[f.name] = u
	}
	return h
}

// syncBuffer holds the log; the server may write to it from a goroutine of
// its own while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// do sends a request through the application.
func (h *harness) do(req *http.Request) *http.Response {
	h.t.Helper()
	if req.RemoteAddr == "" {
		req.RemoteAddr = "192.0.2.10:1234"
	}
	resp, err := h.srv.App().Test(req, -1)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return resp
}

// serve runs the application on a real port of 127.0.0.1 until the test
// ends, for what app.Test cannot show (framing, connections, shutdown), and
// returns its address.
func (h *harness) serve() string {
	h.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(h.t, err)
	served := make(chan error, 1)
	go func() { served <- h.srv.Serve(ln) }()
	h.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h.srv.Shutdown(ctx)
		<-served
	})
	return ln.Addr().String()
}

func readBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return string(b)
}

// token issues an API token for a fixture user directly through the store.
func (h *harness) token(name string) string {
	h.t.Helper()
	plain, _, err := h.srv.auth.Tokens().Create(context.Background(), h.users[name].ID, "test", time.Hour*24)
	must(h.t, err)
	return plain
}

// api calls the JSON API with a bearer token ("" for none) and decodes the
// JSON answer into a map (nil when the body is empty).
func (h *harness) api(method, path, token string, body any) (*http.Response, map[string]any) {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		default:
			raw, err := json.Marshal(b)
			must(h.t, err)
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
	resp := h.do(req)
	raw := readBody(h.t, resp)
	if ct := resp.Header.Get("Content-Type"); raw == "" || (ct != "" && !strings.Contains(ct, "json")) {
		return resp, nil // empty, or not JSON (CSV, PNG)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		h.t.Fatalf("%s %s: answer is not a JSON object: %v\n%s", method, path, err, raw)
	}
	return resp, m
}

// browser is a cookie-keeping client of the HTML pages.
type browser struct {
	h       *harness
	cookies map[string]string
	ip      string
	lang    string
}

func (h *harness) browser() *browser {
	return &browser{h: h, cookies: map[string]string{}, ip: "192.0.2.10"}
}

func (b *browser) send(req *http.Request) (*http.Response, string) {
	b.h.t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	req.Header.Set("X-Forwarded-For", b.ip)
	resp := b.h.do(req)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return resp, readBody(b.h.t, resp)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.h.t.Helper()
	return b.send(httptest.NewRequest("GET", path, nil))
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf fetches a page and returns the CSRF token of its forms.
func (b *browser) csrf(page string) string {
	b.h.t.Helper()
	_, body := b.get(page)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.h.t.Fatalf("no CSRF field on %s", page)
	}
	return m[1]
}

// post submits a form as the page at from would, with its CSRF token.
func (b *browser) post(from, path string, form url.Values) (*http.Response, string) {
	b.h.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf(from))
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

// login signs in through the form and checks that it worked.
func (b *browser) login(name string) {
	b.h.t.Helper()
	resp, body := b.post("/login", "/login", url.Values{"email": {b.h.users[name].Email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		b.h.t.Fatalf("login %s: status %d\n%s", name, resp.StatusCode, body)
	}
}

// loggedIn returns a signed-in browser for a fixture user.
func (h *harness) loggedIn(name string) *browser {
	b := h.browser()
	b.login(name)
	return b
}

func wantStatus(t testing.TB, resp *http.Response, want int, body string) {
	t.Helper()
	if resp.StatusCode != want {
		if len(body) > 2000 {
			body = body[:2000]
		}
		t.Fatalf("%s %s: status %d, want %d\n%s", resp.Request.Method, resp.Request.URL, resp.StatusCode, want, body)
	}
}

func wantContains(t testing.TB, body string, subs ...string) {
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

func wantNotContains(t testing.TB, body string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(body, s) {
			t.Fatalf("response contains %q but must not", s)
		}
	}
}

func newSQLite(t *testing.T) *bun.DB { return dbtest.New(t, dbtest.SQLite) }

func itoa(n int) string { return strconv.Itoa(n) }

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
