package peopleweb_test

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
	"backoffice/app/notify/smtptest"
	"backoffice/app/org"
	"backoffice/app/web/webtest"
)

func TestInvitationByMailLandsInBackOfficeAndDeletingItRemovesTheAccount(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		smtp := smtptest.Start(t)
		agent := h.Token("agent")
		resp, inv := h.API("POST", "/api/v1/customers/"+webtest.Itoa64(h.CustA.ID)+"/invitations", agent, map[string]any{
			"first_name": "Jürgen", "last_name": "Groß", "email": "Juergen.Gross@A.test", "language": "de", "role": "moderator"})
		if resp.StatusCode != 201 || inv["state"] != "pending" || inv["email"] != "juergen.gross@a.test" {
			t.Fatalf("invite: %d %v", resp.StatusCode, inv)
		}
		webtest.CheckSchema(t, "Invitation", inv)

		mail := h.DeliverMail(smtp, "juergen.gross@a.test")
		if !strings.Contains(mail.Subject, "Customer A") || !strings.Contains(mail.Text, "Hallo Jürgen Groß") {
			t.Fatalf("mail not in German or not about the company: %q\n%s", mail.Subject, mail.Text)
		}
		link := mail.Link("http://desk.test/accept-invitation?token=")
		if link == "" || !strings.Contains(mail.HTML, "accept-invitation") {
			t.Fatalf("no accept link in mail:\n%s", mail.Text)
		}

		// The link shows a confirmation page first; the token is consumed on POST.
		b := h.Browser()
		page := webtest.LocalPath(t, link)
		r, body := b.Get(page)
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "juergen.gross@a.test", "Customer A")
		r, body = b.Post(page, "/accept-invitation", url.Values{"token": {webtest.TokenOf(t, link)},
			"password": {"short"}, "confirm_password": {"short"}})
		webtest.WantStatus(t, r, 422, body)
		r, body = b.Post(page, "/accept-invitation", url.Values{"token": {webtest.TokenOf(t, link)},
			"password": {"Mondschein-Kaffee-42"}, "confirm_password": {"Mondschein-Kaffee-42"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
			t.Fatalf("accept: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), body)
		}
		r, body = b.Get("/")
		webtest.WantStatus(t, r, 200, body)
		webtest.WantContains(t, body, "Customer A", "Jürgen")

		// Single use: the same link does not work again.
		r, body = b.Get(page)
		webtest.WantStatus(t, r, 404, body)
		resp, _ = h.API("POST", "/api/v1/invitations/accept", "", map[string]string{"token": webtest.TokenOf(t, link), "password": "Another-Secret-77"})
		if resp.StatusCode != 404 {
			t.Fatalf("second accept: %d", resp.StatusCode)
		}
		_, list := h.API("GET", "/api/v1/customers/"+webtest.Itoa64(h.CustA.ID)+"/invitations", agent, nil)
		items := list["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["state"] != "accepted" {
			t.Fatalf("invitations: %v", list)
		}

		// Deleting the invitation removes the account; its session ends.
		uid := int64(items[0].(map[string]any)["user_id"].(float64))
		resp, _ = h.API("DELETE", "/api/v1/invitations/"+webtest.Itoa64(int64(inv["id"].(float64))), agent, nil)
		if resp.StatusCode != 204 {
			t.Fatalf("delete invitation: %d", resp.StatusCode)
		}
		if _, err := h.Svc.Users.User(context.Background(), uid); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("user after deleting the invitation: %v", err)
		}
		r, _ = b.Get("/")
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("session of the deleted user still works: %d", r.StatusCode)
		}
	})
}

