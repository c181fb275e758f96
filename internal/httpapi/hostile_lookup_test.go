package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/swift/swifttest"
)

// TestHostileQueries: search, the documents list and the audit trail with
// hostile parameters.
func TestHostileQueries(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		b.newPO(t, nil)
		admin := &b.admin
		search := func(query string) send { return as(admin, http.MethodGet, "/api/v1/search?"+query, "", "") }
		audit := func(query string) send { return as(admin, http.MethodGet, "/api/v1/audit?"+query, "", "") }
		list := func(query string) send { return as(admin, http.MethodGet, "/api/v1/documents?"+query, "", "") }
		runHostile(t, b, []hostile{
			{"search: q of 100000", search("q=" + long(100000)), http.StatusBadRequest, "q"},
			{"search: invalid UTF-8", search("q=%ff%fe"), http.StatusBadRequest, "UTF-8"},
			{"search: limit -1", search("q=x&limit=-1"), http.StatusBadRequest, "limit"},
			{"search: limit 1e9", search("q=x&limit=1000000000"), http.StatusBadRequest, "limit"},
			{"search: limit 2^64", search("q=x&limit=18446744073709551616"), http.StatusBadRequest, "limit"},
			{"search: offset huge", search("q=x&offset=99999999999"), http.StatusBadRequest, "offset"},
			{"search: amount_min abc", search("amount_min=abc"), http.StatusBadRequest, "amount_min"},
			{"search: amount_max 1e400", search("amount_max=1e400"), http.StatusBadRequest, "amount_max"},
			{"search: amount_min of 400 digits", search("amount_min=" + repeatDigits(400)), http.StatusBadRequest, "amount_min"},
			{"search: date_from 2026-02-30", search("date_from=2026-02-30"), http.StatusBadRequest, "date_from"},
			{"search: date_to 99999-01-01", search("date_to=99999-01-01"), http.StatusBadRequest, "date_to"},
			{"search: unknown sort", search("sort=" + url.QueryEscape("title; DROP TABLE documents")), http.StatusBadRequest, "sort"},
			{"search: unknown kind", search("kind=../../etc"), http.StatusBadRequest, "kind"},
			{"search: unknown state", search("state=" + long(3000)), http.StatusBadRequest, "state"},
			// A cursor is a link the list made: anything else is refused, not
			// read as "from the start" (the default order) or as an id to start after.
			{"list: cursor garbage", list("cursor=garbage"), http.StatusBadRequest, "cursor"},
			{"list: cursor of 3000", list("cursor=" + long(3000)), http.StatusBadRequest, "cursor"},
			{"list: cursor of a lower-case id", list("cursor=01arz3ndektsv4rrffq69g5fav"), http.StatusBadRequest, "cursor"},
			{"list: cursor garbage under a sort", list("sort=-amount&cursor=garbage"), http.StatusBadRequest, "cursor"},
			{"list: cursor NUL", list("cursor=%00"), http.StatusBadRequest, "cursor"},
			{"audit: since nope", audit("since=nope"), http.StatusBadRequest, "since"},
			{"audit: since 2026-02-30", audit("since=2026-02-30"), http.StatusBadRequest, "since"},
			{"audit: until 24:61", audit("until=2026-01-01T24:61:00Z"), http.StatusBadRequest, "until"},
			{"audit: limit 0", audit("limit=0"), http.StatusBadRequest, "limit"},
			{"audit: after_seq -5", audit("after_seq=-5"), http.StatusBadRequest, "after_seq"},
			{"audit: after_seq garbage", audit("after_seq=garbage"), http.StatusBadRequest, "after_seq"},
			{"audit: after_seq 2^70", audit("after_seq=1180591620717411303424"), http.StatusBadRequest, "after_seq"},
			{"audit: verify with a body", as(admin, http.MethodPost, "/api/v1/audit/verify", "", `{}`), http.StatusMethodNotAllowed, ""},
		})
		// Odd but harmless text is searched, not refused, and never a 500.
		for _, q := range []string{`"`, `*`, `NEAR(a b)`, `a AND OR NOT`, `-`, `(((`, `'; DROP TABLE documents; --`, `\`, `^`, `a:b`, `%`, `_`, strings.Repeat("ä", 300)} {
			resp := b.Do(t, http.MethodGet, "/api/v1/search?q="+url.QueryEscape(q), b.admin, nil)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("search q=%q: status %d: %s", q, resp.StatusCode, b.Body(t, resp))
			}
			resp.Body.Close()
		}
		requireCleanLog(t, b.Server)
	})
}

// TestHostileMessages: MT700 and MT707 intake with hostile messages.
func TestHostileMessages(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		po := b.newPO(t, nil)
		good := swifttest.Sample(t, "src01_mt700.txt")
		admin := &b.admin
		mt700 := func(query, ct, body string) send {
			return as(admin, http.MethodPost, "/api/v1/letters-of-credit/mt700"+query, ct, body)
		}
		swap := func(old, new string) string { return strings.Replace(good, old, new, 1) }
		runHostile(t, b, []hostile{
			{"mt700: empty", mt700("", "text/plain", ""), http.StatusUnprocessableEntity, "SWIFT"},
			{"mt700: random bytes", mt700("?create=true", "text/plain", string(randomBytes(4096))), http.StatusUnprocessableEntity, ""},
			{"mt700: over 1 MiB", mt700("", "text/plain", strings.Repeat(":79:"+long(60)+"\r\n", 20000)), http.StatusRequestEntityTooLarge, ""},
			{"mt700: NUL bytes", mt700("?create=true", "text/plain", swap(":20:12345", ":20:12\x0045")), http.StatusUnsupportedMediaType, ""},
			{"mt700: expiry 31 February", mt700("?create=true", "text/plain", swap(":31D:030730", ":31D:030231")), http.StatusUnprocessableEntity, "31D"},
			{"mt700: expiry month 13", mt700("?create=true", "text/plain", swap(":31D:030730", ":31D:031330")), http.StatusUnprocessableEntity, "31D"},
			{"mt700: amount 1,2,3", mt700("?create=true", "text/plain", swap(":32B:EUR100000,", ":32B:EUR1,2,3")), http.StatusUnprocessableEntity, "32B"},
			{"mt700: amount of 400 digits", mt700("?create=true", "text/plain", swap(":32B:EUR100000,", ":32B:EUR"+repeatDigits(400)+",")), http.StatusUnprocessableEntity, "32B"},
			{"mt700: currency ZZZ", mt700("?create=true", "text/plain", swap(":32B:EUR100000,", ":32B:ZZZ100000,")), http.StatusUnprocessableEntity, "currency"},
			{"mt700: no amount", mt700("?create=true", "text/plain", swap(":32B:EUR100000,\n", "")), http.StatusUnprocessableEntity, "32B"},
			{"mt700: field of 100000", mt700("?create=true", "text/plain", swap(":45A:", ":45A:"+long(100000))), http.StatusUnprocessableEntity, ""},
			{"mt700: block nested", mt700("?create=true", "text/plain", strings.Repeat("{1:", 50000)), http.StatusUnprocessableEntity, ""},
			{"mt700: JSON", mt700("", "application/json", `{"message":"x"}`), http.StatusUnsupportedMediaType, ""},
			{"mt700: create=maybe", mt700("?create=maybe", "text/plain", good), http.StatusBadRequest, "create"},
			{"mt700: into a missing document", mt700("?document_id="+long(3000), "text/plain", good), http.StatusNotFound, ""},
			{"mt700: into a purchase order", mt700("?document_id="+po.ID, "text/plain", good), http.StatusUnprocessableEntity, ""},
			{"mt700: multipart without the file", mt700("", "multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--XYZ--\r\n"), http.StatusBadRequest, "file"},
			{"mt707: on a purchase order", as(admin, http.MethodPost, "/api/v1/documents/"+po.ID+"/amendments", "text/plain", "{4:\n:20:12345\n:26E:1\n-}"), http.StatusUnprocessableEntity, ""},
			{"mt707: garbage on nothing", as(admin, http.MethodPost, "/api/v1/documents/NOPE/amendments", "text/plain", string(randomBytes(512))), http.StatusUnprocessableEntity, ""},
		})
	})
}
