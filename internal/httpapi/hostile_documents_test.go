package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

// TestHostileUploads: the upload metadata at its extremes; the bad files
// and multipart bodies are in TestBadInputIsRefused.
func TestHostileUploads(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		meta := func(raw string) send { return withMetadata(raw) }
		runHostile(t, b, []hostile{
			{"metadata nested 100000 deep", meta(`{"kind":"other","title":"x","fields":` + deepJSON(100000) + `}`), http.StatusBadRequest, "JSON"},
			{"fields nested 5000 objects deep", meta(`{"kind":"other","title":"x","fields":` + deepObject(5000) + `}`), http.StatusUnprocessableEntity, "fields"},
			{"metadata over 1 MiB", meta(`{"kind":"other","title":"` + long(1<<20) + `"}`), http.StatusRequestEntityTooLarge, ""},
			{"title of 100000 characters", withPDF(map[string]any{"title": long(100000)}), http.StatusUnprocessableEntity, "title"},
			{"number of 10000 characters", withPDF(map[string]any{"number": long(10000)}), http.StatusUnprocessableEntity, "number"},
			{"10000 tags", withPDF(map[string]any{"tags": strings.Split(strings.Repeat("t,", 9999)+"t", ",")}), http.StatusUnprocessableEntity, "tags"},
			{"amount of 400 digits", withPDF(map[string]any{"amount": strings.Repeat("9", 400)}), http.StatusUnprocessableEntity, "amount"},
			{"amount with 30 decimals", withPDF(map[string]any{"amount": "1." + strings.Repeat("1", 30)}), http.StatusUnprocessableEntity, "amount"},
			{"amount NaN", withPDF(map[string]any{"amount": "NaN"}), http.StatusUnprocessableEntity, "amount"},
			{"amount Infinity", withPDF(map[string]any{"amount": "Infinity"}), http.StatusUnprocessableEntity, "amount"},
			{"amount 0x10", withPDF(map[string]any{"amount": "0x10"}), http.StatusUnprocessableEntity, "amount"},
			{"amount with a space inside", withPDF(map[string]any{"amount": "12 500.00"}), http.StatusUnprocessableEntity, "amount"},
			{"amount 1.2.3", withPDF(map[string]any{"amount": "1.2.3"}), http.StatusUnprocessableEntity, "amount"},
			{"amount as an object", withPDF(map[string]any{"amount": map[string]int{"value": 1}}), http.StatusBadRequest, "amount"},
			{"currency ZZZ", withPDF(map[string]any{"currency": "ZZZ"}), http.StatusUnprocessableEntity, "currency"},
			{"currency of 1000 letters", withPDF(map[string]any{"currency": long(1000)}), http.StatusUnprocessableEntity, "currency"},
			{"currency €", withPDF(map[string]any{"currency": "€"}), http.StatusUnprocessableEntity, "currency"},
			{"date 2026-13-01", withPDF(map[string]any{"dates": map[string]string{"issue_date": "2026-13-01"}}), http.StatusUnprocessableEntity, "issue_date"},
			{"date 2026-00-10", withPDF(map[string]any{"dates": map[string]string{"issue_date": "2026-00-10"}}), http.StatusUnprocessableEntity, "issue_date"},
			{"date 2025-02-29", withPDF(map[string]any{"dates": map[string]string{"due_date": "2025-02-29"}}), http.StatusUnprocessableEntity, "due_date"},
			{"date +10000-01-01", withPDF(map[string]any{"dates": map[string]string{"due_date": "+10000-01-01"}}), http.StatusUnprocessableEntity, "due_date"},
			{"date with a time", withPDF(map[string]any{"dates": map[string]string{"due_date": "2026-01-01T00:00:00Z"}}), http.StatusUnprocessableEntity, "due_date"},
			{"date name with a slash", withPDF(map[string]any{"dates": map[string]string{"../due_date": "2026-01-01"}}), http.StatusUnprocessableEntity, ""},
			{"dates not an object", withPDF(map[string]any{"dates": "2026-01-01"}), http.StatusBadRequest, "dates"},
			{"kind with a path", withPDF(map[string]any{"kind": "../purchase_order"}), http.StatusUnprocessableEntity, "kind"},
			{"NUL in the number", withPDF(map[string]any{"number": "45\u000012"}), http.StatusBadRequest, "U+0000"},
			{"NUL in a date", withPDF(map[string]any{"dates": map[string]string{"due_date": "2026-01-01\u0000"}}), http.StatusBadRequest, "U+0000"},
			{"NUL in the file name", multipartOf("--XYZ\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n" + validMetadataText +
				"\r\n--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\x00.txt\"\r\n\r\nplain text\r\n--XYZ--\r\n"), http.StatusBadRequest, ""},
			{"boundary missing", request(http.MethodPost, "/api/v1/documents", "multipart/form-data", "--XYZ--\r\n", true), http.StatusBadRequest, "multipart"},
			{"text/plain body", request(http.MethodPost, "/api/v1/documents", "text/plain", "hello", true), http.StatusBadRequest, "multipart"},
			{"no content type", func(t *testing.T, b *bundle) *http.Response {
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, b.URL+"/api/v1/documents", strings.NewReader("x"))
				req.Header.Set("Authorization", "Bearer "+b.admin)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				return resp
			}, http.StatusBadRequest, "multipart"},
		})
		if n := b.documentCount(t); n != 0 {
			t.Errorf("%d documents after hostile uploads, want 0", n)
		}
	})
}