// The invitation's user, sessions and API tokens go by ON DELETE CASCADE in
// the database itself, not by application code.
func TestDeletingAnInvitationRowCascadesInTheDatabase(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		a := h.Users["agent"]
		inv, err := h.Svc.People.Invite(ctx, a, h.CustA.ID, org.PersonInput{FirstName: "Eva", Email: "eva@a.test", Language: "en", Role: "member"})
		webtest.Must(t, err)
		uid := inv.User.ID
		webtest.Must(t, h.Svc.Users.SetPasswordHash(ctx, uid, h.Users["a_member"].PasswordHash))
		if _, _, err := h.Svc.Auth.Sessions().Create(ctx, uid, "192.0.2.1", "test"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.Svc.Auth.Tokens().Create(ctx, uid, "t", time.Hour); err != nil {
			t.Fatal(err)
		}
		if _, err := h.DB.ExecContext(ctx, "DELETE FROM invitations WHERE id = ?", inv.ID); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"users WHERE id", "sessions WHERE user_id", "api_tokens WHERE user_id", "password_tokens WHERE user_id"} {
			var n int
			webtest.Must(t, h.DB.NewRaw("SELECT count(*) FROM "+table+" = ?", uid).Scan(ctx, &n))
			if n != 0 {
				t.Errorf("%s = %d: %d rows left after deleting the invitation", table, uid, n)
			}
		}
	})
}

func TestInvitationLinksExpireAndResendKillsTheOldLink(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		smtp := smtptest.Start(t)
		admin := h.Token("admin")
		resp, inv := h.API("POST", "/api/v1/customers/"+webtest.Itoa64(h.CustB.ID)+"/invitations", admin, map[string]any{
			"first_name": "Olga", "email": "olga@b.test", "language": "ru", "role": "member"})
		if resp.StatusCode != 201 {
			t.Fatalf("invite: %d %v", resp.StatusCode, inv)
		}
		first := h.DeliverMail(smtp, "olga@b.test").Link("http://desk.test/accept-invitation")
		id := webtest.Itoa64(int64(inv["id"].(float64)))
		resp, again := h.API("POST", "/api/v1/invitations/"+id+"/resend", admin, nil)
		if resp.StatusCode != 200 || again["sent_count"] != float64(2) {
			t.Fatalf("resend: %d %v", resp.StatusCode, again)
		}
		second := h.DeliverMail(smtp, "olga@b.test").Link("http://desk.test/accept-invitation")
		if first == second {
			t.Fatal("resend sent the same link")
		}
		b := h.Browser()
		if r, _ := b.Get(webtest.LocalPath(t, first)); r.StatusCode != 404 {
			t.Fatalf("old link after resend: %d", r.StatusCode)
		}
		if r, body := b.Get(webtest.LocalPath(t, second)); r.StatusCode != 200 {
			t.Fatalf("new link: %d\n%s", r.StatusCode, body)
		}
		// Seven days later the link has expired.
		h.Clock.Advance(7*24*time.Hour + time.Second)
		if r, _ := b.Get(webtest.LocalPath(t, second)); r.StatusCode != 404 {
			t.Fatalf("expired link: %d", r.StatusCode)
		}
		admin = h.Token("admin") // the earlier token has expired too
		resp, body := h.API("POST", "/api/v1/invitations/accept", "", map[string]string{"token": webtest.TokenOf(t, second), "password": "Zebra-Lampe-9183"})
		if resp.StatusCode != 404 {
			t.Fatalf("accept expired: %d %v", resp.StatusCode, body)
		}
		_, list := h.API("GET", "/api/v1/customers/"+webtest.Itoa64(h.CustB.ID)+"/invitations", admin, nil)
		if st := list["items"].([]any)[0].(map[string]any)["state"]; st != "expired" {
			t.Fatalf("state = %v", st)
		}
		// Resending an expired invitation gives a fresh link.
		if resp, _ := h.API("POST", "/api/v1/invitations/"+id+"/resend", admin, nil); resp.StatusCode != 200 {
			t.Fatalf("resend expired: %d", resp.StatusCode)
		}
	})
}

