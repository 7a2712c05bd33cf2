package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/app/db"
	"backoffice/app/db/dbtest"
)

// testEnv is an environment for run(): a fresh database of the dialect, a
// data directory of its own, and whatever else the test sets.
func testEnv(t *testing.T, d dbtest.Dialect, extra map[string]string) func(string) string {
	t.Helper()
	env := map[string]string{
		"DATABASE_URL":        dbtest.URL(t, d),
		"BACKOFFICE_DATA_DIR": t.TempDir(),
		"LOG_LEVEL":           "warn",
	}
	for k, v := range extra {
		env[k] = v
	}
	return func(k string) string { return env[k] }
}

func runCmd(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, getenv, &out, &errb)
	return code, out.String(), errb.String()
}

func TestBadConfigurationNamesTheVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"DATABASE_URL":      {"DATABASE_URL": "mysql://x"},
		"BASE_URL":          {"BASE_URL": "not a url"},
		"BACKOFFICE_ADDR":   {"BACKOFFICE_ADDR": "nowhere"},
		"LOG_LEVEL":         {"LOG_LEVEL": "loud"},
		"SMTP_URL":          {"SMTP_URL": "http://mail"},
		"MAIL_FROM":         {"MAIL_FROM": "not an address"},
		"BACKOFFICE_SECRET": {"BACKOFFICE_SECRET": "short"},
	}
	for variable, env := range cases {
		getenv := func(k string) string { return env[k] }
		for _, cmd := range [][]string{{"serve"}, {"migrate", "up"}} {
			code, _, stderr := runCmd(t, getenv, cmd...)
			if code != 2 || !strings.Contains(stderr, variable) || strings.Contains(stderr, "panic") {
				t.Errorf("%s with bad %s: exit %d, stderr %q", cmd[0], variable, code, stderr)
			}
		}
	}
}

