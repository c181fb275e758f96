package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// TestImportCommand: a directory is loaded with its sidecar, straight into
// the archive; the failure is listed and exits 1; a second run skips what
// is in; a clean run exits 0.
func TestImportCommand(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, s *stack) {
		dir := t.TempDir()
		files := map[string]string{
			"1998/lc-1.txt":  "letter of credit 1\n",
			"1998/lc-2.txt":  "letter of credit 2\n",
			"1998/scan.gif":  "GIF89a\x01\x00\x01\x00\x00\x00\x00;",
			"1999/misc.txt":  "miscellaneous\n",
			"meta/index.csv": "file,kind,subtype,number,archived_at\n1998/lc-1.txt,letter_of_credit,sight,LC-1,1999-01-31\n1998/lc-2.txt,letter_of_credit,sight,LC-2,\n",
		}
		for name, content := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
				t.Fatal(err)
			}
		}
		mtime := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
		if err := os.Chtimes(filepath.Join(dir, "1998", "lc-2.txt"), mtime, mtime); err != nil {
			t.Fatal(err)
		}
		args := []string{"import", dir, "--metadata", filepath.Join(dir, "meta", "index.csv"), "--kind", "other",
			"--state", "archived", "--as", "archivist", "--jobs", "2"}
		code, out, errOut := s.run(t, args...)
		if code != 1 || !strings.Contains(out, "imported 3, already in 0, failed 1 of 4 files") ||
			!strings.Contains(out, "failed 1998/scan.gif: ") || !strings.Contains(errOut, "1 file could not be imported") {
			t.Fatalf("import: exit %d, want 1 with 3 in and the GIF failed:\n%s%s", code, out, errOut)
		}
		docs := map[string]dossier.Document{}
		err := s.App.Store.Read(t.Context(), func(tx store.Tx) error {
			list, err := tx.ListDocuments(t.Context(), store.DocumentFilter{})
			for _, d := range list {
				docs[d.File.Filename] = d
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		lc1, lc2, misc := docs["lc-1.txt"], docs["lc-2.txt"], docs["misc.txt"]
		if lc1.Kind != dossier.KindLetterOfCredit || lc1.State != "archived" || lc1.CreatedBy != s.Admin.ID ||
			lc1.ArchivedAt == nil || !lc1.ArchivedAt.Equal(time.Date(1999, 1, 31, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("LC-1: %+v; want an archived LC of 1999-01-31 imported by the archivist", lc1)
		}
		if lc2.ArchivedAt == nil || !lc2.ArchivedAt.Equal(mtime) {
			t.Errorf("LC-2 archived at %v, want the file's modification time %s", lc2.ArchivedAt, mtime)
		}
		if misc.Kind != dossier.KindOther || misc.Title != "misc" || misc.State != "archived" {
			t.Errorf("misc: %+v; want an archived other named after its file", misc)
		}

		code, out, _ = s.run(t, args...)
		if code != 1 || !strings.Contains(out, "imported 0, already in 3, failed 1 of 4 files") {
			t.Errorf("second import: exit %d, want everything skipped but the GIF:\n%s", code, out)
		}
		if err := os.Remove(filepath.Join(dir, "1998", "scan.gif")); err != nil {
			t.Fatal(err)
		}
		if code, out, errOut := s.run(t, args...); code != 0 || !strings.Contains(out, "already in 3, failed 0 of 3 files") {
			t.Errorf("import of a directory that is all in: exit %d, want 0:\n%s%s", code, out, errOut)
		}
		for _, bad := range [][]string{
			{"import"}, {"import", filepath.Join(dir, "nowhere")}, {"import", dir, "--kind", "ledger"}, {"import", dir, "--jobs", "-1"},
		} {
			if code, _, errOut := s.run(t, bad...); code != 2 {
				t.Errorf("%v: exit %d, want 2:\n%s", bad, code, errOut)
			}
		}
		if code, _, errOut := s.run(t, "import", dir, "--as", "nobody"); code != 1 || !strings.Contains(errOut, `user "nobody" not found`) {
			t.Errorf("import --as nobody: exit %d, want 1:\n%s", code, errOut)
		}
		if code, out, errOut := s.run(t, "audit", "verify"); code != 0 {
			t.Errorf("audit verify after the imports: exit %d:\n%s%s", code, out, errOut)
		}
	})
}
