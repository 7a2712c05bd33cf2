package auth

import (
	"context"
	"errors"
	"testing"
	"time"
)

var cheapTestParams = Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// hold takes every hashing slot of h, as hashes in flight would, and returns
// a function releasing one.
func hold(t *testing.T, h *Hasher) (releaseOne func()) {
	t.Helper()
	for range cap(h.slots) {
		if err := h.acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return h.release
}

func TestHasherWaitsForASlot(t *testing.T) {
	h := NewHasher(cheapTestParams, 1)
	hash, err := h.Hash(context.Background(), "Correct-Horse-7-Battery")
	if err != nil {
		t.Fatal(err)
	}
	release := hold(t, h)

	// With the single slot taken, a request whose context ends gives up with
	// the context's error instead of hashing.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "Correct-Horse-7-Battery"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash with the slot held and a cancelled context: got %v, want context.Canceled", err)
	}
	if _, _, err := h.Verify(ctx, "Correct-Horse-7-Battery", hash); !errors.Is(err, context.Canceled) {
		t.Errorf("Verify with the slot held and a cancelled context: got %v, want context.Canceled", err)
	}
	// The dummy verification for users without a password waits too.
	if _, _, err := h.Verify(ctx, "x", ""); !errors.Is(err, context.Canceled) {
		t.Errorf("Verify of an empty hash with the slot held: got %v, want context.Canceled", err)
	}
	tctx, tcancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer tcancel()
	if _, err := h.Hash(tctx, "Correct-Horse-7-Battery"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Hash waiting past its deadline: got %v, want context.DeadlineExceeded", err)
	}

	// A patient request waits for the slot and then runs.
	done := make(chan error, 1)
	go func() {
		ok, _, err := h.Verify(context.Background(), "Correct-Horse-7-Battery", hash)
		if err == nil && !ok {
			err = errors.New("right password did not verify")
		}
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Verify ran while the only slot was held (err %v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	release()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Verify did not run after the slot was released")
	}
	if n := len(h.slots); n != 0 {
		t.Errorf("%d slots still taken after every hash finished", n)
	}
}

func TestHasherBoundsConcurrency(t *testing.T) {
	const limit = 3
	h := NewHasher(cheapTestParams, limit)
	if cap(NewHasher(cheapTestParams, 0).slots) != 1 {
		t.Error("NewHasher(_, 0) must still allow one hash at a time")
	}
	ctx := context.Background()

	// With limit-1 hashes in flight another one runs...
	for range limit - 1 {
		if err := h.acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.Hash(ctx, "Correct-Horse-7-Battery"); err != nil {
		t.Fatalf("Hash with a free slot: %v", err)
	}
	// ...with limit in flight it waits.
	if err := h.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(short, "Correct-Horse-7-Battery"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Hash with %d hashes in flight: got %v, want to wait until the deadline", limit, err)
	}
	for range limit {
		h.release()
	}

	// A burst larger than the limit finishes and gives every slot back.
	const n = 12
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := h.Hash(ctx, "Correct-Horse-7-Battery")
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if len(h.slots) != 0 {
		t.Errorf("%d slots leaked", len(h.slots))
	}
}
