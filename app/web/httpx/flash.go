package httpx

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/views"
)

const cookieFlash = "bo_flash"

// flashMsg is a flash message as kept in its cookie: a message id and its
// data, translated when shown (the language may change in between).
type flashMsg struct {
	Kind string         `json:"k"`
	ID   string         `json:"m"`
	Data map[string]any `json:"d,omitempty"`
}

// Flash queues a message for the next page this browser shows.
func (k *Kit) Flash(c *fiber.Ctx, kind, id string, data map[string]any) {
	msgs := k.readFlash(c)
	msgs = append(msgs, flashMsg{Kind: kind, ID: id, Data: data})
	b, _ := json.Marshal(msgs)
	v := base64.RawURLEncoding.EncodeToString(b)
	k.SetCookie(c, cookieFlash, v+"."+k.Sign("flash", v), 5*time.Minute)
	c.Locals("bo.flash.pending", msgs)
}

func (k *Kit) readFlash(c *fiber.Ctx) []flashMsg {
	if pending, ok := c.Locals("bo.flash.pending").([]flashMsg); ok {
		return pending
	}
	raw := c.Cookies(cookieFlash)
	v, mac, ok := strings.Cut(raw, ".")
	if !ok || !k.Verify("flash", v, mac) {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil
	}
	var msgs []flashMsg
	if json.Unmarshal(b, &msgs) != nil || len(msgs) > 5 {
		return nil
	}
	return msgs
}

// takeFlash returns the queued messages, translated, and clears them.
func (k *Kit) takeFlash(c *fiber.Ctx) []views.Flash {
	msgs := k.readFlash(c)
	if len(msgs) == 0 {
		return nil
	}
	k.ClearCookie(c, cookieFlash)
	c.Locals("bo.flash.pending", []flashMsg{})
	t := Tr(c)
	out := make([]views.Flash, 0, len(msgs))
	for _, m := range msgs {
		switch m.Kind {
		case "success", "warning", "error", "info":
		default:
			m.Kind = "info"
		}
		out = append(out, views.Flash{Kind: m.Kind, Text: t.T(m.ID, m.Data)})
	}
	return out
}

// FlashError shows a refusal (403/409), or the first problem of bad input
// (422), as a message on the page the user came from; other errors go to
// the error handler.
func (k *Kit) FlashError(c *fiber.Ctx, err error, back string) error {
	cl := Classify(err)
	switch {
	case cl.Status == fiber.StatusUnprocessableEntity && len(cl.Fields) > 0:
		k.Flash(c, "error", cl.Fields[0].Message, cl.Fields[0].Data)
	case cl.Status == fiber.StatusForbidden || cl.Status == fiber.StatusConflict:
		k.Flash(c, "error", cl.Detail, cl.Data)
	default:
		return err
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}