func TestConcurrentAcceptsGiveExactlyOneSuccess(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		ctx := context.Background()
		smtp := smtptest.Start(t)
		_, err := h.Svc.People.Invite(ctx, h.Users["agent"], h.CustA.ID,
			org.PersonInput{FirstName: "Race", Email: "race@a.test", Language: "en", Role: "member"})
		webtest.Must(t, err)
		token := webtest.TokenOf(t, h.DeliverMail(smtp, "race@a.test").Link("http://desk.test/accept-invitation"))
		var (
			wg         sync.WaitGroup
			mu         sync.Mutex
			ok, failed int
		)
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := h.Svc.People.AcceptInvitation(ctx, token, "Gleis-Neun-Dreiviertel", "192.0.2.9")
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

func TestCustomerAdministratorRunsTheirOwnStaffList(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		smtp := smtptest.Start(t)
		admin := h.Token("a_admin")
		// Direct creation: no invitation, a set-password mail valid 24 hours.
		resp, u := h.API("POST", "/api/v1/users", admin, map[string]any{"first_name": "Nina", "last_name": "Neu",
			"email": "nina@a.test", "language": "en", "role": "member", "organization_id": h.CustB.ID})
		if resp.StatusCode != 201 || u["organization_id"] != float64(h.CustA.ID) || u["status"] != "invited" {
			t.Fatalf("create: %d %v", resp.StatusCode, u)
		}
		webtest.CheckSchema(t, "User", u)
		mail := h.DeliverMail(smtp, "nina@a.test")
		if !strings.Contains(mail.Text, "24 hours") {
			t.Fatalf("set-password mail:\n%s", mail.Text)
		}
		_, invs := h.API("GET", "/api/v1/customers/"+webtest.Itoa64(h.CustA.ID)+"/invitations", h.Token("agent"), nil)
		if n := len(invs["items"].([]any)); n != 0 {
			t.Fatalf("a directly created user shows among invitations: %v", invs)
		}
		// The link sets the password and signs in.
		link := mail.Link("http://desk.test/password/set")
		b := h.Browser()
		r, body := b.Post(webtest.LocalPath(t, link), "/password/set", url.Values{"token": {webtest.TokenOf(t, link)},
			"password": {"Blauer-Himmel-2026"}, "confirm_password": {"Blauer-Himmel-2026"}})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("set password: %d\n%s", r.StatusCode, body)
		}

		// Change role, list, disable: the user's session and token stop at once.
		id := webtest.Itoa64(int64(u["id"].(float64)))
		resp, u = h.API("PATCH", "/api/v1/users/"+id, admin, map[string]any{"role": "moderator", "organization_id": h.CustB.ID})
		if resp.StatusCode != 200 || u["role"] != "moderator" || u["organization_id"] != float64(h.CustA.ID) {
			t.Fatalf("patch: %d %v", resp.StatusCode, u)
		}
		ninaToken, _, err := h.Svc.Auth.Tokens().Create(context.Background(), int64(u["id"].(float64)), "t", time.Hour)
		webtest.Must(t, err)
		resp, u = h.API("POST", "/api/v1/users/"+id+"/disable", admin, nil)
		if resp.StatusCode != 200 || u["status"] != "disabled" {
			t.Fatalf("disable: %d %v", resp.StatusCode, u)
		}
		if r, _ := b.Get("/"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("disabled user's session still works: %d", r.StatusCode)
		}
		if resp, _ := h.API("GET", "/api/v1/me", ninaToken, nil); resp.StatusCode != 401 {
			t.Fatalf("disabled user's token still works: %d", resp.StatusCode)
		}
		r, body = h.Browser().Post("/login", "/login", url.Values{"email": {"nina@a.test"}, "password": {"Blauer-Himmel-2026"}})
		if r.StatusCode == http.StatusSeeOther {
			t.Fatal("a disabled user signed in")
		}
		if resp, _ := h.API("POST", "/api/v1/users/"+id+"/enable", admin, nil); resp.StatusCode != 200 {
			t.Fatalf("enable: %d", resp.StatusCode)
		}
		login2(h.Browser(), t, "nina@a.test", "Blauer-Himmel-2026")

		// The list holds only the company's people.
		_, list := h.API("GET", "/api/v1/users?limit=2", admin, nil)
		seen := map[string]bool{}
		for page := 0; page < 10; page++ {
			for _, it := range list["items"].([]any) {
				m := it.(map[string]any)
				if m["organization_id"] != float64(h.CustA.ID) {
					t.Fatalf("foreign user listed: %v", m)
				}
				seen[m["email"].(string)] = true
			}
			next, _ := list["next_cursor"].(string)
			if next == "" {
				break
			}
			_, list = h.API("GET", "/api/v1/users?limit=2&cursor="+next, admin, nil)
		}
		if len(seen) != 4 || !seen["nina@a.test"] {
			t.Fatalf("users of A = %v", seen)
		}

		// Delete.
		if resp, _ := h.API("DELETE", "/api/v1/users/"+id, admin, nil); resp.StatusCode != 204 {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if resp, _ := h.API("GET", "/api/v1/users/"+id, admin, nil); resp.StatusCode != 404 {
			t.Fatalf("deleted user: %d", resp.StatusCode)
		}
	})
}

