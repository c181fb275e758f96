package meili

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"dossier/internal/search"
	"dossier/internal/search/searchtest"
)

// TestConformance runs the search suite against a real Meilisearch, each
// index under its own name and deleted afterwards. No Meilisearch server can
// be obtained on the development and CI machines (SPEC §10), so unlike the
// other backends the suite is skipped when the server is not given, even
// under CI: that is the documented exception.
func TestConformance(t *testing.T) {
	raw := os.Getenv("DOSSIER_TEST_MEILI_URL")
	if raw == "" {
		t.Skip("DOSSIER_TEST_MEILI_URL is not set: the Meilisearch suite needs a real server")
	}
	base, err := ParseURL(raw)
	if err != nil {
		t.Fatalf("DOSSIER_TEST_MEILI_URL: %v", err)
	}
	searchtest.Run(t, func(t *testing.T) search.Index { return newTestIndex(t, base) })
	searchtest.RunReplicas(t, func(t *testing.T) (search.Index, search.Index) {
		a := newTestIndex(t, base)
		c := base
		c.Index = a.uid
		b, err := New(t.Context(), c)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return a, b
	})
}

// newTestIndex creates an index with a fresh name and deletes it when the
// test ends.
func newTestIndex(t *testing.T, c Config) *Index {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	c.Index = "dossier_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	ix, err := New(ctx, c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		task, err := ix.client.DeleteIndexWithContext(ctx, c.Index)
		if err == nil {
			_, err = ix.client.WaitForTaskWithContext(ctx, task.TaskUID, 20*time.Millisecond)
		}
		if err != nil {
			t.Errorf("delete index %s: %v", c.Index, err)
		}
	})
	return ix
}

func TestParseURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw  string
		want Config
		bad  bool
	}{
		{raw: "meili://localhost:7700?key=secret&index=docs", want: Config{Host: "http://localhost:7700", Key: "secret", Index: "docs"}},
		{raw: "meili://meili:7700", want: Config{Host: "http://meili:7700", Index: "documents"}},
		{raw: "meili://meili:7700/", want: Config{Host: "http://meili:7700", Index: "documents"}},
		{raw: "meili://search.example.com?secure=true&key=a%2Bb%26c", want: Config{Host: "https://search.example.com", Key: "a+b&c", Index: "documents"}},
		{raw: "meili://10.0.0.5:7700?secure=false&index=dossier_prod-2", want: Config{Host: "http://10.0.0.5:7700", Index: "dossier_prod-2"}},
		{raw: "meili://[::1]:7700?index=x", want: Config{Host: "http://[::1]:7700", Index: "x"}},
		{raw: "meili://meili:7700?locales=zho,jpn,kor,eng,es", want: Config{Host: "http://meili:7700", Index: "documents",
			Locales: []string{"zho", "jpn", "kor", "eng", "es"}}},
		{raw: "meili://localhost:7700?locales=", want: Config{Host: "http://localhost:7700", Index: "documents"}},
		{raw: "meili://localhost:7700?locales=zho,,eng", bad: true},
		{raw: "meili://localhost:7700?locales=Chinese", bad: true},
		{raw: "http://localhost:7700", bad: true},
		{raw: "meili://", bad: true},
		{raw: "meili:///documents", bad: true},
		{raw: "meili://localhost:7700/indexes/documents", bad: true},
		{raw: "meili://user:pw@localhost:7700", bad: true},
		{raw: "meili://localhost:7700?secure=yes", bad: true},
		{raw: "meili://localhost:7700?index=no%20spaces", bad: true},
		{raw: "meili://localhost:7700?index=a/b", bad: true},
		{raw: "meili://localhost:7700?indx=typo", bad: true},
		{raw: "meili://localhost:7700?key=a&key=b", bad: true},
		{raw: "meili://localhost:7700?key=%zz", bad: true},
		{raw: "::not a url", bad: true},
	} {
		got, err := ParseURL(tc.raw)
		switch {
		case tc.bad && err == nil:
			t.Errorf("ParseURL(%q) = %+v, want an error", tc.raw, got)
		case !tc.bad && err != nil:
			t.Errorf("ParseURL(%q): %v", tc.raw, err)
		case !tc.bad && !reflect.DeepEqual(got, tc.want):
			t.Errorf("ParseURL(%q) = %+v, want %+v", tc.raw, got, tc.want)
		}
	}
}

// The key never appears in ParseURL's errors, which end up in logs.
func TestParseURLHidesKey(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"meili://h:7700/x?key=s3cr3t", "meili://h:7700?key=s3cr3t&bogus=1", "http://h?key=s3cr3t",
		"meili://h:7700?key=s3cr3t&secure=maybe", "meili ://h?key=s3cr3t",
	} {
		if _, err := ParseURL(raw); err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("ParseURL(%q): error %v shows the key", raw, err)
		}
	}
}
