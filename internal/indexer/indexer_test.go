package indexer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
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
// write fail, as an index server that is down would. It records when each
// document was last refused.
type flakyIndex struct {
	search.Index
	mu      sync.Mutex
	down    bool
	refused map[string]time.Time
	refusal chan struct{} // a signal after each refusal
}

var errDown = errors.New("index is down")

func (f *flakyIndex) setDown(down bool) { f.mu.Lock(); f.down = down; f.mu.Unlock() }

// refusedAll reports whether every one of ids was refused at least once.
func (f *flakyIndex) refusedAll(ids []string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		if _, ok := f.refused[id]; !ok {
			return false
		}
	}
	return true
}

func (f *flakyIndex) Upsert(ctx context.Context, d search.Doc) error {
	f.mu.Lock()
	down := f.down
	if down {
		f.refused[d.ID] = time.Now()
		select {
		case f.refusal <- struct{}{}:
		default:
		}
	}
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
	ran    atomic.Int64 // jobs run, failed ones included
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
	b := &bundle{store: db, blobs: blobs, clock: c,
		index: &flakyIndex{Index: db.Search(), refused: map[string]time.Time{},
			refusal: make(chan struct{}, 1)}}
	defs, err := workflow.Load(workflows.FS)
	if err != nil {
		t.Fatal(err)
	}
	b.docs = documents.New(db, blobs, defs, c.Now, dir)
	ix := indexer.New(db, blobs, b.index, textract.New(false, dir), dir, c.Now)
	count := func(h jobs.Handler) jobs.Handler {
		return func(ctx context.Context, p []byte) error { b.ran.Add(1); return h(ctx, p) }
	}
	b.runner, err = jobs.New(db.JobQueue(), map[string]jobs.Handler{followup.Extract: count(ix.ExtractJob), followup.Index: count(ix.IndexJob)},
		slog.New(slog.DiscardHandler), jobs.Config{Backoff: b.backoff, Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// backoff is the runner's wait before a retry: short, so that a test sees
// retries without waiting seconds for them.
func (b *bundle) backoff(int) time.Duration { return 300 * time.Millisecond }

// start runs the jobs until the test ends.
func (b *bundle) start(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.runner.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
}

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

// drain waits until the jobs queued so far, and those they queue, have run.
func (b *bundle) drain(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.runner.WaitIdle(ctx); err != nil {
		t.Fatal(err)
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
			b.start(t)
			b.drain(t)
			if n := b.ran.Load(); n < 3 {
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
			b.start(t)
			// Wait until every document was refused at least once.
			deadline := time.After(30 * time.Second)
			for !b.index.refusedAll(ids) {
				select {
				case <-b.index.refusal:
				case <-deadline:
					t.Fatal("the index jobs did not run while the index was down")
				}
			}
			if got := b.find(t, "rods"); len(got) != 0 {
				t.Fatalf("the index was down, yet rods finds %v", got)
			}
			b.index.setDown(false)
			b.drain(t)
			if got := b.find(t, "rods"); len(got) != len(ids) {
				t.Fatalf("after the index came back, rods finds %v, want all of %v", got, ids)
			}
			if parked, err := b.runner.Parked(context.Background(), 10); err != nil || len(parked) != 0 {
				t.Errorf("parked jobs: %+v, %v; want none", parked, err)
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

// heldIndex holds its first write of a document without text until released,
// so that a test can let a newer write overtake it.
type heldIndex struct {
	search.Index
	held, release chan struct{}
}

func (h *heldIndex) Upsert(ctx context.Context, d search.Doc) error {
	if len(d.Pages) == 0 && h.held != nil {
		h.held <- struct{}{}
		h.held = nil
		<-h.release
	}
	return h.Index.Upsert(ctx, d)
}

// TestStaleIndexWriteIsCorrected: the upload's index job reads the document
// before its text is extracted and writes after the extraction's index job
// wrote the text; the text is still found afterwards.
func TestStaleIndexWriteIsCorrected(t *testing.T) {
	for name, open := range backends() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, open)
			d := b.upload(t, "Beryllium copper contacts")
			slow := &heldIndex{Index: b.index.Index, held: make(chan struct{}), release: make(chan struct{})}
			dir := t.TempDir()
			stale := indexer.New(b.store, b.blobs, slow, textract.New(false, dir), dir, b.clock.Now)
			fresh := indexer.New(b.store, b.blobs, b.index.Index, textract.New(false, dir), dir, b.clock.Now)
			done := make(chan error, 1)
			go func() { done <- stale.IndexDocument(context.Background(), d.ID) }()
			<-slow.held // it has read the document without text
			if err := b.store.Write(context.Background(), func(tx store.Tx) error {
				return tx.PutText(context.Background(), d.ID, d.File.Version, []string{"Beryllium copper contacts"})
			}); err != nil {
				t.Fatal(err)
			}
			if err := fresh.IndexDocument(context.Background(), d.ID); err != nil {
				t.Fatal(err)
			}
			if ids := b.find(t, "beryllium"); len(ids) != 1 {
				t.Fatalf("beryllium finds %v after the fresh write", ids)
			}
			close(slow.release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if ids := b.find(t, "beryllium"); len(ids) != 1 || ids[0] != d.ID {
				t.Fatalf("after the stale write, beryllium finds %v, want [%s]", ids, d.ID)
			}
		})
	}
}
