// Package app assembles the service from its configuration: it opens the
// backends the URLs name, builds the services on them and serves HTTP. The
// command line and the end-to-end tests start the service through it.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"dossier/internal/audit"
	"dossier/internal/auth"
	"dossier/internal/blob"
	blobfs "dossier/internal/blob/fs"
	"dossier/internal/blob/s3"
	"dossier/internal/config"
	"dossier/internal/documents"
	"dossier/internal/engine"
	"dossier/internal/evidence"
	"dossier/internal/followup"
	"dossier/internal/httpapi"
	"dossier/internal/indexer"
	"dossier/internal/jobs"
	"dossier/internal/lc"
	"dossier/internal/notify"
	"dossier/internal/preview"
	"dossier/internal/purge"
	"dossier/internal/search"
	"dossier/internal/search/meili"
	"dossier/internal/signing"
	"dossier/internal/store"
	"dossier/internal/store/postgres"
	"dossier/internal/store/sqldb"
	"dossier/internal/store/sqlite"
	"dossier/internal/textract"
	"dossier/internal/ui"
	"dossier/internal/workflow"
	"dossier/workflows"
)

// WatchEvery is how often the scheduler looks at the LCs' dates.
const WatchEvery = 15 * time.Minute

// App is the assembled service.
type App struct {
	Config    config.Config
	Store     store.Store
	Blobs     blob.Store
	Auth      *auth.Service
	Documents *documents.Service
	Engine    *engine.Engine
	LC        *lc.Service
	Watcher   *lc.Watcher // LC dates: expiry and reminders
	Indexer   *indexer.Service
	Extractor *textract.Extractor // what extract_text jobs read files with
	Jobs      *jobs.Runner
	Purge     *purge.Service
	Preview   *preview.Service // page images of PDFs
	Key       *signing.Key     // signs exports and audit checkpoints
	// Checkpoints writes the signed heads of the audit chains to the
	// object store, on a schedule and on demand.
	Checkpoints *audit.Checkpointer
	Selector    *evidence.Selector
	Evidence    *evidence.Exporter
	Logger      *slog.Logger
}

// Open opens every backend named by c, creating what is missing (data
// directory, database, bucket) and migrating the database.
func Open(ctx context.Context, c config.Config, log *slog.Logger) (*App, error) {
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", c.DataDir, err)
	}
	defs, err := LoadWorkflows(c.WorkflowsDir)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, c.DatabaseURL)
	if err != nil {
		return nil, err
	}
	blobs, err := openBlobs(ctx, c.BlobURL)
	if err != nil {
		st.Close()
		return nil, err
	}
	tmp := filepath.Join(c.DataDir, "tmp")
	if err := os.MkdirAll(tmp, 0o750); err != nil {
		st.Close()
		return nil, fmt.Errorf("create %s: %w", tmp, err)
	}
	a := &App{
		Config: c, Store: st, Blobs: blobs, Logger: log,
		Auth:      auth.New(st, time.Now),
		Documents: documents.New(st, blobs, defs, time.Now, tmp),
		Engine:    engine.New(st, defs, time.Now),
	}
	a.Documents.RetentionYears = c.RetentionYears
	a.LC = lc.New(a.Documents, st, defs, time.Now)
	a.Engine.PresentationCheck = a.LC.Findings
	a.Purge = purge.New(st, blobs, defs, c.RetentionYears, time.Now)
	a.Auth.Departments = defs.Departments()
	if a.Key, err = signing.Load(ctx, st, c.SigningKeyFile); err != nil {
		a.Close()
		return nil, err
	}
	index, err := openIndex(ctx, c.SearchURL, st)
	if err != nil {
		a.Close()
		return nil, err
	}
	sender, err := notify.New(notify.Config{WebhookURL: c.WebhookURL, WebhookSecret: c.WebhookSecret, SMTPURL: c.SMTPURL}, time.Now)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Checkpoints = &audit.Checkpointer{Store: st, Records: blobs, Key: a.Key, Now: time.Now, RetainYears: c.RetentionYears("")}
	a.Watcher = &lc.Watcher{LC: a.LC, Scheduler: a.Engine, Sender: sender, Days: c.ReminderDays}
	a.Extractor = textract.New(c.OCR, tmp)
	a.Indexer = indexer.New(st, blobs, index, a.Extractor, tmp, time.Now)
	a.Preview = preview.New(a.Documents, blobs, a.Extractor, filepath.Join(c.DataDir, "cache", "pages"), tmp, c.PreviewCache)
	a.Selector = &evidence.Selector{Store: st, Search: index, Defs: defs}
	a.Evidence = &evidence.Exporter{Store: st, Blobs: blobs, Key: a.Key, TempDir: tmp, Now: time.Now}
	// The jobs of a change's follow-ups, each also a step of a follow-up job.
	steps := map[string]followup.Handler{
		followup.Stamp:   a.Documents.StampJob,
		followup.Retain:  a.Documents.LockJob,
		followup.Index:   a.Indexer.IndexJob,
		followup.Extract: a.Indexer.ExtractJob,
		followup.Notify:  a.notify,
	}
	handlers := map[string]jobs.Handler{
		followup.Follow:  followup.Steps(steps, st, time.Now),
		followup.Watch:   func(ctx context.Context, _ []byte) error { return a.Watcher.Watch(ctx) },
		followup.Deliver: a.Watcher.Deliver,

		followup.Checkpoint: a.Checkpoints.Job,
	}
	for k, h := range steps {
		handlers[k] = h
	}
	a.Jobs, err = jobs.New(st.JobQueue(), handlers, log, jobs.Config{})
	if err == nil {
		err = a.Jobs.AddPeriodic(followup.Watch, WatchEvery, nil)
	}
	if err == nil {
		err = a.Jobs.AddPeriodic(followup.Checkpoint, cmp.Or(c.CheckpointEvery, time.Hour), nil)
	}
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// LoadWorkflows reads the workflow definitions and the DOA matrix from dir,
// or from the embedded copy when dir is "". Anything invalid stops the start.
func LoadWorkflows(dir string) (*workflow.Set, error) {
	var fsys fs.FS = workflows.FS
	where := "the embedded workflows"
	if dir != "" {
		fsys, where = os.DirFS(dir), "DOSSIER_WORKFLOWS_DIR "+dir
	}
	defs, err := workflow.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return defs, nil
}

