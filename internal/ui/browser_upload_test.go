package ui_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/pdf/pdftest"
)

// dropFiles drops PDFs on the drop zone as a person dragging them from the
// desktop does: a drop event whose DataTransfer holds the files.
func (b *tab) dropFiles(files map[string][]byte) {
	b.t.Helper()
	var js strings.Builder
	js.WriteString("(() => { const dt = new DataTransfer();\n")
	for name, content := range files {
		fmt.Fprintf(&js, "dt.items.add(new File([Uint8Array.from(atob(%q), c => c.charCodeAt(0))], %q, {type: 'application/pdf'}));\n",
			base64.StdEncoding.EncodeToString(content), name)
	}
	js.WriteString(`const zone = document.querySelector("[data-dropzone]");
		zone.dispatchEvent(new DragEvent("dragenter", {dataTransfer: dt, bubbles: true, cancelable: true}));
		zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return true })()`)
	eval[bool](b, js.String())
}

func TestBrowserUploadTwoPDFsByDragAndDrop(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "sally", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newTab(t, s)
	b.signIn("sally")
	b.open("/upload?kind=" + string(dossier.KindContract))
	b.fill("#up-customer", "Nordwerk GmbH")
	b.fill("#up-amount", "48000.00")
	b.fill("#up-currency", "EUR")
	b.dropFiles(map[string][]byte{
		"contract-nordwerk.pdf": pdftest.Make(t, 2, "Supply contract with Nordwerk"),
		"annex-prices.pdf":      pdftest.Make(t, 1, "Annex: price list"),
	})
	if n := b.count(".upload-row"); n != 2 {
		t.Fatalf("after dropping two files the page lists %d", n)
	}
	if got := eval[int](b, `Array.from(document.querySelectorAll(".upload-row progress")).filter(p => p.value === 0).length`); got != 2 {
		t.Fatalf("%d progress bars start at 0, want 2", got)
	}
	b.shot("upload-dropped")
	b.do(clickCSS("[data-upload-start]"))
	b.waitFor(`document.querySelector("form[data-upload]").hasAttribute("data-finished")`)
	if failed := b.text("[data-upload-list]"); b.count(".upload-row.done") != 2 {
		t.Fatalf("the uploads did not both finish: %s / errors: %s", failed, b.text("form[data-upload]"))
	}
	if got := eval[int](b, `Array.from(document.querySelectorAll(".upload-row progress")).filter(p => p.value === 100).length`); got != 2 {
		t.Fatalf("%d progress bars are full after the upload, want 2", got)
	}
	b.shot("upload-done")

	// Both are in the list, titled after their files.
	b.open("/documents?kind=" + string(dossier.KindContract))
	list := b.text("[data-test=documents]")
	for _, want := range []string{"contract-nordwerk", "annex-prices", "EUR 48,000.00", "Nordwerk GmbH"} {
		if !strings.Contains(list, want) {
			t.Errorf("the documents list lacks %q: %s", want, list)
		}
	}
	b.shot("documents")
}

func TestBrowserUploadShowsTheErrorNextToTheField(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	s.AddUser(t, "sam", []dossier.Role{dossier.RoleAdmin}, 0)
	b := newTab(t, s)
	b.signIn("sam")
	b.open("/upload?kind=" + string(dossier.KindContract))
	b.fill("#up-amount", "48000.00")
	b.fill("#up-currency", "EURO")
	b.dropFiles(map[string][]byte{"c.pdf": pdftest.Make(t, 1, "contract")})
	b.do(clickCSS("[data-upload-start]"))
	b.waitFor(`document.querySelector("form[data-upload]").hasAttribute("data-finished")`)
	msg := b.text(`[data-error-for="currency"]`)
	if !strings.Contains(msg, "ISO 4217") {
		t.Fatalf("the currency error is not next to the currency field: %q; form: %s", msg, b.text("form[data-upload]"))
	}
	if got := eval[string](b, `document.querySelector("#up-currency").getAttribute("aria-invalid")`); got != "true" {
		t.Errorf("the currency field is not marked invalid (aria-invalid=%q)", got)
	}
	b.shot("upload-error")
}

func minimalPDF(t *testing.T) []byte { return pdftest.Make(t, 1, "memo") }
