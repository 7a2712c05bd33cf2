package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"backoffice/app/apperr"
	"backoffice/app/web/httpx"
)

// metricsPath serves the metrics: on the main port to a caller with
// BACKOFFICE_METRICS_TOKEN, on the internal listener of
// BACKOFFICE_METRICS_ADDR to anyone who reaches it.
const metricsPath = "/metrics"

// Metrics are the Prometheus collectors served at /metrics.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// NewMetrics registers the HTTP, Go runtime, process and database pool
// collectors on a registry of their own.
func NewMetrics(sqldb *sql.DB, version string) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "backoffice_http_requests_total",
			Help: "HTTP requests by route template, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "backoffice_http_request_duration_seconds",
			Help:    "HTTP request latency by route template, method and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
	}
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "backoffice_build_info",
		Help: "Build information; always 1.",
	}, []string{"version"})
	build.WithLabelValues(version).Set(1)
	reg.MustRegister(m.requests, m.latency, build,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(sqldb, "backoffice"),
	)
	return m
}

// observe records one finished request. The route is the template of the
// route-table entry the request matched (such as /api/v1/me/tokens/:id),
// never the raw path, so the number of series stays bounded; requests that
// matched no entry share one label.
func (m *Metrics) observe(c *fiber.Ctx, start time.Time) {
	route, _ := c.Locals(httpx.LocalRoute).(string)
	if route == "" {
		route = "unmatched"
		if strings.HasPrefix(c.Path(), "/static/") {
			route = "/static/*"
		}
	}
	method := c.Method()
	switch method {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch,
		fiber.MethodDelete, fiber.MethodOptions:
	default:
		method = "OTHER"
	}
	status := strconv.Itoa(c.Response().StatusCode())
	m.requests.WithLabelValues(route, method, status).Inc()
	m.latency.WithLabelValues(route, method, status).Observe(time.Since(start).Seconds())
}

func (m *Metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// serveMetrics answers /metrics on the main port to the bearer of the
// metrics token. Without BACKOFFICE_METRICS_TOKEN the path does not exist.
// The tokens are compared as SHA-256 digests, in constant time and without
// telling their length.
func (s *Server) serveMetrics() fiber.Handler {
	serve := adaptor.HTTPHandler(s.metrics.handler())
	want := sha256.Sum256([]byte(s.cfg.MetricsToken))
	return func(c *fiber.Ctx) error {
		if s.cfg.MetricsToken == "" {
			return apperr.ErrNotFound
		}
		scheme, token, _ := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
		got := sha256.Sum256([]byte(token))
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
			return s.problem(c, httpx.Classified{Status: fiber.StatusUnauthorized, TitleID: "error.unauthorized_title", Detail: "error.metrics_token"})
		}
		return serve(c)
	}
}

// newMetricsServer is the internal listener's server: /metrics, no token.
func newMetricsServer(m *Metrics) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET "+metricsPath, m.handler())
	// Profiles of the running server, on the internal listener only:
	// go tool pprof http://ADDR/debug/pprof/profile?seconds=20
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	// A CPU profile takes its seconds (30 by default) to write.
	return &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 2 * time.Minute}
}

// ServeMetrics serves /metrics without a token on ln, the internal listener
// of BACKOFFICE_METRICS_ADDR, until Shutdown.
func (s *Server) ServeMetrics(ln net.Listener) error {
	if err := s.metricsServer.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
