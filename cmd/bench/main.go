// Command bench measures the product's pages beside the reference floor
// (../shared/perf-floor) in one run, as `make bench` does: it seeds (or
// reuses) a large data set, runs ANALYZE, starts the product and the floor,
// signs in as each role, checks that every measured URL answers 200 with the
// page it names, drives each with wrk interleaved with the floor, and prints
// requests per second, p50, p99 and errors, each as a ratio to the floor, and
// the server's peak resident memory.
//
// Absolute figures on a shared machine swing by a third from run to run; the
// ratios to the floor, measured in the same minutes, are what to compare.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"backoffice/app/db"
)

// The demo accounts (app/demo) and the password bench seeds them with.
const (
	password = "Bench-Password-2026"
	member   = "member@hafenbraeu.example"
	custAdm  = "admin@hafenbraeu.example"
	agent    = "agent@nordlicht-service.example"
)

type options struct {
	pgURL    string // server URL without a database
	database string
	dialect  string
	tickets  int
	duration time.Duration
	conns    int
	rounds   int
	floorDir string
	addr     string
	floor    string
}

func main() {
	var o options
	flag.StringVar(&o.pgURL, "pg", envOr("BENCH_PG", "postgres://postgres@127.0.0.1:5432"), "PostgreSQL server (no database)")
	flag.StringVar(&o.database, "db", "backoffice_bench", "PostgreSQL database of the product's data set (created and seeded when missing)")
	flag.StringVar(&o.dialect, "dialect", "postgres", "postgres or sqlite (the floor always runs on PostgreSQL)")
	flag.IntVar(&o.tickets, "tickets", 1_000_000, "tickets in the data set")
	flag.DurationVar(&o.duration, "d", 15*time.Second, "duration of each wrk run")
	flag.IntVar(&o.conns, "c", 50, "connections of each wrk run")
	flag.IntVar(&o.rounds, "rounds", 3, "interleaved runs per page (the median is reported)")
	flag.StringVar(&o.floorDir, "floor", "../shared/perf-floor", "folder of the reference floor")
	flag.StringVar(&o.addr, "addr", "127.0.0.1:8097", "address the product listens on")
	flag.StringVar(&o.floor, "floor-addr", "127.0.0.1:8090", "address the floor listens on")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func run(o options) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed: apt-get install -y wrk")
	}
	work, err := os.MkdirTemp("", "bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "backoffice")
	step("build the product")
	if err := command("go", "build", "-o", bin, "./cmd/backoffice").Run(); err != nil {
		return fmt.Errorf("build: %w", err)
	}

	dsn, err := dataSet(o, bin)
	if err != nil {
		return err
	}

	step("start the floor (" + o.floorDir + "/floor.sh)")
	floor := command(filepath.Join(o.floorDir, "floor.sh"))
	floor.Env = append(os.Environ(), "ADDR="+o.floor, "PGURL="+o.pgURL)
	if err := startAndWait(floor, "http://"+o.floor+"/plaintext", 5*time.Minute); err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	defer stop(floor)

	step("start the product on " + o.addr)
	server := exec.Command(bin, "serve", "--no-demo")
	server.Env = append(os.Environ(), "DATABASE_URL="+dsn, "BACKOFFICE_ADDR="+o.addr, "BACKOFFICE_DATA_DIR="+work,
		"BACKOFFICE_SECRET="+strings.Repeat("b", 40), "LOG_LEVEL=warn", "BACKOFFICE_SESSION_IDLE=12h")
	server.Stdout, server.Stderr = io.Discard, os.Stderr
	if err := startAndWait(server, "http://"+o.addr+"/healthz", time.Minute); err != nil {
		return fmt.Errorf("product: %w", err)
	}
	defer stop(server)

	pages, err := pagesToMeasure("http://" + o.addr)
	if err != nil {
		return err
	}
	rows := make([]result, 0, len(pages))
	for _, p := range pages {
		step(fmt.Sprintf("measure %s against the floor's %s (%d × %s)", p.name, p.floorPath, o.rounds, o.duration))
		r, err := measure(o, p)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		rows = append(rows, r)
	}
	peak, err := peakRSS(server.Process.Pid)
	if err != nil {
		return err
	}
	printTable(os.Stdout, o, rows, peak)
	return nil
}

func step(s string) { fmt.Fprintf(os.Stderr, "bench: %s\n", s) }

func command(name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.Stdout, c.Stderr = os.Stderr, os.Stderr
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so stop ends what it started too
	return c
}

