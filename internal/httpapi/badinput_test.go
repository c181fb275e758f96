package httpapi_test

import (
	"archive/zip"
	"bytes"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"dossier/internal/apptest"
	"dossier/internal/blob"
	"dossier/internal/config"
	"dossier/internal/dossier"
)

// send makes one request of a bad-input case.
type send func(t *testing.T, b *bundle) *http.Response

func uploadOf(filename string, content []byte, metadata func(t *testing.T) string) send {
	return func(t *testing.T, b *bundle) *http.Response {
		meta := ""
		if metadata != nil {
			meta = metadata(t)
		}
		return b.Upload(t, b.admin, filename, content, meta)
	}
}

// withPDF uploads a valid PDF with the metadata overrides.
func withPDF(overrides map[string]any) send {
	return func(t *testing.T, b *bundle) *http.Response {
		return b.Upload(t, b.admin, "po.pdf", pdfOf(t, 1, "bad input"), poMetadata(t, overrides))
	}
}

// withMetadata uploads a valid PDF with metadata sent verbatim.
func withMetadata(raw string) send {
	return func(t *testing.T, b *bundle) *http.Response {
		return b.Upload(t, b.admin, "po.pdf", pdfOf(t, 1, "bad input"), raw)
	}
}

func request(method, path, contentType, body string, authenticated bool) send {
	return func(t *testing.T, b *bundle) *http.Response {
		token := ""
		if authenticated {
			token = b.admin
		}
		if body == "" && contentType == "" {
			return b.Do(t, method, path, token, nil)
		}
		var h []string
		if contentType != "" {
			h = []string{"Content-Type", contentType}
		}
		return b.Do(t, method, path, token, strings.NewReader(body), h...)
	}
}

// multipartOf posts body verbatim as multipart/form-data with the boundary XYZ.
func multipartOf(body string) send {
	return request(http.MethodPost, "/api/v1/documents", "multipart/form-data; boundary=XYZ", body, true)
}

func validMetadata(t *testing.T) string { return poMetadata(t, nil) }

func elfBytes() []byte { return append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 120)...) }

