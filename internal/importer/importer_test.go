package importer_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dossier/internal/app"
	"dossier/internal/apptest"
	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/importer"
	"dossier/internal/pdf/pdftest"
	"dossier/internal/store"
)

func forEachStack(t *testing.T, fn func(t *testing.T, a *app.App)) {
	for _, b := range apptest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, apptest.Open(t, b.Config(t)))
		})
	}
}

// write makes the files under dir: name → content.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
	}
}

// documents returns every document by number.
func documents(t *testing.T, a *app.App) map[string]dossier.Document {
	t.Helper()
	out := map[string]dossier.Document{}
	err := a.Store.Read(t.Context(), func(tx store.Tx) error {
		docs, err := tx.ListDocuments(t.Context(), store.DocumentFilter{})
		for _, d := range docs {
			if _, dup := out[d.Number]; dup {
				t.Errorf("two documents numbered %q", d.Number)
			}
			out[d.Number] = d
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func failures(r importer.Report) map[string]string {
	out := map[string]string{}
	for _, f := range r.Failed {
		out[f.Path] = f.Reason
	}
	return out
}

// TestImport: a directory with a CSV sidecar, a per-file sidecar and a file
// with neither is loaded; archived rows start archived with their archive
// date, audited as imported and queued for locking; what cannot be loaded
// is reported with why; a second run skips everything already in.
func TestImport(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, a *app.App) {
		ctx := t.Context()
		dir := t.TempDir()
		write(t, dir, map[string]string{
			"2015/po-4711.pdf":        string(pdftest.Make(t, 2, "Purchase order 4711")),
			"2015/po-4712.pdf":        string(pdftest.Make(t, 1, "Purchase order 4712")),
			"customs/decl-9.txt":      "customs declaration 9\n",
			"customs/decl-9.txt.json": `{"kind":"customs","title":"Declaration 9","number":"D-9","tags":["import"]}`,
			"loose/notes.txt":         "loose notes\n",
			"loose/picture.gif":       "GIF89a\x01\x00\x01\x00\x00\x00\x00;",
			".DS_Store":               "not a document",
		})
		meta := filepath.Join(t.TempDir(), "archive.csv")
		write(t, filepath.Dir(meta), map[string]string{"archive.csv": "\ufefffile,kind,subtype,title,number,customer,amount,currency,dates.issue_date,tags,state,archived_at\n" +
			"2015/po-4711.pdf,purchase_order,serial,PO 4711,4711,ACME,1200.50,EUR,2015-03-02,old;paper,archived,2015-06-30\n" +
			"2015/po-4712.pdf,purchase_order,serial,PO 4712,4712,ACME,99.00,EUR,2015-04-01,,,\n" +
			"2015/po-4713.pdf,purchase_order,serial,PO 4713,4713,ACME,1.00,EUR,,,,\n"})
		im := importer.New(a.Documents, a.Store)
		opt := importer.Options{Dir: dir, Metadata: meta, Kind: dossier.KindOther}
		var done, total int
		opt.Progress = func(d, n int) { done, total = d, n }
		r, err := im.Run(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		fails := failures(r)
		if r.Files != 6 || r.Imported != 4 || r.Skipped != 0 || len(fails) != 2 || r.NotDone != 0 {
			t.Errorf("first run: %+v; want 6 files, 4 imported, 2 failed", r)
		}
		if !strings.Contains(fails["2015/po-4713.pdf"], "not found") || !strings.Contains(fails["loose/picture.gif"], "image/gif") {
			t.Errorf("failures %v: want the missing PO and the GIF, with why", fails)
		}
		if done != total || total != 6 {
			t.Errorf("progress ended at %d of %d, want 6 of 6", done, total)
		}

		docs := documents(t, a)
		po := docs["4711"]
		if po.State != "archived" || po.ArchivedAt == nil || !po.ArchivedAt.Equal(time.Date(2015, 6, 30, 0, 0, 0, 0, time.UTC)) ||
			po.Dates["issue_date"] != "2015-03-02" || po.Amount != "1200.50" || po.File.PageCount != 2 || strings.Join(po.Tags, ",") != "old,paper" {
			t.Errorf("archived PO: %+v; want archived on 2015-06-30 with its metadata", po)
		}
		if d := docs["4712"]; d.State != "received" || d.ArchivedAt != nil {
			t.Errorf("PO without a state: %s, archived %v; want received", d.State, d.ArchivedAt)
		}
		if d := docs["D-9"]; d.Kind != dossier.KindCustoms || d.Title != "Declaration 9" {
			t.Errorf("file with its own sidecar: %+v", d)
		}
		if d := docs[""]; d.Kind != dossier.KindOther || d.Title != "notes" {
			t.Errorf("file without metadata: kind %s title %q; want other, named after the file", d.Kind, d.Title)
		}
		events, _, err := audit.NewTrail(a.Store).List(ctx, audit.Filter{DocumentID: po.ID})
		if err != nil || len(events) != 1 || events[0].Action != "document.import" || !strings.Contains(string(events[0].Details), `"source":"2015/po-4711.pdf"`) {
			t.Errorf("audit of the archived PO: %+v, %v; want one document.import naming its source", events, err)
		}
		var jobs []store.Job
		err = a.Store.Read(ctx, func(tx store.Tx) (err error) { jobs, err = tx.Jobs(ctx, followup.Retain, 10); return err })
		if err != nil || len(jobs) != 1 || !strings.Contains(string(jobs[0].Payload), po.ID) {
			t.Errorf("retain jobs: %+v, %v; want one, for the archived PO", jobs, err)
		}

		r, err = im.Run(ctx, opt)
		if err != nil || r.Imported != 0 || r.Skipped != 4 || len(r.Failed) != 2 {
			t.Errorf("second run: %+v, %v; want all 4 skipped", r, err)
		}
		if n := len(documents(t, a)); n != 4 {
			t.Errorf("%d documents after two runs, want 4", n)
		}
	})
}

// TestImportResumes: a run interrupted half-way leaves whole documents
// only, and a second run imports the rest without doubling any.
func TestImportResumes(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, a *app.App) {
		dir := t.TempDir()
		files := map[string]string{}
		for i := range 12 {
			files[filepath.Join("batch", string(rune('a'+i))+".txt")] = "declaration " + string(rune('a'+i)) + "\n"
		}
		write(t, dir, files)
		meta := filepath.Join(dir, "batch.jsonl")
		var lines []string
		for name := range files {
			rec, _ := json.Marshal(map[string]string{"file": filepath.ToSlash(name), "kind": "customs", "number": name})
			lines = append(lines, string(rec))
		}
		write(t, dir, map[string]string{"batch.jsonl": strings.Join(lines, "\n") + "\n"})
		im := importer.New(a.Documents, a.Store)

		ctx, cancel := context.WithCancel(t.Context())
		r, err := im.Run(ctx, importer.Options{Dir: dir, Metadata: meta, Workers: 2, Progress: func(done, _ int) {
			if done == 5 {
				cancel()
			}
		}})
		if !errors.Is(err, context.Canceled) || r.Imported < 5 || r.NotDone == 0 || r.Imported+r.NotDone != 12 || len(r.Failed) != 0 {
			t.Fatalf("interrupted run: %+v, %v; want at least 5 in, the rest not done, none failed", r, err)
		}
		first := r.Imported
		r, err = im.Run(t.Context(), importer.Options{Dir: dir, Metadata: meta})
		// A document whose commit raced the interruption is in, though the
		// first run could not know it: the second skips it all the same.
		if err != nil || r.Skipped < first || r.Skipped+r.Imported != 12 || len(r.Failed) != 0 || r.Files != 12 {
			t.Errorf("resumed run: %+v, %v; want at least %d skipped and the rest imported", r, err, first)
		}
		if n := len(documents(t, a)); n != 12 {
			t.Errorf("%d documents after the resumed run, want 12", n)
		}
	})
}

// TestImportRefusals: a sidecar the importer cannot fully understand stops
// the run before anything is loaded; a state other than the initial or a
// final one, and an archive date in the future, fail the file.
func TestImportRefusals(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, a *app.App) {
		dir := t.TempDir()
		write(t, dir, map[string]string{"a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n"})
		im := importer.New(a.Documents, a.Store)
		for name, content := range map[string]string{
			"unknown-column.csv":   "file,colour\na.txt,red\n",
			"no-file.csv":          "kind,title\nother,A\n",
			"outside.jsonl":        `{"file":"../etc/passwd","kind":"other"}` + "\n",
			"unknown-member.jsonl": `{"file":"a.txt","kind":"other","colour":"red"}` + "\n",
			"twice.jsonl":          `{"file":"a.txt"}` + "\n" + `{"file":"./a.txt"}` + "\n",
			"sidecar.txt":          "file\na.txt\n",
		} {
			meta := filepath.Join(t.TempDir(), name)
			write(t, filepath.Dir(meta), map[string]string{name: content})
			if _, err := im.Run(t.Context(), importer.Options{Dir: dir, Metadata: meta}); err == nil {
				t.Errorf("sidecar %s: the run started", name)
			}
		}
		if n := len(documents(t, a)); n != 0 {
			t.Fatalf("%d documents after refused sidecars, want none", n)
		}
		meta := filepath.Join(t.TempDir(), "states.jsonl")
		write(t, filepath.Dir(meta), map[string]string{"states.jsonl": strings.Join([]string{
			`{"file":"a.txt","kind":"purchase_order","subtype":"serial","title":"A","state":"approved"}`,
			`{"file":"b.txt","kind":"customs","title":"B","state":"archived","archived_at":"2999-01-01"}`,
			`{"file":"c.txt","kind":"customs","title":"C","archived_at":"2015-01-01"}`,
		}, "\n")})
		r, err := im.Run(t.Context(), importer.Options{Dir: dir, Metadata: meta})
		fails := failures(r)
		if err != nil || r.Imported != 0 || !strings.Contains(fails["a.txt"], "state") ||
			!strings.Contains(fails["b.txt"], "future") || !strings.Contains(fails["c.txt"], "archived_at is only") {
			t.Errorf("refused rows: %+v, %v; want a bad state, a future archive date and an archive date without archiving", fails, err)
		}
	})
}
