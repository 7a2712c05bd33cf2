// Package config reads the application's configuration from the environment
// once, at start, and validates it: a bad value stops the program with a
// message naming the variable. The resulting Config is a plain value passed to
// constructors; nothing reads the environment later.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the validated configuration.
type Config struct {
	Addr           string         // BACKOFFICE_ADDR
	DatabaseURL    string         // DATABASE_URL
	BaseURL        string         // BASE_URL, without trailing slash
	Secret         []byte         // BACKOFFICE_SECRET, or the generated key under DataDir
	SecretFromFile bool           // whether Secret was read from or written to DataDir
	DataDir        string         // BACKOFFICE_DATA_DIR
	SMTPURL        string         // SMTP_URL; empty means mail is kept in the outbox only
	MailFrom       string         // MAIL_FROM
	LogLevel       slog.Level     // LOG_LEVEL
	LogFormat      string         // LOG_FORMAT: text or json
	TrustedProxies []netip.Prefix // BACKOFFICE_TRUSTED_PROXIES; an address is a prefix of its full length
	SessionIdle    time.Duration  // BACKOFFICE_SESSION_IDLE
	SessionMax     time.Duration  // BACKOFFICE_SESSION_MAX
	InvitationTTL  time.Duration  // BACKOFFICE_INVITATION_TTL
	MetricsToken   string         // BACKOFFICE_METRICS_TOKEN; empty: no /metrics on the main port
	MetricsAddr    string         // BACKOFFICE_METRICS_ADDR; empty: no internal metrics listener
}

// Defaults, in one place.
const (
	DefaultAddr        = "127.0.0.1:8080"
	DefaultDataDir     = "./data"
	DefaultDatabaseURL = "sqlite:./data/backoffice.db"
	DefaultMailFrom    = "Backoffice <noreply@localhost>"
	DefaultSessionIdle = 30 * time.Minute
	DefaultSessionMax  = 12 * time.Hour
	DefaultInvitation  = 7 * 24 * time.Hour
	secretFileName     = "secret"
	minSecretLen       = 32
)

// Error lists every bad variable found, so one start shows all of them.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	return "invalid configuration:\n  " + strings.Join(e.Problems, "\n  ")
}

func (e *Error) add(variable, format string, args ...any) {
	e.Problems = append(e.Problems, variable+": "+fmt.Sprintf(format, args...))
}

// SendsMail reports whether mail is delivered (SMTP_URL is set). Without it
// mail stays in the outbox, and the Mailbox page shows it as a development
// aid.
func (c Config) SendsMail() bool { return c.SMTPURL != "" }

// Load reads the configuration through getenv (os.Getenv in production). When
// BACKOFFICE_SECRET is unset, a random key is generated once and kept in
// DataDir/secret with mode 0600.
func Load(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	bad := &Error{}
	cfg := Config{
		Addr:        get("BACKOFFICE_ADDR", DefaultAddr),
		DatabaseURL: get("DATABASE_URL", DefaultDatabaseURL),
		DataDir:     get("BACKOFFICE_DATA_DIR", DefaultDataDir),
		SMTPURL:     get("SMTP_URL", ""),
		MailFrom:    get("MAIL_FROM", DefaultMailFrom),
		LogFormat:   get("LOG_FORMAT", "text"),
	}

	host, port := hostPort(bad, "BACKOFFICE_ADDR", cfg.Addr, DefaultAddr)
	if cfg.MetricsAddr = get("BACKOFFICE_METRICS_ADDR", ""); cfg.MetricsAddr != "" {
		hostPort(bad, "BACKOFFICE_METRICS_ADDR", cfg.MetricsAddr, "127.0.0.1:9090")
	}

	if _, _, err := ParseDatabaseURL(cfg.DatabaseURL); err != nil {
		bad.add("DATABASE_URL", "%v", err)
	}

	cfg.BaseURL = strings.TrimRight(get("BASE_URL", defaultBaseURL(host, port)), "/")
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		bad.add("BASE_URL", "must be an absolute http:// or https:// URL without query, such as https://desk.example.com, got %q", cfg.BaseURL)
	}

	if cfg.SMTPURL != "" {
		if u, err := url.Parse(cfg.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			bad.add("SMTP_URL", "must look like smtp://user:pass@host:587 or smtps://host:465, got %q", maskURL(cfg.SMTPURL))
		}
	}
	if _, err := mail.ParseAddress(cfg.MailFrom); err != nil {
		bad.add("MAIL_FROM", "must be an email address such as \"Service Desk <desk@example.com>\", got %q", cfg.MailFrom)
	}

	switch lvl := strings.ToLower(get("LOG_LEVEL", "info")); lvl {
	case "debug":
		cfg.LogLevel = slog.LevelDebug
	case "info":
		cfg.LogLevel = slog.LevelInfo
	case "warn", "warning":
		cfg.LogLevel = slog.LevelWarn
	case "error":
		cfg.LogLevel = slog.LevelError
	default:
		bad.add("LOG_LEVEL", "must be one of debug, info, warn, error, got %q", lvl)
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		bad.add("LOG_FORMAT", "must be text or json, got %q", cfg.LogFormat)
	}

	if v := get("BACKOFFICE_TRUSTED_PROXIES", ""); v != "" {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			prefix, err := parseProxy(p)
			if err != nil {
				bad.add("BACKOFFICE_TRUSTED_PROXIES", "%q is neither an IP address nor a CIDR range", p)
				continue
			}
			cfg.TrustedProxies = append(cfg.TrustedProxies, prefix)
		}
	}

	cfg.SessionIdle = duration(bad, get, "BACKOFFICE_SESSION_IDLE", DefaultSessionIdle)
	cfg.SessionMax = duration(bad, get, "BACKOFFICE_SESSION_MAX", DefaultSessionMax)
	cfg.InvitationTTL = duration(bad, get, "BACKOFFICE_INVITATION_TTL", DefaultInvitation)
	if cfg.SessionIdle > cfg.SessionMax {
		bad.add("BACKOFFICE_SESSION_IDLE", "must not exceed BACKOFFICE_SESSION_MAX (%s)", cfg.SessionMax)
	}

	if cfg.MetricsToken = get("BACKOFFICE_METRICS_TOKEN", ""); cfg.MetricsToken != "" {
		visible := !strings.ContainsFunc(cfg.MetricsToken, func(r rune) bool { return r <= ' ' || r > '~' })
		if len(cfg.MetricsToken) < minSecretLen || !visible {
			bad.add("BACKOFFICE_METRICS_TOKEN", "must be at least %d characters without spaces; generate one with: openssl rand -hex 32", minSecretLen)
		}
	}

	if s := strings.TrimSpace(getenv("BACKOFFICE_SECRET")); s != "" {
		if len(s) < minSecretLen {
			bad.add("BACKOFFICE_SECRET", "must be at least %d characters; generate one with: openssl rand -hex 32", minSecretLen)
		}
		cfg.Secret = []byte(s)
	}
	if len(bad.Problems) > 0 {
		return cfg, bad
	}
	if cfg.Secret == nil {
		secret, err := loadOrCreateSecret(cfg.DataDir)
		if err != nil {
			bad.add("BACKOFFICE_SECRET", "unset, and no key could be kept under %s: %v", cfg.DataDir, err)
			return cfg, bad
		}
		cfg.Secret, cfg.SecretFromFile = secret, true
	}
	return cfg, nil
}

