package evidence_test

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
	"dossier/internal/evidence"
	"dossier/internal/pdf/pdftest"
	"dossier/internal/signing"
)

// fixture is a running service with two customs declarations: a, a PDF
// with two versions, archived (so stamped); b, a text file.
type fixture struct {
	*apptest.Server
	admin, auditor string // tokens
	auditorID      string
	a, b           string // document ids
	bText          []byte
	key            ed25519.PublicKey
}

func newFixture(t *testing.T, be apptest.Backend) *fixture {
	t.Helper()
	s := apptest.Start(t, be.Config(t))
	s.App.Evidence.EventPage = 2 // a's events come in several pages
	s.AddUser(t, "admin", []dossier.Role{dossier.RoleAdmin}, 0)
	f := &fixture{Server: s, auditorID: s.AddUser(t, "auditor", []dossier.Role{dossier.RoleAuditor}, 0).ID,
		bText: []byte("Declaration B, plain text <with> \"marks\"\n")}
	f.admin, f.auditor = s.SignIn(t, "admin"), s.SignIn(t, "auditor")
	f.a = f.upload(t, "a.pdf", pdftest.Make(t, 2, "Customs declaration A"), `{"kind":"customs","title":"Declaration A","number":"C-1","customer":"ACME"}`)
	resp := s.Multipart(t, f.admin, "/api/v1/documents/"+f.a+"/versions", "a2.pdf", pdftest.Make(t, 1, "Customs declaration A, corrected"), "")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("new version: status %d: %s", resp.StatusCode, s.Body(t, resp))
	}
	if resp := s.Do(t, http.MethodPost, "/api/v1/documents/"+f.a+"/events", f.admin, strings.NewReader(`{"event":"archive"}`)); resp.StatusCode != http.StatusOK {
		t.Fatalf("archive: status %d: %s", resp.StatusCode, s.Body(t, resp))
	}
	f.b = f.upload(t, "b.txt", f.bText, `{"kind":"customs","title":"Declaration B","number":"C-2","customer":"Other Ltd"}`)
	s.WaitJobs(t) // the stamp of a, the index of both
	var k struct {
		PublicKey string `json:"public_key"`
	}
	s.JSON(t, s.Do(t, http.MethodGet, "/api/v1/audit/key", "", nil), &k)
	var err error
	if f.key, err = signing.ParsePublic(k.PublicKey); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) upload(t *testing.T, name string, content []byte, meta string) string {
	t.Helper()
	resp := f.Upload(t, f.admin, name, content, meta)
	var d dossier.Document
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload %s: status %d: %s", name, resp.StatusCode, f.Body(t, resp))
	}
	f.JSON(t, resp, &d)
	return d.ID
}