func TestUsageAndVersion(t *testing.T) {
	if code, _, stderr := runCmd(t, nil); code != 2 || !strings.Contains(stderr, "Usage") {
		t.Fatalf("no command: %d %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, nil, "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Fatalf("unknown command: %d %q", code, stderr)
	}
	if code, out, _ := runCmd(t, nil, "version"); code != 0 || !strings.HasPrefix(out, "backoffice ") {
		t.Fatalf("version: %d %q", code, out)
	}
	if code, _, stderr := runCmd(t, func(string) string { return "" }, "migrate", "sideways"); code != 2 || !strings.Contains(stderr, "up|down|status") {
		t.Fatalf("migrate sideways: %d %q", code, stderr)
	}
}

func TestMigrateSeedAndUserCreate(t *testing.T) {
	for _, d := range dbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			getenv := testEnv(t, d, map[string]string{"BACKOFFICE_DEMO_PASSWORD": "Demo-Password-2026"})
			code, out, stderr := runCmd(t, getenv, "migrate", "status")
			if code != 0 || !strings.Contains(out, "pending") {
				t.Fatalf("status on empty db: %d %q %q", code, out, stderr)
			}
			if code, out, stderr = runCmd(t, getenv, "migrate", "up"); code != 0 || !strings.Contains(out, "applied") {
				t.Fatalf("up: %d %q %q", code, out, stderr)
			}
			if code, out, _ = runCmd(t, getenv, "migrate", "up"); code != 0 || !strings.Contains(out, "up to date") {
				t.Fatalf("second up: %d %q", code, out)
			}
			if code, out, _ = runCmd(t, getenv, "migrate", "down"); code != 0 || !strings.Contains(out, "rolled back") {
				t.Fatalf("down: %d %q", code, out)
			}
			if code, out, _ = runCmd(t, getenv, "migrate", "status"); code != 0 || !strings.Contains(out, "pending") {
				t.Fatalf("status after down: %d %q", code, out)
			}

			// user create validates every flag and names it.
			code, _, stderr = runCmd(t, getenv, "user", "create", "--email", "bad", "--password", "password", "--name", "", "--role", "member")
			for _, flag := range []string{"--email", "--password", "--name", "--role"} {
				if code != 2 || !strings.Contains(stderr, flag) {
					t.Errorf("user create with bad %s: %d %q", flag, code, stderr)
				}
			}
			code, out, stderr = runCmd(t, getenv, "user", "create", "--email", "Boss@Example.com", "--password", "A-Strong-Pass-99",
				"--name", "Ida Boss", "--role", "provider_admin")
			if code != 0 || !strings.Contains(out, "boss@example.com") || !strings.Contains(out, "Service provider") {
				t.Fatalf("user create: %d %q %q", code, out, stderr)
			}
			code, _, stderr = runCmd(t, getenv, "user", "create", "--email", "BOSS@example.com", "--password", "A-Strong-Pass-99",
				"--name", "Ida Again", "--role", "provider_agent")
			if code == 0 || !strings.Contains(stderr, "already in use") {
				t.Fatalf("duplicate email: %d %q", code, stderr)
			}
			// user set-password replaces any user's password and ends their sessions.
			bdb, err := db.Open(context.Background(), getenv("DATABASE_URL"))
			if err != nil {
				t.Fatal(err)
			}
			defer bdb.Close()
			if _, err := bdb.NewRaw(`INSERT INTO sessions (user_id, token_hash, ip, user_agent, expires_at, last_seen_at)
				SELECT id, 'h', '', '', ?, ? FROM users WHERE email = 'boss@example.com'`, time.Now().Add(time.Hour), time.Now()).Exec(context.Background()); err != nil {
				t.Fatal(err)
			}
			code, _, stderr = runCmd(t, getenv, "user", "set-password", "--email", "nobody@example.com", "--password", "Another-Pass-42")
			if code != 1 || !strings.Contains(stderr, "no user has the address nobody@example.com") {
				t.Errorf("set-password of an unknown user: %d %q", code, stderr)
			}
			if code, _, stderr = runCmd(t, getenv, "user", "set-password", "--email", "boss@example.com", "--password", "short"); code != 2 ||
				!strings.Contains(stderr, "--password") {
				t.Errorf("set-password with a weak password: %d %q", code, stderr)
			}
			code, out, stderr = runCmd(t, getenv, "user", "set-password", "--email", "Boss@Example.com", "--password", "Another-Pass-42")
			if code != 0 || !strings.Contains(out, "New password set for boss@example.com; 1 sessions") {
				t.Fatalf("set-password: %d %q %q", code, out, stderr)
			}
			var hash string
			if err := bdb.NewRaw("SELECT password_hash FROM users WHERE email = 'boss@example.com'").Scan(context.Background(), &hash); err != nil {
				t.Fatal(err)
			}
			if ok, _, err := newHasher().Verify(context.Background(), "Another-Pass-42", hash); err != nil || !ok {
				t.Errorf("the new password does not verify: %v %v", ok, err)
			}
			var left int
			if err := bdb.NewRaw("SELECT count(*) FROM sessions").Scan(context.Background(), &left); err != nil || left != 0 {
				t.Errorf("%d sessions left after set-password (%v)", left, err)
			}

			// seed refuses a database that holds data.
			if code, _, stderr = runCmd(t, getenv, "seed"); code != 1 || !strings.Contains(stderr, "empty database") {
				t.Fatalf("seed on a used database: %d %q", code, stderr)
			}

			fresh := testEnv(t, d, nil)
			code, out, stderr = runCmd(t, fresh, "seed", "--password", "Seeded-Pass-2026")
			if code != 0 || !strings.Contains(out, "admin@nordlicht-service.example") || !strings.Contains(out, "Seeded-Pass-2026") {
				t.Fatalf("seed: %d %q %q", code, out, stderr)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var (
	listening = regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)
	metricsAt = regexp.MustCompile(`without a token at http://(127\.0\.0\.1:\d+)/metrics`)
	demoLogin = regexp.MustCompile(`(?m)^\s+(\S+@\S+)\s+(\S+)\s+(provider_admin|provider_agent|administrator|moderator|member)\s`)
)

// serve starts `backoffice serve` and returns its address, its output and a
// function that stops it (as SIGINT would) and returns the exit code.
func serve(t *testing.T, getenv func(string) string) (string, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errb := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, out, errb) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			stop := func() int {
				cancel()
				select {
				case code := <-done:
					return code
				case <-time.After(30 * time.Second):
					t.Fatal("serve did not stop within 30 s")
					return -1
				}
			}
			return m[1], out, stop
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d\nstdout: %s\nstderr: %s", code, out.String(), errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start\nstdout: %s\nstderr: %s", out.String(), errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The newcomer's path: serve on an empty database prints demo logins, and
// each of them signs in and lands in its area; readiness answers, and
// metrics on their own port only; SIGINT stops the server and that port
// cleanly.
func TestServeOnAnEmptyDatabase(t *testing.T) {
	for _, d := range dbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			getenv := testEnv(t, d, map[string]string{"BACKOFFICE_ADDR": "127.0.0.1:0", "BACKOFFICE_METRICS_ADDR": "127.0.0.1:0"})
			addr, out, stop := serve(t, getenv)
			base := "http://" + addr
			m := metricsAt.FindStringSubmatch(out.String())
			if m == nil {
				t.Fatalf("metrics address not printed:\n%s", out.String())
			}
			metricsAddr := m[1]
			logins := demoLogin.FindAllStringSubmatch(out.String(), -1)
			if len(logins) < 5 {
				t.Fatalf("demo logins not printed:\n%s", out.String())
			}
			roles := map[string]bool{}
			for _, l := range logins {
				roles[l[3]] = true
				area := `class="app area-office"`
				if strings.HasPrefix(l[3], "provider_") {
					area = `class="app area-staff"`
				}
				body := loginAndGetHome(t, base, l[1], l[2])
				if !strings.Contains(body, area) {
					t.Errorf("%s (%s) did not land in the %s", l[1], l[3], area)
				}
			}
			if len(roles) != 5 {
				t.Errorf("demo logins cover roles %v, want all five", roles)
			}
			for target, want := range map[string]int{base + "/readyz": 200, base + "/healthz": 200, base + "/login": 200,
				base + "/metrics": 404, "http://" + metricsAddr + "/metrics": 200} {
				resp, err := http.Get(target)
				if err != nil || resp.StatusCode != want {
					t.Fatalf("GET %s: %v %v, want %d", target, resp, err, want)
				}
				resp.Body.Close()
			}
			// A request in flight when the signal arrives still completes.
			slow := make(chan int, 1)
			go func() {
				resp, err := http.Get(base + "/readyz")
				if err != nil {
					slow <- 0
					return
				}
				resp.Body.Close()
				slow <- resp.StatusCode
			}()
			time.Sleep(20 * time.Millisecond)
			if code := stop(); code != 0 {
				t.Fatalf("serve exited with %d", code)
			}
			<-slow
			for _, a := range []string{addr, metricsAddr} {
				if _, err := net.DialTimeout("tcp", a, time.Second); err == nil {
					t.Fatalf("still listening on %s after shutdown", a)
				}
			}
			// A second start on the same database loads no demo data again,
			// but prints the accounts that still have the demo password.
			_, out2, stop2 := serve(t, getenv)
			if strings.Contains(out2.String(), "Demo data loaded") {
				t.Fatal("demo data loaded into a database that holds data")
			}
			again := demoLogin.FindAllStringSubmatch(out2.String(), -1)
			if !strings.Contains(out2.String(), "Demo accounts with the demo password") || len(again) != len(logins) || again[0][2] != logins[0][2] {
				t.Fatalf("second start: the demo logins are not printed again:\n%s", out2.String())
			}
			stop2()
			// One account's password changed: the others are still listed.
			if code, _, stderr := runCmd(t, getenv, "user", "set-password", "--email", logins[0][1], "--password", "Changed-Pass-2026"); code != 0 {
				t.Fatalf("set-password: %s", stderr)
			}
			_, out3, stop3 := serve(t, getenv)
			stop3()
			if listed := demoLogin.FindAllStringSubmatch(out3.String(), -1); len(listed) != len(logins)-1 ||
				!strings.Contains(out3.String(), fmt.Sprintf("(%d of %d; the others were changed)", len(logins)-1, len(logins))) {
				t.Fatalf("third start: %d accounts listed\n%s", len(listed), out3.String())
			}
		})
	}
}

