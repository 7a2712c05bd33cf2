package views_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The generated *_templ.go files are committed so that `go run` needs no
// generator. This test regenerates them in a scratch directory with the
// templ version pinned in go.mod and fails when a committed file differs:
// run `make generate` and commit the result.
func TestGeneratedCodeIsFresh(t *testing.T) {
	sources, err := filepath.Glob("*.templ")
	if err != nil || len(sources) == 0 {
		t.Fatalf("no .templ files: %v", err)
	}
	tmp := t.TempDir()
	for _, src := range sources {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, src), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "tool", "templ", "generate", "-path", tmp)
	cmd.Dir = ".." // the module root, where go.mod pins the tool
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("templ generate: %v\n%s", err, out)
	}
	for _, src := range sources {
		gen := strings.TrimSuffix(src, ".templ") + "_templ.go"
		want, err := os.ReadFile(filepath.Join(tmp, gen))
		if err != nil {
			t.Fatalf("templ made no %s: %v", gen, err)
		}
		got, err := os.ReadFile(gen)
		if err != nil {
			t.Errorf("%s is missing: run make generate", gen)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run make generate and commit it", gen)
		}
	}
	// No generated file may outlive its source.
	generated, _ := filepath.Glob("*_templ.go")
	for _, g := range generated {
		if _, err := os.Stat(strings.TrimSuffix(g, "_templ.go") + ".templ"); err != nil {
			t.Errorf("%s has no .templ source", g)
		}
	}
}
