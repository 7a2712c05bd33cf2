package notify

import (
	"time"

	"github.com/uptrace/bun"
)

// Delivery states of a Message.
const (
	StatusPending = "pending" // waiting for its next attempt
	StatusSent    = "sent"    // accepted by the SMTP server
	StatusFailed  = "failed"  // given up after the maximum number of attempts
)

// Message is one email in the outbox. ProviderID is the provider
// organization whose Mailbox page shows it (nil for system mail).
type Message struct {
	bun.BaseModel `bun:"table:outbox,alias:ob"`

	ID            int64 `bun:",pk,autoincrement"`
	ProviderID    *int64
	Recipient     string
	RecipientName string `bun:"recipient_name"`
	Subject       string
	BodyText      string `bun:"body_text"`
	BodyHTML      string `bun:"body_html"`
	Status        string
	Attempts      int
	NextAttemptAt time.Time `bun:"next_attempt_at"`
	LastError     string    `bun:"last_error"`
	SentAt        *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}
