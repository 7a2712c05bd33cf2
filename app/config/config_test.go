package config_test

import (
	"errors"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"backoffice/app/config"
)

// goodSecret is long enough for BACKOFFICE_SECRET.
var goodSecret = strings.Repeat("k", 40)

// env returns a getenv over vars. Unless the test sets them, BACKOFFICE_DATA_DIR
// points into a temporary directory so that no test writes ./data/secret into
// the source tree.
func env(t *testing.T, vars map[string]string) func(string) string {
	t.Helper()
	m := map[string]string{"BACKOFFICE_DATA_DIR": t.TempDir()}
	for k, v := range vars {
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

func mustLoad(t *testing.T, vars map[string]string) config.Config {
	t.Helper()
	cfg, err := config.Load(env(t, vars))
	if err != nil {
		t.Fatalf("Load(%v): %v", vars, err)
	}
	return cfg
}

// problems returns the problems of a Load error, failing unless err is a *config.Error.
func problems(t *testing.T, err error) []string {
	t.Helper()
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("want *config.Error, got %T: %v", err, err)
	}
	if len(ce.Problems) == 0 {
		t.Fatal("config.Error without problems")
	}
	return ce.Problems
}

func TestLoadDefaults(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	cfg := mustLoad(t, map[string]string{"BACKOFFICE_DATA_DIR": dir})

	checks := []struct {
		name      string
		got, want any
	}{
		{"Addr", cfg.Addr, "127.0.0.1:8080"},
		{"DatabaseURL", cfg.DatabaseURL, "sqlite:./data/backoffice.db"},
		{"BaseURL", cfg.BaseURL, "http://127.0.0.1:8080"},
		{"LogLevel", cfg.LogLevel, slog.LevelInfo},
		{"LogFormat", cfg.LogFormat, "text"},
		{"MailFrom", cfg.MailFrom, config.DefaultMailFrom},
		{"SMTPURL", cfg.SMTPURL, ""},
		{"SessionIdle", cfg.SessionIdle, 30 * time.Minute},
		{"SessionMax", cfg.SessionMax, 12 * time.Hour},
		{"DataDir", cfg.DataDir, dir},
		{"SecretFromFile", cfg.SecretFromFile, true},
		{"TrustedProxies", len(cfg.TrustedProxies), 0},
		{"MetricsToken", cfg.MetricsToken, ""},
		{"MetricsAddr", cfg.MetricsAddr, ""},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if len(cfg.Secret) < 32 {
		t.Errorf("generated secret has %d bytes, want at least 32", len(cfg.Secret))
	}
}

func TestLoadDefaultDataDir(t *testing.T) {
	// With BACKOFFICE_SECRET set nothing is written, so the default data
	// directory can be checked without touching ./data.
	cfg, err := config.Load(func(k string) string {
		if k == "BACKOFFICE_SECRET" {
			return goodSecret
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DataDir != "./data" {
		t.Errorf("DataDir = %q, want ./data", cfg.DataDir)
	}
	if string(cfg.Secret) != goodSecret || cfg.SecretFromFile {
		t.Errorf("Secret = %q (from file %v), want BACKOFFICE_SECRET", cfg.Secret, cfg.SecretFromFile)
	}
	if _, err := os.Stat("data"); err == nil {
		t.Error("Load created ./data although BACKOFFICE_SECRET was set")
	}
}

func TestLoadValues(t *testing.T) {
	cfg := mustLoad(t, map[string]string{
		"BACKOFFICE_ADDR":            " 0.0.0.0:9090 ",
		"DATABASE_URL":               "postgres://bo:pw@db.internal:5432/bo?sslmode=disable",
		"BASE_URL":                   "https://desk.example.com/",
		"SMTP_URL":                   "smtps://mailer:pw@mail.example.com:465",
		"MAIL_FROM":                  "Service Desk <desk@example.com>",
		"LOG_LEVEL":                  "DEBUG",
		"LOG_FORMAT":                 "json",
		"BACKOFFICE_TRUSTED_PROXIES": " 10.0.0.1, 192.168.0.0/16,,::1 ",
		"BACKOFFICE_SESSION_IDLE":    "10m",
		"BACKOFFICE_SESSION_MAX":     "2h",
		"BACKOFFICE_SECRET":          goodSecret,
		"BACKOFFICE_METRICS_TOKEN":   " " + goodSecret + " ",
		"BACKOFFICE_METRICS_ADDR":    " 127.0.0.1:9100 ",
	})
	if cfg.MetricsToken != goodSecret || cfg.MetricsAddr != "127.0.0.1:9100" {
		t.Errorf("metrics = %q on %q, want the token and the address trimmed", cfg.MetricsToken, cfg.MetricsAddr)
	}
	if cfg.Addr != "0.0.0.0:9090" {
		t.Errorf("Addr = %q (not trimmed?)", cfg.Addr)
	}
	if cfg.BaseURL != "https://desk.example.com" {
		t.Errorf("BaseURL = %q, want the trailing slash removed", cfg.BaseURL)
	}
	if cfg.LogLevel != slog.LevelDebug || cfg.LogFormat != "json" {
		t.Errorf("log = %v %q", cfg.LogLevel, cfg.LogFormat)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32"), netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("::1/128")}
	if !slices.Equal(cfg.TrustedProxies, want) {
		t.Errorf("TrustedProxies = %q, want %q", cfg.TrustedProxies, want)
	}
	if cfg.SessionIdle != 10*time.Minute || cfg.SessionMax != 2*time.Hour {
		t.Errorf("sessions = %s / %s", cfg.SessionIdle, cfg.SessionMax)
	}
	if cfg.SecretFromFile || string(cfg.Secret) != goodSecret {
		t.Errorf("secret not taken from BACKOFFICE_SECRET")
	}
}

func TestLoadLogLevels(t *testing.T) {
	for in, want := range map[string]slog.Level{
		"debug": slog.LevelDebug, "info": slog.LevelInfo, "INFO": slog.LevelInfo,
		"warn": slog.LevelWarn, "warning": slog.LevelWarn, "error": slog.LevelError,
	} {
		if got := mustLoad(t, map[string]string{"LOG_LEVEL": in}).LogLevel; got != want {
			t.Errorf("LOG_LEVEL=%s: got %v, want %v", in, got, want)
		}
	}
}

func TestLoadBaseURLDerivedFromAddr(t *testing.T) {
	tests := []struct {
		addr, baseURL, want string
	}{
		{"127.0.0.1:8080", "", "http://127.0.0.1:8080"},
		{"0.0.0.0:9000", "", "http://localhost:9000"},
		{":8081", "", "http://localhost:8081"},
		{"[::]:80", "", "http://localhost:80"},
		{"[::1]:8080", "", "http://[::1]:8080"},
		{"desk.internal:8443", "", "http://desk.internal:8443"},
		{"0.0.0.0:9000", "https://desk.example.com/app/", "https://desk.example.com/app"},
	}
	for _, tt := range tests {
		cfg := mustLoad(t, map[string]string{"BACKOFFICE_ADDR": tt.addr, "BASE_URL": tt.baseURL})
		if cfg.BaseURL != tt.want {
			t.Errorf("addr %q base %q: BaseURL = %q, want %q", tt.addr, tt.baseURL, cfg.BaseURL, tt.want)
		}
	}
}

func TestLoadAcceptsPostgresURLs(t *testing.T) {
	for _, u := range []string{
		"postgres://bo:secret@db.internal:5432/bo?sslmode=disable",
		"postgresql://db.internal/bo",
		"sqlite:/var/lib/backoffice/bo.db",
	} {
		cfg := mustLoad(t, map[string]string{"DATABASE_URL": u})
		if cfg.DatabaseURL != u {
			t.Errorf("DatabaseURL = %q, want %q", cfg.DatabaseURL, u)
		}
	}
}

func TestParseDatabaseURL(t *testing.T) {
	tests := []struct {
		in, driver, dsn string
		ok              bool
	}{
		{"sqlite:./data/backoffice.db", "sqlite", "./data/backoffice.db", true},
		{"sqlite:///var/lib/bo.db", "sqlite", "/var/lib/bo.db", true},
		{"postgres://u:p@h:5432/d", "postgres", "postgres://u:p@h:5432/d", true},
		{"postgresql://h/d", "postgres", "postgresql://h/d", true},
		{"sqlite:", "", "", false},
		{"postgres://", "", "", false},
		{"postgres:///d", "", "", false},
		{"mysql://h/d", "", "", false},
		{"./data/backoffice.db", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		driver, dsn, err := config.ParseDatabaseURL(tt.in)
		if (err == nil) != tt.ok || driver != tt.driver || dsn != tt.dsn {
			t.Errorf("ParseDatabaseURL(%q) = %q, %q, %v; want %q, %q, ok=%v", tt.in, driver, dsn, err, tt.driver, tt.dsn, tt.ok)
		}
	}
}

func TestLoadRejectsBadVariable(t *testing.T) {
	tests := []struct {
		variable string
		value    string
		extra    map[string]string
	}{
		{"BACKOFFICE_ADDR", "localhost", nil},
		{"BACKOFFICE_ADDR", "127.0.0.1:70000", nil},
		{"BACKOFFICE_ADDR", "1.2.3.4:5:6", nil},
		{"DATABASE_URL", "mysql://db/bo", nil},
		{"DATABASE_URL", "sqlite:", nil},
		{"DATABASE_URL", "postgres://", nil},
		{"DATABASE_URL", "./data/backoffice.db", nil},
		{"BASE_URL", "desk.example.com", nil},
		{"BASE_URL", "ftp://desk.example.com", nil},
		{"BASE_URL", "https://", nil},
		{"BASE_URL", "https://desk.example.com/?a=b", nil},
		{"BASE_URL", "https://desk.example.com/#top", nil},
		{"SMTP_URL", "mail.example.com:587", nil},
		{"SMTP_URL", "http://mail.example.com", nil},
		{"SMTP_URL", "smtp://", nil},
		{"MAIL_FROM", "nobody", nil},
		{"MAIL_FROM", "Desk <desk@>", nil},
		{"LOG_LEVEL", "verbose", nil},
		{"LOG_FORMAT", "xml", nil},
		{"BACKOFFICE_TRUSTED_PROXIES", "10.0.0.1,proxy.example.com", nil},
		{"BACKOFFICE_TRUSTED_PROXIES", "10.0.0.0/33", nil},
		{"BACKOFFICE_SESSION_IDLE", "30", nil},
		{"BACKOFFICE_SESSION_IDLE", "30s", nil},
		{"BACKOFFICE_SESSION_IDLE", "-5m", nil},
		{"BACKOFFICE_SESSION_IDLE", "2h", map[string]string{"BACKOFFICE_SESSION_MAX": "1h"}},
		{"BACKOFFICE_SESSION_MAX", "forever", nil},
		{"BACKOFFICE_SESSION_MAX", "59s", nil},
		{"BACKOFFICE_SECRET", "too-short", nil},
		{"BACKOFFICE_SECRET", strings.Repeat("x", 31), nil},
		{"BACKOFFICE_METRICS_TOKEN", strings.Repeat("x", 31), nil},
		{"BACKOFFICE_METRICS_TOKEN", strings.Repeat("x", 20) + " " + strings.Repeat("x", 20), nil},
		{"BACKOFFICE_METRICS_TOKEN", strings.Repeat("ä", 20), nil},
		{"BACKOFFICE_METRICS_ADDR", "9090", nil},
		{"BACKOFFICE_METRICS_ADDR", "127.0.0.1:99999", nil},
	}
	for _, tt := range tests {
		t.Run(tt.variable+"="+tt.value, func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{tt.variable: tt.value, "BACKOFFICE_DATA_DIR": dir}
			for k, v := range tt.extra {
				vars[k] = v
			}
			_, err := config.Load(env(t, vars))
			if err == nil {
				t.Fatal("Load accepted the bad value")
			}
			for _, p := range problems(t, err) {
				if !strings.HasPrefix(p, tt.variable+": ") {
					t.Errorf("problem %q does not name %s", p, tt.variable)
				}
			}
			if !strings.Contains(err.Error(), tt.variable) {
				t.Errorf("error %q does not name %s", err, tt.variable)
			}
			// A configuration that does not load writes nothing.
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("Load wrote %d files into the data directory", len(entries))
			}
		})
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	bad := map[string]string{
		"BACKOFFICE_ADDR":            "nowhere",
		"DATABASE_URL":               "mysql://db/bo",
		"BASE_URL":                   "desk.example.com",
		"SMTP_URL":                   "http://mail.example.com",
		"MAIL_FROM":                  "nobody",
		"LOG_LEVEL":                  "loud",
		"LOG_FORMAT":                 "xml",
		"BACKOFFICE_TRUSTED_PROXIES": "proxy",
		"BACKOFFICE_SESSION_IDLE":    "soon",
		"BACKOFFICE_SESSION_MAX":     "later",
		"BACKOFFICE_SECRET":          "short",
		"BACKOFFICE_METRICS_TOKEN":   "short",
		"BACKOFFICE_METRICS_ADDR":    "localhost",
	}
	_, err := config.Load(env(t, bad))
	if err == nil {
		t.Fatal("Load accepted a bad configuration")
	}
	ps := problems(t, err)
	if len(ps) != len(bad) {
		t.Errorf("got %d problems, want %d:\n%s", len(ps), len(bad), strings.Join(ps, "\n"))
	}
	for variable := range bad {
		if !slices.ContainsFunc(ps, func(p string) bool { return strings.HasPrefix(p, variable+": ") }) {
			t.Errorf("no problem names %s", variable)
		}
		if !strings.Contains(err.Error(), variable) {
			t.Errorf("Error() does not mention %s", variable)
		}
	}
}

func TestSecretFileCreatedOnceAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	vars := map[string]string{"BACKOFFICE_DATA_DIR": dir}

	first := mustLoad(t, vars)
	if !first.SecretFromFile || len(first.Secret) < 32 {
		t.Fatalf("first load: secret %q from file %v", first.Secret, first.SecretFromFile)
	}
	path := filepath.Join(dir, "secret")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("secret file: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("secret file mode = %o, want 600", mode)
	}
	if dinfo, err := os.Stat(dir); err != nil || dinfo.Mode().Perm()&0o077 != 0 {
		t.Errorf("data directory is readable by others: %v %v", dinfo.Mode(), err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(b)) != string(first.Secret) {
		t.Errorf("file holds %q, config has %q", b, first.Secret)
	}

	second := mustLoad(t, vars)
	if string(second.Secret) != string(first.Secret) || !second.SecretFromFile {
		t.Errorf("second load: secret %q, want %q from the file", second.Secret, first.Secret)
	}

	// Another data directory gets another key.
	other := mustLoad(t, map[string]string{"BACKOFFICE_DATA_DIR": t.TempDir()})
	if string(other.Secret) == string(first.Secret) {
		t.Error("two data directories got the same generated secret")
	}
}

func TestSecretFromEnvironmentWritesNoFile(t *testing.T) {
	dir := t.TempDir()
	cfg := mustLoad(t, map[string]string{"BACKOFFICE_DATA_DIR": dir, "BACKOFFICE_SECRET": goodSecret})
	if string(cfg.Secret) != goodSecret || cfg.SecretFromFile {
		t.Errorf("Secret = %q from file %v", cfg.Secret, cfg.SecretFromFile)
	}
	if _, err := os.Stat(filepath.Join(dir, "secret")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("secret file written although BACKOFFICE_SECRET is set: %v", err)
	}
}

func TestShortSecretFileRefused(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := config.Load(env(t, map[string]string{"BACKOFFICE_DATA_DIR": dir}))
	if err == nil {
		t.Fatal("a secret file with 5 characters was accepted")
	}
	if ps := problems(t, err); len(ps) != 1 || !strings.HasPrefix(ps[0], "BACKOFFICE_SECRET: ") {
		t.Errorf("problems = %q, want one about BACKOFFICE_SECRET", ps)
	}
}

func TestStringHidesPasswords(t *testing.T) {
	tests := []struct {
		name   string
		vars   map[string]string
		hidden []string
		shown  []string
	}{
		{
			name: "user info",
			vars: map[string]string{
				"DATABASE_URL": "postgres://bo:db-pass-4711@db.internal:5432/bo?sslmode=disable",
				"SMTP_URL":     "smtp://mailer:smtp-pass-4711@mail.example.com:587",
			},
			hidden: []string{"db-pass-4711", "smtp-pass-4711"},
			shown:  []string{"db.internal", "mail.example.com", "bo:", "mailer:"},
		},
		{
			name: "escaped characters",
			vars: map[string]string{
				"DATABASE_URL": "postgresql://bo:p%40ss%2Fw0rd@db.internal/bo",
				"SMTP_URL":     "smtps://mailer:s%3Acret%21@mail.example.com:465",
			},
			hidden: []string{"p%40ss%2Fw0rd", "p@ss/w0rd", "s%3Acret", "s:cret"},
			shown:  []string{"db.internal", "mail.example.com"},
		},
		{
			// libpq and pgx accept the password as a query parameter too.
			name:   "password parameter",
			vars:   map[string]string{"DATABASE_URL": "postgres://db.internal/bo?user=bo&password=q-pass-4711"},
			hidden: []string{"q-pass-4711"},
			shown:  []string{"db.internal"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.vars["BACKOFFICE_SECRET"] = goodSecret
			metricsToken := strings.Repeat("m", 40)
			tt.vars["BACKOFFICE_METRICS_TOKEN"] = metricsToken
			s := mustLoad(t, tt.vars).String()
			for _, h := range append(tt.hidden, goodSecret, metricsToken) {
				if strings.Contains(s, h) {
					t.Errorf("String() reveals %q: %s", h, s)
				}
			}
			for _, w := range tt.shown {
				if !strings.Contains(s, w) {
					t.Errorf("String() lacks %q: %s", w, s)
				}
			}
		})
	}
}

func TestErrorsHidePasswords(t *testing.T) {
	// Values Load refuses are echoed in the message, which goes to the log:
	// the password in them must not be.
	tests := map[string]string{
		"SMTP_URL":     "http://mailer:smtp-pass-4711@mail.example.com",
		"DATABASE_URL": "mysql://bo:db-pass-4711@db.internal/bo",
	}
	unparsable := map[string]string{ // a stray % makes url.Parse fail
		"SMTP_URL":     "smtp://mailer:50%off-4711@mail.example.com:587",
		"DATABASE_URL": "postgres://bo:50%off-4711@db.internal:5432/bo",
	}
	for _, set := range []map[string]string{tests, unparsable} {
		for variable, value := range set {
			_, err := config.Load(env(t, map[string]string{variable: value}))
			if err == nil {
				t.Errorf("%s=%s accepted", variable, value)
				continue
			}
			if !strings.Contains(err.Error(), variable) {
				t.Errorf("error %q does not name %s", err, variable)
			}
			for _, secret := range []string{"pass-4711", "off-4711"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("%s: error reveals the password: %v", variable, err)
				}
			}
		}
	}
}
