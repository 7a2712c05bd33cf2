package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/app/apperr"
	"backoffice/app/notify"
	"backoffice/app/notify/smtptest"
	"backoffice/app/org"
	"backoffice/app/people"
)

// deliverMail runs the outbox worker once against an in-process SMTP server
// and returns the mail that reached to.
func (h *harness) deliverMail(srv *smtptest.Server, to string) *smtptest.Mail {
	h.t.Helper()
	mailer, err := notify.NewSMTPMailer(srv.URL())
	must(h.t, err)
	w := &notify.Worker{DB: h.db, Mailer: mailer, From: "Provider Desk <desk@provider.test>", Clock: h.clock}
	if _, _, err := w.RunOnce(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	return srv.Wait(h.t, to, 5*time.Second)
}

// localPath turns a link from an email into the path the test client requests.
func localPath(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Host != "desk.test" {
		t.Fatalf("link %q does not start with BASE_URL", link)
	}
	return u.RequestURI()
}

func tokenOf(t *testing.T, link string) string {
	u, err := url.Parse(link)
	must(t, err)
	return u.Query().Get("token")
}

func TestInvitationByMailLandsInBackOfficeAndDeletingItRemovesTheAccount(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		smtp := smtptest.Start(t)
		agent := h.token("agent")
		resp, inv := h.api("POST", "/api/v1/customers/"+itoa64(h.custA.ID)+"/invitations", agent, map[string]any{
			"first_name": "Jürgen", "last_name": "Groß", "email": "Juergen.Gross@A.test", "language": "de", "role": "moderator"})
		if resp.StatusCode != 201 || inv["state"] != "pending" || inv["email"] != "juergen.gross@a.test" {
			t.Fatalf("invite: %d %v", resp.StatusCode, inv)
		}
		checkSchema(t, h, "Invitation", inv)

		mail := h.deliverMail(smtp, "juergen.gross@a.test")
		if !strings.Contains(mail.Subject, "Customer A") || !strings.Contains(mail.Text, "Hallo Jürgen Groß") {
			t.Fatalf("mail not in German or not about the company: %q\n%s", mail.Subject, mail.Text)
		}
		link := mail.Link("http://desk.test/accept-invitation?token=")
		if link == "" || !strings.Contains(mail.HTML, "accept-invitation") {
			t.Fatalf("no accept link in mail:\n%s", mail.Text)
		}

		// The link shows a confirmation page first; the token is consumed on POST.
		b := h.browser()
		page := localPath(t, link)
		r, body := b.get(page)
		wantStatus(t, r, 200, body)
		wantContains(t, body, "juergen.gross@a.test", "Customer A")
		r, body = b.post(page, "/accept-invitation", url.Values{"token": {tokenOf(t, link)},
			"password": {"short"}, "confirm_password": {"short"}})
		wantStatus(t, r, 422, body)
		r, body = b.post(page, "/accept-invitation", url.Values{"token": {tokenOf(t, link)},
			"password": {"Mondschein-Kaffee-42"}, "confirm_password": {"Mondschein-Kaffee-42"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
			t.Fatalf("accept: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), body)
		}
		r, body = b.get("/")
		wantStatus(t, r, 200, body)
		wantContains(t, body, "Customer A", "Jürgen")

		// Single use: the same link does not work again.
		r, body = b.get(page)
		wantStatus(t, r, 404, body)
		resp, _ = h.api("POST", "/api/v1/invitations/accept", "", map[string]string{"token": tokenOf(t, link), "password": "Another-Secret-77"})
		if resp.StatusCode != 404 {
			t.Fatalf("second accept: %d", resp.StatusCode)
		}
		_, list := h.api("GET", "/api/v1/customers/"+itoa64(h.custA.ID)+"/invitations", agent, nil)
		items := list["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["state"] != "accepted" {
			t.Fatalf("invitations: %v", list)
		}

		// Deleting the invitation removes the account; its session ends.
		uid := int64(items[0].(map[string]any)["user_id"].(float64))
		resp, _ = h.api("DELETE", "/api/v1/invitations/"+itoa64(int64(inv["id"].(float64))), agent, nil)
		if resp.StatusCode != 204 {
			t.Fatalf("delete invitation: %d", resp.StatusCode)
		}
		if _, err := h.srv.users.User(context.Background(), uid); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("user after deleting the invitation: %v", err)
		}
		r, _ = b.get("/")
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("session of the deleted user still works: %d", r.StatusCode)
		}
	})
}

