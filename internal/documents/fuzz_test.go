package documents

import (
	"encoding/json"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/workflow"
	"dossier/workflows"
)

// FuzzMergePatch applies arbitrary merge patches (RFC 7386) to a document's
// metadata as PATCH does (SPEC §15): no patch may panic, every refusal is a
// client error, and what passes validation is applied and compared without
// trouble.
func FuzzMergePatch(f *testing.F) {
	defs, err := workflow.Load(workflows.FS)
	if err != nil {
		f.Fatal(err)
	}
	def, err := defs.Lookup("purchase_order")
	if err != nil {
		f.Fatal(err)
	}
	base := dossier.Metadata{
		Kind: "purchase_order", Subtype: "serial", Title: "PO 4711", Number: "4711", Customer: "ACME",
		Amount: "12500.00", Currency: "EUR", Dates: map[string]string{"issue_date": "2026-01-15"},
		ProductCodes: []dossier.ProductCode{{GPN: "G1", LPN: "L1"}}, Tags: []string{"brakes"},
		Fields: json.RawMessage(`{"incoterm":"FCA","lines":[{"qty":1}]}`),
	}
	for _, seed := range []string{
		`{"title":"new"}`, `{"amount":null,"currency":null}`, `{"dates":{"issue_date":null,"due_date":"2026-02-30"}}`,
		`{"fields":{"incoterm":null,"lines":[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}}`, `{"tags":{"a":1}}`, `{"amount":1e400}`,
		`null`, `[]`, `"x"`, `{}`, `{"kind":"contract"}`, `{"product_codes":[{"gpn":"","lpn":""}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, patch []byte) {
		m, err := mergeMetadata(base, patch)
		if err != nil {
			requireClientError(t, "merge", err)
			return
		}
		m = m.Normalize()
		if err := m.Validate(def.Spec()); err != nil {
			requireClientError(t, "validate", err)
			return
		}
		changes := changedFields(base, m)
		for k, c := range changes {
			if !json.Valid(c.Old) || !json.Valid(c.New) {
				t.Fatalf("change of %s is not JSON: %s → %s", k, c.Old, c.New)
			}
		}
		var d dossier.Document
		applyMetadata(&d, m)
		if len(changedFields(dossier.MetadataOf(d), m)) != 0 {
			t.Fatalf("the applied metadata differs from the patched one: %v", changedFields(dossier.MetadataOf(d), m))
		}
	})
}

// requireClientError fails unless err is one the client caused and can fix.
func requireClientError(t *testing.T, step string, err error) {
	t.Helper()
	switch dossier.ErrorCode(err) {
	case dossier.EInvalid, dossier.EUnprocessable:
	default:
		t.Fatalf("%s: %v is %s, want invalid or unprocessable", step, err, dossier.ErrorCode(err))
	}
}
