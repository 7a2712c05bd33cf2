// Package web is the HTTP shell: the Fiber app, its middleware (request id,
// logging, metrics, security headers, sessions, CSRF), the error mapper, the
// route table with the permission of every route, and the OpenAPI document.
// The handlers of each domain live beside it (app/device/deviceweb,
// app/ticket/ticketweb, app/people/peopleweb, app/auth/authweb, app/audit/auditweb) on the
// kit in app/web/httpx. The home page and the development mailbox are still
// here.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/audit"
	"backoffice/app/audit/auditweb"
	"backoffice/app/auth"
	"backoffice/app/auth/authweb"
	"backoffice/app/clock"
	"backoffice/app/config"
	"backoffice/app/device"
	"backoffice/app/device/deviceweb"
	"backoffice/app/event"
	"backoffice/app/i18n"
	"backoffice/app/notify"
	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/app/people/peopleweb"
	"backoffice/app/search"
	"backoffice/app/search/searchweb"
	"backoffice/app/ticket"
	"backoffice/app/ticket/ticketweb"
	"backoffice/app/web/httpx"
	"backoffice/rbac"
	"backoffice/static"
)

// Deps are what the web shell is built from.
type Deps struct {
	Config   config.Config
	DB       *bun.DB
	Log      *slog.Logger
	Clock    clock.Clock
	Enforcer *rbac.Enforcer
	I18n     *i18n.Bundle
	Auth     *auth.Service
	// Mail delivers the outbox; nil when no SMTP server is configured (mail
	// then stays readable in the Mailbox page).
	Mail *notify.Worker
	// Queue, when set, gets a delivery job for every queued message.
	Queue   *event.Queue
	Version string
}

// Server is the HTTP application.
type Server struct {
	menus         menus // the navigation of each role, per policy version
	cfg           config.Config
	db            *bun.DB
	log           *slog.Logger
	clock         clock.Clock
	rbac          *rbac.Enforcer
	i18n          *i18n.Bundle
	auth          *auth.Service
	people        *people.Service
	devices       *device.Service
	tickets       *ticket.Service
	outbox        *notify.Outbox
	users         *org.Store
	audit         *audit.Store
	kit           *httpx.Kit
	deviceWeb     *deviceweb.Handlers
	ticketWeb     *ticketweb.Handlers
	peopleWeb     *peopleweb.Handlers
	authWeb       *authweb.Handlers
	auditWeb      *auditweb.Handlers
	searchWeb     *searchweb.Handlers
	metrics       *Metrics
	metricsServer *http.Server // the internal listener, see ServeMetrics
	app           *fiber.App
	baseURL       *url.URL
	routes        []httpx.Route
	version       string
	dbDown        atomic.Bool // an outage of the database is being reported (see noteOutage)
}

// Request limits.
const (
	bodyLimit      = 4 << 20
	requestTimeout = 15 * time.Second
)

