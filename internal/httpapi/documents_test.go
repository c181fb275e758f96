package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

// TestUploadAndDownload is the "done means" flow of an upload: the document
// as created, its bytes, a byte range and the document's ETag.
func TestUploadAndDownload(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		content := pdfOf(t, 3, "flow")
		sum := sha256.Sum256(content)
		wantSHA := hex.EncodeToString(sum[:])

		resp := b.Upload(t, b.admin, "PO 4500012345.pdf", content, poMetadata(t, nil))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("upload: status %d: %s", resp.StatusCode, b.Body(t, resp))
		}
		raw := b.Body(t, resp)
		var d document
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
		checks := []struct {
			name      string
			got, want any
		}{
			{"kind", d.Kind, dossier.KindPurchaseOrder},
			{"subtype", d.Subtype, "serial"},
			{"state", d.State, "received"},
			{"version", d.Version, 1},
			{"amount", d.Amount, "12500.00"},
			{"currency", d.Currency, "EUR"},
			{"created_by", d.CreatedBy, b.adminUser.ID},
			{"file.version", d.File.Version, 1},
			{"file.page_count", d.File.PageCount, 3},
			{"file.sha256", d.File.SHA256, wantSHA},
			{"file.size", d.File.Size, int64(len(content))},
			{"file.media_type", d.File.MediaType, "application/pdf"},
			{"file.filename", d.File.Filename, "PO 4500012345.pdf"},
			// The admin who uploaded may submit it (workflows/purchase_order.yaml).
			{"allowed_events", fmt.Sprint(d.AllowedEvents), "[submit]"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
			}
		}
		var members map[string]json.RawMessage
		if err := json.Unmarshal(raw, &members); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"id", "kind", "subtype", "title", "number", "customer", "amount", "currency",
			"dates", "fields", "tags", "state", "version", "created_by", "created_at", "updated_at", "file",
			"legal_hold", "archived_at"} {
			if _, ok := members[k]; !ok {
				t.Errorf("the document has no member %q (SPEC §11): %s", k, raw)
			}
		}

		path := "/api/v1/documents/" + d.ID
		resp = b.Do(t, http.MethodGet, path+"/content", b.admin, nil)
		if got := b.Body(t, resp); resp.StatusCode != http.StatusOK || !bytes.Equal(got, content) {
			t.Fatalf("GET content: status %d, %d bytes, want 200 and the %d uploaded bytes", resp.StatusCode, len(got), len(content))
		}
		if got, want := resp.Header.Get("ETag"), `"`+wantSHA+`"`; got != want {
			t.Errorf("content ETag = %s, want %s", got, want)
		}
		if got := resp.Header.Get("Content-Type"); got != "application/pdf" {
			t.Errorf("content Content-Type = %q, want application/pdf", got)
		}

		resp = b.Do(t, http.MethodGet, path+"/content", b.admin, nil, "Range", "bytes=10-99")
		if got := b.Body(t, resp); resp.StatusCode != http.StatusPartialContent || !bytes.Equal(got, content[10:100]) {
			t.Errorf("Range bytes=10-99: status %d, %d bytes, want 206 and bytes 10..99", resp.StatusCode, len(got))
		}
		if got, want := resp.Header.Get("Content-Range"), fmt.Sprintf("bytes 10-99/%d", len(content)); got != want {
			t.Errorf("Content-Range = %q, want %q", got, want)
		}

		resp = b.Do(t, http.MethodGet, path+"/content", b.admin, nil, "Range", fmt.Sprintf("bytes=%d-", len(content)+10))
		if p := b.RequireProblem(t, resp, http.StatusRequestedRangeNotSatisfiable); !strings.Contains(p.Detail, "Range") ||
			resp.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(content)) {
			t.Errorf("unsatisfiable Range: detail %q, Content-Range %q", p.Detail, resp.Header.Get("Content-Range"))
		}
		resp = b.Do(t, http.MethodHead, path+"/content", b.admin, nil)
		if body := b.Body(t, resp); resp.StatusCode != http.StatusOK || len(body) != 0 ||
			resp.Header.Get("ETag") != `"`+wantSHA+`"` || resp.ContentLength != int64(len(content)) {
			t.Errorf("HEAD content: status %d, %d body bytes, ETag %s, length %d", resp.StatusCode, len(body), resp.Header.Get("ETag"), resp.ContentLength)
		}
		// A file that is not a PDF never gets a stamped rendition, and says so.
		text := b.upload(t, "note.txt", []byte("a plain note\n"), poMetadata(t, map[string]any{"number": "TXT-1"}))
		if p := b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/documents/"+text.ID+"/content?rendition=stamped", b.admin, nil),
			http.StatusNotFound); !strings.Contains(p.Detail, "only PDFs") {
			t.Errorf("stamped rendition of a text file: %q", p.Detail)
		}

		resp = b.Do(t, http.MethodGet, path+"/content", b.admin, nil, "If-None-Match", `"`+wantSHA+`"`)
		if b.Body(t, resp); resp.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match with the content ETag: status %d, want 304", resp.StatusCode)
		}

		var got document
		resp = b.getJSON(t, b.admin, path, &got)
		if etag := resp.Header.Get("ETag"); etag != `"1"` {
			t.Errorf(`document ETag = %s, want "1"`, etag)
		}
		if got.ID != d.ID || got.File.SHA256 != wantSHA || got.Title != d.Title || got.AllowedEvents == nil {
			t.Errorf("GET document = %+v, want the uploaded one %+v", got, d)
		}

		// A reviewer has nothing to do on a received PO: an empty list, not null.
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		var asReviewer document
		b.getJSON(t, b.SignIn(t, "rita"), path, &asReviewer)
		if asReviewer.AllowedEvents == nil || len(asReviewer.AllowedEvents) != 0 {
			t.Errorf("allowed_events for a reviewer = %#v, want []", asReviewer.AllowedEvents)
		}

		b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/documents/01J0000000000000000000NONE", b.admin, nil), http.StatusNotFound)
		b.RequireProblem(t, b.Do(t, http.MethodGet, path+"/content?version=9", b.admin, nil), http.StatusNotFound)
	})
}

