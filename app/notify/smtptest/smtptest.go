// Package smtptest runs an in-process SMTP server that keeps what it
// receives, for tests of code that sends email.
package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one received message, decoded.
type Mail struct {
	User    string   // user name of AUTH PLAIN; "" without authentication
	From    string   // envelope sender
	To      []string // envelope recipients
	Header  mail.Header
	Subject string // decoded from RFC 2047
	Text    string // the text/plain part, transfer encoding removed, CRLF as LF
	HTML    string // the text/html part, likewise
	Raw     []byte // the message as received

	waited bool // returned by Wait already
}

// Link returns the first URL in the text part that starts with prefix, or "".
func (m *Mail) Link(prefix string) string {
	i := strings.Index(m.Text, prefix)
	if i < 0 {
		return ""
	}
	s := m.Text[i:]
	if end := strings.IndexAny(s, " \t\r\n<>\"'"); end >= 0 {
		s = s[:end]
	}
	return s
}

// Server is a running SMTP server on 127.0.0.1. It needs no TLS and no
// authentication, and accepts AUTH PLAIN with any credentials.
type Server struct {
	srv  *smtp.Server
	addr string

	mu       sync.Mutex
	mails    []*Mail
	rejected []error
	failNext int
	arrived  chan struct{} // closed and replaced whenever a mail arrives
}

// Start runs a server on a free port until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s := &Server{addr: ln.Addr().String(), arrived: make(chan struct{})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{server: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.MaxRecipients = 100
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	go s.srv.Serve(ln) //nolint:errcheck // returns when closed
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// URL is the SMTP URL of the server, for the code under test.
func (s *Server) URL() string { return "smtp://" + s.addr }

// Messages returns every mail received so far, oldest first.
func (s *Server) Messages() []*Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Mail(nil), s.mails...)
}

// FailNext makes the next n messages fail at the end of DATA with 451, a
// temporary error.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// Wait returns the oldest mail to recipient to (compared case-insensitively)
// that no earlier Wait returned, waiting for it up to timeout; after that
// the test fails. Successive Waits for one recipient thus return successive
// mails.
func (s *Server) Wait(t testing.TB, to string, timeout time.Duration) *Mail {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for _, m := range s.mails {
			if !m.waited && m.sentTo(to) {
				m.waited = true
				s.mu.Unlock()
				return m
			}
		}
		arrived := s.arrived
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-deadline.C:
			s.mu.Lock()
			defer s.mu.Unlock()
			var got []string
			for _, m := range s.mails {
				got = append(got, fmt.Sprintf("%v %q", m.To, m.Subject))
			}
			t.Fatalf("smtptest: no mail to %s within %v; received %d: %s; rejected: %v",
				to, timeout, len(got), strings.Join(got, ", "), s.rejected)
			return nil
		}
	}
}

func (m *Mail) sentTo(addr string) bool {
	for _, to := range m.To {
		if strings.EqualFold(to, addr) {
			return true
		}
	}
	return false
}

// deliver stores a received message, or answers why it is refused.
func (s *Server) deliver(user, from string, to []string, raw []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure (smtptest)"}
	}
	m, err := parse(raw)
	if err != nil {
		s.rejected = append(s.rejected, err)
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "smtptest: " + err.Error()}
	}
	m.User, m.From, m.To = user, from, to
	s.mails = append(s.mails, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
	return nil
}

// session is one SMTP connection.
type session struct {
	server *Server
	user   string
	from   string
	to     []string
}

func (c *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (c *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, _ string) error {
		c.user = user
		return nil
	}), nil
}

func (c *session) Mail(from string, _ *smtp.MailOptions) error {
	c.from = from
	return nil
}

func (c *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	c.to = append(c.to, to)
	return nil
}

func (c *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return c.server.deliver(c.user, c.from, append([]string(nil), c.to...), raw)
}

func (c *session) Reset() {
	c.from, c.to = "", nil
}

func (c *session) Logout() error { return nil }

// parse decodes the headers and the text and HTML parts of a message.
func parse(raw []byte) (*Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	m := &Mail{Header: msg.Header, Raw: raw}
	if m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return nil, fmt.Errorf("decode subject: %w", err)
	}
	if err := m.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body); err != nil {
		return nil, err
	}
	return m, nil
}

// walk descends through multipart bodies and keeps the first text/plain and
// text/html parts.
func (m *Mail) walk(contentType, transferEncoding string, body io.Reader) error {
	mediaType, params := "text/plain", map[string]string{}
	if contentType != "" {
		var err error
		if mediaType, params, err = mime.ParseMediaType(contentType); err != nil {
			return fmt.Errorf("parse content type %q: %w", contentType, err)
		}
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			// NextRawPart keeps Content-Transfer-Encoding for decode.
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read %s part: %w", mediaType, err)
			}
			if err := m.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	if mediaType != "text/plain" && mediaType != "text/html" {
		return nil
	}
	text, err := decode(transferEncoding, body)
	if err != nil {
		return fmt.Errorf("decode %s part: %w", mediaType, err)
	}
	if mediaType == "text/plain" && m.Text == "" {
		m.Text = text
	} else if mediaType == "text/html" && m.HTML == "" {
		m.HTML = text
	}
	return nil
}

// decode removes a content transfer encoding. Charsets other than UTF-8 and
// ASCII are left as they are: the code under test sends UTF-8.
func decode(transferEncoding string, body io.Reader) (string, error) {
	switch strings.ToLower(strings.TrimSpace(transferEncoding)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // skips CR and LF
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}
