package bench

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"dossier/internal/app"
	"dossier/internal/auth"
	"dossier/internal/config"
	"dossier/internal/dossier"
	"dossier/internal/indexer"
	"dossier/internal/search"
	"dossier/internal/testenv"
)

// full reports whether the benchmarks run at the sizes of SPEC §14
// (DOSSIER_BENCH_FULL=1, which `make bench` sets); otherwise they run a
// few seconds' worth, enough to prove they work.
func full() bool { return os.Getenv("DOSSIER_BENCH_FULL") == "1" }

// stack is the whole service served in this process on one backend pair,
// with its background jobs running, as `dossier serve` runs it. In process,
// so that the benchmark can see when the index receives a document.
type stack struct {
	name   string
	cfg    config.Config
	app    *app.App
	url    string
	client *http.Client
	// indexed records when each document's text reached the search index.
	indexed *indexLog
}

// stackConfigs are the backend pairs of the service: the embedded one and,
// when configured (always under CI), PostgreSQL with MinIO.
func stackConfig(tb testing.TB, name string) config.Config {
	dir := tb.TempDir()
	c := config.Config{DataDir: dir, SearchURL: "db", Listen: "127.0.0.1:0", MaxUpload: 64 << 20}
	switch name {
	case "embedded":
		c.DatabaseURL, c.BlobURL = testenv.SQLite.URL(tb), "file://"+filepath.Join(dir, "blobs")
	case "servers":
		c.DatabaseURL, c.BlobURL = testenv.PostgreSQL.URL(tb), testenv.S3URL(tb)
	default:
		tb.Fatalf("unknown stack %q", name)
	}
	return c
}

// startStack opens and serves the service on the named backend pair until
// the benchmark ends.
func startStack(tb testing.TB, name string) *stack {
	tb.Helper()
	c := stackConfig(tb, name)
	ctx := context.Background()
	// The short run shows the service's warnings, a failure's cause; a full
	// run past what the machine can serve would log every refused request,
	// which the benchmark counts anyway.
	var log slog.Handler = slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})
	if full() {
		log = slog.DiscardHandler
	}
	a, err := app.Open(ctx, c, slog.New(log))
	if err != nil {
		tb.Fatalf("open the %s stack: %v", name, err)
	}
	a.Auth.Cost = bcrypt.MinCost
	s := &stack{name: name, cfg: c, app: a, indexed: &indexLog{at: map[string]time.Time{}}}
	// The extract and index jobs were bound to *a.Indexer when the app was
	// opened; the same service over a recording index keeps those bindings.
	*a.Indexer = *indexer.New(a.Store, a.Blobs, &recordingIndex{Index: a.Indexer.Index(), log: s.indexed},
		a.Extractor, filepath.Join(c.DataDir, "tmp"), time.Now)
	srv := httptest.NewServer(a.Handler())
	s.url = srv.URL
	s.client = srv.Client()
	s.client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
	workers, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.Jobs.Run(workers); err != nil {
			tb.Errorf("background jobs: %v", err)
		}
	}()
	tb.Cleanup(func() {
		srv.Close()
		stop()
		<-done
		a.Close()
	})
	return s
}

// user creates a user with roles and returns a session token for it.
func (s *stack) user(tb testing.TB, name string, level int, roles ...dossier.Role) (dossier.User, string) {
	tb.Helper()
	ctx := context.Background()
	pw := name + "-password"
	ch, err := s.app.Auth.CreateUser(ctx, "", auth.NewUser{Username: name, Password: pw, DisplayName: "Bench " + name,
		Roles: roles, ApprovalLevel: level})
	if err != nil {
		tb.Fatalf("create user %s: %v", name, err)
	}
	token, _, err := s.app.Auth.SignIn(ctx, name, pw, "127.0.0.1")
	if err != nil {
		tb.Fatalf("sign in %s: %v", name, err)
	}
	return ch.User, token
}

// sqlDB is how a baseline reaches the service's own database pools.
type sqlDB interface {
	ReadSQL(ctx context.Context, opts *sql.TxOptions, fn func(*sql.Tx) error) error
	WriteSQL(ctx context.Context, fn func(*sql.Tx) error) error
}

func (s *stack) sql(tb testing.TB) sqlDB {
	db, ok := s.app.Store.(sqlDB)
	if !ok {
		tb.Fatalf("the %s store offers no SQL access", s.name)
	}
	return db
}

// indexLog is when each document was first written to the index with text.
type indexLog struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (l *indexLog) get(id string) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.at[id]
	return t, ok
}

// recordingIndex notes when an upsert carrying a document's text has
// committed: from then on a search finds the document by its words.
type recordingIndex struct {
	search.Index
	log *indexLog
}

func (r *recordingIndex) Upsert(ctx context.Context, d search.Doc) error {
	if err := r.Index.Upsert(ctx, d); err != nil {
		return err
	}
	if len(d.Pages) > 0 {
		now := time.Now()
		r.log.mu.Lock()
		if _, ok := r.log.at[d.ID]; !ok {
			r.log.at[d.ID] = now
		}
		r.log.mu.Unlock()
	}
	return nil
}