// listPage is one page of GET /api/v1/documents.
type listPage struct {
	Items      []document `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

func TestListPagination(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		var uploaded []string
		for i := range 5 {
			uploaded = append(uploaded, b.newPO(t, map[string]any{"number": fmt.Sprint(4500000000 + i)}).ID)
		}
		newestFirst := slices.Clone(uploaded)
		slices.Reverse(newestFirst)
		for _, tc := range []struct{ limit, pages int }{{1, 5}, {2, 3}, {3, 2}, {5, 1}, {200, 1}} {
			t.Run(fmt.Sprintf("limit=%d", tc.limit), func(t *testing.T) {
				var seen []string
				cursor, pages := "", 0
				for {
					q := url.Values{"limit": {fmt.Sprint(tc.limit)}}
					if cursor != "" {
						q.Set("cursor", cursor)
					}
					var page listPage
					b.getJSON(t, b.admin, "/api/v1/documents?"+q.Encode(), &page)
					pages++
					if len(page.Items) == 0 || len(page.Items) > tc.limit {
						t.Fatalf("page %d has %d items, want 1..%d", pages, len(page.Items), tc.limit)
					}
					for _, d := range page.Items {
						seen = append(seen, d.ID)
					}
					if page.NextCursor == "" {
						break
					}
					if pages > 10 {
						t.Fatalf("more than 10 pages for 5 documents: the cursor does not advance (%q)", page.NextCursor)
					}
					cursor = page.NextCursor
				}
				if !slices.Equal(seen, newestFirst) {
					t.Errorf("pages gave %v, want each document once, newest first: %v", seen, newestFirst)
				}
				if pages != tc.pages {
					t.Errorf("%d pages, want %d", pages, tc.pages)
				}
			})
		}
		for _, bad := range []string{"limit=0", "limit=201", "limit=two", "kind=invoice"} {
			b.RequireProblem(t, b.Do(t, http.MethodGet, "/api/v1/documents?"+bad, b.admin, nil), http.StatusBadRequest)
		}
	})
}

func TestListFilters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		po := b.newPO(t, map[string]any{"customer": "ACME"})
		contract := b.newPO(t, map[string]any{"kind": "contract", "subtype": nil, "customer": "Globex"})
		framework := b.newPO(t, map[string]any{"kind": "framework_agreement", "subtype": nil, "customer": "ACME"})
		for _, tc := range []struct {
			query string
			want  []string // newest first
		}{
			{"", []string{framework.ID, contract.ID, po.ID}},
			{"kind=purchase_order", []string{po.ID}},
			{"kind=contract", []string{contract.ID}},
			{"state=received", []string{contract.ID, po.ID}},
			{"state=draft", []string{framework.ID}},
			{"state=archived", nil},
			{"customer=ACME", []string{framework.ID, po.ID}},
			{"customer=Globex", []string{contract.ID}},
			{"customer=Nobody", nil},
			{"kind=purchase_order&customer=Globex", nil},
			{"kind=framework_agreement&state=draft&customer=ACME", []string{framework.ID}},
		} {
			t.Run(tc.query, func(t *testing.T) {
				var page listPage
				b.getJSON(t, b.admin, "/api/v1/documents?"+tc.query, &page)
				var got []string
				for _, d := range page.Items {
					got = append(got, d.ID)
				}
				if !slices.Equal(got, tc.want) || page.Items == nil {
					t.Errorf("?%s gave %v (items nil: %t), want %v", tc.query, got, page.Items == nil, tc.want)
				}
			})
		}
	})
}

func TestPatchDocument(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		d := b.newPO(t, nil)
		path := "/api/v1/documents/" + d.ID
		patch := func(ifMatch, body string) *http.Response {
			h := []string{"Content-Type", "application/merge-patch+json"}
			if ifMatch != "" {
				h = append(h, "If-Match", ifMatch)
			}
			return b.Do(t, http.MethodPatch, path, b.admin, strings.NewReader(body), h...)
		}

		resp := patch(`"1"`, `{"title":"PO 4500012345 rev. B","tags":["brakes","urgent"]}`)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("PATCH If-Match \"1\": status %d: %s", resp.StatusCode, b.Body(t, resp))
		}
		if etag := resp.Header.Get("ETag"); etag != `"2"` {
			t.Errorf(`ETag after PATCH = %s, want "2"`, etag)
		}
		var patched document
		b.JSON(t, resp, &patched)
		if patched.Version != 2 || patched.Title != "PO 4500012345 rev. B" || !slices.Equal(patched.Tags, []string{"brakes", "urgent"}) ||
			patched.Number != d.Number || patched.Amount != d.Amount || patched.File.SHA256 != d.File.SHA256 {
			t.Errorf("PATCH gave %+v: want version 2, the new title and tags, everything else unchanged", patched)
		}
		var got document
		if resp := b.getJSON(t, b.admin, path, &got); resp.Header.Get("ETag") != `"2"` || got.Title != patched.Title {
			t.Errorf("GET after PATCH: ETag %s title %q, want \"2\" and the new title", resp.Header.Get("ETag"), got.Title)
		}

		b.RequireProblem(t, patch(`"1"`, `{"title":"stale edit"}`), http.StatusPreconditionFailed)
		b.RequireProblem(t, patch("", `{"title":"no If-Match"}`), http.StatusPreconditionRequired)
		for _, tc := range []struct {
			body   string
			status int
		}{
			{`{"state":"approved"}`, http.StatusUnprocessableEntity},
			{`{"kind":"contract"}`, http.StatusUnprocessableEntity},
			{`{"version":7}`, http.StatusUnprocessableEntity},
			{`{"id":"X"}`, http.StatusUnprocessableEntity},
			{`{"created_by":"X"}`, http.StatusUnprocessableEntity},
			{`{"file":{"sha256":"00"}}`, http.StatusUnprocessableEntity},
			{`{"amount":"12,50"}`, http.StatusUnprocessableEntity},
			{`{"currency":"XXY"}`, http.StatusUnprocessableEntity},
			{`{"title":null}`, http.StatusUnprocessableEntity},
			{`{"subtype":"sight"}`, http.StatusUnprocessableEntity},
			{`{"dates":{"due_date":"2026-02-30"}}`, http.StatusUnprocessableEntity},
			{`{"tags":"urgent"}`, http.StatusUnprocessableEntity},
			{`{"fields":"x"}`, http.StatusBadRequest},
			{`not json`, http.StatusBadRequest},
			{`["title"]`, http.StatusBadRequest},
			{`{"title":"` + strings.Repeat("x", 2<<20) + `"}`, http.StatusRequestEntityTooLarge},
		} {
			p := b.RequireProblem(t, patch(`"2"`, tc.body), tc.status)
			if tc.status == http.StatusUnprocessableEntity && strings.HasPrefix(tc.body, `{"`) {
				member := strings.SplitN(tc.body[2:], `"`, 2)[0]
				if !strings.Contains(p.Detail, member) {
					t.Errorf("PATCH %s: detail %q does not name %s", tc.body, p.Detail, member)
				}
			}
		}
		b.RequireProblem(t, b.Do(t, http.MethodPatch, path, b.admin, strings.NewReader(`{"title":"x"}`),
			"If-Match", `"2"`, "Content-Type", "text/plain"), http.StatusUnsupportedMediaType)
		b.RequireProblem(t, b.Do(t, http.MethodPatch, "/api/v1/documents/01J0000000000000000000NONE", b.admin,
			strings.NewReader(`{"title":"x"}`), "If-Match", `"1"`), http.StatusNotFound)

		// None of the refused patches changed anything.
		if resp := b.getJSON(t, b.admin, path, &got); got.Version != 2 || got.State != "received" || got.Kind != dossier.KindPurchaseOrder ||
			got.Title != patched.Title || got.Amount != "12500.00" {
			t.Errorf("after refused patches the document is %+v (ETag %s), want it unchanged at version 2", got, resp.Header.Get("ETag"))
		}

		// A patch that changes nothing makes no version and no audit event;
		// an edit's event says what each member was and became.
		resp = patch(`"2"`, `{"title":"PO 4500012345 rev. B","amount":"012500.00","tags":["brakes","urgent"]}`)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != `"2"` {
			t.Errorf("no-op PATCH: status %d, ETag %s; want 200 and still \"2\"", resp.StatusCode, resp.Header.Get("ETag"))
		}
		var trail struct {
			Items []dossier.AuditEvent `json:"items"`
		}
		b.getJSON(t, b.admin, "/api/v1/audit?document_id="+d.ID, &trail)
		var edits []string
		for _, e := range trail.Items {
			if e.Action == "document.edit" {
				edits = append(edits, string(e.Details))
			}
		}
		if len(edits) != 1 || !strings.Contains(edits[0], `"title":{"new":"PO 4500012345 rev. B","old":"PO 4500012345 brake discs"}`) ||
			!strings.Contains(edits[0], `"tags":{"new":["brakes","urgent"],"old":["brakes"]}`) || strings.Contains(edits[0], `"amount"`) {
			t.Errorf("edit events = %v, want one naming the old and new title and tags only", edits)
		}
	})
}

