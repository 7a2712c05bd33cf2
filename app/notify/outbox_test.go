package notify_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"backoffice/app/apperr"
	"backoffice/app/clock"
	"backoffice/app/db"
	"backoffice/app/db/dbtest"
	"backoffice/app/notify"
)

var t0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// newProvider inserts a provider organization and returns its id.
func newProvider(t *testing.T, bdb *bun.DB, name string) int64 {
	t.Helper()
	var id int64
	err := bdb.NewRaw("INSERT INTO organizations (name, created_at, updated_at) VALUES (?, ?, ?) RETURNING id",
		name, t0, t0).Scan(t.Context(), &id)
	if err != nil {
		t.Fatalf("insert organization: %v", err)
	}
	return id
}

func enqueue(t *testing.T, ob *notify.Outbox, providerID *int64, to, subject string) *notify.Message {
	t.Helper()
	m := &notify.Message{ProviderID: providerID, Recipient: to, Subject: subject, BodyText: "Hello"}
	if err := ob.Enqueue(t.Context(), m); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return m
}

func TestEnqueueRollsBackWithTransaction(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := t.Context()
		ob := notify.NewOutbox(bdb, clock.NewFake(t0))
		errAbort := errors.New("abort")
		err := db.InTx(ctx, bdb, func(ctx context.Context) error {
			if err := ob.Enqueue(ctx, &notify.Message{Recipient: "anna@example.com", Subject: "Hi", BodyText: "x"}); err != nil {
				return err
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) {
			t.Fatalf("RunInTx = %v", err)
		}
		if n, err := ob.Pending(ctx); err != nil || n != 0 {
			t.Fatalf("Pending = %d, %v; want 0", n, err)
		}
		if _, err := ob.LatestTo(ctx, "anna@example.com"); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("LatestTo after rollback = %v; want ErrNotFound", err)
		}

		// Committed, it is there, pending and due now.
		err = db.InTx(ctx, bdb, func(ctx context.Context) error {
			return ob.Enqueue(ctx, &notify.Message{Recipient: "anna@example.com", Subject: "Hi", BodyText: "x"})
		})
		if err != nil {
			t.Fatal(err)
		}
		m, err := ob.LatestTo(ctx, "ANNA@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != notify.StatusPending || m.Attempts != 0 || !m.NextAttemptAt.Equal(t0) || m.SentAt != nil {
			t.Fatalf("enqueued = %+v", m)
		}
		if n, _ := ob.Pending(ctx); n != 1 {
			t.Fatalf("Pending = %d; want 1", n)
		}
	})
}

func TestEnqueueRejectsBadRecipient(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ob := notify.NewOutbox(bdb, clock.NewFake(t0))
		for _, to := range []string{"", "not an address", "Anna <anna@example.com>", "a@example.com, b@example.com"} {
			if err := ob.Enqueue(t.Context(), &notify.Message{Recipient: to, Subject: "x"}); err == nil {
				t.Errorf("Enqueue(%q) succeeded", to)
			}
		}
	})
}

func TestListPagesAndMessageIsScopedToProvider(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, bdb *bun.DB) {
		ctx := t.Context()
		a, b := newProvider(t, bdb, "Provider A"), newProvider(t, bdb, "Provider B")
		ob := notify.NewOutbox(bdb, clock.NewFake(t0))
		var ofA []*notify.Message
		for i := range 5 {
			ofA = append(ofA, enqueue(t, ob, &a, fmt.Sprintf("a%d@example.com", i), fmt.Sprintf("A%d", i)))
			if i < 2 {
				enqueue(t, ob, &b, fmt.Sprintf("b%d@example.com", i), fmt.Sprintf("B%d", i))
			}
		}
		enqueue(t, ob, nil, "system@example.com", "no provider")

		var subjects []string
		before := int64(0)
		for {
			page, err := ob.List(ctx, a, before, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			if len(page) > 2 {
				t.Fatalf("page of %d; want at most 2", len(page))
			}
			for _, m := range page {
				subjects = append(subjects, m.Subject)
				before = m.ID
			}
		}
		if got, want := fmt.Sprint(subjects), "[A4 A3 A2 A1 A0]"; got != want {
			t.Fatalf("pages of A = %s; want %s", got, want)
		}
		pageB, err := ob.List(ctx, b, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(pageB) != 2 || pageB[0].Subject != "B1" || pageB[1].Subject != "B0" {
			t.Fatalf("List(B) = %d messages", len(pageB))
		}

		m, err := ob.Message(ctx, a, ofA[2].ID)
		if err != nil || m.Subject != "A2" || m.ProviderID == nil || *m.ProviderID != a {
			t.Fatalf("Message(A, A2) = %+v, %v", m, err)
		}
		if _, err := ob.Message(ctx, b, ofA[2].ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("Message(B, A2) = %v; want ErrNotFound", err)
		}
		if _, err := ob.Message(ctx, a, 1_000_000); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("Message(A, missing) = %v; want ErrNotFound", err)
		}
	})
}
