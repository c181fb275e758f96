package auditchain_test

import (
	"encoding/json"
	"testing"
	"time"

	"dossier/internal/auditchain"
	"dossier/internal/dossier"
)

func TestCanonicalForm(t *testing.T) {
	t.Parallel()
	e := dossier.AuditEvent{
		Seq: 99, Hash: "ignored", // neither is part of the canonical form
		Stream: "01JDOC", StreamSeq: 3, DocumentID: "01JDOC",
		Time:    time.Date(2026, 11, 25, 9, 0, 0, 123456789, time.FixedZone("CET", 3600)),
		Actor:   "u1",
		Action:  "document.approve",
		Details: json.RawMessage(`{ "level": 2,  "comment": "ok <fine> & \u00e9" }`),
	}
	e.PrevHash = "abc"
	want := `{"action":"document.approve","actor":"u1","details":{"comment":"ok <fine> & é","level":2},` +
		`"document_id":"01JDOC","prev_hash":"abc","stream":"01JDOC","stream_seq":3,"time":"2026-11-25T08:00:00.123456Z"}`
	if got := string(auditchain.Canonical(e)); got != want {
		t.Errorf("Canonical =\n%s\nwant\n%s", got, want)
	}
	e.Seq, e.Hash = 1, "other"
	if got := string(auditchain.Canonical(e)); got != want {
		t.Errorf("Canonical depends on Seq or Hash: %s", got)
	}
}

func TestCanonicalJSON(t *testing.T) {
	t.Parallel()
	var nilMap map[string]int
	cases := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, `{}`},
		{"typed nil map", nilMap, `{}`},
		{"sorted nested keys", map[string]any{"b": 1, "a": map[string]any{"z": true, "y": nil}}, `{"a":{"y":null,"z":true},"b":1}`},
		{"struct fields sorted", struct {
			Zeta  string `json:"zeta"`
			Alpha []int  `json:"alpha"`
		}{"z", []int{3, 1}}, `{"alpha":[3,1],"zeta":"z"}`},
		{"raw JSON re-encoded", json.RawMessage(` {"b" : 1.50, "a":[ {"d":1,"c":2} ]} `), `{"a":[{"c":2,"d":1}],"b":1.50}`},
		{"big number kept exactly", json.RawMessage(`{"amount":12345678901234567890.1234}`), `{"amount":12345678901234567890.1234}`},
		{"no HTML escaping", map[string]string{"t": "<a&b>"}, `{"t":"<a&b>"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := auditchain.CanonicalJSON(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("CanonicalJSON = %s, want %s", got, tc.want)
			}
		})
	}
	if _, err := auditchain.CanonicalJSON(json.RawMessage(`{"a":1} {}`)); err == nil {
		t.Error("CanonicalJSON accepted trailing data")
	}
	if _, err := auditchain.CanonicalJSON(func() {}); err == nil {
		t.Error("CanonicalJSON accepted a value JSON cannot encode")
	}
}

// A database may hand details back re-spaced and re-ordered (PostgreSQL jsonb
// does); that must not look like tampering, while a change of value must.
func TestDetailsRepresentation(t *testing.T) {
	t.Parallel()
	e := dossier.AuditEvent{Seq: 1, Stream: "s", Time: t0, Action: "x",
		Details: json.RawMessage(`{"a":1,"b":"two"}`)}
	auditchain.Seal(&e, "", 1)
	cases := []struct {
		details string
		same    bool
	}{
		{`{"b": "two", "a": 1}`, true},
		{"\n{\"a\":1,\"b\":\"two\"}\n", true},
		{`{"a":1.0,"b":"two"}`, false},
		{`{"a":1,"b":"two","c":null}`, false},
		{`{"a":1,"b":"two"`, false},
		{`"{\"a\":1,\"b\":\"two\"}"`, false},
	}
	for _, tc := range cases {
		changed := e
		changed.Details = json.RawMessage(tc.details)
		if same := auditchain.Hash(changed) == e.Hash; same != tc.same {
			t.Errorf("details %s: same hash = %v, want %v", tc.details, same, tc.same)
		}
	}
	// Malformed details that are not objects still hash by their exact bytes.
	a, b := e, e
	a.Details, b.Details = json.RawMessage(`[1,2`), json.RawMessage(`[1,3`)
	if auditchain.Hash(a) == auditchain.Hash(b) {
		t.Error("different malformed details hash alike")
	}
	empty := e
	empty.Details = nil
	objEmpty := e
	objEmpty.Details = json.RawMessage(`{}`)
	if auditchain.Hash(empty) != auditchain.Hash(objEmpty) {
		t.Error("absent details and {} hash differently")
	}
}
