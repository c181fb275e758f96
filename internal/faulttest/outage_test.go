package faulttest_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dossier/internal/faulttest"
)

// TestObjectStoreOutage stops the object store under a running service
// (SPEC §15): uploads and downloads answer 503 with Retry-After and say
// why, /readyz turns 503, nothing is half-written, and once the store is
// back everything works again without a restart of the service.
func TestObjectStoreOutage(t *testing.T) {
	store := faulttest.StartMinIO(t)
	dir := t.TempDir()
	s := stack{name: "sqlite+minio", bin: faulttest.Binary(t), vars: map[string]string{
		"DOSSIER_DATA_DIR": dir, "DOSSIER_DATABASE_URL": "sqlite://" + filepath.Join(dir, "dossier.db"),
		"DOSSIER_BLOB_URL": store.BlobURL("outage"), "DOSSIER_SEARCH_URL": "db",
	}}
	if code, out := faulttest.Run(t, s.bin, s.vars, "user", "add", "--username", "admin", "--password", adminPassword, "--roles", "admin"); code != 0 {
		t.Fatalf("user add: %d: %s", code, out)
	}
	srv := faulttest.Serve(t, s.bin, s.vars)
	admin := faulttest.SignIn(t, srv.URL, "admin", adminPassword)
	ctx := context.Background()
	upload := func(number string) faulttest.Answer {
		a, err := admin.Upload(ctx, "note.txt", []byte("outage test "+number+"\n"), `{"kind":"other","title":"Outage `+number+`","number":"`+number+`"}`)
		if err != nil {
			t.Fatalf("upload %s: %v", number, err)
		}
		return a
	}
	var before faulttest.Document
	if a := upload("before"); a.Status != http.StatusCreated || a.JSON(&before) != nil {
		t.Fatalf("upload before the outage: %v", a)
	}

	cycles := 1
	if faulttest.Soak() {
		cycles = 5
	}
	for cycle := range cycles {
		store.Stop()
		outage := []struct {
			name string
			send func() (faulttest.Answer, error)
		}{
			{"upload", func() (faulttest.Answer, error) { return upload("during"), nil }},
			{"download", func() (faulttest.Answer, error) {
				return admin.Do(ctx, http.MethodGet, "/api/v1/documents/"+before.ID+"/content", nil)
			}},
			{"readyz", func() (faulttest.Answer, error) { return admin.Do(ctx, http.MethodGet, "/readyz", nil) }},
		}
		for _, o := range outage {
			a, err := o.send()
			if err != nil {
				t.Fatalf("%s during the outage: %v", o.name, err)
			}
			if a.Status != http.StatusServiceUnavailable || !strings.HasPrefix(a.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s during the outage: %v, want a 503 problem", o.name, a)
			}
			if a.Header.Get("Retry-After") == "" {
				t.Errorf("%s during the outage: no Retry-After", o.name)
			}
			if o.name != "readyz" && !bytes.Contains(a.Body, []byte("object store")) {
				t.Errorf("%s during the outage: the detail does not name the object store: %s", o.name, a.Body)
			}
		}
		if docs := admin.Documents(t); len(docs) != 1+cycle {
			t.Errorf("during outage %d, %d documents are listed, want the %d uploaded before", cycle+1, len(docs), 1+cycle)
		}

		store.Start()
		deadline := time.Now().Add(60 * time.Second)
		for {
			a, err := admin.Do(ctx, http.MethodGet, "/readyz", nil)
			if err == nil && a.Status == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("/readyz is not 200 within 60 s of the store's return: %v %v", a, err)
			}
			time.Sleep(100 * time.Millisecond) // polling the service's own recovery
		}
		var after faulttest.Document
		if a := upload(fmt.Sprintf("after%d", cycle)); a.Status != http.StatusCreated || a.JSON(&after) != nil {
			t.Fatalf("upload after the outage: %v", a)
		}
		for _, d := range []faulttest.Document{before, after} {
			a, err := admin.Do(ctx, http.MethodGet, "/api/v1/documents/"+d.ID+"/content", nil)
			if err != nil || a.Status != http.StatusOK || d.File.Size != int64(len(a.Body)) {
				t.Errorf("download of %s after the outage: %v %v", d.ID, a, err)
			}
		}
	}
	// A download that failed is no download: only those after are audited.
	var audit struct {
		Items []struct {
			Action string `json:"action"`
		} `json:"items"`
	}
	admin.Get(t, "/api/v1/audit?document_id="+url.QueryEscape(before.ID), &audit)
	downloads := 0
	for _, e := range audit.Items {
		if e.Action == "document.download" {
			downloads++
		}
	}
	if downloads != cycles {
		t.Errorf("%d downloads of %s are audited, want the %d that happened", downloads, before.ID, cycles)
	}
	if code := srv.Term(); code != 0 {
		t.Errorf("dossier serve exited with %d", code)
	}
	srv.RequireCleanLog(t)
	s.requireClean(t)
}