// The invitation's user, sessions and API tokens go by ON DELETE CASCADE in
// the database itself, not by application code.
func TestDeletingAnInvitationRowCascadesInTheDatabase(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		a := people.Actor{User: h.users["agent"]}
		inv, err := h.srv.people.Invite(ctx, a, h.custA.ID, org.PersonInput{FirstName: "Eva", Email: "eva@a.test", Language: "en", Role: "member"})
		must(t, err)
		uid := inv.User.ID
		must(t, h.srv.users.SetPasswordHash(ctx, uid, h.users["a_member"].PasswordHash))
		if _, _, err := h.srv.auth.Sessions().Create(ctx, uid, "192.0.2.1", "test"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.srv.auth.Tokens().Create(ctx, uid, "t", time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := h.db.ExecContext(ctx, "DELETE FROM invitations WHERE id = ?", inv.ID); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"users WHERE id", "sessions WHERE user_id", "api_tokens WHERE user_id", "password_tokens WHERE user_id"} {
			var n int
			must(t, h.db.NewRaw("SELECT count(*) FROM "+table+" = ?", uid).Scan(ctx, &n))
			if n != 0 {
				t.Errorf("%s = %d: %d rows left after deleting the invitation", table, uid, n)
			}
		}
	})
}

func TestInvitationLinksExpireAndResendKillsTheOldLink(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		smtp := smtptest.Start(t)
		admin := h.token("admin")
		resp, inv := h.api("POST", "/api/v1/customers/"+itoa64(h.custB.ID)+"/invitations", admin, map[string]any{
			"first_name": "Olga", "email": "olga@b.test", "language": "ru", "role": "member"})
		if resp.StatusCode != 201 {
			t.Fatalf("invite: %d %v", resp.StatusCode, inv)
		}
		first := h.deliverMail(smtp, "olga@b.test").Link("http://desk.test/accept-invitation")
		id := itoa64(int64(inv["id"].(float64)))
		resp, again := h.api("POST", "/api/v1/invitations/"+id+"/resend", admin, nil)
		if resp.StatusCode != 200 || again["sent_count"] != float64(2) {
			t.Fatalf("resend: %d %v", resp.StatusCode, again)
		}
		second := h.deliverMail(smtp, "olga@b.test").Link("http://desk.test/accept-invitation")
		if first == second {
			t.Fatal("resend sent the same link")
		}
		b := h.browser()
		if r, _ := b.get(localPath(t, first)); r.StatusCode != 404 {
			t.Fatalf("old link after resend: %d", r.StatusCode)
		}
		if r, body := b.get(localPath(t, second)); r.StatusCode != 200 {
			t.Fatalf("new link: %d\n%s", r.StatusCode, body)
		}
		// Seven days later the link has expired.
		h.clock.Advance(7*24*time.Hour + time.Second)
		if r, _ := b.get(localPath(t, second)); r.StatusCode != 404 {
			t.Fatalf("expired link: %d", r.StatusCode)
		}
		admin = h.token("admin") // the earlier token has expired too
		resp, body := h.api("POST", "/api/v1/invitations/accept", "", map[string]string{"token": tokenOf(t, second), "password": "Zebra-Lampe-9183"})
		if resp.StatusCode != 404 {
			t.Fatalf("accept expired: %d %v", resp.StatusCode, body)
		}
		_, list := h.api("GET", "/api/v1/customers/"+itoa64(h.custB.ID)+"/invitations", admin, nil)
		if st := list["items"].([]any)[0].(map[string]any)["state"]; st != "expired" {
			t.Fatalf("state = %v", st)
		}
		// Resending an expired invitation gives a fresh link.
		if resp, _ := h.api("POST", "/api/v1/invitations/"+id+"/resend", admin, nil); resp.StatusCode != 200 {
			t.Fatalf("resend expired: %d", resp.StatusCode)
		}
	})
}

func TestConcurrentAcceptsGiveExactlyOneSuccess(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		smtp := smtptest.Start(t)
		_, err := h.srv.people.Invite(ctx, people.Actor{User: h.users["agent"]}, h.custA.ID,
			org.PersonInput{FirstName: "Race", Email: "race@a.test", Language: "en", Role: "member"})
		must(t, err)
		token := tokenOf(t, h.deliverMail(smtp, "race@a.test").Link("http://desk.test/accept-invitation"))
		var (
			wg         sync.WaitGroup
			mu         sync.Mutex
			ok, failed int
		)
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := h.srv.people.AcceptInvitation(ctx, token, "Gleis-Neun-Dreiviertel", "192.0.2.9")
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					ok++
				} else if errors.Is(err, apperr.ErrNotFound) {
					failed++
				} else {
					t.Errorf("accept: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || failed != 5 {
			t.Fatalf("%d succeeded and %d were refused, want 1 and 5", ok, failed)
		}
	})
}