func emptyZip(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := zip.NewWriter(&buf).Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func randomBytes(n int) []byte {
	r := rand.New(rand.NewChaCha8([32]byte{'d', 'o', 's', 's', 'i', 'e', 'r'}))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// TestBadInputIsRefused sends malformed and unacceptable requests: each gets
// a clear 4xx problem, never a 500, and leaves nothing behind.
func TestBadInputIsRefused(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		truncated := func(t *testing.T, b *bundle) *http.Response {
			full := pdfOf(t, 3, "truncated")
			return b.Upload(t, b.admin, "po.pdf", full[:len(full)/2], validMetadata(t))
		}
		brokenMultipart := "--XYZ\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"kind\":\"other\""
		cases := []struct {
			name   string
			send   send
			status int
			detail string // a word the detail must contain (case-insensitive)
		}{
			{"ELF named x.pdf", uploadOf("x.pdf", elfBytes(), validMetadata), http.StatusUnsupportedMediaType, ""},
			{"empty ZIP named x.pdf", func(t *testing.T, b *bundle) *http.Response {
				return b.Upload(t, b.admin, "x.pdf", emptyZip(t), validMetadata(t))
			}, http.StatusUnsupportedMediaType, ""},
			{"random bytes named x.pdf", uploadOf("x.pdf", randomBytes(4096), validMetadata), http.StatusUnsupportedMediaType, ""},
			{"HTML named x.pdf", uploadOf("x.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), validMetadata), http.StatusUnsupportedMediaType, ""},
			{"truncated PDF", truncated, http.StatusUnprocessableEntity, "PDF"},
			{"empty file", uploadOf("x.pdf", []byte{}, validMetadata), http.StatusUnprocessableEntity, "empty"},
			{"amount 12,50", withPDF(map[string]any{"amount": "12,50"}), http.StatusUnprocessableEntity, "amount"},
			{"amount 1e5", withPDF(map[string]any{"amount": "1e5"}), http.StatusUnprocessableEntity, "amount"},
			{"amount -3", withPDF(map[string]any{"amount": "-3"}), http.StatusUnprocessableEntity, "amount"},
			{"amount as a JSON number", withPDF(map[string]any{"amount": 12.5}), http.StatusBadRequest, "amount"},
			{"currency EUR1", withPDF(map[string]any{"currency": "EUR1"}), http.StatusUnprocessableEntity, "currency"},
			{"currency XXY", withPDF(map[string]any{"currency": "XXY"}), http.StatusUnprocessableEntity, "currency"},
			{"amount without currency", withPDF(map[string]any{"currency": nil}), http.StatusUnprocessableEntity, "currency"},
			{"unknown kind", withPDF(map[string]any{"kind": "invoice"}), http.StatusUnprocessableEntity, "kind"},
			{"missing kind", withPDF(map[string]any{"kind": nil}), http.StatusUnprocessableEntity, "kind"},
			{"wrong subtype", withPDF(map[string]any{"subtype": "sight"}), http.StatusUnprocessableEntity, "subtype"},
			{"missing title", withPDF(map[string]any{"title": nil}), http.StatusUnprocessableEntity, "title"},
			{"date 2026-02-30", withPDF(map[string]any{"dates": map[string]string{"issue_date": "2026-02-30"}}), http.StatusUnprocessableEntity, "issue_date"},
			{"date 31.01.2026", withPDF(map[string]any{"dates": map[string]string{"due_date": "31.01.2026"}}), http.StatusUnprocessableEntity, "due_date"},
			{"fields not an object", withPDF(map[string]any{"fields": []int{1}}), http.StatusBadRequest, "fields"},
			{"malformed metadata JSON", withMetadata(`{"kind":"other","title":`), http.StatusBadRequest, "JSON"},
			{"metadata with an unknown member", withMetadata(`{"kind":"other","title":"x","colour":"red"}`), http.StatusBadRequest, "colour"},
			{"metadata not an object", withMetadata(`["other"]`), http.StatusBadRequest, ""},
			{"missing file part", uploadOf("", nil, validMetadata), http.StatusBadRequest, "file"},
			{"missing metadata part", uploadOf("po.pdf", []byte("plain text"), nil), http.StatusBadRequest, "metadata"},
			{"not multipart", request(http.MethodPost, "/api/v1/documents", "application/json", `{"kind":"other"}`, true), http.StatusBadRequest, "multipart"},
			{"multipart without its end", multipartOf(brokenMultipart), http.StatusBadRequest, ""},
			{"multipart without parts", multipartOf("--XYZ--\r\n"), http.StatusBadRequest, "file"},
			{"multipart part header without a colon", multipartOf("--XYZ\r\nnot a header\r\n\r\nx\r\n--XYZ--\r\n"), http.StatusBadRequest, ""},
			{"invalid metadata after the file", multipartOf("--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nplain text\r\n" +
				"--XYZ\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"kind\":\"other\",\"title\":\"x\",\"amount\":\"1e5\",\"currency\":\"EUR\"}\r\n--XYZ--\r\n"),
				http.StatusUnprocessableEntity, "amount"},
			{"two file parts", multipartOf("--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\none\r\n" +
				"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.txt\"\r\n\r\ntwo\r\n--XYZ--\r\n"),
				http.StatusBadRequest, "file"},
			{"control characters in the file name", multipartOf("--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\x01b.txt\"\r\n\r\nplain text\r\n--XYZ--\r\n"),
				http.StatusBadRequest, ""},
			{"session: malformed JSON", request(http.MethodPost, "/api/v1/session", "", `{"username":"admin",`, false), http.StatusBadRequest, "JSON"},
			{"session: empty body", request(http.MethodPost, "/api/v1/session", "application/json", "", false), http.StatusBadRequest, "empty"},
			{"session: no password", request(http.MethodPost, "/api/v1/session", "", `{"username":"admin"}`, false), http.StatusBadRequest, "password"},
			{"session: unknown member", request(http.MethodPost, "/api/v1/session", "", `{"username":"admin","password":"x","otp":1}`, false), http.StatusBadRequest, "otp"},
			{"session: two objects", request(http.MethodPost, "/api/v1/session", "", `{"username":"a","password":"b"}{}`, false), http.StatusBadRequest, ""},
			{"session: form-encoded", request(http.MethodPost, "/api/v1/session", "application/x-www-form-urlencoded", "username=admin&password=x", false), http.StatusUnsupportedMediaType, ""},
			{"content: version=abc", request(http.MethodGet, "/api/v1/documents/01J0000000000000000000NONE/content?version=abc", "", "", true), http.StatusBadRequest, "version"},
			{"content: rendition=raw", request(http.MethodGet, "/api/v1/documents/01J0000000000000000000NONE/content?rendition=raw", "", "", true), http.StatusBadRequest, "rendition"},
			{"audit: since=yesterday", request(http.MethodGet, "/api/v1/audit?since=yesterday", "", "", true), http.StatusBadRequest, "since"},
			// NUL (PostgreSQL cannot store it) and other control characters,
			// wherever text comes in: refused at the edge on both stacks.
			{"NUL in the title", withPDF(map[string]any{"title": "PO\u0000 4711"}), http.StatusBadRequest, "U+0000"},
			{"NUL in a field", withPDF(map[string]any{"fields": map[string]any{"incoterm": "F\u0000CA"}}), http.StatusBadRequest, "U+0000"},
			{"NUL in a field name", withPDF(map[string]any{"fields": map[string]any{"in\u0000coterm": "FCA"}}), http.StatusBadRequest, "U+0000"},
			{"NUL in a tag", withPDF(map[string]any{"tags": []string{"a\u0000"}}), http.StatusBadRequest, "U+0000"},
			{"escape character in the customer", withPDF(map[string]any{"customer": "ACME\u001b[31m"}), http.StatusBadRequest, "U+001B"},
			{"session: NUL in the user name", request(http.MethodPost, "/api/v1/session", "", `{"username":"admin\u0000","password":"x"}`, false), http.StatusBadRequest, "U+0000"},
			{"event: NUL in the comment", request(http.MethodPost, "/api/v1/documents/01J0000000000000000000NONE/events", "",
				`{"event":"submit","comment":"ok\u0000"}`, true), http.StatusBadRequest, "U+0000"},
			{"event: NUL in the payload", request(http.MethodPost, "/api/v1/documents/01J0000000000000000000NONE/events", "",
				`{"event":"present_to_bank","payload":{"presentation_date":"2026-01-01\u0000"}}`, true), http.StatusBadRequest, "U+0000"},
			{"patch: NUL in the title", func(t *testing.T, b *bundle) *http.Response {
				return b.Do(t, http.MethodPatch, "/api/v1/documents/01J0000000000000000000NONE", b.admin, strings.NewReader(`{"title":"x\u0000"}`),
					"Content-Type", "application/merge-patch+json", "If-Match", `"1"`)
			}, http.StatusBadRequest, "U+0000"},
			{"users: NUL in the display name", request(http.MethodPost, "/api/v1/users", "",
				`{"username":"nul","password":"long enough password","display_name":"N\u0000L","roles":["auditor"]}`, true), http.StatusBadRequest, "U+0000"},
			{"NUL in a path id", request(http.MethodGet, "/api/v1/documents/01J%00/history", "", "", true), http.StatusBadRequest, "U+0000"},
			{"NUL in a list filter", request(http.MethodGet, "/api/v1/documents?customer=ACME%00", "", "", true), http.StatusBadRequest, "customer"},
			{"NUL in the audit actor", request(http.MethodGet, "/api/v1/audit?actor=%00", "", "", true), http.StatusBadRequest, "actor"},
			{"NUL in a search", request(http.MethodGet, "/api/v1/search?q=brake%00", "", "", true), http.StatusBadRequest, "q"},
			{"newline in a query parameter", request(http.MethodGet, "/api/v1/documents?state=received%0A", "", "", true), http.StatusBadRequest, "U+000A"},
			{"malformed escape in the query", request(http.MethodGet, "/api/v1/search?q=%zz", "", "", true), http.StatusBadRequest, "malformed"},
			{"JSON body over 1 MiB", request(http.MethodPost, "/api/v1/session", "", `{"username":"`+strings.Repeat("a", 1<<20)+`","password":"x"}`, false),
				http.StatusRequestEntityTooLarge, ""},
			{"unknown route", request(http.MethodGet, "/api/v1/nothing-here", "", "", true), http.StatusNotFound, ""},
			{"unknown route, anonymous", request(http.MethodGet, "/nothing-here", "", "", false), http.StatusNotFound, ""},
			{"wrong method on documents", request(http.MethodPut, "/api/v1/documents", "", "", true), http.StatusMethodNotAllowed, ""},
			{"wrong method on me", request(http.MethodDelete, "/api/v1/me", "", "", true), http.StatusMethodNotAllowed, ""},
		}
		t.Run("cases", func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					p := b.RequireProblem(t, tc.send(t, b), tc.status)
					if !strings.Contains(strings.ToLower(p.Detail), strings.ToLower(tc.detail)) {
						t.Errorf("detail %q does not mention %q", p.Detail, tc.detail)
					}
				})
			}
		})
		if n := b.documentCount(t); n != 0 {
			t.Errorf("%d documents exist after refused uploads, want 0", n)
		}
		var left []blob.Entry
		if err := b.App.Blobs.Walk(t.Context(), func(e blob.Entry) error { left = append(left, e); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(left) != 0 {
			t.Errorf("refused uploads left blobs behind: %+v", left)
		}
	})
}

