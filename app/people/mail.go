package people

import (
	"time"

	"backoffice/app/auth"
	"backoffice/app/org"
)

// Event types of people that send mail (see notify.Composer).
const (
	EventInvitationCreated = "invitation.created"
	EventInvitationResent  = "invitation.resent"
	EventUserCreated       = "user.created"
	EventPasswordLinkSent  = auth.EventPasswordLinkSent
)

// Event types that remove a person.
const (
	EventUserDeleted       = "user.deleted"
	EventInvitationDeleted = "invitation.deleted"
)

// InvitationMail is the payload of EventInvitationCreated and
// EventInvitationResent: what the invitation email needs, the link's token
// among it (never stored with the event).
type InvitationMail struct {
	Inviter *org.User
	User    *org.User // the invitee, with Organization loaded
	Token   string
	Expires time.Time
}

// PasswordMail is the payload of EventUserCreated and EventPasswordLinkSent:
// a set-password or reset link for User.
type PasswordMail struct {
	User    *org.User
	Purpose string // org.PurposeSetPassword or org.PurposeResetPassword
	Token   string
	TTL     time.Duration
}