func TestPasswordLinksAnswerAlikeAndWorkOnce(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		smtp := smtptest.Start(t)
		b := h.browser()
		_, known := b.post("/password/forgot", "/password/forgot", url.Values{"email": {"A_MEMBER@a.test"}})
		b2 := h.browser()
		b2.ip = "192.0.2.77"
		_, unknown := b2.post("/password/forgot", "/password/forgot", url.Values{"email": {"nobody@a.test"}})
		strip := func(s string) string {
			s = strings.NewReplacer("A_MEMBER@a.test", "EMAIL", "nobody@a.test", "EMAIL").Replace(s)
			return csrfField.ReplaceAllString(s, "")
		}
		if strip(known) != strip(unknown) {
			kl, ul := strings.Split(strip(known), "\n"), strings.Split(strip(unknown), "\n")
			for i := range kl {
				if i < len(ul) && kl[i] != ul[i] {
					t.Logf("known:   %s\nunknown: %s", kl[i], ul[i])
				}
			}
			t.Fatal("forgot-password answers differ for a known and an unknown email")
		}
		wantContains(t, known, "If an account exists")
		mail := h.deliverMail(smtp, "a_member@a.test")
		link := mail.Link("http://desk.test/password/set?token=")
		if link == "" || !strings.Contains(mail.Text, "1 hour") {
			t.Fatalf("reset mail:\n%s", mail.Text)
		}
		if n := len(smtp.Messages()); n != 1 {
			t.Fatalf("%d mails sent, want 1 (none for the unknown address)", n)
		}
		old := h.loggedIn("a_member")
		page := localPath(t, link)
		r, body := b.post(page, "/password/set", url.Values{"token": {tokenOf(t, link)}, "password": {"Fahrrad-Kette-5521"}, "confirm_password": {"Fahrrad-Kette-5521"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("set password: %d\n%s", r.StatusCode, body)
		}
		if r, _ := b.get("/"); r.StatusCode != 200 {
			t.Fatalf("not signed in after reset: %d", r.StatusCode)
		}
		if r, _ := old.get("/"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("other session survived the reset: %d", r.StatusCode)
		}
		if r, _ := h.browser().get(page); r.StatusCode != 404 {
			t.Fatalf("reset link works twice: %d", r.StatusCode)
		}

		// A reset link expires after an hour.
		b.post("/password/forgot", "/password/forgot", url.Values{"email": {"a_admin@a.test"}})
		link = h.deliverMail(smtp, "a_admin@a.test").Link("http://desk.test/password/set")
		h.clock.Advance(time.Hour + time.Second)
		if r, _ := h.browser().get(localPath(t, link)); r.StatusCode != 404 {
			t.Fatalf("expired reset link: %d", r.StatusCode)
		}
	})
}

