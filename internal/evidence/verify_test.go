package evidence

import (
	"archive/zip"
	"bytes"
	"reflect"
	"testing"
)

func TestFilterFromQuery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		query string
		want  *Filter
		bad   bool
	}{
		{"", &Filter{}, false},
		{"kind=customs&state=archived", &Filter{Kind: List{"customs"}, State: List{"archived"}}, false},
		{"?kind=customs,letter_of_credit&currency=eur", &Filter{Kind: List{"customs", "letter_of_credit"}, Currency: List{"eur"}}, false},
		// Customer names may hold commas: several are given by repeating.
		{"customer=ACME, Inc.&customer=Other", &Filter{Customer: List{"ACME, Inc.", "Other"}}, false},
		{"q=steel+discs&date_from=2026-01-01&amount_max=100.50", &Filter{Q: "steel discs", DateFrom: "2026-01-01", AmountMax: "100.50"}, false},
		{"colour=red", nil, true},
		{"kind=%zz", nil, true},
	} {
		got, err := FilterFromQuery(tc.query)
		if (err != nil) != tc.bad || (!tc.bad && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("FilterFromQuery(%q) = %+v, %v; want %+v (error: %v)", tc.query, got, err, tc.want, tc.bad)
		}
	}
}

// FuzzVerify: whatever the bytes, Verify reports problems and never panics,
// and an archive it passes has a manifest and a signature.
func FuzzVerify(f *testing.F) {
	for _, files := range []map[string]string{
		{},
		{ManifestName: `{"format":"dossier-evidence/1","documents":[{"id":"d","files":[{"path":"documents/d/v1-a.txt","size":1}],"audit":{"events":1}}]}`,
			SignatureName: "AAAA", EventsName: `{"seq":1,"stream":"d","stream_seq":1}` + "\n" + `{"seq":1,"stream":"e"}` + "\nnot json\n",
			"documents/d/v1-a.txt": "a"},
		{ManifestName: `{"public_key":"ed25519:AAAA","events":{"path":"events.jsonl"},"documents":null}`, EventsName: ""},
		{ManifestName: `[]`, SignatureName: "!!"},
	} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, data := range files {
			w, _ := zw.Create(name)
			_, _ = w.Write([]byte(data))
		}
		_ = zw.Close()
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, archive []byte) {
		rep := Verify(bytes.NewReader(archive), int64(len(archive)), nil)
		if rep.OK() {
			t.Errorf("an archive of fuzzed bytes passed: %+v", rep)
		}
	})
}