// login2 signs in with an email and password through the form.
func login2(b *webtest.Browser, t *testing.T, email, password string) {
	t.Helper()
	resp, body := b.Post("/login", "/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d\n%s", email, resp.StatusCode, body)
	}
}

func TestTheLastAdministratorStays(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		admin := h.Token("a_admin")
		me := webtest.Itoa64(h.Users["a_admin"].ID)
		resp, body := h.API("PATCH", "/api/v1/users/"+me, admin, map[string]any{"role": "member"})
		if resp.StatusCode != 409 || !strings.Contains(body["detail"].(string), "last administrator") {
			t.Fatalf("demote the last admin: %d %v", resp.StatusCode, body)
		}
		if resp, body := h.API("DELETE", "/api/v1/users/"+me, admin, nil); resp.StatusCode != 403 {
			t.Fatalf("delete yourself: %d %v", resp.StatusCode, body)
		}
		if resp, _ := h.API("POST", "/api/v1/users/"+me+"/disable", admin, nil); resp.StatusCode != 403 {
			t.Fatalf("disable yourself: %d", resp.StatusCode)
		}
		// The provider cannot remove the company's last administrator either.
		if resp, _ := h.API("DELETE", "/api/v1/users/"+me, h.Token("admin"), nil); resp.StatusCode != 409 {
			t.Fatalf("provider deletes the last admin: %d", resp.StatusCode)
		}
		// With a second administrator, demoting works.
		mod := webtest.Itoa64(h.Users["a_moderator"].ID)
		if resp, _ := h.API("PATCH", "/api/v1/users/"+mod, admin, map[string]any{"role": "administrator"}); resp.StatusCode != 200 {
			t.Fatalf("promote: %d", resp.StatusCode)
		}
		if resp, body := h.API("PATCH", "/api/v1/users/"+me, admin, map[string]any{"role": "member"}); resp.StatusCode != 200 {
			t.Fatalf("demote with another admin: %d %v", resp.StatusCode, body)
		}
	})
}

func TestDuplicateEmailsInAnyCaseAreFieldErrors(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		for _, c := range []struct {
			who, path string
			body      map[string]any
		}{
			{"agent", "/api/v1/customers/" + webtest.Itoa64(h.CustB.ID) + "/invitations", map[string]any{"role": "member"}},
			{"a_admin", "/api/v1/users", map[string]any{"role": "member"}},
			{"admin", "/api/v1/users", map[string]any{"role": "provider_agent"}},
			{"admin", "/api/v1/users", map[string]any{"role": "member", "organization_id": h.CustB.ID}},
		} {
			c.body["first_name"], c.body["email"], c.body["language"] = "Dup", "  A_Member@A.TEST ", "en"
			resp, body := h.API("POST", c.path, h.Token(c.who), c.body)
			if resp.StatusCode != 409 {
				t.Fatalf("%s %s: %d %v, want 409", c.who, c.path, resp.StatusCode, body)
			}
			errs, _ := body["errors"].([]any)
			if len(errs) != 1 || errs[0].(map[string]any)["field"] != "email" {
				t.Fatalf("%s %s: errors %v, want one at email", c.who, c.path, body)
			}
		}
		// Staff may create a user directly in a customer they serve.
		resp, u := h.API("POST", "/api/v1/users", h.Token("admin"), map[string]any{"first_name": "Bea", "email": "bea@b.test",
			"language": "en", "role": "moderator", "organization_id": h.CustB.ID})
		if resp.StatusCode != 201 || u["organization_id"] != float64(h.CustB.ID) || u["role"] != "moderator" {
			t.Fatalf("staff creates in a customer: %d %v", resp.StatusCode, u)
		}
		if resp, _ := h.API("POST", "/api/v1/users", h.Token("admin"), map[string]any{"first_name": "Bea", "email": "bea2@b.test",
			"language": "en", "role": "provider_admin", "organization_id": h.CustB.ID}); resp.StatusCode != 422 {
			t.Fatalf("a staff role in a customer: %d", resp.StatusCode)
		}
		// The form shows the problem at the field and keeps what was typed.
		b := h.LoggedIn("a_admin")
		r, body := b.Post("/employees/new", "/employees", url.Values{"first_name": {"Dora"}, "email": {"A_MEMBER@A.TEST"},
			"language": {"en"}, "role": {"member"}})
		webtest.WantStatus(t, r, 409, body)
		webtest.WantContains(t, body, "already", `value="Dora"`)
		var n int
		webtest.Must(t, h.DB.NewRaw("SELECT count(*) FROM users WHERE lower(email) = 'a_member@a.test'").Scan(context.Background(), &n))
		if n != 1 {
			t.Fatalf("%d accounts for one email", n)
		}
	})
}

