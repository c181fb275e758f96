package evidence_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
	"dossier/internal/evidence"
)

// TestExportMemoryIsFlat exports 64 MiB of incompressible files over HTTP
// and samples the heap meanwhile: it must stay far below what holding the
// archive would take. It runs alone (not parallel), one stack after the
// other, so that no other test's allocations are counted.
func TestExportMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 64 MiB per stack")
	}
	const (
		files     = 4
		fileSize  = 16 << 20
		maxGrowth = 16 << 20 // the archive is 64 MiB; its parts in flight are a few MiB
	)
	for _, be := range apptest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			s := apptest.Start(t, be.Config(t))
			admin := s.AddUser(t, "admin", []dossier.Role{dossier.RoleAdmin}, 0)
			for i := range files {
				// A PNG signature makes the random bytes an image, which the
				// export stores as it is: the archive is as big as the files.
				src := io.MultiReader(strings.NewReader("\x89PNG\r\n\x1a\n"), io.LimitReader(rand.Reader, fileSize))
				st, err := s.App.Documents.Stage(t.Context(), src, "scan.png")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.App.Documents.Create(t.Context(), admin, dossier.Metadata{
					Kind: dossier.KindCustoms, Title: "Scan", Number: "M-" + string(rune('1'+i))}, st); err != nil {
					t.Fatal(err)
				}
			}
			token := s.SignIn(t, "admin")

			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			var peak uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() {
				tick := time.NewTicker(2 * time.Millisecond)
				defer tick.Stop()
				for {
					var m runtime.MemStats
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapAlloc)
					select {
					case <-stop:
						return
					case <-tick.C:
					}
				}
			})
			resp := s.Do(t, http.MethodPost, "/api/v1/exports", token, strings.NewReader(`{"filter":{"kind":"customs"}}`))
			h := sha256.New()
			var archive bytes.Buffer // only the end: the central directory, to count the entries
			n, err := io.Copy(io.MultiWriter(h, &tail{buf: &archive, keep: 64 << 10}), resp.Body)
			close(stop)
			wg.Wait()
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("export: status %d, %v", resp.StatusCode, err)
			}
			if n < files*fileSize {
				t.Fatalf("the archive is %d bytes, less than the %d of its files", n, files*fileSize)
			}
			growth := int64(peak) - int64(before.HeapAlloc)
			t.Logf("%s: archive %d MiB, heap %d MiB before, peak growth %d MiB", be.Name, n>>20, before.HeapAlloc>>20, growth>>20)
			if growth > maxGrowth {
				t.Errorf("the heap grew by %d MiB while exporting %d MiB, want at most %d MiB", growth>>20, n>>20, maxGrowth>>20)
			}
			if !bytes.Contains(archive.Bytes(), []byte(evidence.SignatureName)) {
				t.Error("the archive's end does not name manifest.sig: it was cut short")
			}
		})
	}
}

// tail keeps (at least) the last keep bytes written to it, in a buffer it
// never lets grow past twice that.
type tail struct {
	buf  *bytes.Buffer
	keep int
}

func (w *tail) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if w.buf.Len() > 2*w.keep {
		w.buf.Next(w.buf.Len() - w.keep) // the next Write slides the rest to the front
	}
	return len(p), nil
}