// loginAndGetHome signs in through the real form and returns the home page.
func loginAndGetHome(t *testing.T, base, email, password string) string {
	t.Helper()
	jar := map[string]string{}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(req *http.Request) (*http.Response, string) {
		for k, v := range jar {
			req.AddCookie(&http.Cookie{Name: k, Value: v})
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range resp.Cookies() {
			jar[c.Name] = c.Value
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	req, _ := http.NewRequest("GET", base+"/login", nil)
	_, page := do(req)
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the login page")
	}
	form := url.Values{"_csrf": {m[1]}, "email": {email}, "password": {password}}
	req, _ = http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := do(req)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d\n%s", email, resp.StatusCode, body)
	}
	req, _ = http.NewRequest("GET", base+"/", nil)
	resp, body = do(req)
	if resp.StatusCode != 200 {
		t.Fatalf("home of %s: %d", email, resp.StatusCode)
	}
	// The API frame answers for the same account.
	tb, _ := json.Marshal(map[string]string{"email": email, "password": password})
	tr, err := http.Post(base+"/api/v1/auth/token", "application/json", bytes.NewReader(tb))
	if err != nil || tr.StatusCode != 201 {
		t.Fatalf("token for %s: %v %v", email, tr, err)
	}
	tr.Body.Close()
	return body
}

func TestSecretIsGeneratedOnceWithMode0600(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dir, "db.sqlite"), "BACKOFFICE_DATA_DIR": dir}[k]
	}
	if code, _, stderr := runCmd(t, getenv, "migrate", "up"); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	st, err := os.Stat(filepath.Join(dir, "secret"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("secret mode %v", st.Mode().Perm())
	}
	first, _ := os.ReadFile(filepath.Join(dir, "secret"))
	runCmd(t, getenv, "migrate", "status")
	second, _ := os.ReadFile(filepath.Join(dir, "secret"))
	if !bytes.Equal(first, second) || len(bytes.TrimSpace(first)) < 32 {
		t.Fatal("secret changed between runs or is too short")
	}
}