func TestTenantIsolationForPeople(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		bAdmin := h.Token("b_admin")
		aMember := webtest.Itoa64(h.Users["a_member"].ID)
		for _, c := range []struct{ method, path string }{
			{"GET", "/api/v1/users/" + aMember},
			{"PATCH", "/api/v1/users/" + aMember},
			{"DELETE", "/api/v1/users/" + aMember},
			{"POST", "/api/v1/users/" + aMember + "/disable"},
			{"POST", "/api/v1/users/" + aMember + "/enable"},
			{"GET", "/api/v1/users?customer_id=" + webtest.Itoa64(h.CustA.ID)},
			{"GET", "/api/v1/customers/" + webtest.Itoa64(h.CustA.ID)},
			{"GET", "/api/v1/customers/" + webtest.Itoa64(h.CustA.ID) + "/invitations"},
			{"POST", "/api/v1/customers/" + webtest.Itoa64(h.CustA.ID) + "/invitations"},
		} {
			var body any
			if c.method == "PATCH" || c.method == "POST" {
				body = map[string]any{"role": "member", "first_name": "X", "email": "x@b.test", "language": "en"}
			}
			resp, got := h.API(c.method, c.path, bAdmin, body)
			if resp.StatusCode != 404 {
				t.Errorf("%s %s as B's administrator: %d %v, want 404", c.method, c.path, resp.StatusCode, got)
			}
		}
		if u, err := h.Svc.Users.User(context.Background(), h.Users["a_member"].ID); err != nil || u.Disabled() || u.Role != "member" {
			t.Fatalf("A's member changed: %+v %v", u, err)
		}
		b := h.LoggedIn("b_admin")
		for _, p := range []string{"/employees/" + aMember, "/customers", "/customers/" + webtest.Itoa64(h.CustA.ID), "/users", "/mailbox"} {
			if r, _ := b.Get(p); r.StatusCode != 404 {
				t.Errorf("GET %s as B's administrator: %d, want 404", p, r.StatusCode)
			}
		}
		// Another provider's staff see none of this provider's customers.
		ctx := context.Background()
		other := &org.Organization{Name: "Other Provider"}
		webtest.Must(t, h.Svc.Users.CreateOrganization(ctx, other, nil))
		stranger := &org.User{OrganizationID: other.ID, Email: "boss@other.test", FirstName: "Boss", Role: "provider_admin",
			PasswordHash: h.Users["admin"].PasswordHash}
		webtest.Must(t, h.Svc.Users.CreateUser(ctx, stranger))
		tok, _, err := h.Svc.Auth.Tokens().Create(ctx, stranger.ID, "t", time.Hour)
		webtest.Must(t, err)
		for _, p := range []string{"/api/v1/customers/" + webtest.Itoa64(h.CustA.ID), "/api/v1/users/" + aMember,
			"/api/v1/users?customer_id=" + webtest.Itoa64(h.CustA.ID)} {
			if resp, _ := h.API("GET", p, tok, nil); resp.StatusCode != 404 {
				t.Errorf("GET %s as another provider: %d, want 404", p, resp.StatusCode)
			}
		}
		_, list := h.API("GET", "/api/v1/customers", tok, nil)
		if n := len(list["items"].([]any)); n != 0 {
			t.Fatalf("another provider sees %d customers", n)
		}
		// Agents read customers but not users; moderators read their directory.
		if resp, _ := h.API("GET", "/api/v1/users", h.Token("agent"), nil); resp.StatusCode != 403 {
			t.Fatalf("agent lists users: %d", resp.StatusCode)
		}
		if resp, _ := h.API("GET", "/api/v1/users", h.Token("a_moderator"), nil); resp.StatusCode != 200 {
			t.Fatalf("moderator reads the directory: %d", resp.StatusCode)
		}
		if resp, _ := h.API("GET", "/api/v1/users", h.Token("a_member"), nil); resp.StatusCode != 403 {
			t.Fatalf("member reads the directory: %d", resp.StatusCode)
		}
	})
}

