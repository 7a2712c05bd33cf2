package web

import (
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

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
	route, _ := c.Locals(localRoute).(string)
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