func openStore(ctx context.Context, raw string) (*sqldb.DB, error) {
	if path, ok := strings.CutPrefix(raw, "sqlite://"); ok {
		return sqlite.Open(ctx, path)
	}
	return postgres.Open(ctx, raw)
}

func openBlobs(ctx context.Context, raw string) (blob.Store, error) {
	if dir, ok := strings.CutPrefix(raw, "file://"); ok {
		return blobfs.New(dir)
	}
	cfg, err := s3.ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("DOSSIER_BLOB_URL: %w", err)
	}
	return s3.New(ctx, cfg)
}

// openIndex opens the search index DOSSIER_SEARCH_URL names.
func openIndex(ctx context.Context, raw string, db *sqldb.DB) (search.Index, error) {
	if raw == "db" {
		return db.Search(), nil
	}
	cfg, err := meili.ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("DOSSIER_SEARCH_URL: %w", err)
	}
	return meili.New(ctx, cfg)
}

// notify records a notification in the log; delivery by webhook or e-mail
// comes with the reminders of the letter-of-credit work.
func (a *App) notify(ctx context.Context, payload []byte) error {
	a.Logger.InfoContext(ctx, "notify", "payload", string(payload))
	return nil
}

// Close waits for the blob store's background work, then releases the backends.
func (a *App) Close() error { return errors.Join(a.Blobs.Close(), a.Store.Close()) }

// Handler returns the HTTP handler of the service.
func (a *App) Handler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		extractorInfo(a.Extractor.Info()))
	// The pages' templates and catalogs are embedded: a failure to parse
	// them is a broken build, which the ui tests catch before it ships.
	pages, err := ui.New(ui.Deps{Auth: a.Auth, Documents: a.Documents, Engine: a.Engine, Search: a.Indexer.Index(),
		LC: a.LC, Audit: a.trail(), Preview: a.Preview, Selector: a.Selector, Evidence: a.Evidence, Jobs: a.Jobs, Logger: a.Logger, MaxUpload: a.Config.MaxUpload, TimeZone: time.Local})
	if err != nil {
		panic(err)
	}
	return httpapi.New(httpapi.Deps{
		Audit: a.trail(), Auth: a.Auth, Documents: a.Documents, Engine: a.Engine, LC: a.LC, Watcher: a.Watcher, Search: a.Indexer.Index(), Jobs: a.Jobs, Retention: a.Purge, Preview: a.Preview, Selector: a.Selector, Evidence: a.Evidence, Logger: a.Logger, Registry: reg,
		MaxUpload: a.Config.MaxUpload, Ready: a.ready, TrustedProxies: a.Config.TrustedProxies, Pages: pages,
	})
}

// trail is the audit trail with the service's checkpoints.
func (a *App) trail() *audit.Trail {
	t := audit.NewTrail(a.Store)
	t.Checkpoints = a.Checkpoints
	return t
}

// ready checks that every backend answers.
func (a *App) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var errs []error
	if err := a.Store.Ping(ctx); err != nil {
		errs = append(errs, fmt.Errorf("database: %w", err))
	}
	if err := a.Blobs.Ping(ctx); err != nil {
		errs = append(errs, fmt.Errorf("object store: %w", err))
	}
	if err := a.Indexer.Index().Ping(ctx); err != nil {
		errs = append(errs, fmt.Errorf("search index: %w", err))
	}
	return errors.Join(errs...)
}

// Redact hides the password and keys of a backend URL for logs.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	q := u.Query()
	for _, k := range []string{"secret_key", "access_key", "key", "password"} {
		if q.Has(k) {
			q.Set(k, "xxx")
		}
	}
	u.RawQuery = q.Encode()
	return u.Redacted()
}