// dataSet makes sure the product's data set holds the tickets asked for,
// seeding it when missing, runs ANALYZE, and returns its DATABASE_URL.
func dataSet(o options, bin string) (string, error) {
	var dsn string
	switch o.dialect {
	case "postgres":
		admin, err := sql.Open("pgx", o.pgURL+"/postgres?sslmode=disable")
		if err != nil {
			return "", err
		}
		defer admin.Close()
		var exists bool
		if err := admin.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", o.database).Scan(&exists); err != nil {
			return "", fmt.Errorf("PostgreSQL at %s: %w", o.pgURL, err)
		}
		if !exists {
			if _, err := admin.Exec(`CREATE DATABASE "` + o.database + `"`); err != nil {
				return "", err
			}
		}
		dsn = o.pgURL + "/" + o.database + "?sslmode=disable"
	case "sqlite":
		abs, err := filepath.Abs(filepath.Join("data", "bench.db"))
		if err != nil {
			return "", err
		}
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			return "", err
		}
		dsn = "sqlite:" + abs
	default:
		return "", fmt.Errorf("-dialect %q: want postgres or sqlite", o.dialect)
	}
	have := countTickets(dsn)
	if have < o.tickets {
		step(fmt.Sprintf("seed %d tickets into %s (has %d; takes minutes once, then reused)", o.tickets-have, redact(dsn), have))
		seed := command(bin, "seed", "--password", password, "--scale", strconv.Itoa(o.tickets-have))
		seed.Env = append(os.Environ(), "DATABASE_URL="+dsn)
		seed.Stdout = io.Discard
		if err := seed.Run(); err != nil {
			return "", fmt.Errorf("seed: %w", err)
		}
	}
	step("ANALYZE")
	if err := analyze(dsn); err != nil {
		return "", err
	}
	return dsn, nil
}

func redact(dsn string) string {
	return regexp.MustCompile(`//[^@/]*@`).ReplaceAllString(dsn, "//…@")
}

// countTickets returns the tickets in the data set, 0 when it has no schema yet.
func countTickets(dsn string) int {
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		return 0
	}
	defer d.Close()
	n, err := d.NewSelect().Table("tickets").Count(context.Background())
	if err != nil {
		return 0
	}
	return int(n)
}

// analyze updates the planner's statistics, as a seeded database needs.
func analyze(dsn string) error {
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	_, err = d.Exec("ANALYZE")
	return err
}

// startAndWait starts c and waits until ready answers 200.
func startAndWait(c *exec.Cmd, ready string, within time.Duration) error {
	if err := c.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- c.Wait() }()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("exited before it was ready: %v", err)
		default:
		}
		if resp, err := http.Get(ready); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	stop(c)
	return fmt.Errorf("not ready at %s within %s", ready, within)
}

func stop(c *exec.Cmd) {
	if c.Process != nil {
		_ = syscall.Kill(-c.Process.Pid, syscall.SIGTERM)
		_ = c.Process.Signal(syscall.SIGTERM)
		time.Sleep(500 * time.Millisecond)
	}
}

// page is one measured URL with what proves it is the real page.
type page struct {
	name      string
	url       string
	header    string // Cookie or Authorization
	want      string // text the answer must hold
	floorPath string // the floor's counterpart: /list or /counts
}

// pagesToMeasure signs in as each role and names the URLs of the table.
func pagesToMeasure(base string) ([]page, error) {
	memberCookie, err := signIn(base, member)
	if err != nil {
		return nil, err
	}
	agentCookie, err := signIn(base, agent)
	if err != nil {
		return nil, err
	}
	adminCookie, err := signIn(base, custAdm)
	if err != nil {
		return nil, err
	}
	token, err := apiToken(base, member)
	if err != nil {
		return nil, err
	}
	bearer := "Authorization: Bearer " + token
	ticketID, err := firstID(base+"/api/v1/tickets?limit=1", token)
	if err != nil {
		return nil, err
	}
	deviceID, err := firstID(base+"/api/v1/devices?limit=1", token)
	if err != nil {
		return nil, err
	}
	pages := []page{
		{"customer ticket list (member)", base + "/tickets", memberCookie, `class="table`, "/list"},
		{"staff queue (agent)", base + "/tickets", agentCookie, `class="table`, "/list"},
		{"device list (member)", base + "/devices", memberCookie, `class="table`, "/list"},
		{"ticket page (member)", base + "/tickets/" + ticketID, memberCookie, `class="ticket-layout"`, "/list"},
		{"device page (member)", base + "/devices/" + deviceID, memberCookie, `<h1`, "/list"},
		{"GET /api/v1/tickets (bearer)", base + "/api/v1/tickets", bearer, `"items":[{`, "/list"},
		{"Overview (customer admin)", base + "/", adminCookie, `<h1`, "/counts"},
		{"Overview (agent)", base + "/", agentCookie, `<h1`, "/counts"},
	}
	for _, p := range pages {
		if err := check(p); err != nil {
			return nil, err
		}
	}
	return pages, nil
}

var noRedirect = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs in through the form and returns the Cookie header of the session.
func signIn(base, email string) (string, error) {
	resp, err := noRedirect.Get(base + "/login")
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return "", errors.New("no CSRF field on /login")
	}
	form := url.Values{"email": {email}, "password": {password}, "_csrf": {string(m[1])}}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	resp, err = noRedirect.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "bo_session" && c.Value != "" {
			return "Cookie: bo_session=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("sign-in of %s: status %d, no session (is the data set seeded with the bench password?)", email, resp.StatusCode)
}

