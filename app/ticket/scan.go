package ticket

import (
	"context"
	"errors"
	"time"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/clock"
	"backoffice/app/device"
)

// Limits of problem reports from the public page of a scanned code.
var (
	ReportLimit   = auth.Limit{Max: 5, Window: time.Hour} // per address
	reportMinWait = 3 * time.Second                       // a person takes longer to fill in the form
	reportMaxAge  = 2 * time.Hour
)

// Refusals of a problem report that are not about its fields.
var (
	ErrReportStale   = &apperr.Denied{Message: "error.report_form_stale"}
	ErrReportTooFast = &apperr.Denied{Message: "error.report_too_fast"}
)

// PINRefused is a report refused because the code's PIN was wrong or asked
// too often; Err is the PIN check's own error (a field error at "pin", or
// the throttle's).
type PINRefused struct{ Err error }

func (e *PINRefused) Error() string { return "report: PIN refused: " + e.Err.Error() }
func (e *PINRefused) Unwrap() error { return e.Err }

// ScanReport is a problem report sent from a scan page by someone who need
// not be signed in.
type ScanReport struct {
	Report
	PIN string // the code's PIN, when it has one
	// ShownAt is when the form was shown, read from the page's signed
	// field; zero when the signature did not hold.
	ShownAt time.Time
	Trap    string // a field people do not see; bots fill it in
	IP      string // the client address, which the reports are limited by
}

// ScanReports are the rules of problem reports from the public page of a
// scanned code: the code's PIN, a form shown neither a moment nor hours
// ago and without its trap filled in, at most ReportLimit reports per
// address, and the ticket itself (channel qr).
type ScanReports struct {
	tickets  *Service
	devices  *device.Service
	throttle *auth.Throttle
	clock    clock.Clock
}

// NewScanReports wires the rules of scan-page reports.
func NewScanReports(tickets *Service, devices *device.Service, throttle *auth.Throttle, c clock.Clock) *ScanReports {
	return &ScanReports{tickets: tickets, devices: devices, throttle: throttle, clock: c}
}

// Report opens a ticket for the device of code (active, paired with a
// device placed with a customer) from report r.
func (s *ScanReports) Report(ctx context.Context, code *device.Code, r ScanReport) (*Ticket, error) {
	if !code.Active || code.Device == nil || code.Device.CustomerID == nil {
		return nil, apperr.ErrNotFound
	}
	if code.HasPIN() {
		if err := s.devices.CheckPIN(ctx, code, r.PIN, r.IP); err != nil {
			return nil, &PINRefused{Err: err}
		}
	}
	if r.ShownAt.IsZero() {
		return nil, ErrReportStale
	}
	age := s.clock.Now().Sub(r.ShownAt)
	if age > reportMaxAge {
		return nil, ErrReportStale
	}
	if age < reportMinWait || r.Trap != "" {
		return nil, ErrReportTooFast
	}
	key := "report:" + r.IP
	if err := s.throttle.Reserve(ctx, key, ReportLimit); err != nil { // counts the report
		return nil, err
	}
	t, err := s.tickets.ReportProblem(ctx, code.Device, r.Report)
	if err != nil {
		return nil, errors.Join(err, s.throttle.Release(ctx, key)) // no report made
	}
	return t, nil
}
