package bench

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/blob"
	blobfs "dossier/internal/blob/fs"
	"dossier/internal/blob/s3"
	"dossier/internal/dossier"
	"dossier/internal/pdf/pdftest"
)

// ingestClients is how many clients upload at once (SPEC §14).
const ingestClients = 16

// ingestDocs is how many PDFs a run uploads: DOSSIER_BENCH_INGEST_DOCS, else
// 1,000 in full mode and 48 in the short one.
func ingestDocs() int {
	if n, err := strconv.Atoi(os.Getenv("DOSSIER_BENCH_INGEST_DOCS")); err == nil && n > 0 {
		return n
	}
	if full() {
		return 1000
	}
	return 48
}

// BenchmarkIngest uploads small PDFs (100-300 KB, each of its own words and
// length) through POST /api/v1/documents from 16 clients at once, on the
// embedded stack and on PostgreSQL + MinIO. The baseline, in the same run
// and with as many writers, stores the same bytes in a blob store of its own
// on the same backend and INSERTs one row per file in the same database:
// what any ingest must do at least. It also reports how long after its 201
// each document could be found by its words (extraction and indexing lag).
func BenchmarkIngest(b *testing.B) {
	for _, name := range []string{"embedded", "servers"} {
		b.Run(name, func(b *testing.B) {
			for range b.N {
				r := measureIngest(b, name, ingestDocs())
				b.ReportMetric(r.rate, "docs/s")
				b.ReportMetric(r.baseRate, "baseline-docs/s")
				b.ReportMetric(r.rate/r.baseRate, "ratio")
				b.ReportMetric(r.lag(0.50).Seconds()*1000, "searchable-p50-ms")
				b.ReportMetric(r.lag(0.99).Seconds()*1000, "searchable-p99-ms")
				b.ReportMetric(float64(r.docs)/r.drained.Seconds(), "searchable-docs/s")
				b.ReportMetric(ms(r.cpuUpload+r.cpuAfter), "cpu-ms/doc")
				b.Log(r)
			}
		})
	}
}

// TestIngest is the benchmark at a few dozen documents, so that CI proves
// it works: every upload answered 201 and became searchable by its words.
func TestIngest(t *testing.T) {
	for _, name := range []string{"embedded", "servers"} {
		t.Run(name, func(t *testing.T) {
			r := measureIngest(t, name, min(ingestDocs(), 48))
			if r.rate <= 0 || r.baseRate <= 0 || len(r.lags) != r.docs {
				t.Fatalf("incomplete measure: %s", r)
			}
			t.Log(r)
		})
	}
}

type ingestResult struct {
	stack              string
	docs               int
	bytes              int64
	rate, baseRate     float64
	lags               []time.Duration // sorted
	drained            time.Duration   // from the first upload until the last document was searchable
	cpus               int
	load               string
	elapsed, baseTaken time.Duration
	// processor time per document of the process and pdftotext: of the
	// uploads alone, then of the extraction and indexing after them
	cpuUpload, cpuAfter, cpuBase time.Duration
}

func (r ingestResult) lag(q float64) time.Duration {
	if len(r.lags) == 0 {
		return 0
	}
	return r.lags[min(len(r.lags)-1, int(q*float64(len(r.lags))))]
}

func (r ingestResult) String() string {
	return fmt.Sprintf("%s: %d PDFs (%d KiB on average), %d clients, %d CPUs, load %s: API %.1f documents/s (target >= 200); "+
		"blob store + bare INSERT %.1f/s: ratio %.2f; searchable after its 201: p50 %v, p99 %v, max %v; all searchable %v after the first upload (%.1f documents/s extracted and indexed); "+
		"CPU a document: %v while uploading (extraction running alongside), %v more until searchable, baseline %v",
		r.stack, r.docs, r.bytes/int64(max(r.docs, 1))>>10, ingestClients, r.cpus, r.load, r.rate, r.baseRate, r.rate/r.baseRate,
		r.lag(0.50).Round(time.Millisecond), r.lag(0.99).Round(time.Millisecond), r.lag(1).Round(time.Millisecond), r.drained.Round(time.Millisecond),
		float64(r.docs)/r.drained.Seconds(), r.cpuUpload.Round(time.Microsecond), r.cpuAfter.Round(time.Microsecond), r.cpuBase.Round(time.Microsecond))
}