func TestCustomersAPIWithSearchPagingAndBadInput(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		admin := h.Token("admin")
		resp, body := h.API("POST", "/api/v1/customers", admin, map[string]any{"name": "", "email_domains": []string{"not a domain"}, "phone": "call me"})
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
		resp, body = h.API("POST", "/api/v1/customers", admin, map[string]any{"name": "Taken Domain", "email_domains": []string{"A.test"}})
		if resp.StatusCode != 409 {
			t.Fatalf("taken domain: %d %v", resp.StatusCode, body)
		}
		for _, n := range []string{"Delta GmbH", "Alpha AG", "Charlie SE", "Bravo KG"} {
			resp, body := h.API("POST", "/api/v1/customers", admin, map[string]any{"name": n,
				"email_domains": []string{strings.ToLower(strings.Fields(n)[0]) + ".example"}, "address": "Hafenstraße 1\n20457 Hamburg", "phone": "+49 40 123"})
			if resp.StatusCode != 201 {
				t.Fatalf("create %s: %d %v", n, resp.StatusCode, body)
			}
			webtest.CheckSchema(t, "Customer", body)
		}
		var names []string
		path := "/api/v1/customers?limit=2"
		for i := 0; i < 5 && path != ""; i++ {
			_, list := h.API("GET", path, h.Token("agent"), nil)
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
		_, list := h.API("GET", "/api/v1/customers?q=charlie.ex", admin, nil)
		if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["name"] != "Charlie SE" {
			t.Fatalf("search by domain: %v", list)
		}
		if resp, _ := h.API("GET", "/api/v1/customers?cursor=garbage", admin, nil); resp.StatusCode != 422 {
			t.Fatalf("bad cursor: %d", resp.StatusCode)
		}
		// PATCH keeps what is not sent.
		id := webtest.Itoa64(h.CustB.ID)
		resp, body = h.API("PATCH", "/api/v1/customers/"+id, admin, map[string]any{"notes": "VIP", "id": 1})
		if resp.StatusCode != 200 || body["notes"] != "VIP" || body["name"] != "Customer B" || body["id"] != float64(h.CustB.ID) {
			t.Fatalf("patch: %d %v", resp.StatusCode, body)
		}
		if resp, _ := h.API("PATCH", "/api/v1/customers/"+id, h.Token("agent"), map[string]any{"notes": "x"}); resp.StatusCode != 403 {
			t.Fatalf("agent edits a customer: %d", resp.StatusCode)
		}
		// Deleting a customer removes its users.
		if resp, _ := h.API("DELETE", "/api/v1/customers/"+id, admin, nil); resp.StatusCode != 204 {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if _, err := h.Svc.Users.User(context.Background(), h.Users["b_member"].ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("user of a deleted customer: %v", err)
		}
	})
}