func TestAddVersion(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		oldBytes := pdfOf(t, 3, "version one")
		d := b.upload(t, "po.pdf", oldBytes, poMetadata(t, nil))
		path := "/api/v1/documents/" + d.ID
		newBytes := pdfOf(t, 2, "version two")
		newSum := sha256.Sum256(newBytes)

		resp := b.Multipart(t, b.admin, path+"/versions", "po-rev-b.pdf", newBytes, "")
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST versions: status %d: %s", resp.StatusCode, b.Body(t, resp))
		}
		var v2 document
		b.JSON(t, resp, &v2)
		if v2.Version != 2 || v2.File.Version != 2 || v2.File.PageCount != 2 || v2.File.SHA256 != hex.EncodeToString(newSum[:]) ||
			v2.File.Filename != "po-rev-b.pdf" || v2.Title != d.Title {
			t.Errorf("POST versions gave %+v: want document version 2 with file version 2 (2 pages, the new sha256)", v2)
		}

		for _, tc := range []struct {
			query string
			want  []byte
		}{{"", newBytes}, {"?version=2", newBytes}, {"?version=1", oldBytes}} {
			resp := b.Do(t, http.MethodGet, path+"/content"+tc.query, b.admin, nil)
			if got := b.Body(t, resp); resp.StatusCode != http.StatusOK || !bytes.Equal(got, tc.want) {
				t.Errorf("GET content%s: status %d, %d bytes, want 200 and %d bytes", tc.query, resp.StatusCode, len(got), len(tc.want))
			}
		}

		var versions struct {
			Items []dossier.FileVersion `json:"items"`
		}
		b.getJSON(t, b.admin, path+"/versions", &versions)
		if len(versions.Items) != 2 {
			t.Fatalf("GET versions lists %d, want 2: %+v", len(versions.Items), versions.Items)
		}
		byVersion := map[int]string{}
		for _, f := range versions.Items {
			byVersion[f.Version] = f.SHA256
		}
		if byVersion[1] != d.File.SHA256 || byVersion[2] != v2.File.SHA256 {
			t.Errorf("versions %v, want 1: %s and 2: %s", byVersion, d.File.SHA256, v2.File.SHA256)
		}

		b.RequireProblem(t, b.Multipart(t, b.admin, path+"/versions", "x.exe", []byte("\x7fELF\x02\x01\x01\x00"+strings.Repeat("\x00", 64)), ""),
			http.StatusUnsupportedMediaType)
		b.RequireProblem(t, b.Multipart(t, b.admin, "/api/v1/documents/01J0000000000000000000NONE/versions", "x.pdf", newBytes, ""),
			http.StatusNotFound)
		if got := b.stagedBlobs(t); len(got) != 0 {
			t.Errorf("staged blobs left behind: %v", got)
		}
	})
}