// parseProxy reads a CIDR range, or an address as the range of it alone.
func parseProxy(s string) (netip.Prefix, error) {
	if addr, err := netip.ParseAddr(s); err == nil {
		addr = addr.Unmap()
		return netip.PrefixFrom(addr, addr.BitLen()), nil
	}
	prefix, err := netip.ParsePrefix(s)
	return prefix.Masked(), err
}

// hostPort checks that addr is host:port with a port from 0 to 65535.
func hostPort(bad *Error, name, addr, example string) (host, port string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		bad.add(name, "must be host:port such as %s, got %q", example, addr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad.add(name, "port must be a number from 0 to 65535, got %q", port)
	}
	return host, port
}

func duration(bad *Error, get func(string, string) string, name string, def time.Duration) time.Duration {
	v := get(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Minute {
		bad.add(name, "must be a duration of at least 1m such as 30m or 12h, got %q", v)
		return def
	}
	return d
}

func defaultBaseURL(host, port string) string {
	switch host {
	case "", "0.0.0.0", "::":
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// ParseDatabaseURL tells the driver ("sqlite" or "postgres") and its DSN.
// sqlite:PATH selects the embedded database; postgres:// and postgresql://
// select PostgreSQL.
func ParseDatabaseURL(s string) (driver, dsn string, err error) {
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(s, "sqlite:"), "//")
		if path == "" {
			return "", "", errors.New("sqlite: needs a file path, such as sqlite:./data/backoffice.db")
		}
		return "sqlite", path, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return "", "", fmt.Errorf("not a valid PostgreSQL URL: %q", maskURL(s))
		}
		return "postgres", s, nil
	default:
		return "", "", fmt.Errorf("must start with sqlite: or postgres://, got %q", maskURL(s))
	}
}

// String describes the configuration with secrets masked, for the start log.
func (c Config) String() string {
	secret := "from BACKOFFICE_SECRET"
	if c.SecretFromFile {
		secret = "from " + filepath.Join(c.DataDir, secretFileName)
	}
	smtp := "(none: mail stays in the outbox)"
	if c.SMTPURL != "" {
		smtp = maskURL(c.SMTPURL)
	}
	metricsToken := "(none: no /metrics on the main port)"
	if c.MetricsToken != "" {
		metricsToken = "(set)"
	}
	return fmt.Sprintf("addr=%s base_url=%s database=%s smtp=%s mail_from=%q secret=%s log_level=%s metrics_addr=%q metrics_token=%s",
		c.Addr, c.BaseURL, maskURL(c.DatabaseURL), smtp, c.MailFrom, secret, c.LogLevel, c.MetricsAddr, metricsToken)
}

// maskURL hides the password of a URL: in the user info, in a password
// query parameter (libpq and pgx accept one), and in a URL too malformed to
// parse, whose user info and query are hidden whole.
func maskURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if i, j := strings.Index(s, "://"), strings.LastIndex(s, "@"); i >= 0 && j > i {
			s = s[:i+3] + "xxxxx" + s[j:]
		}
		if i := strings.IndexByte(s, '?'); i >= 0 {
			s = s[:i+1] + "xxxxx"
		}
		return s
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	return u.String()
}

func loadOrCreateSecret(dir string) ([]byte, error) {
	path := filepath.Join(dir, secretFileName)
	if b, err := os.ReadFile(path); err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) < minSecretLen {
			return nil, fmt.Errorf("%s holds fewer than %d characters; delete it to generate a new key", path, minSecretLen)
		}
		return []byte(s), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	s := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // another process won the race
			return loadOrCreateSecret(dir)
		}
		return nil, err
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	return []byte(s), f.Close()
}
