package notify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// Mailer hands one message to a mail server. from is a header address such
// as "Backoffice <noreply@example.com>".
type Mailer interface {
	Send(ctx context.Context, from string, m *Message) error
}

// smtpTimeout bounds the connection and each command of one delivery.
const smtpTimeout = 10 * time.Second

// SMTPMailer delivers over SMTP, one connection per message.
type SMTPMailer struct {
	client *mail.Client
}

// NewSMTPMailer configures delivery from an SMTP_URL value:
//
//	smtp://[user:pass@]host[:port]   STARTTLS when offered (default port 587)
//	smtps://[user:pass@]host[:port]  implicit TLS (default port 465)
//
// The query tls=none forces a plain connection and tls=starttls requires
// STARTTLS. With user info the client authenticates with PLAIN, which Go
// refuses over a plain connection to any host but localhost.
func NewSMTPMailer(smtpURL string) (*SMTPMailer, error) {
	u, err := url.Parse(smtpURL)
	if err != nil {
		return nil, fmt.Errorf("parse SMTP URL: %w", err)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("SMTP URL %s: missing host", u.Redacted())
	}
	opts := []mail.Option{mail.WithTimeout(smtpTimeout)}
	port := 587
	switch u.Scheme {
	case "smtp":
		switch tlsMode := u.Query().Get("tls"); tlsMode {
		case "":
			opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
		case "none":
			opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
		case "starttls":
			opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		default:
			return nil, fmt.Errorf("SMTP URL %s: tls=%q is not none or starttls", u.Redacted(), tlsMode)
		}
	case "smtps":
		if t := u.Query().Get("tls"); t != "" {
			return nil, fmt.Errorf("SMTP URL %s: smtps always uses TLS, drop tls=%s", u.Redacted(), t)
		}
		port = 465
		opts = append(opts, mail.WithSSL())
	default:
		return nil, fmt.Errorf("SMTP URL %s: scheme must be smtp or smtps", u.Redacted())
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP URL %s: invalid port", u.Redacted())
		}
	}
	opts = append(opts, mail.WithPort(port))
	if u.User != nil && u.User.Username() != "" {
		pass, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain),
			mail.WithUsername(u.User.Username()), mail.WithPassword(pass))
	}
	client, err := mail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("configure SMTP client for %s: %w", u.Redacted(), err)
	}
	return &SMTPMailer{client: client}, nil
}

// Send delivers m: text/plain, with a text/html alternative when m has one.
func (s *SMTPMailer) Send(ctx context.Context, from string, m *Message) error {
	msg, err := buildMsg(from, m)
	if err != nil {
		return err
	}
	if err := s.client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	return nil
}

// buildMsg turns an outbox row into a MIME message.
func buildMsg(from string, m *Message) (*mail.Msg, error) {
	sender, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("parse sender %q: %w", from, err)
	}
	rcpt, err := netmail.ParseAddress(m.Recipient)
	if err != nil {
		return nil, fmt.Errorf("parse recipient %q: %w", m.Recipient, err)
	}
	rcpt.Name = oneLine(m.RecipientName)

	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	msg.FromMailAddress(sender)
	msg.ToMailAddress(rcpt)
	msg.Subject(oneLine(m.Subject))
	msg.SetMessageIDWithValue(messageID(sender.Address, m))
	msg.SetDate()
	msg.SetBodyString(mail.TypeTextPlain, m.BodyText)
	if m.BodyHTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.BodyHTML)
	}
	return msg, nil
}

// messageID names m in the sender's domain (go-mail would use the machine's
// host name). An outbox message keeps its id across attempts, so that a
// receiver can drop a duplicate left by an overrun lease.
func messageID(sender string, m *Message) string {
	domain := "localhost"
	if i := strings.LastIndexByte(sender, '@'); i >= 0 && i+1 < len(sender) {
		domain = sender[i+1:]
	}
	if m.ID == 0 {
		raw := make([]byte, 16)
		rand.Read(raw)
		return hex.EncodeToString(raw) + "@" + domain
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%d|%d|%s", m.ID, m.CreatedAt.UnixMicro(), m.Recipient))
	return hex.EncodeToString(sum[:16]) + "@" + domain
}

// oneLine keeps a header value on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
