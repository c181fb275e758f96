package ui_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/pdf/pdftest"
)

// TestBrowserSearchAWordInsideAPDF finds documents by a word that only
// their PDF text holds, shows it highlighted, and narrows with a facet.
func TestBrowserSearchAWordInsideAPDF(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "ann", []dossier.Role{dossier.RoleAdmin}, 0)
	s.AddUser(t, "audrey", []dossier.Role{dossier.RoleAuditor}, 0)
	token := s.SignIn(t, "ann")
	for _, d := range []struct{ kind, subtype, title, text string }{
		{string(dossier.KindPurchaseOrder), "tooling", "PO 77 tooling", "Injection mould in zirconium steel, 2 cavities"},
		{string(dossier.KindContract), "", "Supply contract 2026", "Annual supply of zirconium coated brackets"},
		{string(dossier.KindContract), "", "Unrelated contract", "Cardboard boxes and pallets"},
	} {
		meta, _ := json.Marshal(map[string]any{"kind": d.kind, "subtype": d.subtype, "title": d.title, "customer": "Nordwerk GmbH"})
		resp := s.Upload(t, token, "doc.pdf", pdftest.Make(t, 1, d.text), string(meta))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", d.title, resp.StatusCode, s.Body(t, resp))
		}
	}
	s.WaitJobs(t) // text extraction and indexing

	b := newTab(t, s)
	b.signIn("audrey")
	b.fill("#q-top", "zirconium")
	b.submit("form[role=search] button")
	if total := b.text("[data-test=total]"); total != "2 documents" {
		t.Fatalf("searching zirconium: %q, want 2 documents; hits: %s", total, b.text("main"))
	}
	if marks := eval[[]string](b, `Array.from(document.querySelectorAll(".snippet mark")).map(m => m.textContent.toLowerCase())`); len(marks) < 2 || marks[0] != "zirconium" {
		t.Fatalf("the snippets mark %v, want the word zirconium in each", marks)
	}
	b.shot("search")
	b.submit(`a[data-facet="kind:` + string(dossier.KindContract) + `"]`)
	if total := b.text("[data-test=total]"); total != "1 document" {
		t.Fatalf("narrowed to contracts: %q, want 1 document", total)
	}
	if hits := b.text("[data-test=hits]"); !strings.Contains(hits, "Supply contract 2026") {
		t.Fatalf("the contract is not the hit left: %s", hits)
	}
	if !strings.Contains(eval[string](b, "location.search"), "kind=") {
		t.Error("the facet is not kept in the URL, so the search cannot be shared")
	}
	b.shot("search-narrowed")
	// Clicking the active facet again clears it.
	b.submit(`a[data-facet="kind:` + string(dossier.KindContract) + `"]`)
	if total := b.text("[data-test=total]"); total != "2 documents" {
		t.Fatalf("after clearing the facet: %q, want 2 documents", total)
	}
	b.viewport(390, 844)
	b.shot("search")
}