func TestEmailCheckProposesTheCustomerOfTheDomain(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		agent := h.Token("agent")
		_, got := h.API("GET", "/api/v1/email-check?email=New.Person@B.test", agent, nil)
		if got["taken"] != false || got["customer"] == nil || got["customer"].(map[string]any)["name"] != "Customer B" {
			t.Fatalf("check: %v", got)
		}
		_, got = h.API("GET", "/api/v1/email-check?email=B_MEMBER@b.test", agent, nil)
		if got["taken"] != true {
			t.Fatalf("taken: %v", got)
		}
		_, got = h.API("GET", "/api/v1/email-check?email=nonsense", agent, nil)
		if got["valid"] != false {
			t.Fatalf("invalid: %v", got)
		}
		if resp, _ := h.API("GET", "/api/v1/email-check?email=x@b.test", h.Token("a_admin"), nil); resp.StatusCode != 404 {
			t.Fatalf("customer admin probes emails: %d", resp.StatusCode)
		}
	})
}

func TestIndependentOrganizationManagesItsOwnUsers(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		admin, agent := h.Token("admin"), h.Token("agent")
		a := webtest.Itoa64(h.CustA.ID)
		if resp, _ := h.API("POST", "/api/v1/customers/"+a+"/independent", agent, nil); resp.StatusCode != 403 {
			t.Fatalf("agent makes independent: %d", resp.StatusCode)
		}
		resp, body := h.API("POST", "/api/v1/customers/"+a+"/independent", admin, nil)
		if resp.StatusCode != 200 || body["independent"] != true || body["independent_at"] == nil {
			t.Fatalf("independent: %d %v", resp.StatusCode, body)
		}
		if resp, _ := h.API("POST", "/api/v1/customers/"+a+"/independent", admin, nil); resp.StatusCode != 409 {
			t.Fatalf("twice: %d", resp.StatusCode)
		}
		member := webtest.Itoa64(h.Users["a_member"].ID)
		for _, c := range []struct{ method, path, token string }{
			{"POST", "/api/v1/customers/" + a + "/invitations", agent},
			{"PATCH", "/api/v1/users/" + member, admin},
			{"POST", "/api/v1/users/" + member + "/disable", admin},
			{"DELETE", "/api/v1/users/" + member, admin},
			{"DELETE", "/api/v1/customers/" + a, admin},
		} {
			resp, body := h.API(c.method, c.path, c.token, map[string]any{"first_name": "X", "email": "x@a.test", "language": "en", "role": "member"})
			if resp.StatusCode != 403 || !strings.Contains(body["detail"].(string), "independent") {
				t.Errorf("%s %s: %d %v, want 403 naming independence", c.method, c.path, resp.StatusCode, body)
			}
		}
		// The provider still sees the company and its people.
		if resp, _ := h.API("GET", "/api/v1/users/"+member, admin, nil); resp.StatusCode != 200 {
			t.Fatalf("provider reads a user of the independent company: %d", resp.StatusCode)
		}
		sb := h.LoggedIn("admin")
		_, page := sb.Get("/customers")
		webtest.WantContains(t, page, "Independent")
		// The company's administrators manage their users alone and get a
		// staff area of their own: their own customers.
		aAdmin := h.Token("a_admin")
		if resp, _ := h.API("POST", "/api/v1/users/"+member+"/disable", aAdmin, nil); resp.StatusCode != 200 {
			t.Fatalf("independent admin disables own user: %d", resp.StatusCode)
		}
		resp, own := h.API("POST", "/api/v1/customers", aAdmin, map[string]any{"name": "Sub Customer", "email_domains": []string{"sub.example"}})
		if resp.StatusCode != 201 {
			t.Fatalf("independent admin creates a customer: %d %v", resp.StatusCode, own)
		}
		_, list := h.API("GET", "/api/v1/customers", aAdmin, nil)
		if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["name"] != "Sub Customer" {
			t.Fatalf("independent admin's customers: %v", list)
		}
		if resp, _ := h.API("GET", "/api/v1/customers/"+webtest.Itoa64(h.CustB.ID), aAdmin, nil); resp.StatusCode != 404 {
			t.Fatalf("independent admin reads the provider's customer B: %d", resp.StatusCode)
		}
		if resp, _ := h.API("GET", "/api/v1/customers", h.Token("a_moderator"), nil); resp.StatusCode != 404 {
			t.Fatalf("moderator of the independent company lists customers: %d", resp.StatusCode)
		}
		ab := h.LoggedIn("a_admin")
		_, home := ab.Get("/")
		webtest.WantContains(t, home, `href="/customers"`, `href="/employees"`)
		_, cpage := ab.Get("/customers")
		webtest.WantContains(t, cpage, "Sub Customer")
	})
}