func measureIngest(tb testing.TB, name string, n int) ingestResult {
	s := startStack(tb, name)
	_, token := s.user(tb, "clerk", 0, dossier.RoleAdmin)
	pdfs := makePDFs(tb, n)
	r := ingestResult{stack: name, docs: n, cpus: runtime.NumCPU()}
	for _, p := range pdfs {
		r.bytes += int64(len(p.body))
	}

	// The baseline first: its blob store and table are its own, so that
	// neither run finds the other's bytes or rows.
	base := baselineStore(tb, s)
	cpu := cpuTime()
	r.baseTaken = baselineIngest(tb, s, base, pdfs)
	r.cpuBase = (cpuTime() - cpu) / time.Duration(n)
	r.baseRate = float64(n) / r.baseTaken.Seconds()

	r.load = loadAverage()
	cpu = cpuTime()
	created := make([]time.Time, n)
	ids := make([]string, n)
	start := time.Now()
	parallel(tb, n, ingestClients, func(i int) error {
		id, err := upload(s, token, pdfs[i])
		ids[i], created[i] = id, time.Now()
		return err
	})
	r.elapsed = time.Since(start)
	r.rate = float64(n) / r.elapsed.Seconds()
	r.cpuUpload = (cpuTime() - cpu) / time.Duration(n)
	cpu = cpuTime()

	// Searchable: the index job after extraction has committed the text.
	deadline := time.Now().Add(time.Duration(n)*time.Second + time.Minute)
	var last time.Time
	for i, id := range ids {
		for {
			at, ok := s.indexed.get(id)
			if ok {
				r.lags = append(r.lags, at.Sub(created[i]))
				if at.After(last) {
					last = at
				}
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("document %d (%s) not searchable by its words %v after its upload", i, id, time.Since(created[i]))
			}
			time.Sleep(10 * time.Millisecond) // polling the jobs' progress
		}
	}
	r.drained = last.Sub(start)
	r.cpuAfter = (cpuTime() - cpu) / time.Duration(n)
	if os.Getenv("DOSSIER_BENCH_VERBOSE") == "1" {
		for i, id := range ids {
			at, _ := s.indexed.get(id)
			tb.Logf("%d: created +%v searchable +%v", i, created[i].Sub(start).Round(time.Millisecond), at.Sub(start).Round(time.Millisecond))
		}
	}
	slices.Sort(r.lags)
	checkFound(tb, s, token, pdfs[n-1].word, ids[n-1])
	return r
}

// pdfFile is one generated PDF, the multipart body that uploads it and a
// word that only it contains.
type pdfFile struct {
	body        []byte
	form        []byte
	contentType string
	word        string
}

var vocabulary = strings.Fields(`purchase order quotation delivery tooling caliper shipment invoice customs
	bracket housing flange gasket bearing spindle mould die casting forging stamping welding assembly
	prototype serial packaging pallet carton incoterm FCA DAP EXW Wolfsburg Ingolstadt Stuttgart Lyon
	Torino Katowice Győr tolerance drawing revision batch lot inspection certificate warranty payment
	net days advance letter credit bank amendment discrepancy presentation approved released`)

