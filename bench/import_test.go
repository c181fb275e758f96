package bench

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"dossier/internal/app"
	"dossier/internal/blob"
	blobfs "dossier/internal/blob/fs"
	"dossier/internal/blob/s3"
	"dossier/internal/config"
	"dossier/internal/importer"
	"dossier/internal/pdf/pdftest"
	"dossier/internal/testenv"
)

// importFiles is how many PDFs the import benchmark loads;
// DOSSIER_BENCH_IMPORT_FILES overrides it.
func importFiles() int {
	if n, err := strconv.Atoi(os.Getenv("DOSSIER_BENCH_IMPORT_FILES")); err == nil && n > 0 {
		return n
	}
	return 500
}

// BenchmarkImportEmbedded and BenchmarkImportServers load a directory of
// small PDFs (100-300 KB, SPEC §14's ingest) with `dossier import`'s
// importer: each file hashed, checked for being in already, validated
// with pdfcpu, stored and recorded with its audit event and jobs. The
// baseline is storing the same files in the same blob store, as many at
// once, with nothing else.
// Run them with -benchtime 1x: a second round would find every file in.
func BenchmarkImportEmbedded(b *testing.B) {
	dir := b.TempDir()
	baseline, err := blobfs.New(filepath.Join(dir, "baseline"))
	if err != nil {
		b.Fatal(err)
	}
	benchImport(b, config.Config{DataDir: dir, DatabaseURL: testenv.SQLite.URL(b),
		BlobURL: "file://" + filepath.Join(dir, "blobs"), SearchURL: "db"}, baseline)
}

func BenchmarkImportServers(b *testing.B) {
	c, err := s3.ParseURL(testenv.S3URL(b))
	if err != nil {
		b.Fatal(err)
	}
	baseline, err := s3.New(context.Background(), c)
	if err != nil {
		b.Fatal(err)
	}
	defer baseline.Close()
	benchImport(b, config.Config{DataDir: b.TempDir(), DatabaseURL: testenv.PostgreSQL.URL(b),
		BlobURL: testenv.S3URL(b), SearchURL: "db"}, baseline)
}

// benchImport imports into the service on c; the baseline stores the same
// files in a blob store of its own, so that neither finds the other's bytes.
func benchImport(b *testing.B, c config.Config, baseline blob.Store) {
	ctx := context.Background()
	src := b.TempDir()
	n := importFiles()
	var total int64
	for i := range n {
		// About 4 KB of text a page, 25 to 75 pages: 100 to 300 KB.
		text := strings.Repeat(fmt.Sprintf("Purchase order %06d, line item, delivery FCA Wolfsburg. ", i), 70)
		pdf := pdftest.Make(b, 25+i%51, text)
		total += int64(len(pdf))
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("po-%06d.pdf", i)), pdf, 0o640); err != nil {
			b.Fatal(err)
		}
	}
	a, err := app.Open(ctx, c, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	b.ResetTimer()
	for range b.N {
		base := storeAll(b, baseline, src)
		r, err := importer.New(a.Documents, a.Store).Run(ctx, importer.Options{Dir: src, Kind: "other", Workers: benchWorkers()})
		if err != nil || len(r.Failed) > 0 || r.Imported+r.Skipped != n {
			b.Fatalf("import: %+v, %v", r, err)
		}
		rate, baseRate := float64(r.Imported)/r.Elapsed.Seconds(), float64(n)/base.Seconds()
		b.ReportMetric(rate, "docs/s")
		b.ReportMetric(baseRate, "baseline_docs/s")
		b.ReportMetric(rate/baseRate, "ratio")
		b.Logf("%d PDFs (%d KiB on average) on %d CPUs: imported at %.0f documents/s; the same files stored alone at %.0f/s (ratio %.2f)",
			n, total/int64(n)>>10, runtime.NumCPU(), rate, baseRate, rate/baseRate)
	}
}

// storeAll stores every file of dir in the blob store, one per CPU at once,
// and returns how long it took.
func storeAll(b *testing.B, store blob.Store, dir string) time.Duration {
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	var g errgroup.Group
	g.SetLimit(runtime.NumCPU())
	for _, e := range entries {
		g.Go(func() error {
			f, err := os.Open(filepath.Join(dir, e.Name()))
			if err != nil {
				return err
			}
			defer f.Close()
			st, err := store.Stage(context.Background(), f)
			if err != nil {
				return err
			}
			return store.Promote(context.Background(), st)
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// benchWorkers is DOSSIER_BENCH_IMPORT_JOBS, or 0 for the importer's default.
func benchWorkers() int {
	n, _ := strconv.Atoi(os.Getenv("DOSSIER_BENCH_IMPORT_JOBS"))
	return n
}
