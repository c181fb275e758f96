package cli

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dossier/internal/audit"
)

// TestExportCommands: dossier export writes an archive that dossier audit
// verify-export passes with the key dossier audit key prints, and fails (exit
// 1, naming the place) once a byte of it is changed; usage errors exit 2.
func TestExportCommands(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, s *stack) {
		dir := t.TempDir()
		a := s.document(t, "E-1", "an open declaration\n", time.Time{})
		b := s.document(t, "E-2", "an archived declaration\n", time.Now())
		code, key, errOut := s.run(t, "audit", "key")
		if key = strings.TrimSpace(key); code != 0 || !strings.HasPrefix(key, "ed25519:") {
			t.Fatalf("audit key: exit %d, %q:\n%s", code, key, errOut)
		}
		keyFile := filepath.Join(dir, "service.pub")
		if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}

		byID := filepath.Join(dir, "by-id.zip")
		code, out, errOut := s.run(t, "export", "--ids", b.ID+","+a.ID, "--out", byID)
		if code != 0 || !strings.Contains(out, "2 documents, 2 files") {
			t.Fatalf("export --ids: exit %d:\n%s%s", code, out, errOut)
		}
		if _, err := os.Stat(byID + ".part"); !os.IsNotExist(err) {
			t.Errorf("export left %s.part behind: %v", byID, err)
		}
		byFilter := filepath.Join(dir, "by-filter.zip")
		if code, out, errOut := s.run(t, "export", "--filter", "kind=customs&state=archived", "--out", byFilter); code != 0 || !strings.Contains(out, "1 documents") {
			t.Fatalf("export --filter: exit %d:\n%s%s", code, out, errOut)
		}
		for _, args := range [][]string{
			{"audit", "verify-export", byID, "--key", key},
			{"audit", "verify-export", "--key", keyFile, byFilter},
		} {
			if code, out, errOut := s.run(t, args...); code != 0 || !strings.Contains(out, "ok: the archive is intact") || strings.Contains(out, "WARNING") {
				t.Errorf("%v: exit %d, want 0:\n%s%s", args, code, out, errOut)
			}
		}
		if code, out, _ := s.run(t, "audit", "verify-export", byID, "--json", "--key", key); code != 0 ||
			!strings.Contains(out, `"problems": []`) || !strings.Contains(out, `"key_pinned": true`) {
			t.Errorf("verify-export --json: exit %d, want 0 and a JSON report:\n%s", code, out)
		}
		if code, out, _ := s.run(t, "audit", "verify-export", byID); code != 0 || !strings.Contains(out, "WARNING  the key was not pinned") {
			t.Errorf("verify-export without --key: exit %d, want 0 with a warning:\n%s", code, out)
		}

		damaged := filepath.Join(dir, "damaged.zip")
		file := "documents/" + a.ID + "/v1-E-1.txt"
		rewrite(t, byID, damaged, file, func(b []byte) []byte { return bytes.Replace(b, []byte("open"), []byte("shut"), 1) })
		code, out, errOut = s.run(t, "audit", "verify-export", damaged, "--key", key)
		if code != 1 || !strings.Contains(out, "PROBLEM  "+file+": is ") || !strings.Contains(errOut, "1 problem(s)") {
			t.Errorf("verify-export of a changed file: exit %d, want 1 naming %s:\n%s%s", code, file, out, errOut)
		}
		raw, _ := os.ReadFile(byID)
		if err := os.WriteFile(damaged, raw[:len(raw)-100], 0o600); err != nil {
			t.Fatal(err)
		}
		if code, out, _ := s.run(t, "audit", "verify-export", damaged); code != 1 || !strings.Contains(out, "not a readable ZIP") {
			t.Errorf("verify-export of a cut archive: exit %d, want 1:\n%s", code, out)
		}

		for _, tc := range []struct {
			args []string
			code int
		}{
			{[]string{"audit", "verify-export"}, 2},
			{[]string{"audit", "verify-export", byID, "--key", "not-a-key"}, 2},
			{[]string{"audit", "verify-export", filepath.Join(dir, "missing.zip")}, 1},
			{[]string{"export", "--out", filepath.Join(dir, "x.zip")}, 2},
			{[]string{"export", "--all"}, 2},
			{[]string{"export", "--all", "--ids", a.ID, "--out", filepath.Join(dir, "x.zip")}, 2},
			{[]string{"export", "--filter", "kind=nope", "--out", filepath.Join(dir, "x.zip")}, 2},
			{[]string{"export", "--filter", "colour=red", "--out", filepath.Join(dir, "x.zip")}, 2},
			{[]string{"export", "--ids", "01JNOSUCHDOCUMENT000000000", "--out", filepath.Join(dir, "x.zip")}, 1},
			{[]string{"export", "--filter", "customer=Nobody", "--out", filepath.Join(dir, "x.zip")}, 1},
		} {
			if code, out, errOut := s.run(t, tc.args...); code != tc.code {
				t.Errorf("%v: exit %d, want %d:\n%s%s", tc.args, code, tc.code, out, errOut)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "x.zip")); !os.IsNotExist(err) {
			t.Errorf("a refused export wrote x.zip: %v", err)
		}

		events, _, err := audit.NewTrail(s.App.Store).List(t.Context(), audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events {
			if e.Action == "evidence.export" && e.Actor == "" && strings.Contains(string(e.Details), `"complete":true`) {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d evidence.export events from the command line, want 2", n)
		}
		if code, out, errOut := s.run(t, "audit", "verify"); code != 0 {
			t.Errorf("audit verify after the exports: exit %d:\n%s%s", code, out, errOut)
		}
	})
}

// rewrite copies the archive src to dst with the entry name changed by fn.
func rewrite(t *testing.T, src, dst, name string, fn func([]byte) []byte) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			b, found = fn(b), true
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("%s has no %s", src, name)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
