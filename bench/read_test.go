package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the baseline's own handle
	"github.com/oklog/ulid/v2"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"dossier/internal/dossier"
	"dossier/internal/store"
	_ "modernc.org/sqlite" // the baseline's own handle
)

// readParams are the size of one read run: SPEC §14's 1,000 requests/s
// for 60 s over 100,000 documents in full mode, a few seconds otherwise.
// DOSSIER_BENCH_READ_DOCS, _RATE and _SECONDS override them.
func readParams() (docs, rate int, d time.Duration) {
	docs, rate, secs := 2000, 200, 2
	if full() {
		docs, rate, secs = 100_000, 1000, 60
	}
	docs = envInt("DOSSIER_BENCH_READ_DOCS", docs)
	rate = envInt("DOSSIER_BENCH_READ_RATE", rate)
	secs = envInt("DOSSIER_BENCH_READ_SECONDS", secs)
	return docs, rate, time.Duration(secs) * time.Second
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkRead holds an open-loop load of GET /api/v1/documents/{id} (a
// rate kept whatever the latencies, so that a slow answer cannot hide the
// ones queued behind it) over documents seeded through the store, read by
// an approver who may act on many of them, so that allowed_events runs its
// DOA and segregation checks. The baseline, in the same run at the same
// rate, is a bare handler that reads the same row by id from the same
// database pool and writes it as JSON.
func BenchmarkRead(b *testing.B) {
	for _, name := range []string{"embedded", "servers"} {
		b.Run(name, func(b *testing.B) {
			for range b.N {
				r := measureRead(b, name)
				b.ReportMetric(ms(r.api.q(0.50)), "p50-ms")
				b.ReportMetric(ms(r.api.q(0.99)), "p99-ms")
				b.ReportMetric(ms(r.api.q(0.999)), "p99.9-ms")
				b.ReportMetric(float64(r.api.errors), "errors")
				b.ReportMetric(ms(r.base.q(0.99)), "baseline-p99-ms")
				b.ReportMetric(ms(r.api.q(0.99))/ms(r.base.q(0.99)), "p99-ratio")
				b.ReportMetric(ms(r.api.cpu), "cpu-ms/request")
				b.ReportMetric(ms(r.base.cpu), "baseline-cpu-ms/request")
				b.Log(r)
			}
		})
	}
}

// TestRead is the benchmark at a small size for CI: every read answers 200.
func TestRead(t *testing.T) {
	for _, name := range []string{"embedded", "servers"} {
		t.Run(name, func(t *testing.T) {
			r := measureRead(t, name)
			if r.api.errors > 0 || r.base.errors > 0 || len(r.api.lat) == 0 {
				t.Fatalf("%s", r)
			}
			t.Log(r)
		})
	}
}

func ms(d time.Duration) float64 { return d.Seconds() * 1000 }

type readResult struct {
	stack      string
	docs, rate int
	dur        time.Duration
	seed       time.Duration
	load       string
	api, base  latencies
}

func (r readResult) String() string {
	return fmt.Sprintf("%s: %d documents (seeded in %v), %d requests/s for %v, %d CPUs, load %s: "+
		"API p50 %v, p99 %v, p99.9 %v, max %v, %d errors of %d (target p99 < 10ms), %v of CPU a request; "+
		"bare read of the row p50 %v, p99 %v, p99.9 %v, %d errors, %v of CPU a request: p99 ratio %.2f, CPU ratio %.2f",
		r.stack, r.docs, r.seed.Round(time.Millisecond), r.rate, r.dur, runtime.NumCPU(), r.load,
		r.api.q(0.50), r.api.q(0.99), r.api.q(0.999), r.api.q(1), r.api.errors, len(r.api.lat), r.api.cpu.Round(time.Microsecond),
		r.base.q(0.50), r.base.q(0.99), r.base.q(0.999), r.base.errors, r.base.cpu.Round(time.Microsecond),
		ms(r.api.q(0.99))/ms(r.base.q(0.99)), r.api.cpu.Seconds()/r.base.cpu.Seconds()) +
		fmt.Sprintf("; requests over %v by second sent: API [%s], bare [%s]", slowAfter, r.api.slowSeconds(), r.base.slowSeconds())
}

// latencies are one attack's, sorted.
type latencies struct {
	lat    []time.Duration
	errors int
	first  string        // the first error
	slow   map[int]int   // requests over slowAfter by the second of the attack they were sent in
	cpu    time.Duration // processor time of the process (server and client) per request
}

// slowAfter is the latency over which a request counts as slow.
const slowAfter = 10 * time.Millisecond

// slowSeconds says in which seconds of the attack the slow requests were
// sent: a pause bunches them, a general slowness spreads them out.
func (l latencies) slowSeconds() string {
	secs := slices.Sorted(maps.Keys(l.slow))
	parts := make([]string, 0, len(secs))
	for _, s := range secs {
		parts = append(parts, fmt.Sprintf("%ds:%d", s, l.slow[s]))
	}
	return strings.Join(parts, " ")
}

func (l latencies) q(q float64) time.Duration {
	if len(l.lat) == 0 {
		return 0
	}
	return l.lat[min(len(l.lat)-1, int(q*float64(len(l.lat))))].Round(10 * time.Microsecond)
}

func measureRead(tb testing.TB, name string) readResult {
	docs, rate, dur := readParams()
	s := startStack(tb, name)
	clerk, _ := s.user(tb, "clerk", 0, dossier.RoleAdmin)
	reviewer, _ := s.user(tb, "reviewer", 0, dossier.RoleReviewer)
	_, token := s.user(tb, "approver", 3, dossier.RoleApprover, dossier.RoleReviewer)
	r := readResult{stack: name, docs: docs, rate: rate, dur: dur}
	start := time.Now()
	ids := seedDocuments(tb, s.app.Store, docs, clerk.ID, reviewer.ID)
	r.seed = time.Since(start)

	checkAllowed(tb, s, token, ids[2], "approve", "reject")

	base := httptest.NewServer(bareRead(tb, s.cfg.DatabaseURL))
	defer base.Close()
	hdr := http.Header{"Authorization": {"Bearer " + token}}
	r.load = loadAverage()
	// The baseline first, then the API, each over the same ids.
	r.base = attack(tb, base.URL+"/", ids, nil, rate, dur)
	r.api = attack(tb, s.url+"/api/v1/documents/", ids, hdr, rate, dur)
	return r
}

// checkAllowed reads document id through the API and expects the events.
func checkAllowed(tb testing.TB, s *stack, token, id string, want ...string) {
	req, _ := http.NewRequest(http.MethodGet, s.url+"/api/v1/documents/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var d struct {
		AllowedEvents []string `json:"allowed_events"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil || !slices.Equal(d.AllowedEvents, want) {
		tb.Fatalf("GET document %s: %s, allowed_events %v (%v), want %v", id, resp.Status, d.AllowedEvents, err, want)
	}
}

// attack GETs prefix+id for random ids at rate for d, open loop.
func attack(tb testing.TB, prefix string, ids []string, hdr http.Header, rate int, d time.Duration) latencies {
	rng := rand.New(rand.NewPCG(1, 2))
	var mu sync.Mutex // vegeta's workers ask for targets at once
	targeter := func(t *vegeta.Target) error {
		mu.Lock()
		id := ids[rng.IntN(len(ids))]
		mu.Unlock()
		t.Method, t.URL, t.Header = http.MethodGet, prefix+id, hdr
		return nil
	}
	a := vegeta.NewAttacker(vegeta.Timeout(10*time.Second), vegeta.KeepAlive(true), vegeta.Connections(256))
	out := latencies{slow: map[int]int{}}
	cpu, began := cpuTime(), time.Now()
	for res := range a.Attack(targeter, vegeta.Rate{Freq: rate, Per: time.Second}, d, "read") {
		out.lat = append(out.lat, res.Latency)
		if res.Latency > slowAfter {
			out.slow[int(res.Timestamp.Sub(began).Seconds())]++
		}
		if res.Code != http.StatusOK || res.Error != "" {
			if out.errors == 0 {
				out.first = fmt.Sprintf("%s: %d %s %s", res.URL, res.Code, res.Error, res.Body)
			}
			out.errors++
		}
	}
	out.cpu = (cpuTime() - cpu) / time.Duration(max(len(out.lat), 1))
	if out.first != "" {
		tb.Logf("first error of %d: %s", out.errors, out.first)
	}
	slices.Sort(out.lat)
	return out
}

// bareRead answers GET /{id} with the document's row, read by primary key
// through a statement prepared on a handle of its own on the same database,
// as JSON: the least a read over HTTP costs, before authentication,
// workflow and the API's shape.
func bareRead(tb testing.TB, databaseURL string) http.Handler {
	driver, dsn := "pgx", databaseURL
	if path, ok := strings.CutPrefix(databaseURL, "sqlite://"); ok {
		driver, dsn = "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(max(4, runtime.NumCPU()))
	db.SetMaxIdleConns(max(4, runtime.NumCPU()))
	stmt, err := db.Prepare(`SELECT * FROM documents WHERE id = $1`)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { stmt.Close(); db.Close() })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Path[1:]
		row, err := func() (map[string]any, error) {
			rows, err := stmt.QueryContext(r.Context(), id)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			if !rows.Next() {
				return nil, fmt.Errorf("no document %s", id)
			}
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			row := map[string]any{}
			for i, c := range cols {
				row[c] = vals[i]
			}
			return row, rows.Err()
		}()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(row)
	})
}

// seedDocuments writes n purchase orders straight through the store, a
// thousand per transaction (the API would take hours): a third each
// received, in review (submitted by the clerk) and pending approval
// (submitted by the clerk, reviewed by the reviewer), with amounts that
// need one to three DOA levels. It returns their ids.
func seedDocuments(tb testing.TB, st store.Store, n int, clerk, reviewer string) []string {
	ctx := context.Background()
	ids := make([]string, n)
	const batch = 1000
	for lo := 0; lo < n; lo += batch {
		err := st.Write(ctx, func(tx store.Tx) error {
			for i := lo; i < min(lo+batch, n); i++ {
				now := time.Now().UTC().Truncate(time.Microsecond)
				d := dossier.Document{ID: ulid.Make().String(), Kind: dossier.KindPurchaseOrder, Subtype: "serial",
					Title: fmt.Sprintf("PO %06d", i), Number: fmt.Sprintf("PO-%06d", i), Customer: fmt.Sprintf("Customer %d", i%97),
					Amount: strconv.Itoa(5000+(i*7919)%2_000_000) + ".00", Currency: "EUR",
					State: "received", Version: 1, Round: 1, CreatedBy: clerk, CreatedAt: now, UpdatedAt: now,
					File: dossier.FileVersion{Version: 1, SHA256: fmt.Sprintf("%064x", i), Size: 200 << 10,
						MediaType: "application/pdf", Filename: fmt.Sprintf("po-%06d.pdf", i), PageCount: 40, CreatedBy: clerk, CreatedAt: now}}
				steps := []struct{ event, from, to, actor string }{
					{"submit", "received", "in_review", clerk}, {"pass_review", "in_review", "pending_approval", reviewer}}[:i%3]
				for _, st := range steps {
					d.State = st.to
					d.Version++
				}
				if err := tx.CreateDocument(ctx, d); err != nil {
					return err
				}
				for v, st := range steps {
					h := dossier.HistoryEntry{DocumentID: d.ID, Event: st.event, From: st.from, To: st.to, Actor: st.actor,
						Payload: json.RawMessage(`{}`), Version: 2 + v, At: now, SHA256: d.File.SHA256}
					if err := tx.AddHistory(ctx, h); err != nil {
						return err
					}
				}
				ids[i] = d.ID
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("seed documents %d-%d: %v", lo, lo+batch, err)
		}
	}
	return ids
}