func TestPeoplePagesAndForms(t *testing.T) {
	webtest.EachDB(t, func(t *testing.T, h *webtest.Harness) {
		// Staff: customer list, form errors, create, invite through the form.
		sb := h.LoggedIn("admin")
		r, body := sb.Post("/customers/new", "/customers", url.Values{"name": {""}, "email_domains": {"bad domain!"}})
		webtest.WantStatus(t, r, 422, body)
		webtest.WantContains(t, body, "err-name", "not a valid email domain")
		r, body = sb.Post("/customers/new", "/customers", url.Values{"name": {"Nordwind <GmbH>"}, "email_domains": {"nordwind.example, @Nordwind-Service.example"},
			"address": {"Kai 1\nHamburg"}, "phone": {"+49 40 1"}})
		webtest.WantStatus(t, r, 303, body)
		loc := r.Header.Get("Location")
		_, body = sb.Get(loc)
		webtest.WantContains(t, body, "Nordwind &lt;GmbH&gt;", "nordwind-service.example", "No invitations yet")
		cid := strings.Split(loc, "/")[2]
		r, body = sb.Post(loc+"/new", "/customers/"+cid+"/invitations", url.Values{"first_name": {"Ida"}, "email": {"ida@nordwind.example"},
			"language": {"en"}, "role": {"provider_admin"}})
		webtest.WantStatus(t, r, 422, body)
		webtest.WantContains(t, body, "err-role", `value="ida@nordwind.example"`)
		r, body = sb.Post(loc+"/new", "/customers/"+cid+"/invitations", url.Values{"first_name": {"Ida"}, "email": {"ida@nordwind.example"},
			"language": {"en"}, "role": {"administrator"}})
		webtest.WantStatus(t, r, 303, body)
		_, body = sb.Get(r.Header.Get("Location"))
		webtest.WantContains(t, body, "ida@nordwind.example", "Pending", "is on its way")
		_, body = sb.Get("/mailbox")
		webtest.WantContains(t, body, "ida@nordwind.example", "Your invitation to the Nordwind")
		_, body = sb.Get("/users")
		webtest.WantContains(t, body, "admin@provider.test", "agent@provider.test")
		webtest.WantNotContains(t, body, "a_member@a.test")

		// Back office: the administrator's employee list, the moderator's read-only view.
		ab := h.LoggedIn("a_admin")
		_, body = ab.Get("/employees")
		webtest.WantContains(t, body, "a_member@a.test", "New user")
		webtest.WantNotContains(t, body, "b_member@b.test")
		r, body = ab.Post("/employees/new", "/employees", url.Values{"first_name": {"Tom"}, "email": {"tom@a.test"}, "language": {"de"}, "role": {"member"}})
		webtest.WantStatus(t, r, 303, body)
		_, body = ab.Get(r.Header.Get("Location"))
		webtest.WantContains(t, body, "tom@a.test", "Invited", "Disable")
		mb := h.LoggedIn("a_moderator")
		_, body = mb.Get("/employees")
		webtest.WantContains(t, body, "a_member@a.test")
		webtest.WantNotContains(t, body, "New user")
		if r, _ := mb.Post("/employees", "/employees", url.Values{"first_name": {"X"}, "email": {"x@a.test"}, "role": {"member"}, "language": {"en"}}); r.StatusCode != 403 {
			t.Fatalf("moderator creates: %d", r.StatusCode)
		}
		if r, _ := h.LoggedIn("a_member").Get("/employees"); r.StatusCode != 403 {
			t.Fatalf("member opens the directory: %d", r.StatusCode)
		}
		// The login page offers both links.
		_, body = h.Browser().Get("/login")
		webtest.WantContains(t, body, `href="/password/forgot"`, `href="/password/forgot?new=1"`)
	})
}
