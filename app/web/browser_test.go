package web

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium starts a headless Chromium for the test (Debian's, or
// CHROMIUM_PATH). Without one the test is skipped, or fails under CI=true.
func chromium(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("CHROMIUM_PATH")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but Chromium is not installed at %s", path)
		}
		t.Skipf("Chromium not found at %s; install it with apt-get install -y chromium", path)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	failOnConsoleErrors(t, ctx)
	return ctx
}

// failOnConsoleErrors fails the test, when it ends, for every error the pages
// wrote to the console: script errors, uncaught exceptions, refused content
// (CSP) and assets that did not load. Answers of the pages themselves that
// are errors on purpose (a 404 page, a refused form) are not.
func failOnConsoleErrors(t *testing.T, ctx context.Context) {
	t.Helper()
	must(t, chromedp.Do(ctx)) // open the tab, so that no message is missed
	var mu sync.Mutex
	var errs []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			page := m.Source == "network" && !strings.Contains(m.URL, "/static/")
			if (m.Type == chromedp.ConsoleError || m.IsException()) && !page {
				mu.Lock()
				errs = append(errs, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line))
				mu.Unlock()
			}
		}
	}()
	// Registered after the context's cleanup, so it runs before it: the
	// messages are read while the browser still runs.
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range errs {
			t.Errorf("browser console: %s", e)
		}
	})
}

// noSidewaysScroll fails the test when the page is wider than the window.
func noSidewaysScroll(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	must(t, err)
	if over > 0 {
		// Name the elements that stick out, innermost first, to find the culprit.
		culprits, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("body *"))
			.filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
			.reverse().slice(0, 5)
			.map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : ""))`))
		must(t, err)
		t.Errorf("%s: the page is %d px wider than the window; sticking out: %v", name, over, culprits)
	}
}

// servedHarness builds a harness on SQLite served on a real port, with
// BASE_URL set to that port. The browser tests check pages, which the
// handler tests already cover on both databases.
func servedHarness(t *testing.T) (*harness, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	base := "http://" + ln.Addr().String()
	h := newHarnessAt(t, newSQLite(t), base)
	go h.srv.Serve(ln)
	t.Cleanup(func() { h.srv.Shutdown(context.Background()) })
	return h, base
}

// shoot checks that the page does not scroll sideways, and saves a
// full-page screenshot when SCREENSHOT_DIR is set, so pages can be looked at
// after a run.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	noSidewaysScroll(t, ctx, name)
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must(t, err)
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// The real sign-in form, in a real browser, reaches the home page; the
// pages a user opens next render without errors at laptop and phone width.
func TestBrowserLoginReachesHome(t *testing.T) {
	ctx := chromium(t)
	h, base := servedHarness(t)

	for _, tc := range []struct {
		user, width string
		w, hgt      int64
	}{{"admin", "laptop", 1366, 900}, {"a_member", "phone", 390, 844}} {
		must(t, chromedp.Do(ctx,
			chromedp.EmulateViewport(tc.w, tc.hgt),
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.CSS("#f-email")),
		))
		shoot(t, ctx, "login-"+tc.width)
		must(t, chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS("#f-email"), h.users[tc.user].Email),
			chromedp.SendKeys(chromedp.CSS("#f-password"), testPassword),
			chromedp.Click(chromedp.CSS("button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
		))
		title, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".page-header h1")))
		must(t, err)
		if !strings.Contains(title, "Welcome, "+h.users[tc.user].FirstName) {
			t.Fatalf("%s: home page title %q", tc.user, title)
		}
		loc, err := chromedp.Run(ctx, chromedp.Location())
		must(t, err)
		if loc != base+"/" {
			t.Fatalf("landed on %s", loc)
		}
		shoot(t, ctx, "home-"+tc.user+"-"+tc.width)
		for _, page := range []string{"/profile", "/audit", "/nope"} {
			must(t, chromedp.Do(ctx, chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS("main h1"))))
			shoot(t, ctx, strings.Trim(strings.ReplaceAll(page, "/", "-"), "-")+"-"+tc.user+"-"+tc.width)
		}
		// Sign out through the menu's form.
		must(t, chromedp.Do(ctx,
			chromedp.Navigate(base+"/"),
			chromedp.Click(chromedp.CSS(".user-menu summary")),
			chromedp.Click(chromedp.CSS(".menu-panel form button")),
			chromedp.WaitVisible(chromedp.CSS("#f-email")),
		))
		msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".flash")))
		must(t, err)
		if !strings.Contains(msg, "signed out") {
			t.Fatalf("after sign-out: %q", msg)
		}
	}
}
