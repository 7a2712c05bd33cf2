package web

import (
	"github.com/gofiber/fiber/v2"

	"backoffice/views"
)

const mailboxPageSize = 50

func (s *Server) showMailbox(c *fiber.Ctx) error {
	before := parseBefore(c)
	provider := currentUser(c).Organization.ScopeProviderID()
	msgs, err := s.outbox.List(c.UserContext(), provider, before, mailboxPageSize+1)
	if err != nil {
		return err
	}
	older := ""
	if len(msgs) > mailboxPageSize {
		msgs = msgs[:mailboxPageSize]
		older = "/mailbox?before=" + itoa64(msgs[len(msgs)-1].ID)
	}
	return s.render(c, fiber.StatusOK, views.MailboxPage(s.page(c, tr(c).T("mailbox.title")), msgs, older, before == 0))
}

func (s *Server) showMail(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	m, err := s.outbox.Message(c.UserContext(), currentUser(c).Organization.ScopeProviderID(), id)
	if err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, views.MailPage(s.page(c, m.Subject), m))
}