func apiToken(base, email string) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := http.Post(base+"/api/v1/auth/token", "application/json", strings.NewReader(string(body)))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		return "", fmt.Errorf("API token of %s: status %d", email, resp.StatusCode)
	}
	return out.Token, nil
}

func firstID(u, token string) (string, error) {
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Items) == 0 {
		return "", fmt.Errorf("%s: no items (status %d)", u, resp.StatusCode)
	}
	return strconv.FormatInt(out.Items[0].ID, 10), nil
}

// check makes sure p answers 200 with its own content, not a sign-in page.
func check(p page) error {
	req, _ := http.NewRequest("GET", p.url, nil)
	k, v, _ := strings.Cut(p.header, ": ")
	req.Header.Set(k, v)
	resp, err := noRedirect.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), p.want) || strings.Contains(string(body), `id="f-password"`) {
		return fmt.Errorf("%s: %s answers %d without %q: not the page to measure", p.name, p.url, resp.StatusCode, p.want)
	}
	return nil
}

// wrkRun is what one wrk run measured.
type wrkRun struct {
	rps      float64
	p50, p99 time.Duration
	errors   int
}

var (
	reRPS     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	reLatency = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	reNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	reSocket  = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

func runWrk(o options, u, header string) (wrkRun, error) {
	args := []string{"-t2", "-c" + strconv.Itoa(o.conns), "-d" + o.duration.String(), "--latency"}
	if header != "" {
		args = append(args, "-H", header)
	}
	out, err := exec.Command("wrk", append(args, u)...).CombinedOutput()
	if err != nil {
		return wrkRun{}, fmt.Errorf("wrk %s: %v\n%s", u, err, out)
	}
	return parseWrk(string(out))
}

func parseWrk(out string) (wrkRun, error) {
	var r wrkRun
	m := reRPS.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in wrk's output:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	for _, l := range reLatency.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(l[2], 64)
		d := time.Duration(v * float64(map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[l[3]]))
		if l[1] == "50" {
			r.p50 = d
		} else {
			r.p99 = d
		}
	}
	if m := reNon2xx.FindStringSubmatch(out); m != nil {
		n, _ := strconv.Atoi(m[1])
		r.errors += n
	}
	if m := reSocket.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			r.errors += n
		}
	}
	return r, nil
}

// result is a page's medians beside the floor's, from the same rounds.
type result struct {
	page          page
	product, base wrkRun
}

func measure(o options, p page) (result, error) {
	var prod, flr []wrkRun
	for range o.rounds {
		f, err := runWrk(o, "http://"+o.floor+p.floorPath, "")
		if err != nil {
			return result{}, err
		}
		r, err := runWrk(o, p.url, p.header)
		if err != nil {
			return result{}, err
		}
		flr, prod = append(flr, f), append(prod, r)
	}
	return result{page: p, product: median(prod), base: median(flr)}, nil
}

// median takes each figure's median over the runs; errors are summed.
func median(runs []wrkRun) wrkRun {
	pick := func(f func(wrkRun) float64) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	var m wrkRun
	m.rps = pick(func(r wrkRun) float64 { return r.rps })
	m.p50 = time.Duration(pick(func(r wrkRun) float64 { return float64(r.p50) }))
	m.p99 = time.Duration(pick(func(r wrkRun) float64 { return float64(r.p99) }))
	for _, r := range runs {
		m.errors += r.errors
	}
	return m
}

// peakRSS is the peak resident memory of the process (VmHWM).
func peakRSS(pid int) (string, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.Fields(v)[0])
			return fmt.Sprintf("%d MB", kb/1024), nil
		}
	}
	return "", errors.New("no VmHWM in /proc status")
}

func printTable(w io.Writer, o options, rows []result, peak string) {
	fmt.Fprintf(w, "\n%s, %d cores, %s, %d tickets, wrk -t2 -c%d -d%s, median of %d interleaved runs; floor on PostgreSQL\n\n",
		time.Now().Format("2006-01-02"), runtime.NumCPU(), o.dialect, o.tickets, o.conns, o.duration, o.rounds)
	fmt.Fprintln(w, "| page | req/s | p50 | p99 | errors | floor req/s | floor p99 | req/s ratio | p99 ratio |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %d | %.0f (%s) | %s | %.3f | %.1f |\n", r.page.name, r.product.rps,
			ms(r.product.p50), ms(r.product.p99), r.product.errors, r.base.rps, r.page.floorPath, ms(r.base.p99),
			r.product.rps/r.base.rps, float64(r.product.p99)/float64(r.base.p99))
	}
	fmt.Fprintf(w, "\nPeak resident memory of the product: %s\n", peak)
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}
