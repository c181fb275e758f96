package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/blob"
	"dossier/internal/config"
	"dossier/internal/dossier"
	"dossier/internal/pdf/pdftest"
)

// forEachBackend runs fn as a parallel subtest per backend of
// apptest.Backends; each gets a service of its own, so the tests using it run
// in parallel too.
func forEachBackend(t *testing.T, fn func(t *testing.T, b apptest.Backend)) {
	t.Helper()
	t.Parallel()
	for _, b := range apptest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, b)
		})
	}
}

// bundle is what most tests need: a running service and a signed-in admin.
type bundle struct {
	*apptest.Server
	adminUser dossier.User
	admin     string // the admin's token
}

// setup starts a fresh service on b (opts adjust its configuration) with an
// admin named "admin" signed in.
func setup(t *testing.T, b apptest.Backend, opts ...func(*config.Config)) *bundle {
	t.Helper()
	c := b.Config(t)
	for _, o := range opts {
		o(&c)
	}
	s := apptest.Start(t, c)
	newContract(t).serve(t, s)
	u := s.AddUser(t, "admin", []dossier.Role{dossier.RoleAdmin}, 0)
	return &bundle{Server: s, adminUser: u, admin: s.SignIn(t, "admin")}
}

// document is a document as the API returns it.
type document struct {
	dossier.Document
	AllowedEvents []string `json:"allowed_events"`
}

// poMetadata returns valid purchase-order metadata as JSON; overrides replace
// members (a nil value removes one).
func poMetadata(t *testing.T, overrides map[string]any) string {
	t.Helper()
	m := map[string]any{
		"kind": "purchase_order", "subtype": "serial", "title": "PO 4500012345 brake discs",
		"number": "4500012345", "customer": "ACME Automotive", "amount": "12500.00", "currency": "EUR",
		"dates":         map[string]string{"issue_date": "2026-01-15", "due_date": "2026-03-31"},
		"product_codes": []map[string]string{{"gpn": "GPN-1001", "lpn": "LPN-77"}},
		"tags":          []string{"brakes"},
		"fields":        map[string]any{"incoterm": "FCA"},
	}
	for k, v := range overrides {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// pdfOf returns a small valid PDF whose bytes differ with label.
func pdfOf(t *testing.T, pages int, label string) []byte {
	t.Helper()
	return pdftest.Make(t, pages, "Purchase order "+label+"\nDelivery FCA Wolfsburg")
}

// upload posts content with metadata as the admin and requires 201.
func (b *bundle) upload(t *testing.T, filename string, content []byte, metadata string) document {
	t.Helper()
	resp := b.Upload(t, b.admin, filename, content, metadata)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload %s: status %d: %s", filename, resp.StatusCode, b.Body(t, resp))
	}
	var d document
	b.JSON(t, resp, &d)
	return d
}

// newPO uploads a purchase order with a PDF of its own and the given overrides.
func (b *bundle) newPO(t *testing.T, overrides map[string]any) document {
	t.Helper()
	return b.upload(t, "po.pdf", pdfOf(t, 1, fmt.Sprint(overrides)), poMetadata(t, overrides))
}

// getJSON GETs path as token, requires status 200 and decodes into v.
func (b *bundle) getJSON(t *testing.T, token, path string, v any) *http.Response {
	t.Helper()
	resp := b.Do(t, http.MethodGet, path, token, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, b.Body(t, resp))
	}
	b.JSON(t, resp, v)
	return resp
}

// stagedBlobs returns the temporary keys left in the blob store.
func (b *bundle) stagedBlobs(t *testing.T) []string {
	t.Helper()
	var keys []string
	err := b.App.Blobs.Walk(t.Context(), func(e blob.Entry) error {
		if e.TempKey != "" {
			keys = append(keys, e.TempKey)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk blobs: %v", err)
	}
	return keys
}

// documentCount returns how many documents the list shows the admin.
func (b *bundle) documentCount(t *testing.T) int {
	t.Helper()
	var page struct {
		Items      []document `json:"items"`
		NextCursor string     `json:"next_cursor"`
	}
	b.getJSON(t, b.admin, "/api/v1/documents?limit=200", &page)
	return len(page.Items)
}
