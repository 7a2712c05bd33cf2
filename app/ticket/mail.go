package ticket

import (
	"context"
	"strings"
	"time"

	"backoffice/app/i18n"
	"backoffice/app/notify"
)

// Mail is what the service needs to email requesters; with a zero Mail no
// email is written.
type Mail struct {
	// FilesDir keeps attachments ("" → a temporary directory, for tests).
	FilesDir string
	BaseURL  string // links in emails start here
	I18n     *i18n.Bundle
	// OnMail is called after a transaction that queued mail commits (to
	// wake the delivery worker). May be nil.
	OnMail func()
}

// queueReply writes the email that tells the requester about a public
// staff reply, in their language, with a link to the ticket. Internal
// notes never come here.
func (s *Service) queueReply(ctx context.Context, t *Ticket, m *Message) error {
	if s.mail.I18n == nil || m.Internal || !m.AuthorStaff {
		return nil
	}
	to, name, lang, loc := t.RequesterEmail, t.RequesterName, "en", time.UTC
	if t.RequesterID != nil {
		u, err := s.orgs.User(ctx, *t.RequesterID)
		if err != nil || u.Disabled() {
			return nil // gone or disabled: nobody to tell
		}
		to, name, lang, loc = u.Email, u.Name(), u.Language, u.Location()
	}
	if to == "" {
		return nil
	}
	provider, err := s.orgs.Organization(ctx, t.ProviderID)
	if err != nil {
		return err
	}
	tr := s.mail.I18n.Translator(lang, loc)
	data := map[string]any{"Name": name, "Number": "#" + itoaInt(t.Number), "Subject": t.Subject, "Author": m.AuthorName,
		"Provider": provider.Name}
	l := notify.Letter{
		Greeting:    tr.T("email.greeting", data),
		Paragraphs:  append([]string{tr.T("email.ticket_reply_body", data)}, strings.Split(m.Body, "\n\n")...),
		ActionLabel: tr.T("email.ticket_reply_action"),
		ActionURL:   strings.TrimRight(s.mail.BaseURL, "/") + "/tickets/" + itoaInt(t.ID),
		LinkHint:    tr.T("email.link_hint"),
		After:       []string{tr.T("email.ticket_reply_after", data)},
		Signature:   provider.Name,
	}
	html, err := l.HTML()
	if err != nil {
		return err
	}
	providerID := t.ProviderID
	return notify.NewOutbox(s.db, s.clock).Enqueue(ctx, &notify.Message{ProviderID: &providerID, Recipient: to, RecipientName: name,
		Subject: tr.T("email.ticket_reply_subject", data), BodyText: l.Text(), BodyHTML: html})
}

func itoaInt(n int64) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// OnMail sets the hook called after a reply email is queued.
func (s *Service) OnMail(fn func()) { s.mail.OnMail = fn }