// makePDFs generates n distinct PDFs of 25 to 75 pages (100 to 300 KB):
// each has its own text of random words, its own page count and a word of
// its own to search it by.
func makePDFs(tb testing.TB, n int) []pdfFile {
	out := make([]pdfFile, n)
	run := strings.ToLower(ulid.Make().String()[20:])
	for i := range out {
		rng := rand.New(rand.NewPCG(uint64(i), 42))
		word := fmt.Sprintf("ingest%s%06d", run, i)
		var text strings.Builder
		fmt.Fprintf(&text, "Purchase order %s\n", word)
		for text.Len() < 4000 {
			text.WriteString(vocabulary[rng.IntN(len(vocabulary))])
			text.WriteByte(' ')
			if rng.IntN(12) == 0 {
				fmt.Fprintf(&text, "%d.%02d EUR ", rng.IntN(100000), rng.IntN(100))
			}
		}
		p := pdfFile{body: pdftest.Make(tb, 25+rng.IntN(51), text.String()), word: word}
		var form bytes.Buffer
		w := multipart.NewWriter(&form)
		meta, _ := json.Marshal(map[string]any{"kind": "purchase_order", "subtype": "serial", "title": "PO " + word,
			"customer": "Customer " + strconv.Itoa(i%37), "amount": fmt.Sprintf("%d.00", 1000+i), "currency": "EUR"})
		_ = w.WriteField("metadata", string(meta))
		part, _ := w.CreateFormFile("file", word+".pdf")
		_, _ = part.Write(p.body)
		_ = w.Close()
		p.form, p.contentType = form.Bytes(), w.FormDataContentType()
		out[i] = p
	}
	return out
}

// upload posts one PDF and returns the new document's id.
func upload(s *stack, token string, p pdfFile) (string, error) {
	req, err := http.NewRequest(http.MethodPost, s.url+"/api/v1/documents", bytes.NewReader(p.form))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", p.contentType)
	resp, err := s.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var d struct{ ID string }
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &d) != nil || d.ID == "" {
		return "", fmt.Errorf("upload %s: %s %s", p.word, resp.Status, body)
	}
	return d.ID, nil
}

// checkFound asks the search API for word and expects document id.
func checkFound(tb testing.TB, s *stack, token, word, id string) {
	req, _ := http.NewRequest(http.MethodGet, s.url+"/api/v1/search?q="+word, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct{ Hits []struct{ ID string } }
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || len(res.Hits) != 1 || res.Hits[0].ID != id {
		tb.Fatalf("search %s: %s %+v %v, want the one document %s", word, resp.Status, res, err, id)
	}
}

// baselineStore is a blob store of the baseline's own on the stack's
// backend: a directory beside the service's, or a bucket beside its bucket.
func baselineStore(tb testing.TB, s *stack) blob.Store {
	var st blob.Store
	var err error
	if dir, ok := strings.CutPrefix(s.cfg.BlobURL, "file://"); ok {
		st, err = blobfs.New(filepath.Join(filepath.Dir(dir), "baseline-blobs"))
	} else {
		var c s3.Config
		if c, err = s3.ParseURL(s.cfg.BlobURL); err == nil {
			c.Bucket += "-base"
			st, err = s3.New(context.Background(), c)
		}
	}
	if err != nil {
		tb.Fatalf("baseline blob store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

// baselineIngest stores every file in store and inserts a row for it, each
// in a transaction of its own, ingestClients at once.
func baselineIngest(tb testing.TB, s *stack, store blob.Store, pdfs []pdfFile) time.Duration {
	ctx := context.Background()
	db := s.sql(tb)
	err := db.WriteSQL(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE bench_ingest (id TEXT PRIMARY KEY, sha256 TEXT NOT NULL,
			size BIGINT NOT NULL, filename TEXT NOT NULL, created_at TEXT NOT NULL)`)
		return err
	})
	if err != nil {
		tb.Fatalf("baseline table: %v", err)
	}
	start := time.Now()
	parallel(tb, len(pdfs), ingestClients, func(i int) error {
		st, err := store.Stage(ctx, bytes.NewReader(pdfs[i].body))
		if err != nil {
			return err
		}
		if err := store.Promote(ctx, st); err != nil {
			return err
		}
		return db.WriteSQL(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO bench_ingest (id, sha256, size, filename, created_at) VALUES ($1, $2, $3, $4, $5)`,
				ulid.Make().String(), st.SHA256, st.Size, pdfs[i].word+".pdf", time.Now().UTC().Format(time.RFC3339Nano))
			return err
		})
	})
	return time.Since(start)
}

// parallel calls fn for 0..n-1 from workers goroutines and fails on the
// first error.
func parallel(tb testing.TB, n, workers int, fn func(i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}

// loadAverage is the machine's one-minute load average, to say how shared
// it was during a run.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}
