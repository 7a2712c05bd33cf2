// Package rbac decides whether a role may perform an action on a kind of
// resource, with Casbin. The model and the default policy are embedded; the
// policy lives in the casbin_rules table so it can change at run time.
// Tenant scoping (which rows a caller sees) is not decided here but in the
// stores, which take the customer id of every query.
package rbac

// Role is a user's role. Provider roles work in the staff area; customer
// roles work in their company's back office.
type Role string

// The five roles.
const (
	ProviderAdmin Role = "provider_admin"
	ProviderAgent Role = "provider_agent"
	Administrator Role = "administrator"
	Moderator     Role = "moderator"
	Member        Role = "member"
)

// IndependentAdmin is not a stored role but the Casbin subject of an
// administrator of an independent organization: an administrator who also
// serves their organization's own customers.
const IndependentAdmin Role = "independent_admin"

// Roles lists every role, staff first.
var Roles = []Role{ProviderAdmin, ProviderAgent, Administrator, Moderator, Member}

// StaffRoles and CustomerRoles split Roles by area.
var (
	StaffRoles    = []Role{ProviderAdmin, ProviderAgent}
	CustomerRoles = []Role{Administrator, Moderator, Member}
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// IsStaff reports whether r is a provider role (staff area).
func (r Role) IsStaff() bool { return r == ProviderAdmin || r == ProviderAgent }

// IsCustomer reports whether r is a customer role (back office).
func (r Role) IsCustomer() bool { return r == Administrator || r == Moderator || r == Member }