// export posts body as the auditor and returns the archive, requiring 200.
func (f *fixture) export(t *testing.T, body string) ([]byte, *http.Response) {
	t.Helper()
	resp := f.Do(t, http.MethodPost, "/api/v1/exports", f.auditor, strings.NewReader(body))
	b := f.Body(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export %s: status %d, %s: %s", body, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	return b, resp
}

func verify(archive []byte, key ed25519.PublicKey) *evidence.Report {
	return evidence.Verify(bytes.NewReader(archive), int64(len(archive)), key)
}

// TestExport: an auditor exports two documents over HTTP on both stacks;
// the archive holds every version, the stamped rendition, the events and a
// signed manifest, verifies with the published key, comes out the same the
// second time, and the export is in the audit trail. Then each kind of
// tampering is caught and named.
func TestExport(t *testing.T) {
	t.Parallel()
	for _, be := range apptest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, be)
			archive, resp := f.export(t, `{"ids":["`+f.b+`","`+f.a+`"]}`)
			rep := verify(archive, f.key)
			if !rep.OK() || !rep.KeyPinned || rep.Documents != 2 || rep.Files != 4 || rep.Events < 5 {
				t.Fatalf("verify: %+v, want no problem, 2 documents, 4 files (a v1, v2, stamped; b v1), the events", rep)
			}
			entries := unzip(t, archive)
			for _, name := range []string{
				"documents/" + f.a + "/v1-a.pdf", "documents/" + f.a + "/v2-a2.pdf", "documents/" + f.a + "/stamped-v2.pdf",
				"documents/" + f.b + "/v1-b.txt", evidence.EventsName, evidence.ManifestName, evidence.SignatureName,
			} {
				if entries.get(name) == nil {
					t.Errorf("the archive has no %s; it has %v", name, entries.names())
				}
			}
			if got := entries.get("documents/" + f.b + "/v1-b.txt"); !bytes.Equal(got, f.bText) {
				t.Errorf("b's file in the archive is %q, want %q", got, f.bText)
			}
			var m evidence.Manifest
			if err := json.Unmarshal(entries.get(evidence.ManifestName), &m); err != nil {
				t.Fatal(err)
			}
			if len(m.Documents) != 2 || m.Documents[0].ID != min(f.a, f.b) || m.Documents[0].Document.State == "" ||
				m.Selection.IDs == nil || m.PublicKey != signing.FormatPublic(f.key) {
				t.Errorf("manifest: %d documents, first %q; selection %+v; key %s", len(m.Documents), m.Documents[0].ID, m.Selection, m.PublicKey)
			}
			for _, d := range m.Documents {
				if d.ID == f.a && (d.Document.State != "archived" || len(d.History) == 0 || d.Audit.Events < 3) {
					t.Errorf("a in the manifest: state %s, %d history entries, %d events", d.Document.State, len(d.History), d.Audit.Events)
				}
			}

			again, resp2 := f.export(t, `{"ids":["`+f.a+`","`+f.b+`","`+f.a+`"]}`)
			if !bytes.Equal(again, archive) || resp2.Header.Get("Content-Disposition") != resp.Header.Get("Content-Disposition") ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment; filename=dossier-evidence-") {
				t.Errorf("the same selection again gave other bytes or another name (%q, %q)",
					resp.Header.Get("Content-Disposition"), resp2.Header.Get("Content-Disposition"))
			}

			var trail struct{ Items []dossier.AuditEvent }
			f.JSON(t, f.Do(t, http.MethodGet, "/api/v1/audit?actor="+f.auditorID, f.admin, nil), &trail)
			var exports []map[string]any
			for _, e := range trail.Items {
				if e.Action == "evidence.export" {
					var d map[string]any
					_ = json.Unmarshal(e.Details, &d)
					exports = append(exports, d)
				}
			}
			if len(exports) != 2 || exports[0]["manifest_sha256"] != sha(entries.get(evidence.ManifestName)) ||
				exports[0]["documents"] != float64(2) || exports[0]["complete"] != true || exports[0]["selection"] == nil {
				t.Errorf("evidence.export events: %v, want two, with the manifest's hash %s", exports, sha(entries.get(evidence.ManifestName)))
			}

			t.Run("filters", func(t *testing.T) {
				for _, tc := range []struct {
					body string
					want []string
				}{
					{`{"filter":{"kind":"customs","customer":"ACME"}}`, []string{f.a}},
					{`{"filter":{"q":"Declaration","currency":[],"kind":["customs"]}}`, []string{f.a, f.b}},
					{`{"filter":{}}`, []string{f.a, f.b}},
				} {
					archive, _ := f.export(t, tc.body)
					var m evidence.Manifest
					if err := json.Unmarshal(unzip(t, archive).get(evidence.ManifestName), &m); err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, d := range m.Documents {
						got = append(got, d.ID)
					}
					if slices.Sort(tc.want); !slices.Equal(got, tc.want) || !verify(archive, f.key).OK() {
						t.Errorf("%s exported %v, want %v", tc.body, got, tc.want)
					}
				}
			})

			t.Run("refusals", func(t *testing.T) {
				for _, tc := range []struct {
					body   string
					status int
				}{
					{`{}`, http.StatusBadRequest},
					{`{"filter":{},"ids":["` + f.a + `"]}`, http.StatusBadRequest},
					{`{"filter":{"kind":"nope"}}`, http.StatusBadRequest},
					{`{"filter":{"state":"lost"}}`, http.StatusBadRequest},
					{`{"filter":{"colour":"red"}}`, http.StatusBadRequest},
					{`{"filter":{"date_from":"yesterday"}}`, http.StatusBadRequest},
					{`{"filter":{"kind":7}}`, http.StatusBadRequest},
					{`{"ids":["` + f.a + `","01JNOSUCHDOCUMENT000000000"]}`, http.StatusNotFound},
					{`{"filter":{"customer":"Nobody Ltd"}}`, http.StatusUnprocessableEntity},
					{`{"ids":[]}`, http.StatusUnprocessableEntity},
				} {
					resp := f.Do(t, http.MethodPost, "/api/v1/exports", f.auditor, strings.NewReader(tc.body))
					f.RequireProblem(t, resp, tc.status)
				}
			})

			t.Run("tampering", func(t *testing.T) { tampering(t, f, archive) })

			var res struct{ OK bool }
			if f.JSON(t, f.Do(t, http.MethodGet, "/api/v1/audit/verify", f.admin, nil), &res); !res.OK {
				t.Error("the audit trail does not verify after the exports")
			}

			// A blob lost from the store after the first byte was sent: the
			// connection is cut, so the client cannot take the archive for a
			// whole one, and the attempt is recorded as incomplete.
			var bDoc dossier.Document
			f.JSON(t, f.Do(t, http.MethodGet, "/api/v1/documents/"+f.b, f.admin, nil), &bDoc)
			if err := f.App.Blobs.Delete(t.Context(), bDoc.File.SHA256); err != nil {
				t.Fatal(err)
			}
			resp = f.Do(t, http.MethodPost, "/api/v1/exports", f.auditor, strings.NewReader(`{"ids":["`+f.a+`","`+f.b+`"]}`))
			if _, err := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || err == nil {
				t.Errorf("export with a lost blob: status %d, read error %v; want 200 and a cut connection", resp.StatusCode, err)
			}
			f.JSON(t, f.Do(t, http.MethodGet, "/api/v1/audit?actor="+f.auditorID, f.admin, nil), &trail)
			last := trail.Items[len(trail.Items)-1]
			if last.Action != "evidence.export" || !strings.Contains(string(last.Details), `"complete":false`) {
				t.Errorf("the last event of the auditor is %s %s, want an incomplete evidence.export", last.Action, last.Details)
			}
		})
	}
}

// entries are the files of an archive in order.
type entries []struct {
	name string
	data []byte
}

func unzip(t *testing.T, archive []byte) entries {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	var out entries
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		out = append(out, struct {
			name string
			data []byte
		}{f.Name, b})
	}
	return out
}

func (es entries) get(name string) []byte {
	for _, e := range es {
		if e.name == name {
			return e.data
		}
	}
	return nil
}

func (es entries) names() []string {
	var out []string
	for _, e := range es {
		out = append(out, e.name)
	}
	return out
}

// with returns a copy of es with name's data replaced by fn's result.
func (es entries) with(name string, fn func([]byte) []byte) entries {
	out := make(entries, len(es))
	for i, e := range es {
		out[i] = e
		if e.name == name {
			out[i].data = fn(bytes.Clone(e.data))
		}
	}
	return out
}

func (es entries) zip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range es {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
