package org

import (
	"context"
	"fmt"
)

// CustomerCount names a rolled-up count of a customer in customer_counts.
type CustomerCount string

// The counts kept per customer; the domains that own the counted records
// keep them, in the transaction of each change.
const (
	CountDevices CustomerCount = "devices"
	CountPeople  CustomerCount = "people"
)

// BumpCustomerCount adds delta to customer customerID's count (0, no
// customer, is not counted). Call it in the transaction of the change.
func (s *Store) BumpCustomerCount(ctx context.Context, customerID int64, count CustomerCount, delta int) error {
	if customerID == 0 || delta == 0 {
		return nil
	}
	if count != CountDevices && count != CountPeople {
		return fmt.Errorf("customer count %q: unknown", count)
	}
	col := string(count) // one of the constants above, never a caller's text
	now := s.clock.Now()
	_, err := s.conn(ctx).NewRaw(`INSERT INTO customer_counts (customer_id, `+col+`, created_at, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (customer_id) DO UPDATE SET `+col+` = customer_counts.`+col+` + EXCLUDED.`+col+`, updated_at = EXCLUDED.updated_at`,
		customerID, delta, now, now).Exec(ctx)
	if err != nil {
		return fmt.Errorf("count %s of customer %d: %w", count, customerID, err)
	}
	return nil
}
