package notify_test

import (
	"strings"
	"testing"

	"backoffice/app/notify"
)

func TestLetterText(t *testing.T) {
	l := notify.Letter{
		Greeting:    "Hello Anna,",
		Paragraphs:  []string{"You have been invited.", "Line one\nline two"},
		ActionLabel: "Accept invitation",
		ActionURL:   "https://desk.example.com/invite/abc",
		After:       []string{"This link is valid for 7 days."},
		Signature:   "Acme Support",
	}
	want := "Hello Anna,\n\nYou have been invited.\n\nLine one\nline two\n\n" +
		"Accept invitation:\nhttps://desk.example.com/invite/abc\n\n" +
		"This link is valid for 7 days.\n\nAcme Support\n"
	if got := l.Text(); got != want {
		t.Fatalf("Text() =\n%s\nwant\n%s", got, want)
	}
	if got := (notify.Letter{Greeting: "Hi,", Paragraphs: []string{"", "Body"}}).Text(); got != "Hi,\n\nBody\n" {
		t.Fatalf("Text() without action = %q", got)
	}
}

func TestLetterHTML(t *testing.T) {
	l := notify.Letter{
		Greeting:    "Hello <b>Anna</b>,",
		Paragraphs:  []string{"Look: <script>alert(1)</script>", "Line one\nline two"},
		ActionLabel: "Accept & go",
		ActionURL:   "https://desk.example.com/invite/abc",
		LinkHint:    "Or open this link:",
		After:       []string{"Valid for 7 days."},
		Signature:   "Müller & Co",
	}
	html, err := l.HTML()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Hello &lt;b&gt;Anna&lt;/b&gt;,",
		"Look: &lt;script&gt;alert(1)&lt;/script&gt;",
		"Line one<br>line two",
		`href="https://desk.example.com/invite/abc"`,
		">Accept &amp; go</a>",
		"Or open this link:<br>",
		">https://desk.example.com/invite/abc</a>",
		"Valid for 7 days.",
		"Müller &amp; Co",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(html, "<script") || strings.Contains(html, "<b>") {
		t.Errorf("HTML holds unescaped markup:\n%s", html)
	}
}

func TestLetterHTMLEscapesURLs(t *testing.T) {
	for _, u := range []string{
		`https://desk.example.com/?q="><script>alert(2)</script>`,
		`javascript:alert(3)`,
	} {
		html, err := notify.Letter{ActionLabel: "Go", ActionURL: u}.HTML()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(html, "<script") || strings.Contains(html, `href="javascript:`) {
			t.Errorf("URL %q not escaped:\n%s", u, html)
		}
	}
	html, _ := notify.Letter{ActionURL: "javascript:alert(3)"}.HTML()
	if !strings.Contains(html, `href="#ZgotmplZ"`) {
		t.Errorf("javascript: URL kept in href:\n%s", html)
	}
}
