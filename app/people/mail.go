package people

import (
	"context"
	"time"

	"backoffice/app/notify"
	"backoffice/app/org"
)

// queueInvitation writes the invitation email for u (whose Organization is
// loaded) to the outbox, in u's language.
func (s *Service) queueInvitation(ctx context.Context, inviter, u *org.User, token string, expires time.Time) error {
	provider, err := s.providerOf(ctx, u.Organization)
	if err != nil {
		return err
	}
	t := s.i18n.Translator(u.Language, u.Location())
	data := map[string]any{"Name": u.Name(), "Inviter": inviter.Name(), "Provider": provider.Name,
		"Company": u.Organization.Name, "Expires": t.DateTime(expires), "Role": t.T("role." + string(u.Role))}
	l := notify.Letter{
		Greeting:    t.T("email.greeting", data),
		Paragraphs:  []string{t.T("email.invitation_body", data), t.T("email.invitation_role", data)},
		ActionLabel: t.T("email.invitation_action"),
		ActionURL:   s.link("/accept-invitation", token),
		LinkHint:    t.T("email.link_hint"),
		After:       []string{t.T("email.invitation_valid", data), t.T("email.ignore")},
		Signature:   provider.Name,
	}
	return s.enqueue(ctx, provider.ID, u, t.T("email.invitation_subject", data), l)
}

// queuePasswordMail writes a set-password or reset email.
func (s *Service) queuePasswordMail(ctx context.Context, u *org.User, purpose, token string, ttl time.Duration) error {
	o := u.Organization
	if o == nil {
		var err error
		if o, err = s.store.Organization(ctx, u.OrganizationID); err != nil {
			return err
		}
	}
	provider, err := s.providerOf(ctx, o)
	if err != nil {
		return err
	}
	t := s.i18n.Translator(u.Language, u.Location())
	data := map[string]any{"Name": u.Name(), "Company": o.Name, "Email": u.Email, "Hours": int(ttl.Hours())}
	kind := "reset"
	if purpose == org.PurposeSetPassword {
		kind = "set_password"
	}
	l := notify.Letter{
		Greeting:    t.T("email.greeting", data),
		Paragraphs:  []string{t.T("email."+kind+"_body", data)},
		ActionLabel: t.T("email." + kind + "_action"),
		ActionURL:   s.link("/password/set", token),
		LinkHint:    t.T("email.link_hint"),
		After:       []string{t.N("email.link_valid_hours", int(ttl.Hours())), t.T("email." + kind + "_ignore")},
		Signature:   provider.Name,
	}
	return s.enqueue(ctx, provider.ID, u, t.T("email."+kind+"_subject", data), l)
}

func (s *Service) providerOf(ctx context.Context, o *org.Organization) (*org.Organization, error) {
	if o.IsProvider() {
		return o, nil
	}
	return s.store.Organization(ctx, o.ScopeProviderID())
}

func (s *Service) enqueue(ctx context.Context, providerID int64, u *org.User, subject string, l notify.Letter) error {
	html, err := l.HTML()
	if err != nil {
		return err
	}
	return s.outbox.Enqueue(ctx, &notify.Message{ProviderID: &providerID, Recipient: u.Email,
		RecipientName: u.Name(), Subject: subject, BodyText: l.Text(), BodyHTML: html})
}