// seed --scale adds generated tickets with their counts and numbers kept
// right, on top of the demo data, and can run again.
func TestSeedScaleGeneratesTickets(t *testing.T) {
	for _, d := range dbtest.Dialects(t) {
		t.Run(string(d), func(t *testing.T) {
			getenv := testEnv(t, d, map[string]string{"BACKOFFICE_DEMO_PASSWORD": "Demo-Pass-2026x"})
			code, out, stderr := runCmd(t, getenv, "seed", "--scale", "2500")
			if code != 0 || !strings.Contains(out, "Generated 2500 tickets") {
				t.Fatalf("seed --scale: %d %s %s", code, out, stderr)
			}
			if code, out, stderr = runCmd(t, getenv, "seed", "--scale", "500"); code != 0 {
				t.Fatalf("second seed --scale: %d %s %s", code, out, stderr)
			}
			bdb, err := db.Open(context.Background(), getenv("DATABASE_URL"))
			if err != nil {
				t.Fatal(err)
			}
			defer bdb.Close()
			var tickets, counted, distinct int
			for q, dst := range map[string]*int{"SELECT count(*) FROM tickets": &tickets,
				"SELECT COALESCE(sum(n), 0) FROM ticket_status_counts": &counted, "SELECT count(DISTINCT number) FROM tickets": &distinct} {
				if err := bdb.NewRaw(q).Scan(context.Background(), dst); err != nil {
					t.Fatal(err)
				}
			}
			if tickets < 3000 || counted != tickets || distinct != tickets {
				t.Fatalf("%d tickets, %d counted, %d distinct numbers", tickets, counted, distinct)
			}
			// Customers of different sizes: half the generated tickets at the
			// first, two generated customers for the first 2,500.
			var sizes []int
			if err := bdb.NewRaw(`SELECT count(*) FROM tickets t JOIN organizations o ON o.id = t.customer_id
				GROUP BY o.id ORDER BY o.id`).Scan(context.Background(), &sizes); err != nil {
				t.Fatal(err)
			}
			if len(sizes) != 4 || sizes[0] < 1300 || sizes[0] > 1800 {
				t.Errorf("tickets per customer %v: want 4 customers, the first with about half of 3,000", sizes)
			}
			if code, _, _ := runCmd(t, getenv, "seed", "--scale", "-1"); code != 2 {
				t.Fatalf("--scale -1: exit %d", code)
			}
		})
	}
}
