// Package static serves the stylesheet, scripts and images, embedded in the
// binary. URLs carry a content hash so they can be cached for a year.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

//go:embed css img js
var FS embed.FS

var hashes = func() map[string]string {
	m := map[string]string{}
	_ = fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := FS.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		m[path] = hex.EncodeToString(sum[:6])
		return nil
	})
	return m
}()

// URL returns the public URL of an embedded file, fingerprinted with its
// content hash. It panics for a missing file, so a typo fails at the first
// render in tests rather than as a broken page.
func URL(name string) string {
	h, ok := hashes[name]
	if !ok {
		panic("static: no file " + name)
	}
	return "/static/" + name + "?v=" + h
}
