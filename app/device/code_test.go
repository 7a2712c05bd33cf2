package device_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"backoffice/app/apperr"
	"backoffice/app/caller"
	"backoffice/app/device"
)

// updateCode applies a change as u, failing the test on an error.
func (f *fixture) updateCode(u *caller.Caller, id int64, ch device.CodeChange) *device.Code {
	f.t.Helper()
	c, err := f.svc.UpdateCode(f.ctx, u, id, ch)
	if err != nil {
		f.t.Fatalf("update code %d with %+v: %v", id, ch, err)
	}
	return c
}

// pair pairs code id with device deviceID (0: unpairs).
func pair(deviceID int64) device.CodeChange { return device.CodeChange{Pair: true, DeviceID: deviceID} }

// currentCodes counts the codes of a device that are not retired.
func (f *fixture) currentCodes(deviceID int64) int {
	f.t.Helper()
	return f.count("codes", "device_id = ? AND retired_at IS NULL", deviceID)
}

var tokenPattern = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{28}$`)

func TestNewCodeToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok := device.NewCodeToken()
		if !tokenPattern.MatchString(tok) || seen[tok] {
			t.Fatalf("token %q: malformed or repeated", tok)
		}
		seen[tok] = true
	}
}

func TestCreateCodesBatch(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		for _, n := range []int{0, -1, device.MaxBatch + 1} {
			_, err := f.svc.CreateCodes(f.ctx, f.staff, n)
			wantFields(t, err, "count")
		}
		for _, u := range f.customers() {
			_, err := f.svc.CreateCodes(f.ctx, u, 1)
			wantNotFound(t, err)
		}
		if n := f.count("codes", "1 = 1"); n != 0 {
			t.Fatalf("%d codes after refused batches", n)
		}

		codes, err := f.svc.CreateCodes(f.ctx, f.agent, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(codes) != 3 {
			t.Fatalf("%d codes", len(codes))
		}
		tokens := map[string]bool{}
		for _, c := range codes {
			if c.ID == 0 || c.ProviderID != f.provider.ID || c.DeviceID != nil || c.PairedAt != nil || c.State() != device.CodeActive ||
				c.HasPIN() || !tokenPattern.MatchString(c.Token) || tokens[c.Token] {
				t.Errorf("new code %+v", c)
			}
			tokens[c.Token] = true
			if s := f.scan(c.Token); s.ID != c.ID || s.Device != nil {
				t.Errorf("scan of an unpaired code: %+v", s)
			}
			if n := f.count("device_history", "code_id = ? AND action = ? AND device_id IS NULL", c.ID, device.ActionCodeCreated); n != 1 {
				t.Errorf("%d code_created events", n)
			}
		}

		// The largest batch is accepted.
		big, err := f.svc.CreateCodes(f.ctx, f.staff, device.MaxBatch)
		if err != nil || len(big) != device.MaxBatch {
			t.Fatalf("batch of %d: %d codes, %v", device.MaxBatch, len(big), err)
		}

		// Listing: unpaired codes, newest first, paged by id.
		list, more, err := f.svc.Codes(f.ctx, f.staff, device.CodeFilter{State: "unpaired"}, 0, 2)
		if err != nil || !more || len(list) != 2 || list[0].ID != big[len(big)-1].ID || list[1].ID != big[len(big)-2].ID {
			t.Errorf("first page of codes: %d, more %v, %v", len(list), more, err)
		}
		list, more, err = f.svc.Codes(f.ctx, f.staff, device.CodeFilter{}, big[0].ID, 10)
		if err != nil || more || len(list) != 3 || list[0].ID != codes[2].ID {
			t.Errorf("codes before the big batch: %d, more %v, %v", len(list), more, err)
		}
		list, _, err = f.svc.Codes(f.ctx, f.staff2, device.CodeFilter{}, 0, 10)
		if err != nil || len(list) != 0 {
			t.Errorf("another provider lists %d codes, %v", len(list), err)
		}
		_, _, err = f.svc.Codes(f.ctx, f.staff, device.CodeFilter{State: "lost"}, 0, 10)
		wantFields(t, err, "state")
	})
}

func TestPairUnpairAndRetire(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		d := f.create(f.staff, at(f.customerA, in("Pump", "SN-1")))
		e := f.create(f.staff, in("Fan", "SN-2"))
		first, second := d.Code, e.Code
		batch, err := f.svc.CreateCodes(f.ctx, f.staff, 2)
		if err != nil {
			t.Fatal(err)
		}
		label := batch[0]

		// Pairing a stock code with d retires d's previous code.
		got := f.updateCode(f.agent, label.ID, pair(d.ID))
		if got.DeviceID == nil || *got.DeviceID != d.ID || got.Device == nil || got.Device.ID != d.ID || got.PairedAt == nil {
			t.Fatalf("paired code %+v", got)
		}
		_, err = f.svc.Scan(f.ctx, first.Token)
		wantNotFound(t, err)
		if s := f.scan(label.Token); s.Device == nil || s.Device.ID != d.ID || s.Device.Customer == nil || s.Device.Customer.ID != f.customerA.ID {
			t.Errorf("scan of the new label: %+v", s.Device)
		}
		if c, err := f.svc.Code(f.ctx, f.staff, first.ID); err != nil || c.State() != device.CodeRetired {
			t.Errorf("previous code: %+v, %v", c, err)
		}
		if dd := f.device(f.staff, d.ID); dd.Code == nil || dd.Code.ID != label.ID {
			t.Errorf("device's code after pairing: %+v", dd.Code)
		}
		if n := f.currentCodes(d.ID); n != 1 {
			t.Errorf("device has %d current codes", n)
		}
		events := describe(f.changes(d.ID))
		want := []string{"code_regenerated code " + first.Token + "→" + label.Token, "code_paired code →" + label.Token}
		if fmt.Sprint(events) != fmt.Sprint(want) {
			t.Errorf("pairing history %q, want %q", events, want)
		}

		// Pairing it again with the same device changes nothing.
		f.updateCode(f.staff, label.ID, pair(d.ID))
		if n := len(f.history(d.ID)); n != 4 {
			t.Errorf("repeated pairing recorded history: %d events", n)
		}

		// Moving the label to e: d is left without a code, e's old code is retired.
		f.updateCode(f.staff, label.ID, pair(e.ID))
		if dd := f.device(f.staff, d.ID); dd.Code != nil {
			t.Errorf("d still has code %+v", dd.Code)
		}
		if ee := f.device(f.staff, e.ID); ee.Code == nil || ee.Code.ID != label.ID {
			t.Errorf("e's code %+v", ee.Code)
		}
		_, err = f.svc.Scan(f.ctx, second.Token)
		wantNotFound(t, err)

		// Unpairing puts the label back in stock; it still resolves.
		got = f.updateCode(f.staff, label.ID, pair(0))
		if got.DeviceID != nil || got.PairedAt != nil || got.Device != nil || got.State() != device.CodeActive {
			t.Errorf("unpaired code %+v", got)
		}
		if s := f.scan(label.Token); s.Device != nil {
			t.Errorf("scan of unpaired code has device %+v", s.Device)
		}
		if ee := f.device(f.staff, e.ID); ee.Code != nil {
			t.Errorf("e still has code %+v", ee.Code)
		}
		unpaired := describe(f.history(e.ID))
		if len(unpaired) == 0 || unpaired[len(unpaired)-1] != "code_unpaired code "+label.Token+"→" {
			t.Errorf("history of e %q, want the unpairing last", unpaired)
		}

		// A retired code cannot be changed.
		for _, ch := range []device.CodeChange{pair(e.ID), {Active: ptr(true)}, {PIN: ptr("1234")}} {
			_, err = f.svc.UpdateCode(f.ctx, f.staff, first.ID, ch)
			if !errors.Is(err, apperr.ErrConflict) || !errors.Is(err, device.ErrRetired) {
				t.Errorf("changing a retired code: %v", err)
			}
		}

		// Devices and codes of other providers are out of reach.
		other := f.create(f.staff2, in("Other", "SN-9"))
		for _, id := range []int64{other.ID, -5, 999999} {
			_, err = f.svc.UpdateCode(f.ctx, f.staff, batch[1].ID, pair(id))
			wantFields(t, err, "device_id")
		}
		if s := f.scan(batch[1].Token); s.DeviceID != nil {
			t.Errorf("refused pairing paired the code with %d", *s.DeviceID)
		}
		for _, ch := range []device.CodeChange{pair(0), {Active: ptr(false)}, {PIN: ptr("")}} {
			_, err = f.svc.UpdateCode(f.ctx, f.staff2, batch[1].ID, ch)
			wantNotFound(t, err)
		}
		_, err = f.svc.Code(f.ctx, f.staff2, batch[1].ID)
		wantNotFound(t, err)
		for _, u := range f.customers() {
			_, err = f.svc.UpdateCode(f.ctx, u, batch[1].ID, pair(d.ID))
			wantNotFound(t, err)
			_, err = f.svc.Code(f.ctx, u, batch[1].ID)
			wantNotFound(t, err)
			_, _, err = f.svc.Codes(f.ctx, u, device.CodeFilter{}, 0, 10)
			wantNotFound(t, err)
			_, err = f.svc.Regenerate(f.ctx, u, d.ID)
			wantNotFound(t, err)
		}
	})
}

func TestDisableEnableAndPIN(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		d := f.create(f.staff, in("Pump", "SN-1"))
		c := d.Code

		got := f.updateCode(f.staff, c.ID, device.CodeChange{Active: ptr(false)})
		if got.State() != device.CodeDisabled || got.DeviceID == nil {
			t.Errorf("disabled code %+v", got)
		}
		if s := f.scan(c.Token); s.Active {
			t.Errorf("scan reports a disabled code active")
		}
		got = f.updateCode(f.staff, c.ID, device.CodeChange{Active: ptr(true)})
		if got.State() != device.CodeActive {
			t.Errorf("enabled code %+v", got)
		}

		for _, pin := range []string{"12ab", "123", "123456789", "12 34", "١٢٣٤"} {
			_, err := f.svc.UpdateCode(f.ctx, f.staff, c.ID, device.CodeChange{PIN: ptr(pin)})
			wantFields(t, err, "pin")
		}
		got = f.updateCode(f.staff, c.ID, device.CodeChange{PIN: ptr("2468")})
		if !got.HasPIN() || strings.Contains(got.PINHash, "2468") {
			t.Errorf("PIN set: has %v, hash %q", got.HasPIN(), got.PINHash)
		}
		if err := f.svc.CheckPIN(f.ctx, got, "2468", "192.0.2.1"); err != nil {
			t.Errorf("PIN just set: %v", err)
		}
		got = f.updateCode(f.staff, c.ID, device.CodeChange{PIN: ptr("")})
		if got.HasPIN() {
			t.Errorf("PIN not cleared")
		}
		// Clearing again records nothing.
		f.updateCode(f.staff, c.ID, device.CodeChange{PIN: ptr("")})

		var actions []string
		for _, e := range f.changes(d.ID) {
			actions = append(actions, e.Action)
			if e.CodeID == nil || *e.CodeID != c.ID || e.DeviceID == nil || *e.DeviceID != d.ID {
				t.Errorf("event %+v", e)
			}
		}
		if want := []string{device.ActionDisabled, device.ActionEnabled, device.ActionPINSet, device.ActionPINCleared}; fmt.Sprint(actions) != fmt.Sprint(want) {
			t.Errorf("history %v, want %v", actions, want)
		}

		// One change may do several things.
		batch, err := f.svc.CreateCodes(f.ctx, f.staff, 1)
		if err != nil {
			t.Fatal(err)
		}
		got = f.updateCode(f.staff, batch[0].ID, device.CodeChange{Active: ptr(false), PIN: ptr("0000"), Pair: true, DeviceID: d.ID})
		if got.State() != device.CodeDisabled || !got.HasPIN() || got.DeviceID == nil || *got.DeviceID != d.ID {
			t.Errorf("combined change %+v", got)
		}
		// A refused PIN changes nothing else.
		_, err = f.svc.UpdateCode(f.ctx, f.staff, batch[0].ID, device.CodeChange{Active: ptr(true), PIN: ptr("x")})
		wantFields(t, err, "pin")
		if s := f.scan(batch[0].Token); s.Active {
			t.Errorf("refused change enabled the code")
		}
	})
}

func TestRegenerate(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		d := f.create(f.staff, in("Pump", "SN-1"))
		old := d.Code
		f.clock.Advance(time.Minute)
		code, err := f.svc.Regenerate(f.ctx, f.agent, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if code.Token == old.Token || code.DeviceID == nil || *code.DeviceID != d.ID || code.State() != device.CodeActive {
			t.Fatalf("regenerated code %+v", code)
		}
		_, err = f.svc.Scan(f.ctx, old.Token)
		wantNotFound(t, err)
		if s := f.scan(code.Token); s.Device == nil || s.Device.ID != d.ID {
			t.Errorf("new code resolves to %+v", s.Device)
		}
		if n := f.currentCodes(d.ID); n != 1 {
			t.Errorf("%d current codes", n)
		}
		retired, err := f.svc.Code(f.ctx, f.staff, old.ID)
		if err != nil || retired.State() != device.CodeRetired || retired.RetiredAt == nil || !retired.RetiredAt.Equal(f.clock.Now()) ||
			retired.DeviceID == nil || *retired.DeviceID != d.ID {
			t.Errorf("old code %+v, %v", retired, err)
		}
		list, _, err := f.svc.Codes(f.ctx, f.staff, device.CodeFilter{State: "retired"}, 0, 10)
		if err != nil || len(list) != 1 || list[0].ID != old.ID {
			t.Errorf("retired codes: %d, %v", len(list), err)
		}
		list, _, err = f.svc.Codes(f.ctx, f.staff, device.CodeFilter{DeviceID: d.ID}, 0, 10)
		if err != nil || len(list) != 1 || list[0].ID != code.ID {
			t.Errorf("current codes of the device: %d, %v", len(list), err)
		}
		events := describe(f.changes(d.ID))
		if want := "code_regenerated code " + old.Token + "→" + code.Token; fmt.Sprint(events) != "["+want+"]" {
			t.Errorf("history %q, want %q", events, want)
		}

		// Twice more: still one current code, the others retired.
		for range 2 {
			if _, err := f.svc.Regenerate(f.ctx, f.staff, d.ID); err != nil {
				t.Fatal(err)
			}
		}
		if n, all := f.currentCodes(d.ID), f.count("codes", "device_id = ?", d.ID); n != 1 || all != 4 {
			t.Errorf("%d current of %d codes", n, all)
		}

		// A device whose code was moved away gets a fresh one.
		e := f.create(f.staff, in("Fan", "SN-2"))
		f.updateCode(f.staff, e.Code.ID, pair(0))
		code, err = f.svc.Regenerate(f.ctx, f.staff, e.ID)
		if err != nil || code.DeviceID == nil || *code.DeviceID != e.ID {
			t.Errorf("regenerate without a code: %+v, %v", code, err)
		}
		if s := f.scan(e.Code.Token); s.DeviceID != nil || s.State() != device.CodeActive {
			t.Errorf("the moved code was changed: %+v", s)
		}
		_, err = f.svc.Regenerate(f.ctx, f.staff, 999999)
		wantNotFound(t, err)
	})
}

func TestDeviceHasOneCurrentCode(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		d := f.create(f.staff, in("Pump", "SN-1"))
		st := f.svc.Store()
		// The unique index refuses a second current code.
		_, err := st.CreateCodes(f.ctx, f.provider.ID, 1, &d.ID)
		var conflict *apperr.Conflict
		if !errors.As(err, &conflict) || conflict.Field != "device_id" {
			t.Errorf("inserting a second current code: %v, want a conflict at device_id", err)
		}
		batch, err := st.CreateCodes(f.ctx, f.provider.ID, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := batch[0]
		c.DeviceID = &d.ID
		err = st.UpdateCode(f.ctx, c, "device_id")
		if !errors.As(err, &conflict) || conflict.Field != "device_id" {
			t.Errorf("pairing a second current code: %v, want a conflict at device_id", err)
		}
		if n := f.currentCodes(d.ID); n != 1 {
			t.Errorf("%d current codes", n)
		}
		// Retired codes do not count.
		now := f.clock.Now()
		d.Code.RetiredAt = &now
		if err := st.UpdateCode(f.ctx, d.Code, "retired_at"); err != nil {
			t.Fatal(err)
		}
		if err := st.UpdateCode(f.ctx, c, "device_id"); err != nil {
			t.Errorf("pairing after the old code was retired: %v", err)
		}
	})
}

func TestConcurrentPairingKeepsOneCurrentCode(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		d := f.create(f.staff, in("Pump", "SN-1"))
		batch, err := f.svc.CreateCodes(f.ctx, f.staff, 6)
		if err != nil {
			t.Fatal(err)
		}
		errs := make([]error, len(batch)+2)
		var wg sync.WaitGroup
		for i, c := range batch {
			wg.Go(func() { _, errs[i] = f.svc.UpdateCode(f.ctx, f.staff, c.ID, pair(d.ID)) })
		}
		for i := len(batch); i < len(errs); i++ {
			wg.Go(func() { _, errs[i] = f.svc.Regenerate(f.ctx, f.staff, d.ID) })
		}
		wg.Wait()
		// Some may lose the race (on PostgreSQL); they are conflicts, not 500s.
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if !errors.Is(err, apperr.ErrConflict) {
				t.Errorf("concurrent change failed with %v, want success or a conflict", err)
			}
		}
		if ok == 0 {
			t.Errorf("every concurrent change failed")
		}
		if n := f.currentCodes(d.ID); n != 1 {
			t.Errorf("device has %d current codes after concurrent pairing", n)
		}
		current := f.device(f.staff, d.ID).Code
		if current == nil || f.scan(current.Token).DeviceID == nil {
			t.Fatalf("current code %+v", current)
		}
	})
}

func TestScanUnknownTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		d := f.create(f.staff, in("Pump", "SN-1"))
		for _, tok := range []string{"", "short", device.NewCodeToken(), strings.ToUpper(d.Code.Token), d.Code.Token + "x",
			strings.Repeat("a", 65), d.Code.Token[:21] + "%", d.Code.Token[:21] + "\x00", "\xff\xfe" + d.Code.Token[:20]} {
			if tok == d.Code.Token {
				continue
			}
			_, err := f.svc.Scan(f.ctx, tok)
			wantNotFound(t, err)
		}
	})
}

func TestCheckPIN(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		d := f.create(f.staff, in("Pump", "SN-1"))
		c := f.updateCode(f.staff, d.Code.ID, device.CodeChange{PIN: ptr("2468")})
		const ip, other = "198.51.100.7", "198.51.100.8"

		if err := f.svc.CheckPIN(f.ctx, c, "2468", ip); err != nil {
			t.Fatalf("correct PIN: %v", err)
		}
		for _, wrong := range []string{"1357", "", "24680", "2468 ", strings.Repeat("9", 100)} {
			wantFields(t, f.svc.CheckPIN(f.ctx, c, wrong, ip), "pin")
		}
		// The sixth attempt from the address is refused, even with the right PIN.
		var tooMany *apperr.TooManyRequests
		if err := f.svc.CheckPIN(f.ctx, c, "2468", ip); !errors.As(err, &tooMany) || tooMany.RetryAfter <= 0 {
			t.Fatalf("sixth attempt: %v, want TooManyRequests", err)
		}
		// Another address may still try.
		if err := f.svc.CheckPIN(f.ctx, c, "2468", other); err != nil {
			t.Errorf("another address: %v", err)
		}
		// The window passes.
		f.clock.Advance(device.PINAddressLimit.Window)
		if err := f.svc.CheckPIN(f.ctx, c, "2468", ip); err != nil {
			t.Errorf("after the window: %v", err)
		}
		// A success does not count, but leaves the failures standing.
		for range 4 {
			wantFields(t, f.svc.CheckPIN(f.ctx, c, "0000", ip), "pin")
		}
		for range 3 {
			if err := f.svc.CheckPIN(f.ctx, c, "2468", ip); err != nil {
				t.Fatal(err)
			}
		}
		wantFields(t, f.svc.CheckPIN(f.ctx, c, "0000", ip), "pin")
		if err := f.svc.CheckPIN(f.ctx, c, "2468", ip); !errors.As(err, &tooMany) {
			t.Errorf("after 4+1 failures with successes between: %v, want TooManyRequests", err)
		}
		// Another code is counted on its own.
		e := f.create(f.staff, in("Fan", "SN-2"))
		ec := f.updateCode(f.staff, e.Code.ID, device.CodeChange{PIN: ptr("1111")})
		if err := f.svc.CheckPIN(f.ctx, ec, "1111", ip); err != nil {
			t.Errorf("another code: %v", err)
		}
		// A code without a PIN accepts none.
		g := f.create(f.staff, in("Gate", "SN-3"))
		wantFields(t, f.svc.CheckPIN(f.ctx, g.Code, "", ip), "pin")
	})
}

// The hostile test's burst: 100 parallel wrong PINs and the right one from
// one address. At most the limit of wrong PINs is evaluated, and then the
// right PIN is refused.
func TestCheckPINBurst(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		d := f.create(f.staff, in("Pump", "SN-1"))
		c := f.updateCode(f.staff, d.Code.ID, device.CodeChange{PIN: ptr("2468")})
		const ip = "198.51.100.9"
		var wg sync.WaitGroup
		var mu sync.Mutex
		wrong, refused := 0, 0
		start := make(chan struct{})
		try := func(pin string) {
			<-start
			err := f.svc.CheckPIN(f.ctx, c, pin, ip)
			var tooMany *apperr.TooManyRequests
			var invalid *apperr.ValidationError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
			case errors.As(err, &tooMany):
				refused++
			case errors.As(err, &invalid):
				wrong++
			default:
				t.Errorf("CheckPIN: %v", err)
			}
		}
		for i := range 100 {
			wg.Go(func() { try(fmt.Sprintf("%04d", 3000+i)) })
		}
		wg.Go(func() { try("2468") })
		close(start)
		wg.Wait()
		t.Logf("burst of 101 PINs: %d wrong evaluated, %d refused", wrong, refused)
		if wrong > device.PINAddressLimit.Max {
			t.Errorf("%d wrong PINs of the burst evaluated, limit %d", wrong, device.PINAddressLimit.Max)
		}
		var tooMany *apperr.TooManyRequests
		if err := f.svc.CheckPIN(f.ctx, c, "2468", ip); !errors.As(err, &tooMany) {
			t.Errorf("right PIN after the burst: %v, want TooManyRequests", err)
		}
	})
}

func TestCheckPINLimitPerCode(t *testing.T) {
	eachDB(t, func(t *testing.T, f *fixture) {
		d := f.create(f.staff, in("Pump", "SN-1"))
		c := f.updateCode(f.staff, d.Code.ID, device.CodeChange{PIN: ptr("2468")})
		for i := range device.PINCodeLimit.Max {
			wantFields(t, f.svc.CheckPIN(f.ctx, c, "0000", fmt.Sprintf("203.0.113.%d", i)), "pin")
		}
		var tooMany *apperr.TooManyRequests
		if err := f.svc.CheckPIN(f.ctx, c, "2468", "192.0.2.99"); !errors.As(err, &tooMany) {
			t.Errorf("after %d failures from many addresses: %v, want TooManyRequests", device.PINCodeLimit.Max, err)
		}
	})
}