func TestLinks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		invoice := b.newPO(t, map[string]any{"kind": "tooling_invoice", "subtype": "tooling", "number": "INV-1"})
		po := b.newPO(t, map[string]any{"subtype": "tooling"})
		link := func(from, body string) *http.Response {
			return b.Do(t, http.MethodPost, "/api/v1/documents/"+from+"/links", b.admin, strings.NewReader(body))
		}
		body := fmt.Sprintf(`{"target_id":%q,"relation":"invoice_for"}`, po.ID)

		resp := link(invoice.ID, body)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST links: status %d: %s", resp.StatusCode, b.Body(t, resp))
		}
		var l dossier.Link
		b.JSON(t, resp, &l)
		if l.DocumentID != invoice.ID || l.TargetID != po.ID || l.Relation != "invoice_for" || l.CreatedBy != b.adminUser.ID {
			t.Errorf("POST links gave %+v", l)
		}

		for _, tc := range []struct {
			name, from, body string
			status           int
		}{
			{"duplicate", invoice.ID, body, http.StatusConflict},
			{"unknown relation", invoice.ID, fmt.Sprintf(`{"target_id":%q,"relation":"owns"}`, po.ID), http.StatusUnprocessableEntity},
			{"unknown target", invoice.ID, `{"target_id":"01J0000000000000000000NONE","relation":"related"}`, http.StatusUnprocessableEntity},
			{"to itself", invoice.ID, fmt.Sprintf(`{"target_id":%q,"relation":"related"}`, invoice.ID), http.StatusUnprocessableEntity},
			{"unknown source", "01J0000000000000000000NONE", body, http.StatusNotFound},
			{"unknown member", invoice.ID, fmt.Sprintf(`{"target_id":%q,"relation":"related","x":1}`, po.ID), http.StatusBadRequest},
		} {
			t.Run(tc.name, func(t *testing.T) {
				b.RequireProblem(t, link(tc.from, tc.body), tc.status)
			})
		}

		var links struct {
			Items []dossier.Link `json:"items"`
		}
		b.getJSON(t, b.admin, "/api/v1/documents/"+invoice.ID+"/links", &links)
		if len(links.Items) != 1 || links.Items[0].TargetID != po.ID || links.Items[0].Relation != "invoice_for" {
			t.Errorf("GET links = %+v, want the one invoice_for link", links.Items)
		}
		// The target sees the link too, pointing at it.
		links.Items = nil
		b.getJSON(t, b.admin, "/api/v1/documents/"+po.ID+"/links", &links)
		if len(links.Items) != 1 || links.Items[0].DocumentID != invoice.ID || links.Items[0].TargetID != po.ID {
			t.Errorf("GET links of the target = %+v, want the invoice's link to it", links.Items)
		}
		// An archived document takes no new link; one may still point to it.
		archived := b.newPO(t, map[string]any{"kind": "other", "subtype": nil, "number": "ARCH-1"})
		b.fireOK(t, b.admin, archived.ID, `{"event":"archive"}`)
		b.RequireProblem(t, link(archived.ID, fmt.Sprintf(`{"target_id":%q,"relation":"related"}`, po.ID)), http.StatusConflict)
		if resp := link(po.ID, fmt.Sprintf(`{"target_id":%q,"relation":"related"}`, archived.ID)); resp.StatusCode != http.StatusCreated {
			t.Errorf("link to an archived document: status %d", resp.StatusCode)
		}
	})
}

