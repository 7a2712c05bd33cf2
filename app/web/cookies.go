package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"backoffice/app/org"
	"backoffice/views"
)

// Cookie names.
const (
	cookieSession = "bo_session"
	cookieCSRF    = "bo_csrf"
	cookieFlash   = "bo_flash"
	cookieLang    = "bo_lang"
	cookieDevice  = "bo_device"
)

// deviceCookieAge is how long a browser stays known after a sign-in.
const deviceCookieAge = 365 * 24 * time.Hour

func (s *Server) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	c.Cookie(&fiber.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   int(maxAge / time.Second),
		Secure:   s.secureCookies,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (s *Server) clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{
		Name:     name,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		Expires:  time.Unix(0, 0),
		Secure:   s.secureCookies,
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// sign returns an HMAC of value under the application secret for purpose.
func (s *Server) sign(purpose, value string) string {
	m := hmac.New(sha256.New, s.cfg.Secret)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) verify(purpose, value, mac string) bool {
	return subtle.ConstantTimeCompare([]byte(s.sign(purpose, value)), []byte(mac)) == 1
}

// knownDevice returns this browser's id when it signed in to email before
// (the signed device cookie), or "".
func (s *Server) knownDevice(c *fiber.Ctx, email string) string {
	id, mac, ok := strings.Cut(c.Cookies(cookieDevice), ".")
	if !ok || !s.verify("device:"+org.NormalizeEmail(email), id, mac) {
		return ""
	}
	return id
}

// rememberDevice marks this browser as one that signed in to email, so that
// a lockout by others' wrong guesses does not keep it out.
func (s *Server) rememberDevice(c *fiber.Ctx, email string) {
	id := s.knownDevice(c, email)
	if id == "" {
		id = randomString()
	}
	s.setCookie(c, cookieDevice, id+"."+s.sign("device:"+email, id), deviceCookieAge)
}

func randomString() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// flashMsg is a flash message as kept in its cookie: a message id and its
// data, translated when shown (the language may change in between).
type flashMsg struct {
	Kind string         `json:"k"`
	ID   string         `json:"m"`
	Data map[string]any `json:"d,omitempty"`
}

// flash queues a message for the next page this browser shows.
func (s *Server) flash(c *fiber.Ctx, kind, id string, data map[string]any) {
	msgs := s.readFlash(c)
	msgs = append(msgs, flashMsg{Kind: kind, ID: id, Data: data})
	b, _ := json.Marshal(msgs)
	v := base64.RawURLEncoding.EncodeToString(b)
	s.setCookie(c, cookieFlash, v+"."+s.sign("flash", v), 5*time.Minute)
	c.Locals("bo.flash.pending", msgs)
}

func (s *Server) readFlash(c *fiber.Ctx) []flashMsg {
	if pending, ok := c.Locals("bo.flash.pending").([]flashMsg); ok {
		return pending
	}
	raw := c.Cookies(cookieFlash)
	v, mac, ok := strings.Cut(raw, ".")
	if !ok || !s.verify("flash", v, mac) {
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
func (s *Server) takeFlash(c *fiber.Ctx) []views.Flash {
	msgs := s.readFlash(c)
	if len(msgs) == 0 {
		return nil
	}
	s.clearCookie(c, cookieFlash)
	c.Locals("bo.flash.pending", []flashMsg{})
	t := tr(c)
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
