// Package ticket holds service cases (tickets) and their correspondence:
// who may see and do what (tenant scope, channel rules, customer
// permissions), numbering per provider, and counts kept in rollups.
package ticket

import (
	"strings"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/device"
	"backoffice/app/org"
)

// Statuses, in their order of life.
const (
	StatusNew      = "new"
	StatusOpen     = "open"
	StatusPending  = "pending"
	StatusResolved = "resolved"
	StatusClosed   = "closed"
)

// Statuses lists every status.
var Statuses = []string{StatusNew, StatusOpen, StatusPending, StatusResolved, StatusClosed}

// Priorities, most urgent first.
var Priorities = []string{"urgent", "high", "normal", "low"}

// Types a ticket starts with.
var Types = []string{"question", "incident", "service_request", "maintenance"}

// Channels a ticket arrives through.
const (
	ChannelWeb       = "web"
	ChannelEmail     = "email"
	ChannelPhone     = "phone"
	ChannelMessenger = "messenger"
	ChannelQR        = "qr"
	ChannelVideo     = "video"
)

// Channels lists every channel.
var Channels = []string{ChannelWeb, ChannelEmail, ChannelPhone, ChannelMessenger, ChannelQR, ChannelVideo}

// CustomerWritable reports whether customers may reply to, close and reopen
// tickets of channel: only web and email tickets are theirs to continue.
func CustomerWritable(channel string) bool { return channel == ChannelWeb || channel == ChannelEmail }

func indexOf(list []string, v string) int {
	for i, s := range list {
		if s == v {
			return i
		}
	}
	return -1
}

// PriorityRank is the position of p in Priorities (-1 if unknown).
func PriorityRank(p string) int { return indexOf(Priorities, p) }

// Ticket is a service case.
type Ticket struct {
	bun.BaseModel `bun:"table:tickets,alias:t"`

	ID              int64 `bun:",pk,autoincrement"`
	ProviderID      int64
	Number          int64
	CustomerID      int64
	DeviceID        *int64
	RequesterID     *int64
	RequesterName   string
	RequesterEmail  string
	AssigneeID      *int64
	GroupName       string
	Subject         string
	Status          string
	Priority        string
	PriorityRank    int
	Type            string
	Channel         string
	Tags            string
	Fields          string
	Rating          *int
	RatingComment   string
	RatedAt         *time.Time
	FirstResponseAt *time.Time
	ResolvedAt      *time.Time
	ClosedAt        *time.Time
	DueAt           *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time

	Customer  *org.Organization `bun:"rel:belongs-to,join:customer_id=id"`
	Device    *device.Device    `bun:"rel:belongs-to,join:device_id=id"`
	Requester *org.User         `bun:"rel:belongs-to,join:requester_id=id"`
	Assignee  *org.User         `bun:"rel:belongs-to,join:assignee_id=id"`
}

// TagList is the ticket's tags.
func (t *Ticket) TagList() []string {
	var out []string
	for _, s := range strings.Split(t.Tags, ",") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// JoinTags stores tags as ",a,b," (empty for none).
func JoinTags(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return "," + strings.Join(tags, ",") + ","
}

// Message is one entry of the correspondence.
type Message struct {
	bun.BaseModel `bun:"table:ticket_messages,alias:m"`

	ID          int64 `bun:",pk,autoincrement"`
	TicketID    int64
	AuthorID    *int64
	AuthorName  string
	AuthorStaff bool
	Body        string
	Internal    bool
	CreatedAt   time.Time
	UpdatedAt   time.Time

	Attachments []*Attachment `bun:"-"`
}

// Targets are how soon a ticket of each priority should be answered.
var Targets = map[string]time.Duration{
	"urgent": 4 * time.Hour,
	"high":   24 * time.Hour,
	"normal": 3 * 24 * time.Hour,
	"low":    7 * 24 * time.Hour,
}