func TestCustomerAdministratorRunsTheirOwnStaffList(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		smtp := smtptest.Start(t)
		admin := h.token("a_admin")
		// Direct creation: no invitation, a set-password mail valid 24 hours.
		resp, u := h.api("POST", "/api/v1/users", admin, map[string]any{"first_name": "Nina", "last_name": "Neu",
			"email": "nina@a.test", "language": "en", "role": "member", "organization_id": h.custB.ID})
		if resp.StatusCode != 201 || u["organization_id"] != float64(h.custA.ID) || u["status"] != "invited" {
			t.Fatalf("create: %d %v", resp.StatusCode, u)
		}
		checkSchema(t, h, "User", u)
		mail := h.deliverMail(smtp, "nina@a.test")
		if !strings.Contains(mail.Text, "24 hours") {
			t.Fatalf("set-password mail:\n%s", mail.Text)
		}
		_, invs := h.api("GET", "/api/v1/customers/"+itoa64(h.custA.ID)+"/invitations", h.token("agent"), nil)
		if n := len(invs["items"].([]any)); n != 0 {
			t.Fatalf("a directly created user shows among invitations: %v", invs)
		}
		// The link sets the password and signs in.
		link := mail.Link("http://desk.test/password/set")
		b := h.browser()
		r, body := b.post(localPath(t, link), "/password/set", url.Values{"token": {tokenOf(t, link)},
			"password": {"Blauer-Himmel-2026"}, "confirm_password": {"Blauer-Himmel-2026"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("set password: %d\n%s", r.StatusCode, body)
		}

		// Change role, list, disable: the user's session and token stop at once.
		id := itoa64(int64(u["id"].(float64)))
		resp, u = h.api("PATCH", "/api/v1/users/"+id, admin, map[string]any{"role": "moderator", "organization_id": h.custB.ID})
		if resp.StatusCode != 200 || u["role"] != "moderator" || u["organization_id"] != float64(h.custA.ID) {
			t.Fatalf("patch: %d %v", resp.StatusCode, u)
		}
		ninaToken, _, err := h.srv.auth.Tokens().Create(context.Background(), int64(u["id"].(float64)), "t", time.Hour)
		must(t, err)
		resp, u = h.api("POST", "/api/v1/users/"+id+"/disable", admin, nil)
		if resp.StatusCode != 200 || u["status"] != "disabled" {
			t.Fatalf("disable: %d %v", resp.StatusCode, u)
		}
		if r, _ := b.get("/"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("disabled user's session still works: %d", r.StatusCode)
		}
		if resp, _ := h.api("GET", "/api/v1/me", ninaToken, nil); resp.StatusCode != 401 {
			t.Fatalf("disabled user's token still works: %d", resp.StatusCode)
		}
		r, body = h.browser().post("/login", "/login", url.Values{"email": {"nina@a.test"}, "password": {"Blauer-Himmel-2026"}})
		if r.StatusCode == http.StatusSeeOther {
			t.Fatal("a disabled user signed in")
		}
		if resp, _ := h.api("POST", "/api/v1/users/"+id+"/enable", admin, nil); resp.StatusCode != 200 {
			t.Fatalf("enable: %d", resp.StatusCode)
		}
		h.browser().login2(t, "nina@a.test", "Blauer-Himmel-2026")

		// The list holds only the company's people.
		_, list := h.api("GET", "/api/v1/users?limit=2", admin, nil)
		seen := map[string]bool{}
		for page := 0; page < 10; page++ {
			for _, it := range list["items"].([]any) {
				m := it.(map[string]any)
				if m["organization_id"] != float64(h.custA.ID) {
					t.Fatalf("foreign user listed: %v", m)
				}
				seen[m["email"].(string)] = true
			}
			next, _ := list["next_cursor"].(string)
			if next == "" {
				break
			}
			_, list = h.api("GET", "/api/v1/users?limit=2&cursor="+next, admin, nil)
		}
		if len(seen) != 4 || !seen["nina@a.test"] {
			t.Fatalf("users of A = %v", seen)
		}

		// Delete.
		if resp, _ := h.api("DELETE", "/api/v1/users/"+id, admin, nil); resp.StatusCode != 204 {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if resp, _ := h.api("GET", "/api/v1/users/"+id, admin, nil); resp.StatusCode != 404 {
			t.Fatalf("deleted user: %d", resp.StatusCode)
		}
	})
}

// login2 signs in with an email and password through the form.
func (b *browser) login2(t *testing.T, email, password string) {
	t.Helper()
	resp, body := b.post("/login", "/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d\n%s", email, resp.StatusCode, body)
	}
}

func TestTheLastAdministratorStays(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		admin := h.token("a_admin")
		me := itoa64(h.users["a_admin"].ID)
		resp, body := h.api("PATCH", "/api/v1/users/"+me, admin, map[string]any{"role": "member"})
		if resp.StatusCode != 409 || !strings.Contains(body["detail"].(string), "last administrator") {
			t.Fatalf("demote the last admin: %d %v", resp.StatusCode, body)
		}
		if resp, body := h.api("DELETE", "/api/v1/users/"+me, admin, nil); resp.StatusCode != 403 {
			t.Fatalf("delete yourself: %d %v", resp.StatusCode, body)
		}
		if resp, _ := h.api("POST", "/api/v1/users/"+me+"/disable", admin, nil); resp.StatusCode != 403 {
			t.Fatalf("disable yourself: %d", resp.StatusCode)
		}
		// The provider cannot remove the company's last administrator either.
		if resp, _ := h.api("DELETE", "/api/v1/users/"+me, h.token("admin"), nil); resp.StatusCode != 409 {
			t.Fatalf("provider deletes the last admin: %d", resp.StatusCode)
		}
		// With a second administrator, demoting works.
		mod := itoa64(h.users["a_moderator"].ID)
		if resp, _ := h.api("PATCH", "/api/v1/users/"+mod, admin, map[string]any{"role": "administrator"}); resp.StatusCode != 200 {
			t.Fatalf("promote: %d", resp.StatusCode)
		}
		if resp, body := h.api("PATCH", "/api/v1/users/"+me, admin, map[string]any{"role": "member"}); resp.StatusCode != 200 {
			t.Fatalf("demote with another admin: %d %v", resp.StatusCode, body)
		}
	})
}

