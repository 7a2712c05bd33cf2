package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/web/httpx"
	"backoffice/views"
)

const mailboxPageSize = 50

func (s *Server) showMailbox(c *fiber.Ctx) error {
	before := httpx.ParseBefore(c)
	provider := httpx.CurrentUser(c).Organization.ScopeProviderID()
	msgs, err := s.outbox.List(c.UserContext(), provider, before, mailboxPageSize+1)
	if err != nil {
		return err
	}
	older := ""
	if len(msgs) > mailboxPageSize {
		msgs = msgs[:mailboxPageSize]
		older = "/mailbox?before=" + strconv.FormatInt(msgs[len(msgs)-1].ID, 10)
	}
	return httpx.Render(c, fiber.StatusOK, views.MailboxPage(s.kit.Page(c, httpx.Tr(c).T("mailbox.title")), msgs, older, before == 0))
}

func (s *Server) showMail(c *fiber.Ctx) error {
	id, err := httpx.PathID(c, "id")
	if err != nil {
		return err
	}
	m, err := s.outbox.Message(c.UserContext(), httpx.CurrentUser(c).Organization.ScopeProviderID(), id)
	if err != nil {
		return err
	}
	return httpx.Render(c, fiber.StatusOK, views.MailPage(s.kit.Page(c, m.Subject), m))
}
