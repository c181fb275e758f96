package httpapi

import (
	"bytes"
	"encoding/json"
	"testing"

	"dossier/internal/workflow"
	"dossier/workflows"
)

// FuzzUploadMetadata feeds arbitrary bytes to the decoding of an upload's
// "metadata" part and to the validation after it (SPEC §15): whatever comes
// in, the answer is a document or a 4xx problem, never a panic or a 500; and
// metadata that passed passes again after a round trip through JSON.
func FuzzUploadMetadata(f *testing.F) {
	defs, err := workflow.Load(workflows.FS)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		`{"kind":"purchase_order","subtype":"serial","title":"PO 4711","number":"4711","customer":"ACME","amount":"12500.00","currency":"EUR",` +
			`"dates":{"issue_date":"2026-01-15"},"product_codes":[{"gpn":"G1","lpn":"L1"}],"tags":["a"],"fields":{"incoterm":"FCA"}}`,
		`{"kind":"letter_of_credit","subtype":"sight","title":"LC","amount":"1","currency":"usd","dates":{"expiry_date":"2026-02-28"}}`,
		`{"kind":"other","title":" x ","amount":"007.50","currency":"JPY","fields":{"a":{"b":[1,2,{"c":null}]}}}`,
		`{"kind":"other","title":"x","amount":"1e5"}`,
		`{"kind":"other","title":"x\u0000"}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		`{"kind":"tooling_invoice","title":"x","dates":{"due_date":"2026-02-30"}}`,
		`null`, `{}`, ``, `{"kind":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var form multipartForm
		m, err := form.Metadata(bytes.NewReader(data))
		if err != nil {
			require4xx(t, "decode", err)
			return
		}
		m = m.Normalize()
		def, err := defs.Lookup(m.Kind)
		if err != nil {
			require4xx(t, "kind", err)
			return
		}
		if err := m.Validate(def.Spec()); err != nil {
			require4xx(t, "validate", err)
			return
		}
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("valid metadata does not marshal: %v", err)
		}
		back, err := form.Metadata(bytes.NewReader(again))
		if err != nil {
			t.Fatalf("valid metadata %s does not decode again: %v", again, err)
		}
		if err := back.Normalize().Validate(def.Spec()); err != nil {
			t.Fatalf("valid metadata %s is refused after a round trip: %v", again, err)
		}
	})
}

// require4xx fails unless err becomes a 4xx problem with a detail.
func require4xx(t *testing.T, step string, err error) {
	t.Helper()
	p := problemOf(err)
	if p.Status < 400 || p.Status > 499 || p.Detail == "" || len(p.Detail) > maxDetail+len("…") {
		t.Fatalf("%s: %v becomes %d %q, want a 4xx with a short detail", step, err, p.Status, p.Detail)
	}
}