func TestDuplicateEmailsInAnyCaseAreFieldErrors(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		for _, c := range []struct {
			who, path string
			body      map[string]any
		}{
			{"agent", "/api/v1/customers/" + itoa64(h.custB.ID) + "/invitations", map[string]any{"role": "member"}},
			{"a_admin", "/api/v1/users", map[string]any{"role": "member"}},
			{"admin", "/api/v1/users", map[string]any{"role": "provider_agent"}},
			{"admin", "/api/v1/users", map[string]any{"role": "member", "organization_id": h.custB.ID}},
		} {
			c.body["first_name"], c.body["email"], c.body["language"] = "Dup", "  A_Member@A.TEST ", "en"
			resp, body := h.api("POST", c.path, h.token(c.who), c.body)
			if resp.StatusCode != 409 {
				t.Fatalf("%s %s: %d %v, want 409", c.who, c.path, resp.StatusCode, body)
			}
			errs, _ := body["errors"].([]any)
			if len(errs) != 1 || errs[0].(map[string]any)["field"] != "email" {
				t.Fatalf("%s %s: errors %v, want one at email", c.who, c.path, body)
			}
		}
		// Staff may create a user directly in a customer they serve.
		resp, u := h.api("POST", "/api/v1/users", h.token("admin"), map[string]any{"first_name": "Bea", "email": "bea@b.test",
			"language": "en", "role": "moderator", "organization_id": h.custB.ID})
		if resp.StatusCode != 201 || u["organization_id"] != float64(h.custB.ID) || u["role"] != "moderator" {
			t.Fatalf("staff creates in a customer: %d %v", resp.StatusCode, u)
		}
		if resp, _ := h.api("POST", "/api/v1/users", h.token("admin"), map[string]any{"first_name": "Bea", "email": "bea2@b.test",
			"language": "en", "role": "provider_admin", "organization_id": h.custB.ID}); resp.StatusCode != 422 {
			t.Fatalf("a staff role in a customer: %d", resp.StatusCode)
		}
		// The form shows the problem at the field and keeps what was typed.
		b := h.loggedIn("a_admin")
		r, body := b.post("/employees/new", "/employees", url.Values{"first_name": {"Dora"}, "email": {"A_MEMBER@A.TEST"},
			"language": {"en"}, "role": {"member"}})
		wantStatus(t, r, 409, body)
		wantContains(t, body, "already", `value="Dora"`)
		var n int
		must(t, h.db.NewRaw("SELECT count(*) FROM users WHERE lower(email) = 'a_member@a.test'").Scan(context.Background(), &n))
		if n != 1 {
			t.Fatalf("%d accounts for one email", n)
		}
	})
}

