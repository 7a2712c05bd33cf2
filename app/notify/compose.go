package notify

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/event"
	"backoffice/app/i18n"
	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/app/ticket"
)

// Composer writes the emails that domain events call for, in the
// recipient's language, to the outbox in the event's transaction. It is
// the only place that knows which event sends which email: domains record
// events and carry what an email needs (a link's token) as the payload.
type Composer struct {
	outbox  *Outbox
	orgs    *org.Store
	i18n    *i18n.Bundle
	baseURL string
	wake    func()
}

// NewComposer returns a composer whose links start at baseURL. With a job
// queue q every message gets its delivery job; wake (may be nil) is called
// after a transaction that queued mail commits.
func NewComposer(bdb *bun.DB, c clock.Clock, b *i18n.Bundle, baseURL string, q *event.Queue, wake func()) *Composer {
	ob := NewOutbox(bdb, c)
	if q != nil {
		ob = ob.Through(q)
	}
	return &Composer{outbox: ob, orgs: org.NewStore(bdb, c), i18n: b,
		baseURL: strings.TrimRight(baseURL, "/"), wake: wake}
}

// Subscribe composes mail for the events of bus.
func (c *Composer) Subscribe(bus *event.Bus) {
	bus.Subscribe(c.invitation, people.EventInvitationCreated, people.EventInvitationResent)
	bus.Subscribe(c.passwordLink, people.EventUserCreated, people.EventPasswordLinkSent)
	bus.Subscribe(c.ticketReply, ticket.EventReplied)
}

// invitation writes the invitation email for the invited user (whose
// Organization is loaded).
func (c *Composer) invitation(ctx context.Context, e *event.Event) error {
	p, ok := e.Payload.(people.InvitationMail)
	if !ok {
		return nil
	}
	u := p.User
	provider, err := c.providerOf(ctx, u.Organization)
	if err != nil {
		return err
	}
	t := c.i18n.Translator(u.Language, u.Location())
	data := map[string]any{"Name": u.Name(), "Inviter": p.Inviter.Name(), "Provider": provider.Name,
		"Company": u.Organization.Name, "Expires": t.DateTime(p.Expires), "Role": t.T("role." + string(u.Role))}
	l := Letter{
		Greeting:    t.T("email.greeting", data),
		Paragraphs:  []string{t.T("email.invitation_body", data), t.T("email.invitation_role", data)},
		ActionLabel: t.T("email.invitation_action"),
		ActionURL:   c.link("/accept-invitation", p.Token),
		LinkHint:    t.T("email.link_hint"),
		After:       []string{t.T("email.invitation_valid", data), t.T("email.ignore")},
		Signature:   provider.Name,
	}
	return c.enqueue(ctx, provider.ID, u.Email, u.Name(), t.T("email.invitation_subject", data), l)
}

// passwordLink writes a set-password or reset email.
func (c *Composer) passwordLink(ctx context.Context, e *event.Event) error {
	p, ok := e.Payload.(people.PasswordMail)
	if !ok {
		return nil
	}
	u := p.User
	o := u.Organization
	if o == nil {
		var err error
		if o, err = c.orgs.Organization(ctx, u.OrganizationID); err != nil {
			return err
		}
	}
	provider, err := c.providerOf(ctx, o)
	if err != nil {
		return err
	}
	t := c.i18n.Translator(u.Language, u.Location())
	hours := int(p.TTL.Hours())
	data := map[string]any{"Name": u.Name(), "Company": o.Name, "Email": u.Email, "Hours": hours}
	kind := "reset"
	if p.Purpose == org.PurposeSetPassword {
		kind = "set_password"
	}
	l := Letter{
		Greeting:    t.T("email.greeting", data),
		Paragraphs:  []string{t.T("email."+kind+"_body", data)},
		ActionLabel: t.T("email." + kind + "_action"),
		ActionURL:   c.link("/password/set", p.Token),
		LinkHint:    t.T("email.link_hint"),
		After:       []string{t.N("email.link_valid_hours", hours), t.T("email." + kind + "_ignore")},
		Signature:   provider.Name,
	}
	return c.enqueue(ctx, provider.ID, u.Email, u.Name(), t.T("email."+kind+"_subject", data), l)
}

// ticketReply tells the requester about a public staff reply, in their
// language, with a link to the ticket. Internal notes never come here.
func (c *Composer) ticketReply(ctx context.Context, e *event.Event) error {
	p, ok := e.Payload.(ticket.Reply)
	if !ok || p.Message.Internal || !p.Message.AuthorStaff {
		return nil
	}
	t, m := p.Ticket, p.Message
	to, name, lang, loc := t.RequesterEmail, t.RequesterName, "en", time.UTC
	if t.RequesterID != nil {
		u, err := c.orgs.User(ctx, *t.RequesterID)
		if err != nil || u.Disabled() {
			return nil // gone or disabled: nobody to tell
		}
		to, name, lang, loc = u.Email, u.Name(), u.Language, u.Location()
	}
	if to == "" {
		return nil
	}
	provider, err := c.orgs.Organization(ctx, t.ProviderID)
	if err != nil {
		return err
	}
	tr := c.i18n.Translator(lang, loc)
	number := strconv.FormatInt(t.Number, 10)
	data := map[string]any{"Name": name, "Number": "#" + number, "Subject": t.Subject, "Author": m.AuthorName,
		"Provider": provider.Name}
	l := Letter{
		Greeting:    tr.T("email.greeting", data),
		Paragraphs:  append([]string{tr.T("email.ticket_reply_body", data)}, strings.Split(m.Body, "\n\n")...),
		ActionLabel: tr.T("email.ticket_reply_action"),
		ActionURL:   c.baseURL + "/tickets/" + strconv.FormatInt(t.ID, 10),
		LinkHint:    tr.T("email.link_hint"),
		After:       []string{tr.T("email.ticket_reply_after", data)},
		Signature:   provider.Name,
	}
	return c.enqueue(ctx, t.ProviderID, to, name, tr.T("email.ticket_reply_subject", data), l)
}

func (c *Composer) providerOf(ctx context.Context, o *org.Organization) (*org.Organization, error) {
	if o.IsProvider() {
		return o, nil
	}
	return c.orgs.Organization(ctx, o.ScopeProviderID())
}

func (c *Composer) link(path, token string) string {
	return c.baseURL + path + "?token=" + url.QueryEscape(token)
}

func (c *Composer) enqueue(ctx context.Context, providerID int64, to, name, subject string, l Letter) error {
	html, err := l.HTML()
	if err != nil {
		return err
	}
	if err := c.outbox.Enqueue(ctx, &Message{ProviderID: &providerID, Recipient: to, RecipientName: name,
		Subject: subject, BodyText: l.Text(), BodyHTML: html}); err != nil {
		return err
	}
	if c.wake != nil {
		db.AfterCommit(ctx, c.wake)
	}
	return nil
}
