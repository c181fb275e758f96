package faulttest_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"dossier/internal/apptest"
	"dossier/internal/faulttest"
	"dossier/internal/pdf/pdftest"
)

// TestReplicas runs two `dossier serve` processes on one PostgreSQL and one
// object store (SPEC §3, §15) and spreads the work over both: what one
// accepts the other shows and finds, concurrent edits of one document from
// both lose no update, every job runs once, a replica stopped with SIGTERM
// under load loses no accepted request, and the failed-sign-in limit counts
// the failures of both.
func TestReplicas(t *testing.T) {
	c := apptest.Backends()[1].Config(t) // "servers": PostgreSQL and S3
	s := stack{name: "servers", bin: faulttest.Binary(t), vars: faulttest.Vars(c)}
	if code, out := faulttest.Run(t, s.bin, s.vars, "user", "add", "--username", "admin", "--password", adminPassword, "--roles", "admin"); code != 0 {
		t.Fatalf("user add: %d: %s", code, out)
	}
	a, b := faulttest.Serve(t, s.bin, maps.Clone(s.vars)), faulttest.Serve(t, s.bin, maps.Clone(s.vars))
	ca := faulttest.SignIn(t, a.URL, "admin", adminPassword)
	cb := ca.As(b.URL)
	ledger := faulttest.NewLedger()
	load := newCrashLoad(ca, ledger, runID(), [][]byte{pdftest.Make(t, 1, "replica one"), pdftest.Make(t, 2, "replica two")})
	load.cs = []*faulttest.Client{ca, cb}

	work := 40
	if faulttest.Soak() {
		work = 400
	}
	t.Run("spread", func(t *testing.T) {
		runLoad(t, load, 4, func() { load.waitAccepted(t, work) })
		// Each replica shows, and finds, what both accepted.
		ledger.Check(t, cb, "received")
		ledger.WaitSearchable(t, ca, time.Minute)
		ledger.WaitSearchable(t, cb, time.Minute)
		requireStampedOnce(t, ca, ledger)
	})
	t.Run("no lost update", func(t *testing.T) {
		requireOneWinner(t, ca, cb)
	})
	t.Run("SIGTERM under load", func(t *testing.T) {
		runLoad(t, load, 4, func() {
			load.waitAccepted(t, 10)
			if code := b.Term(); code != 0 {
				t.Errorf("replica b exited with %d after SIGTERM", code)
			}
			load.waitAccepted(t, 5) // a goes on alone
		})
		ledger.Check(t, ca, "received")
		b.Start()
	})
	t.Run("sign-in limit", func(t *testing.T) {
		bad := `{"username":"admin","password":"wrong"}`
		for i := range 10 {
			c := []*faulttest.Client{ca, cb}[i%2]
			ans, err := c.Do(context.Background(), http.MethodPost, "/api/v1/session", strings.NewReader(bad))
			if err != nil || ans.Status != http.StatusUnauthorized {
				t.Fatalf("failed sign-in %d: %v %v", i+1, ans, err)
			}
		}
		good := fmt.Sprintf(`{"username":"admin","password":%q}`, adminPassword)
		for _, c := range []*faulttest.Client{ca, cb} {
			ans, err := c.Do(context.Background(), http.MethodPost, "/api/v1/session", strings.NewReader(good))
			if err != nil || ans.Status != http.StatusTooManyRequests || ans.Header.Get("Retry-After") == "" {
				t.Errorf("sign-in at %s after 10 failures over both replicas: %v %v, want 429 with Retry-After", c.URL, ans, err)
			}
		}
	})
	for _, r := range []*faulttest.Server{a, b} {
		if code := r.Term(); code != 0 {
			t.Errorf("a replica exited with %d", code)
		}
		r.RequireCleanLog(t)
	}
	if len(load.errors) > 0 {
		t.Errorf("%d answers were 5xx, e.g. %s", len(load.errors), load.errors[0])
	}
	s.requireClean(t)
}

// runLoad runs clients of load until during returns.
func runLoad(t *testing.T, load *crashLoad, clients int, during func()) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() { load.client(ctx) })
	}
	during()
	stop()
	wg.Wait()
}

// requireStampedOnce waits until every archived PDF has its stamped
// rendition and checks that the stamp job ran once for it, not once per replica.
func requireStampedOnce(t *testing.T, c *faulttest.Client, l *faulttest.Ledger) {
	t.Helper()
	checked := 0
	for _, u := range l.Uploads() {
		if !bytes.HasPrefix(u.Content, []byte("%PDF")) || !l.Archived(u.ID) {
			continue
		}
		deadline := time.Now().Add(time.Minute)
		for {
			ans, err := c.Do(context.Background(), http.MethodGet, "/api/v1/documents/"+u.ID+"/content?rendition=stamped", nil)
			if err == nil && ans.Status == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("archived %s has no stamped rendition after a minute: %v %v", u.ID, ans, err)
			}
			time.Sleep(100 * time.Millisecond) // polling the job queue
		}
		var audit struct {
			Items []struct {
				Action string `json:"action"`
			} `json:"items"`
		}
		c.Get(t, "/api/v1/audit?document_id="+url.QueryEscape(u.ID), &audit)
		stamps := 0
		for _, e := range audit.Items {
			if e.Action == "document.stamp" {
				stamps++
			}
		}
		if stamps != 1 {
			t.Errorf("document %s was stamped %d times, want once", u.ID, stamps)
		}
		checked++
	}
	if checked == 0 {
		t.Errorf("no archived PDF to check the stamp job on")
	}
}

// requireOneWinner sends concurrent PATCHes with the same If-Match, and then
// concurrent archive events, to one document through both replicas: one
// wins each time, the others are told their version is stale (412) or the
// document moved on (409).
func requireOneWinner(t *testing.T, ca, cb *faulttest.Client) {
	t.Helper()
	ans, err := ca.Upload(context.Background(), "race.txt", []byte("race\n"), `{"kind":"other","title":"Race"}`)
	var d faulttest.Document
	if err != nil || ans.Status != http.StatusCreated || ans.JSON(&d) != nil {
		t.Fatalf("upload: %v %v", ans, err)
	}
	race := func(name string, send func(c *faulttest.Client, i int) (faulttest.Answer, error), lose int) {
		const n = 8
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				ans, err := send([]*faulttest.Client{ca, cb}[i%2], i)
				if err != nil {
					t.Errorf("%s %d: %v", name, i, err)
				}
				statuses[i] = ans.Status
			})
		}
		wg.Wait()
		won := 0
		for _, st := range statuses {
			switch st {
			case http.StatusOK:
				won++
			case lose:
			default:
				t.Errorf("%s: a status %d among %v", name, st, statuses)
			}
		}
		if won != 1 {
			t.Errorf("%s: %d won (%v), want exactly 1", name, won, statuses)
		}
	}
	race("PATCH", func(c *faulttest.Client, i int) (faulttest.Answer, error) {
		return c.Do(context.Background(), http.MethodPatch, "/api/v1/documents/"+d.ID,
			strings.NewReader(fmt.Sprintf(`{"title":"Race %d"}`, i)), "Content-Type", "application/merge-patch+json", "If-Match", `"1"`)
	}, http.StatusPreconditionFailed)
	race("archive", func(c *faulttest.Client, _ int) (faulttest.Answer, error) {
		return c.Fire(context.Background(), d.ID, "archive", 0)
	}, http.StatusConflict)
}