func TestIdenticalBytesMakeTwoDocuments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		content := pdfOf(t, 2, "same bytes")
		first := b.upload(t, "a.pdf", content, poMetadata(t, map[string]any{"number": "A"}))
		second := b.upload(t, "b.pdf", content, poMetadata(t, map[string]any{"number": "B"}))
		if first.ID == second.ID || first.File.SHA256 != second.File.SHA256 {
			t.Fatalf("ids %s, %s and sha256 %s, %s: want two documents with one sha256", first.ID, second.ID, first.File.SHA256, second.File.SHA256)
		}
		for _, d := range []document{first, second} {
			resp := b.Do(t, http.MethodGet, "/api/v1/documents/"+d.ID+"/content", b.admin, nil)
			if got := b.Body(t, resp); !bytes.Equal(got, content) {
				t.Errorf("content of %s: %d bytes, want the %d uploaded", d.ID, len(got), len(content))
			}
		}
		if n := b.documentCount(t); n != 2 {
			t.Errorf("%d documents listed, want 2", n)
		}
	})
}

// TestRestart stops the service and starts it again on the same backends:
// documents, their bytes and the users are still there.
func TestRestart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		content := pdfOf(t, 2, "survives a restart")
		d := b.upload(t, "po.pdf", content, poMetadata(t, nil))
		b.Close()

		s := apptest.Start(t, b.Config)
		newContract(t).serve(t, s)
		token := s.SignIn(t, "admin")
		var got document
		resp := s.Do(t, http.MethodGet, "/api/v1/documents/"+d.ID, token, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET document after restart: status %d: %s", resp.StatusCode, s.Body(t, resp))
		}
		s.JSON(t, resp, &got)
		if got.ID != d.ID || got.Version != 1 || got.File.SHA256 != d.File.SHA256 || got.Title != d.Title {
			t.Errorf("after restart the document is %+v, want %+v", got, d)
		}
		resp = s.Do(t, http.MethodGet, "/api/v1/documents/"+d.ID+"/content", token, nil)
		if body := s.Body(t, resp); resp.StatusCode != http.StatusOK || !bytes.Equal(body, content) {
			t.Errorf("content after restart: status %d, %d bytes, want 200 and the %d uploaded bytes", resp.StatusCode, len(body), len(content))
		}
		// The token of before the restart still works: sessions are stored, not in memory.
		if resp := s.Do(t, http.MethodGet, "/api/v1/me", b.admin, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("old token after restart: status %d, want 200", resp.StatusCode)
		}
	})
}