func TestTenantIsolationForPeople(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		bAdmin := h.token("b_admin")
		aMember := itoa64(h.users["a_member"].ID)
		for _, c := range []struct{ method, path string }{
			{"GET", "/api/v1/users/" + aMember},
			{"PATCH", "/api/v1/users/" + aMember},
			{"DELETE", "/api/v1/users/" + aMember},
			{"POST", "/api/v1/users/" + aMember + "/disable"},
			{"POST", "/api/v1/users/" + aMember + "/enable"},
			{"GET", "/api/v1/users?customer_id=" + itoa64(h.custA.ID)},
			{"GET", "/api/v1/customers/" + itoa64(h.custA.ID)},
			{"GET", "/api/v1/customers/" + itoa64(h.custA.ID) + "/invitations"},
			{"POST", "/api/v1/customers/" + itoa64(h.custA.ID) + "/invitations"},
		} {
			var body any
			if c.method == "PATCH" || c.method == "POST" {
				body = map[string]any{"role": "member", "first_name": "X", "email": "x@b.test", "language": "en"}
			}
			resp, got := h.api(c.method, c.path, bAdmin, body)
			if resp.StatusCode != 404 {
				t.Errorf("%s %s as B's administrator: %d %v, want 404", c.method, c.path, resp.StatusCode, got)
			}
		}
		if u, err := h.srv.users.User(context.Background(), h.users["a_member"].ID); err != nil || u.Disabled() || u.Role != "member" {
			t.Fatalf("A's member changed: %+v %v", u, err)
		}
		b := h.loggedIn("b_admin")
		for _, p := range []string{"/employees/" + aMember, "/customers", "/customers/" + itoa64(h.custA.ID), "/users", "/mailbox"} {
			if r, _ := b.get(p); r.StatusCode != 404 {
				t.Errorf("GET %s as B's administrator: %d, want 404", p, r.StatusCode)
			}
		}
		// Another provider's staff see none of this provider's customers.
		ctx := context.Background()
		other := &org.Organization{Name: "Other Provider"}
		must(t, h.srv.users.CreateOrganization(ctx, other, nil))
		stranger := &org.User{OrganizationID: other.ID, Email: "boss@other.test", FirstName: "Boss", Role: "provider_admin",
			PasswordHash: h.users["admin"].PasswordHash}
		must(t, h.srv.users.CreateUser(ctx, stranger))
		tok, _, err := h.srv.auth.Tokens().Create(ctx, stranger.ID, "t", time.Hour)
		must(t, err)
		for _, p := range []string{"/api/v1/customers/" + itoa64(h.custA.ID), "/api/v1/users/" + aMember,
			"/api/v1/users?customer_id=" + itoa64(h.custA.ID)} {
			if resp, _ := h.api("GET", p, tok, nil); resp.StatusCode != 404 {
				t.Errorf("GET %s as another provider: %d, want 404", p, resp.StatusCode)
			}
		}
		_, list := h.api("GET", "/api/v1/customers", tok, nil)
		if n := len(list["items"].([]any)); n != 0 {
			t.Fatalf("another provider sees %d customers", n)
		}
		// Agents read customers but not users; moderators read their directory.
		if resp, _ := h.api("GET", "/api/v1/users", h.token("agent"), nil); resp.StatusCode != 403 {
			t.Fatalf("agent lists users: %d", resp.StatusCode)
		}
		if resp, _ := h.api("GET", "/api/v1/users", h.token("a_moderator"), nil); resp.StatusCode != 200 {
			t.Fatalf("moderator reads the directory: %d", resp.StatusCode)
		}
		if resp, _ := h.api("GET", "/api/v1/users", h.token("a_member"), nil); resp.StatusCode != 403 {
			t.Fatalf("member reads the directory: %d", resp.StatusCode)
		}
	})
}

func TestCustomersAPIWithSearchPagingAndBadInput(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		admin := h.token("admin")
		resp, body := h.api("POST", "/api/v1/customers", admin, map[string]any{"name": "", "email_domains": []string{"not a domain"}, "phone": "call me"})
		if resp.StatusCode != 422 {
			t.Fatalf("bad customer: %d %v", resp.StatusCode, body)
		}
		fields := map[string]bool{}
		for _, e := range body["errors"].([]any) {
			fields[e.(map[string]any)["field"].(string)] = true
		}
		if !fields["name"] || !fields["email_domains"] || !fields["phone"] {
			t.Fatalf("field errors: %v", body)
		}
		resp, body = h.api("POST", "/api/v1/customers", admin, map[string]any{"name": "Taken Domain", "email_domains": []string{"A.test"}})
		if resp.StatusCode != 409 {
			t.Fatalf("taken domain: %d %v", resp.StatusCode, body)
		}
		for _, n := range []string{"Delta GmbH", "Alpha AG", "Charlie SE", "Bravo KG"} {
			resp, body := h.api("POST", "/api/v1/customers", admin, map[string]any{"name": n,
				"email_domains": []string{strings.ToLower(strings.Fields(n)[0]) + ".example"}, "address": "Hafenstraße 1\n20457 Hamburg", "phone": "+49 40 123"})
			if resp.StatusCode != 201 {
				t.Fatalf("create %s: %d %v", n, resp.StatusCode, body)
			}
			checkSchema(t, h, "Customer", body)
		}
		var names []string
		path := "/api/v1/customers?limit=2"
		for i := 0; i < 5 && path != ""; i++ {
			_, list := h.api("GET", path, h.token("agent"), nil)
			for _, it := range list["items"].([]any) {
				names = append(names, it.(map[string]any)["name"].(string))
			}
			path = ""
			if next, _ := list["next_cursor"].(string); next != "" {
				path = "/api/v1/customers?limit=2&cursor=" + next
			}
		}
		if strings.Join(names, ",") != "Alpha AG,Bravo KG,Charlie SE,Customer A,Customer B,Delta GmbH" {
			t.Fatalf("paged names = %v", names)
		}
		_, list := h.api("GET", "/api/v1/customers?q=charlie.ex", admin, nil)
		if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["name"] != "Charlie SE" {
			t.Fatalf("search by domain: %v", list)
		}
		if resp, _ := h.api("GET", "/api/v1/customers?cursor=garbage", admin, nil); resp.StatusCode != 422 {
			t.Fatalf("bad cursor: %d", resp.StatusCode)
		}
		// PATCH keeps what is not sent.
		id := itoa64(h.custB.ID)
		resp, body = h.api("PATCH", "/api/v1/customers/"+id, admin, map[string]any{"notes": "VIP", "id": 1})
		if resp.StatusCode != 200 || body["notes"] != "VIP" || body["name"] != "Customer B" || body["id"] != float64(h.custB.ID) {
			t.Fatalf("patch: %d %v", resp.StatusCode, body)
		}
		if resp, _ := h.api("PATCH", "/api/v1/customers/"+id, h.token("agent"), map[string]any{"notes": "x"}); resp.StatusCode != 403 {
			t.Fatalf("agent edits a customer: %d", resp.StatusCode)
		}
		// Deleting a customer removes its users.
		if resp, _ := h.api("DELETE", "/api/v1/customers/"+id, admin, nil); resp.StatusCode != 204 {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if _, err := h.srv.users.User(context.Background(), h.users["b_member"].ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("user of a deleted customer: %v", err)
		}
	})
}

