package smtptest

import (
	"strings"
	"testing"
)

func TestParseMultipartBase64(t *testing.T) {
	raw := strings.ReplaceAll(`Subject: =?UTF-8?q?Einladung_f=C3=BCr_J=C3=BCrgen?=
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

SGFsbG8gSsO8cmdlbiwKCmh0dHBzOi8vZGVzay5leGFtcGxlLmNv
bS9pbnZpdGUveHl6Cg==
--b1
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

<p>Hallo J=C3=BCrgen,</p><a href=3D"https://desk.example.com/invite/xyz">go</a>
--b1--
`, "\n", "\r\n")
	m, err := parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Einladung für Jürgen" {
		t.Errorf("Subject = %q", m.Subject)
	}
	if m.Text != "Hallo Jürgen,\n\nhttps://desk.example.com/invite/xyz\n" {
		t.Errorf("Text = %q", m.Text)
	}
	if m.HTML != `<p>Hallo Jürgen,</p><a href="https://desk.example.com/invite/xyz">go</a>` {
		t.Errorf("HTML = %q", m.HTML)
	}
	if got := m.Link("https://desk.example.com/invite/"); got != "https://desk.example.com/invite/xyz" {
		t.Errorf("Link = %q", got)
	}
	if got := m.Link("https://other.example.com/"); got != "" {
		t.Errorf("Link of missing prefix = %q", got)
	}
}