// New builds the Fiber app with every middleware and route.
func New(d Deps) (*Server, error) {
	base, err := url.Parse(d.Config.BaseURL)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: d.Config, db: d.DB, log: d.Log, clock: d.Clock, rbac: d.Enforcer, i18n: d.I18n, auth: d.Auth,
		users: org.NewStore(d.DB, d.Clock), audit: audit.NewStore(d.DB, d.Clock),
		metrics: NewMetrics(d.DB.DB, d.Version), baseURL: base,
		version: d.Version, outbox: notify.NewOutbox(d.DB, d.Clock),
	}
	s.metricsServer = newMetricsServer(s.metrics)
	s.people = people.New(d.DB, d.Clock, people.Config{InvitationTTL: d.Config.InvitationTTL}, d.Auth)
	s.kit = &httpx.Kit{Clock: d.Clock, RBAC: d.Enforcer, Secret: d.Config.Secret, SecureCookies: base.Scheme == "https",
		InvitationDays: int(s.people.InvitationTTL().Hours() / 24), Nav: s.navFor}
	s.devices = device.New(d.DB, d.Clock, d.Auth.Hasher(), d.Auth.Events())
	s.tickets = ticket.New(d.DB, d.Clock, d.Auth.Events(), ticket.Mail{FilesDir: filepath.Join(d.Config.DataDir, "attachments")})
	s.deviceWeb = &deviceweb.Handlers{Kit: s.kit, Devices: s.devices, Tickets: s.tickets, People: s.people, Orgs: s.users,
		Reports: ticket.NewScanReports(s.tickets, s.devices, auth.NewThrottle(d.DB, d.Clock), d.Clock), BaseURL: d.Config.BaseURL}
	s.ticketWeb = &ticketweb.Handlers{Kit: s.kit, Tickets: s.tickets, People: s.people, Devices: s.devices, Orgs: s.users}
	s.peopleWeb = &peopleweb.Handlers{Kit: s.kit, People: s.people, Devices: s.devices, Tickets: s.tickets}
	s.authWeb = &authweb.Handlers{Kit: s.kit, Auth: d.Auth, People: s.people, SessionMax: d.Config.SessionMax}
	s.auditWeb = &auditweb.Handlers{Kit: s.kit, Audit: s.audit}
	s.searchWeb = &searchweb.Handlers{Kit: s.kit, Search: search.New(s.tickets, s.devices, s.people)}
	var wake func()
	if d.Mail != nil {
		wake = d.Mail.Wake
	}
	notify.NewComposer(d.DB, d.Clock, d.I18n, d.Config.BaseURL, d.Queue, wake).Subscribe(d.Auth.Events())
	fc := fiber.Config{
		AppName:               "backoffice",
		Immutable:             true, // values outlive the handler (logs, audit, goroutines)
		CaseSensitive:         true,
		BodyLimit:             bodyLimit,
		ReadBufferSize:        16 << 10,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		// Fiber's own helpers (c.Protocol, c.Hostname) believe X-Forwarded-*
		// headers only from a trusted proxy, none when none is configured.
		EnableTrustedProxyCheck: true,
	}
	for _, p := range d.Config.TrustedProxies {
		fc.TrustedProxies = append(fc.TrustedProxies, p.String())
	}
	s.app = fiber.New(fc)
	// During a graceful shutdown, answers to requests in flight say
	// Connection: close, so keep-alive clients do not send another request
	// into a connection that is about to close.
	s.app.Server().CloseOnShutdown = true

	s.app.Use(s.requestID, s.resolveClient, s.observe)
	s.app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	s.app.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
			"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
		ReferrerPolicy:            "same-origin",
		CrossOriginEmbedderPolicy: "unsafe-none",
		PermissionPolicy:          "camera=(self), microphone=(self), geolocation=()",
	}))
	if base.Scheme == "https" {
		s.app.Use(strictTransport)
	}
	s.app.Use(checkBody)
	s.app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed}))
	s.app.Use("/static", s.staticCache, filesystem.New(filesystem.Config{Root: http.FS(static.FS), MaxAge: 0}))
	s.app.Use(s.scanLimiter())
	s.app.Use(s.withTimeout, s.identify, s.checkCSRF)
	// Development aids show mail, links included, to administrators: once
	// mail is sent they do not exist (404).
	s.routes = slices.DeleteFunc(s.routeTable(), func(r httpx.Route) bool { return r.DevAid && d.Config.SendsMail() })
	for _, r := range s.routes {
		s.app.Add(r.Method, r.Path, s.guard(r), r.Handler)
	}
	return s, nil
}

// Services are the domain services the server was built with, for tests
// that set up data as the handlers would.
type Services struct {
	Auth    *auth.Service
	People  *people.Service
	Devices *device.Service
	Tickets *ticket.Service
	Users   *org.Store
	Outbox  *notify.Outbox
	RBAC    *rbac.Enforcer
	I18n    *i18n.Bundle
}

// Services returns the server's domain services.
func (s *Server) Services() Services {
	return Services{Auth: s.auth, People: s.people, Devices: s.devices, Tickets: s.tickets, Users: s.users,
		Outbox: s.outbox, RBAC: s.rbac, I18n: s.i18n}
}

// App returns the Fiber app, for tests (app.Test) and for serving.
func (s *Server) App() *fiber.App { return s.app }

