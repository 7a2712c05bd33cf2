package ticketweb_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"backoffice/app/ticket"
	"backoffice/app/web/webtest"
)

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	webtest.Must(t, png.Encode(&b, img))
	return b.Bytes()
}

type upload struct {
	name string
	data []byte
}

// postFiles sends a multipart reply through the API.
func postFiles(h *webtest.Harness, token, path string, fields map[string]string, files []upload) (int, map[string]any) {
	h.T.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		webtest.Must(h.T, w.WriteField(k, v))
	}
	for _, f := range files {
		fw, err := w.CreateFormFile("files", f.name)
		webtest.Must(h.T, err)
		_, err = fw.Write(f.data)
		webtest.Must(h.T, err)
	}
	webtest.Must(h.T, w.Close())
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp := h.Do(req)
	raw := webtest.ReadBody(h.T, resp)
	var m map[string]any
	_ = json.Unmarshal([]byte(raw), &m)
	return resp.StatusCode, m
}

// Files attached to messages are checked by content and size, downloaded
// only by users who may see the ticket (files of internal notes only by
// staff), as attachments that browsers neither sniff nor run.
func TestTicketAttachments(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		tk, err := h.Svc.Tickets.Create(ctx, h.Users["a_member"], ticket.NewTicket{Subject: "Broken display", Description: "See photo."})
		webtest.Must(t, err)
		path := "/api/v1/tickets/" + webtest.Itoa64(tk.ID) + "/messages"
		pic := pngBytes(t)
		member, agent := h.Token("a_member"), h.Token("agent")

		st, m := postFiles(h, member, path, map[string]string{"body": "Photo attached"}, []upload{{"../../etc/display.png", pic}})
		if st != 201 {
			t.Fatalf("upload: %d %v", st, m)
		}
		webtest.CheckSchema(t, "Message", m)
		atts := m["attachments"].([]any)
		if len(atts) != 1 {
			t.Fatalf("attachments %v", atts)
		}
		a := atts[0].(map[string]any)
		if a["filename"] != "display.png" || a["content_type"] != "image/png" || a["size"] != float64(len(pic)) {
			t.Fatalf("attachment %v", a)
		}
		url := a["url"].(string)
		resp, _ := h.API("GET", url, member, nil)
		webtest.WantStatus(t, resp, 200, "")
		webtest.WantContains(t, resp.Header.Get("Content-Disposition"), "attachment", "display.png")
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("download headers %v", resp.Header)
		}
		for _, name := range []string{"b_member", "b_admin"} {
			resp, _ = h.API("GET", url, h.Token(name), nil)
			webtest.WantStatus(t, resp, 404, "")
		}
		other, err := h.Svc.Tickets.Create(ctx, h.Users["a_member"], ticket.NewTicket{Subject: "Other", Description: "x"})
		webtest.Must(t, err)
		resp, _ = h.API("GET", strings.Replace(url, "/tickets/"+webtest.Itoa64(tk.ID)+"/", "/tickets/"+webtest.Itoa64(other.ID)+"/", 1), member, nil)
		webtest.WantStatus(t, resp, 404, "") // the file belongs to another ticket

		// A file on an internal note is the staff's alone.
		st, m = postFiles(h, agent, path, map[string]string{"body": "Vendor diagnosis", "internal": "true"}, []upload{{"diag.txt", []byte("flow sensor drift\n")}})
		if st != 201 {
			t.Fatalf("note upload: %d %v", st, m)
		}
		noteURL := m["attachments"].([]any)[0].(map[string]any)["url"].(string)
		resp, _ = h.API("GET", noteURL, agent, nil)
		webtest.WantStatus(t, resp, 200, "")
		resp, _ = h.API("GET", noteURL, member, nil)
		webtest.WantStatus(t, resp, 404, "")
		_, msgs := h.API("GET", path, member, nil)
		if strings.Contains(mustJSON(t, msgs), "diag.txt") {
			t.Fatal("the member's message list names the note's file")
		}

		// Refused files save nothing.
		before := len(mustMessages(h, tk.ID))
		for name, files := range map[string][]upload{
			"html":      {{"page.png", []byte("<html><script>alert(1)</script></html>")}},
			"exe":       {{"setup.pdf", append([]byte("MZ\x90\x00"), make([]byte, 64)...)}},
			"too large": {{"big.png", append(pic, make([]byte, ticket.MaxFileSize)...)}},
			"too many":  {{"1.png", pic}, {"2.png", pic}, {"3.png", pic}, {"4.png", pic}, {"5.png", pic}, {"6.png", pic}},
			"empty":     {{"zero.png", nil}},
		} {
			st, m := postFiles(h, member, path, map[string]string{"body": "more"}, files)
			if st != 422 || !strings.Contains(mustJSON(t, m), `"files"`) {
				t.Fatalf("%s: %d %v", name, st, m)
			}
		}
		if after := len(mustMessages(h, tk.ID)); after != before {
			t.Fatalf("refused uploads saved messages: %d → %d", before, after)
		}

		// The page shows the file and serves it.
		b := h.LoggedIn("a_member")
		_, body := b.Get("/tickets/" + webtest.Itoa64(tk.ID))
		webtest.WantContains(t, body, "display.png", "/attachments/")
		webtest.WantNotContains(t, body, "diag.txt")
	})
}

func mustJSON(t *testing.T, v any) string {
	raw, err := json.Marshal(v)
	webtest.Must(t, err)
	return string(raw)
}

func mustMessages(h *webtest.Harness, id int64) []*ticket.Message {
	h.T.Helper()
	msgs, _, err := h.Svc.Tickets.Messages(context.Background(), h.Users["agent"], id, 0, 100)
	webtest.Must(h.T, err)
	return msgs
}
