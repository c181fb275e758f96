package indexer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	blobfs "dossier/internal/blob/fs"
	"dossier/internal/documents"
	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/indexer"
	"dossier/internal/jobs"
	"dossier/internal/pdf/pdftest"
	"dossier/internal/search"
	"dossier/internal/store"
	"dossier/internal/store/sqldb"
	"dossier/internal/testenv"
	"dossier/internal/textract"
	"dossier/internal/workflow"
	"dossier/workflows"
)

// flakyIndex is the real database index with a switch that makes every
// write fail, as an index server that is down would.
type flakyIndex struct {
	search.Index
	mu   sync.Mutex
	down bool
}

var errDown = errors.New("index is down")

func (f *flakyIndex) setDown(down bool) { f.mu.Lock(); f.down = down; f.mu.Unlock() }

func (f *flakyIndex) Upsert(ctx context.Context, d search.Doc) error {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down {
		return errDown
	}
	return f.Index.Upsert(ctx, d)
}

type bundle struct {
	store  store.Store
	blobs  *blobfs.Store
	index  *flakyIndex
	docs   *documents.Service
	runner *jobs.Runner
	clock  *testenv.Clock
}

func setup(t *testing.T, open func(t *testing.T) *sqldb.DB) *bundle {
	dir := t.TempDir()
	db := open(t)
	blobs, err := blobfs.New(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	c := testenv.NewClock(time.Now())
	b := &bundle{store: db, blobs: blobs, index: &flakyIndex{Index: db.Search()}, clock: c}
	defs, err := workflow.Load(workflows.FS)
	if err != nil {
		t.Fatal(err)
	}
	b.docs = documents.New(db, blobs, defs, c.Now, dir)
	ix := indexer.New(db, blobs, b.index, textract.New(false, dir), dir, c.Now)
	b.runner = jobs.New(db, map[string]jobs.Handler{followup.Extract: ix.ExtractJob, followup.Index: ix.IndexJob},
		slog.New(slog.DiscardHandler), c.Now)
	return b
}

// backends maps testenv's stores by name to their opener.
func backends() map[string]func(t *testing.T) *sqldb.DB {
	out := map[string]func(t *testing.T) *sqldb.DB{}
	for _, s := range testenv.Stores() {
		out[s.Name] = func(t *testing.T) *sqldb.DB { return s.Open(t).DB }
	}
	return out
}

func (b *bundle) upload(t *testing.T, text string) dossier.Document {
	t.Helper()
	ctx := context.Background()
	f, err := b.docs.Stage(ctx, bytes.NewReader(pdftest.Make(t, 2, text)), "scan.pdf")
	if err != nil {
		t.Fatal(err)
	}
	actor := dossier.User{ID: ulid.Make().String()}
	d, err := b.docs.Create(ctx, actor, dossier.Metadata{Kind: "other", Title: "Scanned letter"}, f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// drain runs due jobs until none is left; it returns how many ran.
func (b *bundle) drain(t *testing.T) int {
	t.Helper()
	n := 0
	for {
		ran, err := b.runner.RunOne(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			return n
		}
		n++
	}
}

func (b *bundle) find(t *testing.T, word string) []string {
	t.Helper()
	res, err := b.index.Search(context.Background(), search.Query{Q: word})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// TestWordInsidePDFIsFound: a word that is only in a PDF's text finds the
// document once the extraction and index jobs have run.
func TestWordInsidePDFIsFound(t *testing.T) {
	for name, open := range backends() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, open)
			d := b.upload(t, "The quartermaster ordered vanadium bolts")
			if ids := b.find(t, "vanadium"); len(ids) != 0 {
				t.Fatalf("found %v before any job ran", ids)
			}
			if n := b.drain(t); n < 3 {
				t.Fatalf("%d jobs ran, want extract, index and the index the extraction queues", n)
			}
			if ids := b.find(t, "vanadium"); len(ids) != 1 || ids[0] != d.ID {
				t.Fatalf("vanadium finds %v, want [%s]", ids, d.ID)
			}
		})
	}
}

// TestIndexOutageLosesNothing: uploads succeed while the index is down; the
// failed jobs are retried with backoff and the index catches up when it is back.
func TestIndexOutageLosesNothing(t *testing.T) {
	for name, open := range backends() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, open)
			b.index.setDown(true)
			var ids []string
			for _, w := range []string{"tungsten", "molybdenum", "niobium"} {
				ids = append(ids, b.upload(t, "A quote for "+w+" rods").ID)
			}
			b.drain(t)
			if got := b.find(t, "rods"); len(got) != 0 {
				t.Fatalf("the index was down, yet rods finds %v", got)
			}
			b.index.setDown(false)
			if n := b.drain(t); n != 0 {
				t.Fatalf("%d jobs ran before their backoff was over", n)
			}
			b.clock.Add(time.Hour) // past every backoff
			b.drain(t)
			if got := b.find(t, "rods"); len(got) != len(ids) {
				t.Fatalf("after the index came back, rods finds %v, want all of %v", got, ids)
			}
		})
	}
}

// TestReindexResumes: an interrupted reindex goes on after the last saved
// batch; --restart starts over; a reindex also extracts text never extracted.
func TestReindexResumes(t *testing.T) {
	for name, open := range backends() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, open)
			const n = 120
			for i := range n {
				b.upload(t, fmt.Sprintf("Order number %d for yttrium", i))
			}
			// No job has run: nothing is extracted or indexed yet.
			ix := indexer.New(b.store, b.blobs, b.index, textract.New(false, t.TempDir()), t.TempDir(), b.clock.Now)
			ctx, cancel := context.WithCancel(context.Background())
			err := ix.Reindex(ctx, false, func(done, total int) {
				if total != n {
					t.Errorf("first run: total %d, want %d", total, n)
				}
				if done == 60 {
					cancel()
				}
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted reindex: %v, want context.Canceled", err)
			}
			var lastTotal, lastDone int
			if err := ix.Reindex(context.Background(), false, func(done, total int) { lastDone, lastTotal = done, total }); err != nil {
				t.Fatal(err)
			}
			if lastTotal != n-50 || lastDone != n-50 {
				t.Errorf("resumed reindex did %d of %d, want %d of %d (after the first saved batch of 50)", lastDone, lastTotal, n-50, n-50)
			}
			if got := b.find(t, "yttrium"); len(got) != 20 { // a page of hits; the total is what counts
				t.Errorf("yttrium finds %d hits on the first page, want 20", len(got))
			}
			res, err := b.index.Search(context.Background(), search.Query{Q: "yttrium"})
			if err != nil || res.Total != n {
				t.Fatalf("yttrium: total %d, %v; want %d", res.Total, err, n)
			}
			if err := ix.Reindex(context.Background(), true, func(done, total int) { lastTotal = total }); err != nil || lastTotal != n {
				t.Errorf("restart: total %d, %v; want %d", lastTotal, err, n)
			}
		})
	}
}