// Metrics returns the collectors, for /metrics.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections, on the internal metrics listener
// too, and waits for in-flight requests until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.app.ShutdownWithContext(ctx)
	return errors.Join(err, s.metricsServer.Shutdown(ctx))
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// requestID takes a well-formed X-Request-ID from a proxy, else makes one.
func (s *Server) requestID(c *fiber.Ctx) error {
	id := c.Get(fiber.HeaderXRequestID)
	if !requestIDPattern.MatchString(id) {
		id = httpx.RandomString()[:20]
	}
	c.Locals(httpx.LocalRequestID, id)
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

// observe logs each request and records its metrics once the final status
// is known (errors are turned into responses here, not later).
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			s.log.Error("error handler failed", "request_id", httpx.RequestID(c), "err", herr)
			c.Status(fiber.StatusInternalServerError)
		}
	}
	s.metrics.observe(c, start)
	status := c.Response().StatusCode()
	// Answers that went well are debug lines (LOG_LEVEL=debug shows every
	// request), so that a terminal shows what needs attention and the
	// printed sign-in accounts stay in view; /metrics counts them all.
	level := slog.LevelDebug
	switch {
	case status == fiber.StatusServiceUnavailable:
		level = slog.LevelWarn // an outage of the database is reported once as an error (noteOutage)
	case status >= 500:
		level = slog.LevelError
	case status >= 400 && !strings.HasPrefix(c.Path(), "/static/"):
		level = slog.LevelInfo
	}
	attrs := []any{"request_id", httpx.RequestID(c), "method", c.Method(), "path", c.Path(), "status", status,
		"duration_ms", float64(time.Since(start).Microseconds()) / 1000, "ip", httpx.ClientIP(c)}
	if u := httpx.CurrentUser(c); u != nil {
		attrs = append(attrs, "user_id", u.ID)
	}
	s.log.Log(c.UserContext(), level, "request", attrs...)
	return nil
}

func (s *Server) logPanic(c *fiber.Ctx, e any) {
	s.log.Error("panic", "request_id", httpx.RequestID(c), "path", c.Path(), "panic", e)
}

func (s *Server) staticCache(c *fiber.Ctx) error {
	if c.Query("v") != "" {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	return c.Next()
}

// withTimeout gives every request a context that ends after requestTimeout;
// all database calls use it.
func (s *Server) withTimeout(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// identify resolves the caller once: a bearer token, else the session
// cookie. It also picks the language and time zone of the response.
func (s *Server) identify(c *fiber.Ctx) error {
	if c.Path() == metricsPath { // its bearer token is the metrics token, which serveMetrics checks
		s.setTranslator(c, nil)
		return c.Next()
	}
	ctx := c.UserContext()
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, token, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			s.setTranslator(c, nil)
			return apperr.ErrUnauthorized
		}
		t, err := s.auth.Tokens().Authenticate(ctx, strings.TrimSpace(token))
		if err != nil {
			s.setTranslator(c, nil)
			return err
		}
		c.Locals(httpx.LocalToken, t)
		c.Locals(httpx.LocalUser, t.User)
	} else if cookie := c.Cookies(httpx.CookieSession); cookie != "" {
		sess, err := s.auth.Sessions().Lookup(ctx, cookie)
		switch {
		case err == nil:
			c.Locals(httpx.LocalSession, sess)
			c.Locals(httpx.LocalUser, sess.User)
		case errors.Is(err, apperr.ErrUnauthorized):
			s.kit.ClearCookie(c, httpx.CookieSession)
		default:
			s.setTranslator(c, nil)
			return err
		}
	}
	s.setTranslator(c, httpx.CurrentUser(c))
	return c.Next()
}

// cookieLang keeps the language a visitor chose with ?lang=.
const cookieLang = "bo_lang"

// setTranslator picks the language: the signed-in user's, else ?lang= (kept
// in a cookie), else the language cookie, else Accept-Language.
func (s *Server) setTranslator(c *fiber.Ctx, u *org.User) {
	if u != nil {
		c.Locals(httpx.LocalTr, s.i18n.Translator(u.Language, u.Location()))
		return
	}
	lang := ""
	if q := c.Query("lang"); i18n.Supported(q) {
		lang = q
		s.kit.SetCookie(c, cookieLang, q, 365*24*time.Hour)
	} else if ck := c.Cookies(cookieLang); i18n.Supported(ck) {
		lang = ck
	} else {
		lang = s.i18n.Match(c.Get(fiber.HeaderAcceptLanguage))
	}
	c.Locals(httpx.LocalTr, s.i18n.Translator(lang, time.UTC))
}
