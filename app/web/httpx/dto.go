package httpx

import (
	"backoffice/app/org"
	"time"
)

// APIUser is a user in the API (people and sign-in routes answer it).
type APIUser struct {
	ID             int64      `json:"id"`
	Email          string     `json:"email"`
	FirstName      string     `json:"first_name"`
	LastName       string     `json:"last_name"`
	Role           string     `json:"role"`
	OrganizationID int64      `json:"organization_id"`
	Language       string     `json:"language"`
	TimeZone       string     `json:"time_zone"`
	Status         string     `json:"status"`
	LastLoginAt    *time.Time `json:"last_login_at"`
	// Warnings are about accepted input that looks wrong; only in the
	// response that creates the user.
	Warnings []ProblemField `json:"warnings,omitempty"`
}

// ToAPIUser is u as the API shows it.
func ToAPIUser(u *org.User) APIUser {
	return APIUser{ID: u.ID, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, Role: string(u.Role),
		OrganizationID: u.OrganizationID, Language: u.Language, TimeZone: u.TimeZone, Status: u.Status(),
		LastLoginAt: u.LastLoginAt}
}
