// Package swifttest finds the published SWIFT messages that the tests of
// the parser and of the LC intake read: they live beside the repository, in
// shared/testdata/mt700 next to it or next to one of its parents.
package swifttest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the directory of the shared samples; with CI=true their
// absence fails the test, otherwise it skips.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, ok := Find()
	if !ok && os.Getenv("CI") == "true" {
		tb.Fatal("shared/testdata/mt700 not found beside any parent of the package directory")
	}
	if !ok {
		tb.Skip("shared/testdata/mt700 not found beside any parent of the package directory")
	}
	return dir
}

// Find walks up from the package directory to the samples.
func Find() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		cand := filepath.Join(dir, "shared", "testdata", "mt700")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Sample returns the text of the shared sample name.
func Sample(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(tb), name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
