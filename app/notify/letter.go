package notify

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
)

// Letter is the content of a transactional email, written once and rendered
// both as plain text and as HTML, so that callers never write markup. Every
// field is plain text; HTML escapes all of it.
type Letter struct {
	Greeting    string   // "Hello Anna,"
	Paragraphs  []string // before the button; a newline inside one is a line break
	ActionLabel string   // button text; optional (the URL stands in)
	ActionURL   string   // button link; optional
	LinkHint    string   // line above the raw URL under the button, e.g. "Or open this link:"; optional
	After       []string // paragraphs after the button, e.g. "This link is valid for 7 days."
	Signature   string   // e.g. the provider's name
}

// Text renders the plain-text body: paragraphs separated by blank lines and
// the action URL on a line of its own.
func (l Letter) Text() string {
	var blocks []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			blocks = append(blocks, s)
		}
	}
	add(l.Greeting)
	for _, p := range l.Paragraphs {
		add(p)
	}
	if l.ActionURL != "" {
		label := strings.TrimSpace(l.ActionLabel)
		if label != "" {
			label += ":\n"
		}
		add(label + l.ActionURL)
	}
	for _, p := range l.After {
		add(p)
	}
	add(l.Signature)
	return strings.Join(blocks, "\n\n") + "\n"
}

// HTML renders the HTML body: a centred card with inline styles (mail
// clients ignore style sheets), a button for the action and the raw URL
// below it for copy and paste.
func (l Letter) HTML() (string, error) {
	var buf bytes.Buffer
	if err := letterTemplate.Execute(&buf, l); err != nil {
		return "", fmt.Errorf("render letter: %w", err)
	}
	return buf.String(), nil
}

// letterTemplate parses at start; html/template escapes every field for its
// context, so a URL cannot leave its attribute nor become javascript:.
var letterTemplate = template.Must(template.New("letter").Funcs(template.FuncMap{
	"lines": func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
}).Parse(letterHTML))

const letterHTML = `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body style="margin:0;padding:0;background-color:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f5f7;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background-color:#ffffff;border:1px solid #e1e4e8;border-radius:6px;">
<tr><td style="padding:32px;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.55;color:#24292f;">
{{- with .Greeting}}
<p style="margin:0 0 16px 0;">{{.}}</p>
{{- end}}
{{- range .Paragraphs}}
<p style="margin:0 0 16px 0;">{{range $i, $l := lines .}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
{{- end}}
{{- with .ActionURL}}
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:24px 0;">
<tr><td style="border-radius:6px;background-color:#1f6feb;">
<a href="{{.}}" target="_blank" style="display:inline-block;padding:12px 24px;font-size:15px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px;">{{if $.ActionLabel}}{{$.ActionLabel}}{{else}}{{.}}{{end}}</a>
</td></tr>
</table>
<p style="margin:0 0 16px 0;font-size:13px;color:#57606a;">{{with $.LinkHint}}{{.}}<br>{{end}}<a href="{{.}}" style="color:#1f6feb;word-break:break-all;">{{.}}</a></p>
{{- end}}
{{- range .After}}
<p style="margin:0 0 16px 0;">{{range $i, $l := lines .}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
{{- end}}
{{- with .Signature}}
<p style="margin:24px 0 0 0;color:#57606a;">{{.}}</p>
{{- end}}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`
