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

// TicketPerm is one customer permission on tickets.
type TicketPerm struct {
	// Name names the permission everywhere: in the policy, in the API's and
	// the forms' settings, and in the catalog (message "perm.<name>").
	Name string
	// Default is the least role holding the permission while no one changed
	// a setting (the roles above it inherit it); "" when no role does.
	Default Role
	// Needs is the permission this one is void without: changing what one
	// may not see makes no sense.
	Needs string
}

// TicketPermTable declares the customer permissions on tickets, in the
// order of the permission pages. The enforcer's role defaults, the list of
// names and the domain's defaults all come from it.
var TicketPermTable = []TicketPerm{
	{Name: "see_all", Default: Member},
	{Name: "view_priority", Default: Member},
	{Name: "edit_priority", Needs: "view_priority"},
	{Name: "view_type", Default: Member},
	{Name: "edit_type", Needs: "view_type"},
	{Name: "view_tags", Default: Member},
	{Name: "edit_tags", Needs: "view_tags"},
	{Name: "see_assignee", Default: Member},
	{Name: "edit_assignee", Needs: "see_assignee"},
	{Name: "close", Default: Member},
	{Name: "see_group"},
	{Name: "edit_group", Needs: "see_group"},
}

// TicketPerms are the names of the customer permissions on tickets, in the
// order of TicketPermTable.
var TicketPerms = ticketPermNames()

func ticketPermNames() []string {
	out := make([]string, len(TicketPermTable))
	for i, p := range TicketPermTable {
		out[i] = p.Name
	}
	return out
}

// ticketPermPolicy is the policy of the role defaults: the role hierarchy
// of ticketperm.csv and one rule per default of TicketPermTable.
func ticketPermPolicy(csv string) string {
	var lines []string
	for _, l := range strings.Split(csv, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	for _, p := range TicketPermTable {
		if p.Default != "" {
			lines = append(lines, "p, "+string(p.Default)+", "+p.Name)
		}
	}
	return strings.Join(lines, "\n")
}

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

// NewTicketPermEnforcer loads the embedded model with the role hierarchy
// and the role defaults of TicketPermTable.
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
	e, err := casbin.NewSyncedEnforcer(m, fileadapter.NewAdapter(ticketPermPolicy(string(csv))))
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