// TestAcceptedOddInput covers input that looks wrong but is acceptable: the
// file name is not what decides the media type, and hostile names are cleaned.
func TestAcceptedOddInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		text := []byte("Purchase order 4500012345\nqty 10\n")
		for _, tc := range []struct {
			name, filename, wantFilename, wantType string
			content                                []byte
		}{
			{"text named x.pdf", "x.pdf", "x.pdf", "text/plain", text},
			{"PDF named x.txt", "x.txt", "x.txt", "application/pdf", nil},
			{"path traversal", "../../etc/passwd.txt", "passwd.txt", "text/plain", text},
			{"windows path traversal", `..\..\windows\win.ini`, "win.ini", "text/plain", text},
			{"hidden file", "...hidden.txt", "hidden.txt", "text/plain", text},
			{"right-to-left override", "invoice\u202Etxt.exe", "invoicetxt.exe", "text/plain", text},
			{"nothing usable", "../..", "file", "text/plain", text},
		} {
			t.Run(tc.name, func(t *testing.T) {
				content := tc.content
				if content == nil {
					content = pdfOf(t, 1, tc.name)
				}
				d := b.upload(t, tc.filename, content, poMetadata(t, nil))
				if !strings.HasPrefix(d.File.MediaType, tc.wantType) {
					t.Errorf("media_type %q, want %s…", d.File.MediaType, tc.wantType)
				}
				name := d.File.Filename
				if name != tc.wantFilename {
					t.Errorf("filename %q, want %q", name, tc.wantFilename)
				}
				if strings.ContainsAny(name, `/\`) || strings.Contains(name, "..") ||
					strings.IndexFunc(name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0 {
					t.Errorf("filename %q is not sanitised", name)
				}
				resp := b.Do(t, http.MethodGet, "/api/v1/documents/"+d.ID+"/content", b.admin, nil)
				if got := b.Body(t, resp); !bytes.Equal(got, content) || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.wantType) {
					t.Errorf("content: %d bytes as %q, want the %d uploaded as %s", len(got), resp.Header.Get("Content-Type"), len(content), tc.wantType)
				}
				if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
				}
			})
		}
	})
}

// TestOversizeUpload sets a 1 MiB limit: a bigger file is refused with 413,
// creates no document and leaves no staged blob; a file of exactly the limit passes.
func TestOversizeUpload(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		const limit = 1 << 20
		b := setup(t, be, func(c *config.Config) { c.MaxUpload = limit })
		textOf := func(n int) []byte { return bytes.Repeat([]byte("0123456789abcdef\n"), n/17+1)[:n] }
		for _, tc := range []struct {
			name string
			size int
		}{
			{"one byte over", limit + 1},
			{"2 MiB", 2 << 20},
			{"8 MiB, refused by Content-Length", 8 << 20},
		} {
			t.Run(tc.name, func(t *testing.T) {
				b.RequireProblem(t, b.Upload(t, b.admin, "big.txt", textOf(tc.size), poMetadata(t, nil)), http.StatusRequestEntityTooLarge)
				b.RequireProblem(t, b.Upload(t, b.admin, "big.txt", textOf(tc.size), ""), http.StatusRequestEntityTooLarge)
			})
		}
		if n := b.documentCount(t); n != 0 {
			t.Errorf("%d documents after oversize uploads, want 0", n)
		}
		if left := b.stagedBlobs(t); len(left) != 0 {
			t.Errorf("oversize uploads left staged blobs: %v", left)
		}
		d := b.upload(t, "limit.txt", textOf(limit), poMetadata(t, nil))
		if d.File.Size != limit {
			t.Errorf("a file of exactly the limit stored %d bytes, want %d", d.File.Size, limit)
		}
		var versions struct {
			Items []dossier.FileVersion `json:"items"`
		}
		b.getJSON(t, b.admin, "/api/v1/documents/"+d.ID+"/versions", &versions)
		if len(versions.Items) != 1 {
			t.Errorf("versions = %+v, want 1", versions.Items)
		}
	})
}
