// Package demo loads a small, realistic data set into an empty database so a
// newcomer can sign in and look around at once: a service provider, two of
// its corporate customers with a few dozen devices, and a user for every role.
package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/auth"
	"backoffice/app/clock"
	"backoffice/app/org"
	"backoffice/app/people"
	"backoffice/rbac"
)

// ErrNotEmpty is returned when the database already holds organizations.
var ErrNotEmpty = errors.New("the database already holds data; demo data is loaded only into an empty database")

// Login is a demo account to print.
type Login struct {
	Email    string
	Role     rbac.Role
	Org      string
	Area     string
	Language string // the account's language, as its pages and mail speak
	Password string
}

// languageNames name the languages of the demo accounts in the logins table.
var languageNames = map[string]string{"en": "English", "de": "Deutsch", "ru": "Русский"}

// areaOf names the area a demo account works in.
func areaOf(r rbac.Role) string {
	if r.IsStaff() {
		return "staff"
	}
	return "back office"
}

// Emails are the demo accounts, in the order the logins table lists them.
var Emails = []string{"admin@nordlicht-service.example", "agent@nordlicht-service.example", "admin@hafenbraeu.example",
	"moderator@hafenbraeu.example", "member@hafenbraeu.example", "admin@kliniken-sued.example", "member@kliniken-sued.example"}

// Logins returns the demo accounts that still sign in with password, for
// printing them again at a later start, and how many demo accounts there are
// in all. Accounts whose password was changed are left out.
func Logins(ctx context.Context, db bun.IDB, c clock.Clock, h *auth.Hasher, password string) ([]Login, int, error) {
	users := org.NewStore(db, c)
	var logins []Login
	found := 0
	verified := map[string]bool{} // the demo accounts share one hash until one changes
	for _, email := range Emails {
		u, err := users.UserByEmail(ctx, email)
		if errors.Is(err, apperr.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		found++
		ok, known := verified[u.PasswordHash]
		if !known {
			if ok, _, err = h.Verify(ctx, password, u.PasswordHash); err != nil {
				return nil, 0, err
			}
			verified[u.PasswordHash] = ok
		}
		if ok && !u.Disabled() {
			o, err := users.Organization(ctx, u.OrganizationID)
			if err != nil {
				return nil, 0, err
			}
			logins = append(logins, Login{Email: u.Email, Role: u.Role, Org: o.Name, Area: areaOf(u.Role),
				Language: languageNames[u.Language], Password: password})
		}
	}
	return logins, found, nil
}

type person struct {
	email, first, last string
	role               rbac.Role
	lang, tz           string
}

// Seed loads the demo data in one transaction. An empty password means a
// random one, shared by every demo account and returned in the logins.
func Seed(ctx context.Context, db *bun.DB, c clock.Clock, h *auth.Hasher, password string) ([]Login, error) {
	if password == "" {
		password = RandomPassword()
	}
	if err := auth.CheckPassword("password", password, ""); err != nil {
		return nil, fmt.Errorf("demo password: %w", err)
	}
	hash, err := h.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	var logins []Login
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		users := org.NewStore(tx, c)
		empty, err := users.Empty(ctx)
		if err != nil {
			return err
		}
		if !empty {
			return ErrNotEmpty
		}
		provider := &org.Organization{Name: "Nordlicht Service GmbH", Phone: "+49 40 555 0190",
			Address: "Speicherstadt 12\n20457 Hamburg"}
		if err := users.CreateOrganization(ctx, provider, []string{"nordlicht-service.example"}); err != nil {
			return err
		}
		brewery := &org.Organization{Name: "Hafenbräu AG", ProviderID: &provider.ID}
		if err := users.CreateOrganization(ctx, brewery, []string{"hafenbraeu.example"}); err != nil {
			return err
		}
		clinic := &org.Organization{Name: "Kliniken Süd", ProviderID: &provider.ID}
		if err := users.CreateOrganization(ctx, clinic, []string{"kliniken-sued.example"}); err != nil {
			return err
		}
		groups := []struct {
			o      *org.Organization
			people []person
		}{
			{provider, []person{
				{"admin@nordlicht-service.example", "Anna", "Berger", rbac.ProviderAdmin, "en", "Europe/Berlin"},
				{"agent@nordlicht-service.example", "Jonas", "Keller", rbac.ProviderAgent, "de", "Europe/Berlin"},
			}},
			{brewery, []person{
				{"admin@hafenbraeu.example", "Marta", "Vogel", rbac.Administrator, "de", "Europe/Berlin"},
				{"moderator@hafenbraeu.example", "Lukas", "Brandt", rbac.Moderator, "en", "Europe/Berlin"},
				{"member@hafenbraeu.example", "Sofia", "Richter", rbac.Member, "en", "Europe/Vienna"},
			}},
			{clinic, []person{
				{"admin@kliniken-sued.example", "Elena", "Wolkowa", rbac.Administrator, "ru", "Europe/Moscow"},
				{"member@kliniken-sued.example", "Paul", "Hartmann", rbac.Member, "de", "Europe/Zurich"},
			}},
		}
		if err := seedDevices(ctx, tx, c, provider.ID, map[string]int64{"brewery": brewery.ID, "clinic": clinic.ID}); err != nil {
			return err
		}
		byEmail := map[string]*org.User{}
		for _, g := range groups {
			for _, p := range g.people {
				u := &org.User{OrganizationID: g.o.ID, Email: p.email, FirstName: p.first, LastName: p.last,
					Role: p.role, Language: p.lang, TimeZone: p.tz, PasswordHash: hash}
				if err := users.CreateUser(ctx, u); err != nil {
					return err
				}
				byEmail[p.email] = u
				logins = append(logins, Login{Email: p.email, Role: p.role, Org: g.o.Name, Area: areaOf(p.role),
					Language: languageNames[p.lang], Password: password})
			}
		}
		if err := seedTickets(ctx, tx, c, provider.ID, byEmail); err != nil {
			return err
		}
		// Loaded without events: the customers' counts as the rollups keep them.
		return people.NewStore(tx, c).Recount(ctx, provider.ID)
	})
	if err != nil {
		return nil, err
	}
	return logins, nil
}

// RandomPassword returns a password of 16 letters and digits without
// look-alike characters, easy to type from a terminal.
func RandomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[n.Int64()]
	}
	return string(b)
}