func TestEmailCheckProposesTheCustomerOfTheDomain(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		agent := h.token("agent")
		_, got := h.api("GET", "/api/v1/email-check?email=New.Person@B.test", agent, nil)
		if got["taken"] != false || got["customer"] == nil || got["customer"].(map[string]any)["name"] != "Customer B" {
			t.Fatalf("check: %v", got)
		}
		_, got = h.api("GET", "/api/v1/email-check?email=B_MEMBER@b.test", agent, nil)
		if got["taken"] != true {
			t.Fatalf("taken: %v", got)
		}
		_, got = h.api("GET", "/api/v1/email-check?email=nonsense", agent, nil)
		if got["valid"] != false {
			t.Fatalf("invalid: %v", got)
		}
		if resp, _ := h.api("GET", "/api/v1/email-check?email=x@b.test", h.token("a_admin"), nil); resp.StatusCode != 404 {
			t.Fatalf("customer admin probes emails: %d", resp.StatusCode)
		}
	})
}

func TestIndependentOrganizationManagesItsOwnUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		admin, agent := h.token("admin"), h.token("agent")
		a := itoa64(h.custA.ID)
		if resp, _ := h.api("POST", "/api/v1/customers/"+a+"/independent", agent, nil); resp.StatusCode != 403 {
			t.Fatalf("agent makes independent: %d", resp.StatusCode)
		}
		resp, body := h.api("POST", "/api/v1/customers/"+a+"/independent", admin, nil)
		if resp.StatusCode != 200 || body["independent"] != true || body["independent_at"] == nil {
			t.Fatalf("independent: %d %v", resp.StatusCode, body)
		}
		if resp, _ := h.api("POST", "/api/v1/customers/"+a+"/independent", admin, nil); resp.StatusCode != 409 {
			t.Fatalf("twice: %d", resp.StatusCode)
		}
		member := itoa64(h.users["a_member"].ID)
		for _, c := range []struct{ method, path, token string }{
			{"POST", "/api/v1/customers/" + a + "/invitations", agent},
			{"PATCH", "/api/v1/users/" + member, admin},
			{"POST", "/api/v1/users/" + member + "/disable", admin},
			{"DELETE", "/api/v1/users/" + member, admin},
			{"DELETE", "/api/v1/customers/" + a, admin},
		} {
			resp, body := h.api(c.method, c.path, c.token, map[string]any{"first_name": "X", "email": "x@a.test", "language": "en", "role": "member"})
			if resp.StatusCode != 403 || !strings.Contains(body["detail"].(string), "independent") {
				t.Errorf("%s %s: %d %v, want 403 naming independence", c.method, c.path, resp.StatusCode, body)
			}
		}
		// The provider still sees the company and its people.
		if resp, _ := h.api("GET", "/api/v1/users/"+member, admin, nil); resp.StatusCode != 200 {
			t.Fatalf("provider reads a user of the independent company: %d", resp.StatusCode)
		}
		sb := h.loggedIn("admin")
		_, page := sb.get("/customers")
		wantContains(t, page, "Independent")
		// The company's administrators manage their users alone and get a
		// staff area of their own: their own customers.
		aAdmin := h.token("a_admin")
		if resp, _ := h.api("POST", "/api/v1/users/"+member+"/disable", aAdmin, nil); resp.StatusCode != 200 {
			t.Fatalf("independent admin disables own user: %d", resp.StatusCode)
		}
		resp, own := h.api("POST", "/api/v1/customers", aAdmin, map[string]any{"name": "Sub Customer", "email_domains": []string{"sub.example"}})
		if resp.StatusCode != 201 {
			t.Fatalf("independent admin creates a customer: %d %v", resp.StatusCode, own)
		}
		_, list := h.api("GET", "/api/v1/customers", aAdmin, nil)
		if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["name"] != "Sub Customer" {
			t.Fatalf("independent admin's customers: %v", list)
		}
		if resp, _ := h.api("GET", "/api/v1/customers/"+itoa64(h.custB.ID), aAdmin, nil); resp.StatusCode != 404 {
			t.Fatalf("independent admin reads the provider's customer B: %d", resp.StatusCode)
		}
		if resp, _ := h.api("GET", "/api/v1/customers", h.token("a_moderator"), nil); resp.StatusCode != 404 {
			t.Fatalf("moderator of the independent company lists customers: %d", resp.StatusCode)
		}
		ab := h.loggedIn("a_admin")
		_, home := ab.get("/")
		wantContains(t, home, `href="/customers"`, `href="/employees"`)
		_, cpage := ab.get("/customers")
		wantContains(t, cpage, "Sub Customer")
	})
}

