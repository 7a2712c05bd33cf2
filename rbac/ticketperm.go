package rbac

import (
	"embed"
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	fileadapter "github.com/casbin/casbin/v2/persist/string-adapter"
)

//go:embed ticketperm.conf ticketperm.csv
var ticketPermFiles embed.FS

// TicketPerms are the customer permissions on tickets.
var TicketPerms = []string{"see_all", "view_priority", "edit_priority", "view_type", "edit_type", "view_tags", "edit_tags",
	"see_assignee", "edit_assignee", "close", "see_group", "edit_group"}

// Setting values of a customer permission at company or user level.
const (
	Allow   = "allow"
	Deny    = "deny"
	Inherit = ""
)

// TicketPermEnforcer decides customer permissions on tickets with Casbin:
// role defaults as policy; the provider's, the company's and the user's
// settings as request attributes.
type TicketPermEnforcer struct {
	e *casbin.SyncedEnforcer
}

// NewTicketPermEnforcer loads the embedded model and role defaults.
func NewTicketPermEnforcer() (*TicketPermEnforcer, error) {
	conf, err := ticketPermFiles.ReadFile("ticketperm.conf")
	if err != nil {
		return nil, err
	}
	csv, err := ticketPermFiles.ReadFile("ticketperm.csv")
	if err != nil {
		return nil, err
	}
	m, err := model.NewModelFromString(string(conf))
	if err != nil {
		return nil, fmt.Errorf("ticket permission model: %w", err)
	}
	var lines []string
	for _, l := range strings.Split(string(csv), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	e, err := casbin.NewSyncedEnforcer(m, fileadapter.NewAdapter(strings.Join(lines, "\n")))
	if err != nil {
		return nil, fmt.Errorf("ticket permission enforcer: %w", err)
	}
	return &TicketPermEnforcer{e: e}, nil
}

// Allowed reports whether a customer user of role may use perm, given the
// provider's, the company's and the user's settings (Allow, Deny or
// Inherit). An unknown setting value denies.
func (t *TicketPermEnforcer) Allowed(role Role, perm, provider, company, user string) bool {
	for _, v := range []string{provider, company, user} {
		if v != Allow && v != Deny && v != Inherit {
			return false
		}
	}
	ok, err := t.e.Enforce(string(role), perm, provider, company, user)
	return err == nil && ok
}
