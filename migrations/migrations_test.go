package migrations

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"sort"
	"testing"
)

// released holds the SHA-256 of every migration file that has been
// released. A released migration has run on databases we do not control:
// changing it would leave them with a schema the code no longer describes,
// and deleting it would make the migrator forget it ran. Fixes go into a new
// migration.
//
// To release a new migration, add its files here with the line the test
// logs for them (go test -v ./migrations).
var released = map[string]string{
	"20261123000001_foundation.tx.down.sql":                 "91b255796aceb5699d02c70dfd25c817d713452ee737d6856133015a9d94213a",
	"20261123000001_foundation.tx.up.sql":                   "42a45aa63fa4023f6f2850af83991afb4bccba1829c3da0717ba114751347ba9",
	"20261124000001_customers_invitations_mail.tx.down.sql": "22231fd38e959a4bea62ce182cb90013f324eb65ce323053870f5ddd0e3563dd",
	"20261124000001_customers_invitations_mail.tx.up.sql":   "69ae2000abfe44a3492b276d72834ccffb51786953bee93ef433e9537270989c",
	"20261125000001_devices_codes.tx.down.sql":              "988fee4cc728aa8435ca68ca971d7539e2dcb003abde0d716bd0b05ab188e95a",
	"20261125000001_devices_codes.tx.up.sql":                "40d44f076ed3a962f69b19d4df77c129f5d1e00c228070c096dd1808ffbbd1a9",
	"20261126000001_tickets.tx.down.sql":                    "da961c7653f6281a4e69dfbbb1ac0077f3c736a07ea56284a0b2087dc4bc86c1",
	"20261126000001_tickets.tx.up.sql":                      "8f00a30943470c59ba2fb24faf2069098b90e53d525c5a9f103e18e510548208",
	"20261127000001_ticket_standard_fields.tx.down.sql":     "389166714470577c9fe76b7acc7f6a87cdf5ef252aee1411af85f280178f7965",
	"20261127000001_ticket_standard_fields.tx.up.sql":       "90bfed007593bb0d55ff23e87f9327429a89e1c0c14fba5bcc27563ced87d2fc",
	"20261204000001_events.tx.down.sql":                     "afdc5c9ace949b1f0a6606cb1863a6e89555a17ea5d5fe4fce6fa5b6eacb1a70",
	"20261204000001_events.tx.up.sql":                       "107d14bc7967f6e49e57f1ee8b958193c965e3a27c4230a966ea6ae377f21068",
	"20261204000002_customer_counts.tx.down.sql":            "f9585a8741bf4a8a81411c6250a65ff62c142eb6ceda5e5f75f3d8dbcb6b8a56",
	"20261204000002_customer_counts.tx.up.sql":              "8bdcf84121610b353139f21af40a51cc579f7abf04f3c952428925164b47ab79",
	"20261204000003_device_search.tx.down.sql":              "ddf667c3da780dd00098a49d2db73faadf2705a02f54b77064df5bd07942cc25",
	"20261204000003_device_search.tx.up.sql":                "5b2cb74a9096b71dca235a2c50c83672b7802499d0b0cbab95f4f459b13f766a",
	"20261204000004_search_permission.tx.down.sql":          "19b7d514c082d4eb103d62e9d71251d316845a4681383e60960b5d1db3145b51",
	"20261204000004_search_permission.tx.up.sql":            "00e6f5937925c884eced6c0a9da15ffb889032d34c14f0628ead2ac1c01b6445",
}

// sums reads the SHA-256 of every embedded migration file.
func sums(t *testing.T) map[string]string {
	t.Helper()
	names, err := fs.Glob(files, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		out[name] = hex.EncodeToString(sum[:])
	}
	return out
}

// Released migrations are append-only: each is still there, byte for byte.
func TestReleasedMigrationsUnchanged(t *testing.T) {
	have := sums(t)
	for name, want := range released {
		got, ok := have[name]
		switch {
		case !ok:
			t.Errorf("released migration %s is gone: released migrations are append-only; restore it "+
				"and undo its effect in a new migration instead", name)
		case got != want:
			t.Errorf("released migration %s changed (sha256 %s, released as %s): released migrations are "+
				"append-only; restore it (git checkout) and add a new migration with the change instead", name, got, want)
		}
	}
}

// New migrations come after every released one, so that a database which
// ran the released ones runs the new ones next, in the same order as a fresh
// database does.
func TestNewMigrationsComeLast(t *testing.T) {
	var last string
	for name := range released {
		last = max(last, name)
	}
	var fresh []string
	for name := range sums(t) {
		if _, ok := released[name]; !ok {
			fresh = append(fresh, name)
		}
	}
	sort.Strings(fresh)
	have := sums(t)
	for _, name := range fresh {
		if name < last {
			t.Errorf("new migration %s sorts before the released %s: name it with a later version so that "+
				"existing databases run it in the same order as new ones", name, last)
		}
		t.Logf("unreleased migration %s; once it is released, register it in released (migrations_test.go):\n\t%q: %q,",
			name, name, have[name])
	}
}