func TestPeoplePagesAndForms(t *testing.T) {
	eachDB(t, func(t *testing.T, h *harness) {
		// Staff: customer list, form errors, create, invite through the form.
		sb := h.loggedIn("admin")
		r, body := sb.post("/customers/new", "/customers", url.Values{"name": {""}, "email_domains": {"bad domain!"}})
		wantStatus(t, r, 422, body)
		wantContains(t, body, "err-name", "not a valid email domain")
		r, body = sb.post("/customers/new", "/customers", url.Values{"name": {"Nordwind <GmbH>"}, "email_domains": {"nordwind.example, @Nordwind-Service.example"},
			"address": {"Kai 1\nHamburg"}, "phone": {"+49 40 1"}})
		wantStatus(t, r, 303, body)
		loc := r.Header.Get("Location")
		_, body = sb.get(loc)
		wantContains(t, body, "Nordwind &lt;GmbH&gt;", "nordwind-service.example", "No invitations yet")
		cid := strings.Split(loc, "/")[2]
		r, body = sb.post(loc+"/new", "/customers/"+cid+"/invitations", url.Values{"first_name": {"Ida"}, "email": {"ida@nordwind.example"},
			"language": {"en"}, "role": {"provider_admin"}})
		wantStatus(t, r, 422, body)
		wantContains(t, body, "err-role", `value="ida@nordwind.example"`)
		r, body = sb.post(loc+"/new", "/customers/"+cid+"/invitations", url.Values{"first_name": {"Ida"}, "email": {"ida@nordwind.example"},
			"language": {"en"}, "role": {"administrator"}})
		wantStatus(t, r, 303, body)
		_, body = sb.get(r.Header.Get("Location"))
		wantContains(t, body, "ida@nordwind.example", "Pending", "is on its way")
		_, body = sb.get("/mailbox")
		wantContains(t, body, "ida@nordwind.example", "Your invitation to the Nordwind")
		_, body = sb.get("/users")
		wantContains(t, body, "admin@provider.test", "agent@provider.test")
		wantNotContains(t, body, "a_member@a.test")

		// Back office: the administrator's employee list, the moderator's read-only view.
		ab := h.loggedIn("a_admin")
		_, body = ab.get("/employees")
		wantContains(t, body, "a_member@a.test", "New user")
		wantNotContains(t, body, "b_member@b.test")
		r, body = ab.post("/employees/new", "/employees", url.Values{"first_name": {"Tom"}, "email": {"tom@a.test"}, "language": {"de"}, "role": {"member"}})
		wantStatus(t, r, 303, body)
		_, body = ab.get(r.Header.Get("Location"))
		wantContains(t, body, "tom@a.test", "Invited", "Disable")
		mb := h.loggedIn("a_moderator")
		_, body = mb.get("/employees")
		wantContains(t, body, "a_member@a.test")
		wantNotContains(t, body, "New user")
		if r, _ := mb.post("/employees", "/employees", url.Values{"first_name": {"X"}, "email": {"x@a.test"}, "role": {"member"}, "language": {"en"}}); r.StatusCode != 403 {
			t.Fatalf("moderator creates: %d", r.StatusCode)
		}
		if r, _ := h.loggedIn("a_member").get("/employees"); r.StatusCode != 403 {
			t.Fatalf("member opens the directory: %d", r.StatusCode)
		}
		// The login page offers both links.
		_, body = h.browser().get("/login")
		wantContains(t, body, `href="/password/forgot"`, `href="/password/forgot?new=1"`)
	})
}