// validMetadataText is valid metadata of kind other, for raw multipart bodies.
const validMetadataText = `{"kind":"other","title":"hostile"}`

// TestHostileDocumentRequests: patch, events, versions and links of an
// existing document with hostile bodies, headers and ids.
func TestHostileDocumentRequests(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		d := b.newPO(t, nil)
		other := b.newPO(t, map[string]any{"number": "other"})
		doc := "/api/v1/documents/" + d.ID
		admin := &b.admin
		patch := func(body string, headers ...string) send {
			return as(admin, http.MethodPatch, doc, "application/merge-patch+json", body, append([]string{"If-Match", `"1"`}, headers...)...)
		}
		event := func(body string) send { return as(admin, http.MethodPost, doc+"/events", "", body) }
		link := func(body string) send { return as(admin, http.MethodPost, doc+"/links", "", body) }
		// The hold changes the document's version, so it goes on the other one.
		hold := func(body string) send {
			return as(admin, http.MethodPost, "/api/v1/documents/"+other.ID+"/legal-hold", "", body)
		}
		b.AddUser(t, "rita", []dossier.Role{dossier.RoleReviewer}, 0)
		rita := b.SignIn(t, "rita")
		version := func(name string, content []byte) send {
			return func(t *testing.T, b *bundle) *http.Response {
				return b.Multipart(t, b.admin, doc+"/versions", name, content, "")
			}
		}
		runHostile(t, b, []hostile{
			{"patch: malformed JSON", patch(`{"title":`), http.StatusBadRequest, "JSON"},
			{"patch: nested 100000 deep", patch(`{"fields":` + deepJSON(100000) + `}`), http.StatusBadRequest, "JSON"},
			{"patch: fields nested 5000 deep", patch(`{"fields":` + deepObject(5000) + `}`), http.StatusUnprocessableEntity, "fields"},
			{"patch: a list", patch(`[{"op":"replace","path":"/title","value":"x"}]`), http.StatusBadRequest, "object"},
			{"patch: null", patch(`null`), http.StatusBadRequest, "object"},
			{"patch: a string", patch(`"title"`), http.StatusBadRequest, "object"},
			{"patch: empty body", patch(``), http.StatusBadRequest, ""},
			{"patch: the state", patch(`{"state":"archived"}`), http.StatusUnprocessableEntity, "state"},
			{"patch: the version", patch(`{"version":99}`), http.StatusUnprocessableEntity, "version"},
			{"patch: the kind", patch(`{"kind":"contract"}`), http.StatusUnprocessableEntity, "kind"},
			{"patch: title of 100000", patch(jsonBody(`{"title":%q}`, long(100000))), http.StatusUnprocessableEntity, "title"},
			{"patch: title removed", patch(`{"title":null}`), http.StatusUnprocessableEntity, "title"},
			{"patch: amount 1e400", patch(`{"amount":"1e400"}`), http.StatusUnprocessableEntity, "amount"},
			{"patch: amount as a number", patch(`{"amount":1e400}`), http.StatusUnprocessableEntity, "amount"},
			{"patch: currency ZZZ", patch(`{"currency":"ZZZ"}`), http.StatusUnprocessableEntity, "currency"},
			{"patch: date 2026-02-30", patch(`{"dates":{"due_date":"2026-02-30"}}`), http.StatusUnprocessableEntity, "due_date"},
			{"patch: tags an object", patch(`{"tags":{"a":1}}`), http.StatusUnprocessableEntity, "tags"},
			{"patch: text/plain", patch(`{"title":"x"}`, "Content-Type", "text/plain"), http.StatusUnsupportedMediaType, "merge-patch"},
			{"patch: If-Match garbage", as(admin, http.MethodPatch, doc, "", `{"title":"x"}`, "If-Match", `"'; DROP TABLE documents; --"`), http.StatusPreconditionFailed, ""},
			{"patch: If-Match huge", as(admin, http.MethodPatch, doc, "", `{"title":"x"}`, "If-Match", `"99999999999999999999999"`), http.StatusPreconditionFailed, ""},
			{"patch: If-Match negative", as(admin, http.MethodPatch, doc, "", `{"title":"x"}`, "If-Match", `"-1"`), http.StatusPreconditionFailed, ""},
			{"patch: no If-Match", as(admin, http.MethodPatch, doc, "", `{"title":"x"}`), http.StatusPreconditionRequired, "If-Match"},
			{"patch: unknown document", as(admin, http.MethodPatch, "/api/v1/documents/"+long(5000), "", `{"title":"x"}`, "If-Match", `"1"`), http.StatusNotFound, ""},
			{"event: unknown", event(`{"event":"teleport"}`), http.StatusUnprocessableEntity, "teleport"},
			{"event: 10000 characters", event(jsonBody(`{"event":%q}`, long(10000))), http.StatusUnprocessableEntity, "event"},
			{"event: missing", event(`{"comment":"x"}`), http.StatusBadRequest, "event"},
			{"event: a number", event(`{"event":1}`), http.StatusBadRequest, "event"},
			{"event: payload a list", event(`{"event":"submit","payload":[1]}`), http.StatusBadRequest, "payload"},
			{"event: payload nested deep", event(`{"event":"submit","payload":{"a":` + deepJSON(100000) + `}}`), http.StatusBadRequest, "JSON"},
			{"event: malformed", event(`{"event":"submit"`), http.StatusBadRequest, "JSON"},
			{"event: form-encoded", as(admin, http.MethodPost, doc+"/events", "application/x-www-form-urlencoded", "event=submit"), http.StatusUnsupportedMediaType, ""},
			{"event: If-Match garbage", as(admin, http.MethodPost, doc+"/events", "", `{"event":"submit"}`, "If-Match", "*"), http.StatusPreconditionFailed, ""},
			{"event: unknown document", as(admin, http.MethodPost, "/api/v1/documents/..%2F..%2Fetc/events", "", `{"event":"submit"}`), http.StatusNotFound, ""},
			{"version: ELF named x.pdf", version("x.pdf", elfBytes()), http.StatusUnsupportedMediaType, ""},
			{"version: empty file", version("x.pdf", []byte{}), http.StatusUnprocessableEntity, "empty"},
			{"version: no file part", version("", nil), http.StatusBadRequest, "file"},
			{"version: JSON body", as(admin, http.MethodPost, doc+"/versions", "", `{"file":"x"}`), http.StatusBadRequest, "multipart"},
			{"version: control characters in the name", multipartTo(doc+"/versions", "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\x1b[31m.txt\"\r\n\r\nplain\r\n--XYZ--\r\n"),
				http.StatusBadRequest, ""},
			{"version: unknown document", func(t *testing.T, b *bundle) *http.Response {
				return b.Multipart(t, b.admin, "/api/v1/documents/NOPE/versions", "a.txt", []byte("plain text"), "")
			}, http.StatusNotFound, ""},
			{"link: unknown relation", link(jsonBody(`{"target_id":%q,"relation":"owns"}`, other.ID)), http.StatusUnprocessableEntity, "relation"},
			{"link: to itself", link(jsonBody(`{"target_id":%q,"relation":"related"}`, d.ID)), http.StatusUnprocessableEntity, "itself"},
			{"link: unknown target", link(`{"target_id":"../../etc/passwd","relation":"related"}`), http.StatusUnprocessableEntity, "target_id"},
			{"link: target of 100000", link(jsonBody(`{"target_id":%q,"relation":"related"}`, long(100000))), http.StatusUnprocessableEntity, "target_id"},
			{"link: target a list", link(`{"target_id":["a"],"relation":"related"}`), http.StatusBadRequest, "target_id"},
			{"link: NUL in the target", link(`{"target_id":"a\u0000","relation":"related"}`), http.StatusBadRequest, "U+0000"},
			{"patch: over 1 MiB", patch(jsonBody(`{"title":%q}`, long(1<<20))), http.StatusRequestEntityTooLarge, ""},
			{"event: over 1 MiB", event(jsonBody(`{"event":"submit","comment":%q}`, long(1<<20))), http.StatusRequestEntityTooLarge, ""},
			{"link: over 1 MiB", link(jsonBody(`{"target_id":%q,"relation":"related"}`, long(1<<20))), http.StatusRequestEntityTooLarge, ""},
			{"legal hold: on a string", hold(`{"on":"yes","reason":"x"}`), http.StatusBadRequest, "on"},
			{"legal hold: no reason", hold(`{"on":true}`), http.StatusUnprocessableEntity, "reason"},
			{"legal hold: reason of 100000", hold(jsonBody(`{"on":true,"reason":%q}`, long(100000))), http.StatusUnprocessableEntity, "reason"},
			{"event: comment of 100000", event(jsonBody(`{"event":"submit","comment":%q}`, long(100000))), http.StatusUnprocessableEntity, "comment"},
			{"review: comment of 100000", as(&rita, http.MethodPost, doc+"/reviews", "", jsonBody(`{"department":"sales","decision":"reject","comment":%q}`, long(100000))),
				http.StatusUnprocessableEntity, "comment"},
			{"review: decision of 10000", as(&rita, http.MethodPost, doc+"/reviews", "", jsonBody(`{"department":"sales","decision":%q}`, long(10000))),
				http.StatusUnprocessableEntity, "decision"},
			{"review: malformed", as(&rita, http.MethodPost, doc+"/reviews", "", `{"decision":`), http.StatusBadRequest, "JSON"},
			{"link: text/plain", as(admin, http.MethodPost, doc+"/links", "text/plain", "related"), http.StatusUnsupportedMediaType, ""},
		})
		// Nothing of the above changed the document.
		var got document
		b.getJSON(t, b.admin, doc, &got)
		if got.Version != d.Version || got.Title != d.Title || got.State != d.State {
			t.Errorf("after hostile requests: version %d title %q state %s, want %d %q %s", got.Version, got.Title, got.State, d.Version, d.Title, d.State)
		}
	})
}

// multipartTo posts body verbatim as multipart/form-data (boundary XYZ) to path.
func multipartTo(path, body string) send {
	return request(http.MethodPost, path, "multipart/form-data; boundary=XYZ", body, true)
}
