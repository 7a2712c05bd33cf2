package webtest

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
	"github.com/uptrace/bun"
)

// Chromium starts a headless Chromium for the test (Debian's, or
// CHROMIUM_PATH). Without one the test is skipped, or fails under CI=true.
func Chromium(t *testing.T) context.Context {
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
	Must(t, chromedp.Do(ctx)) // open the tab, so that no message is missed
	var mu sync.Mutex
	var errs []string
	go func() {
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
	Must(t, err)
	if over > 0 {
		// Name the elements that stick out, innermost first, to find the culprit.
		culprits, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("body *"))
			.filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
			.reverse().slice(0, 5)
			.map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : ""))`))
		Must(t, err)
		t.Errorf("%s: the page is %d px wider than the window; sticking out: %v", name, over, culprits)
	}
}

// Served builds a harness on SQLite served on a real port, with
// BASE_URL set to that port. The browser tests check pages, which the
// handler tests already cover on both databases.
func Served(t *testing.T) (*Harness, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Must(t, err)
	base := "http://" + ln.Addr().String()
	h := NewAt(t, SQLite(t), base)
	go h.Server.Serve(ln)
	t.Cleanup(func() { h.Server.Shutdown(context.Background()) })
	return h, base
}

// Shoot checks that the page does not scroll sideways, and saves a
// full-page screenshot when SCREENSHOT_DIR is set, so pages can be looked at
// after a run.
func Shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	noSidewaysScroll(t, ctx, name)
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	Must(t, err)
	Must(t, os.MkdirAll(dir, 0o755))
	Must(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// WaitText waits until the element's text contains want.
func WaitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	var got string
	for i := 0; i < 50; i++ {
		got, _ = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if strings.Contains(got, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s never contained %q; it says %q", sel, want, got)
}

// ClickAndLoad clicks sel (a submit button or link) and waits until the
// next page has loaded: waiting for an element could match the old page.
func ClickAndLoad(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(window.__stale = true)`))
	Must(t, err)
	Must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))))
	for i := 0; i < 100; i++ {
		fresh, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__stale !== true && document.readyState === "complete"`))
		if err == nil && fresh {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("clicking %s loaded no new page", sel)
}

// BrowserLogin signs a browser in through the form at laptop width.
func BrowserLogin(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	Must(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), Password),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".page-header h1")),
	))
}

// SetLanguage makes the users with the given ids read the product in lang
// from their next page on.
func SetLanguage(t *testing.T, h *Harness, lang string, ids ...int64) {
	t.Helper()
	_, err := h.DB.NewUpdate().Table("users").Set("language = ?", lang).Where("id IN (?)", bun.In(ids)).Exec(context.Background())
	Must(t, err)
}
