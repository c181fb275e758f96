package faulttest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"dossier/internal/faulttest"
	"dossier/internal/pdf/pdftest"
)

// TestCrashes kills `dossier serve` with SIGKILL at random moments while
// clients upload and archive documents, restarts it each time, and then
// checks what the clients were told against what is stored (SPEC §3a, §15):
// every 201 and 200 is there with its bytes and history, nothing half-made
// is visible, the jobs the commits queued have run, the audit chain
// verifies and fsck finds no damage. 5 kills a stack; DOSSIER_SOAK=1: 25.
func TestCrashes(t *testing.T) {
	kills, clients := 5, 4
	if faulttest.Soak() {
		kills, clients = 25, 8
	}
	forEachStack(t, func(t *testing.T, s stack) {
		srv := faulttest.Serve(t, s.bin, s.vars)
		admin := faulttest.SignIn(t, srv.URL, "admin", adminPassword)
		ledger := faulttest.NewLedger()
		pdfs := [][]byte{pdftest.Make(t, 1, "crash test one"), pdftest.Make(t, 2, "crash test two")}
		load := newCrashLoad(admin, ledger, runID(), pdfs)

		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() { load.client(ctx) })
		}
		for k := range kills {
			// Let the restarted server take some work, then kill it at a
			// random moment of the work in flight.
			load.waitAccepted(t, 2)
			time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond) // a random moment, not a wait for work
			srv.Kill()
			t.Logf("kill %d after %d requests accepted (%d of them events)", k+1, load.accepted(), load.fired())
			srv.Start()
		}
		load.waitAccepted(t, 2)
		stop()
		wg.Wait()
		uploads, events := ledger.Counts()
		t.Logf("%d kills: %d uploads and %d events accepted, %d requests failed on the way", kills, uploads, events, load.failed())
		if uploads == 0 || events == 0 {
			t.Fatalf("the load did nothing: %d uploads, %d events", uploads, events)
		}

		if len(load.errors) > 0 {
			t.Errorf("%d answers were 5xx, e.g. %s", len(load.errors), load.errors[0])
		}
		ledger.Check(t, admin, "received")
		ledger.WaitSearchable(t, admin, 2*time.Minute)
		var parked struct {
			Items []any `json:"items"`
		}
		admin.Get(t, "/api/v1/jobs/parked", &parked)
		if len(parked.Items) != 0 {
			t.Errorf("jobs parked after the crashes: %+v", parked.Items)
		}
		if code := srv.Term(); code != 0 {
			t.Errorf("dossier serve exited with %d after SIGTERM", code)
		}
		srv.RequireCleanLog(t)
		s.requireClean(t)
	})
}

// crashLoad is what the clients of TestCrashes share.
type crashLoad struct {
	cs     []*faulttest.Client // spread over, one request each in turn
	ledger *faulttest.Ledger
	run    string
	pdfs   [][]byte

	mu       sync.Mutex
	n        int      // uploads tried
	toFire   []string // accepted, not archived yet
	accepts  int      // answers 2xx
	failures int      // broken connections and 5xx
	errors   []string // the 5xx answers: a server that is up must not give one
	allow503 bool     // a backend is down on purpose: 503 is the clean failure
	wake     chan struct{}
}

func newCrashLoad(c *faulttest.Client, l *faulttest.Ledger, run string, pdfs [][]byte) *crashLoad {
	return &crashLoad{cs: []*faulttest.Client{c}, ledger: l, run: run, pdfs: pdfs, wake: make(chan struct{}, 1)}
}

// client uploads documents and archives earlier ones until ctx ends.
func (l *crashLoad) client(ctx context.Context) {
	for ctx.Err() == nil {
		l.mu.Lock()
		l.n++
		n := l.n
		var id string
		if len(l.toFire) > 0 && n%2 == 0 {
			id, l.toFire = l.toFire[0], l.toFire[1:]
		}
		l.mu.Unlock()
		c := l.cs[rand.IntN(len(l.cs))]
		if id != "" {
			l.archive(ctx, c, id)
		} else {
			l.upload(ctx, c, n)
		}
	}
}

func (l *crashLoad) upload(ctx context.Context, c *faulttest.Client, n int) {
	number := faulttest.Number(l.run, n)
	content := []byte(fmt.Sprintf("Crash test document %s\nline two %d\n", number, rand.Int64()))
	name := "note.txt"
	if n%4 == 0 {
		// A PDF of its own bytes: the base PDF with a unique trailer comment.
		content = append(append([]byte{}, l.pdfs[n%len(l.pdfs)]...), fmt.Sprintf("\n%% %s\n", number)...)
		name = "scan.pdf"
	}
	meta := fmt.Sprintf(`{"kind":"other","title":"Crash %s","number":%q}`, number, number)
	a, err := c.Upload(ctx, name, content, meta)
	if err != nil || a.Status != http.StatusCreated {
		l.fail(err, a)
		return
	}
	var d faulttest.Document
	if err := a.JSON(&d); err != nil {
		l.fail(err, a)
		return
	}
	l.ledger.Upload(faulttest.Accepted{ID: d.ID, Number: number, Content: content})
	l.mu.Lock()
	l.toFire = append(l.toFire, d.ID)
	l.mu.Unlock()
	l.accepted1()
}

func (l *crashLoad) archive(ctx context.Context, c *faulttest.Client, id string) {
	a, err := c.Fire(ctx, id, "archive", 0)
	if err != nil || a.Status != http.StatusOK {
		l.fail(err, a)
		return
	}
	var d faulttest.Document
	if err := a.JSON(&d); err != nil {
		l.fail(err, a)
		return
	}
	l.ledger.Fire(id, faulttest.Fired{Event: "archive", To: "archived", Version: d.Version})
	l.accepted1()
}

// fail counts a request that got no answer or a 5xx; a 4xx (archiving a
// document whose earlier archive succeeded unseen) is no failure.
func (l *crashLoad) fail(err error, a faulttest.Answer) {
	if err != nil || a.Status >= 500 {
		l.mu.Lock()
		l.failures++
		if err == nil && !(l.allow503 && a.Status == http.StatusServiceUnavailable) {
			l.errors = append(l.errors, a.String())
		}
		l.mu.Unlock()
		time.Sleep(20 * time.Millisecond) // pace retries while the server is down
	}
}

func (l *crashLoad) accepted1() {
	l.mu.Lock()
	l.accepts++
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *crashLoad) accepted() int { l.mu.Lock(); defer l.mu.Unlock(); return l.accepts }
func (l *crashLoad) failed() int   { l.mu.Lock(); defer l.mu.Unlock(); return l.failures }
func (l *crashLoad) fired() int    { _, e := l.ledger.Counts(); return e }

// waitAccepted returns once n more requests were accepted.
func (l *crashLoad) waitAccepted(t *testing.T, n int) {
	t.Helper()
	want := l.accepted() + n
	deadline := time.After(60 * time.Second)
	for l.accepted() < want {
		select {
		case <-l.wake:
		case <-deadline:
			t.Fatalf("the restarted server accepted no work within 60 s")
		}
	}
}
