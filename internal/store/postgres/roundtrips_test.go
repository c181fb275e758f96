package postgres_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/oklog/ulid/v2"
	"golang.org/x/crypto/bcrypt"

	"dossier/internal/app"
	"dossier/internal/auth"
	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/store"
	"dossier/internal/store/postgres"
	"dossier/internal/testenv"
)

// statements records the SQL the pool's connections send while on is set:
// each statement, or each pipeline of them, is one round trip to the server
// (pgx caches its prepared statements, so a statement already seen on a
// connection costs one).
type statements struct {
	mu   sync.Mutex
	on   bool
	sent []string
}

func (s *statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.on {
		s.sent = append(s.sent, strings.Join(strings.Fields(d.SQL), " "))
	}
	return ctx
}

func (s *statements) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart records a pipeline: its statements travel together, and
// the server answers them after one round trip.
func (s *statements) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.on {
		var qs []string
		for _, q := range d.Batch.QueuedQueries {
			qs = append(qs, strings.Join(strings.Fields(q.SQL), " "))
		}
		s.sent = append(s.sent, "batch: "+strings.Join(qs, "; "))
	}
	return ctx
}

func (s *statements) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (s *statements) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// during returns the statements sent while fn ran.
func (s *statements) during(fn func()) []string {
	s.mu.Lock()
	s.on, s.sent = true, nil
	s.mu.Unlock()
	fn()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.on = false
	return s.sent
}

// traced opens a store whose statements trace records, with an admin
// (clerk) and a reviewer to move documents.
func traced(t *testing.T) (*statements, store.Store, *auth.Service, *engine.Engine, dossier.User, dossier.User) {
	t.Helper()
	trace := &statements{}
	st, err := postgres.OpenTraced(context.Background(), testenv.PostgreSQL.URL(t), trace)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	defs, err := app.LoadWorkflows("")
	if err != nil {
		t.Fatal(err)
	}
	a := auth.New(st, time.Now)
	a.Cost = bcrypt.MinCost
	clerk := addUser(t, a, "clerk", 0, dossier.RoleAdmin)
	reviewer := addUser(t, a, "reviewer", 0, dossier.RoleReviewer)
	return trace, st, a, engine.New(st, defs, time.Now), clerk, reviewer
}

// TestDocumentReadRoundTrips pins what GET /api/v1/documents/{id} costs the
// database on PostgreSQL: the session's user, then the document with what
// allowed_events checks (history, DOA round, the approver's standing), as
// an approver who may approve a document pending approval. Each statement
// is a round trip, and at 1,000 reads a second a connection held for one
// more is what the p99 waits on.
func TestDocumentReadRoundTrips(t *testing.T) {
	ctx := context.Background()
	trace, st, a, eng, clerk, reviewer := traced(t)
	addUser(t, a, "approver", 3, dossier.RoleApprover, dossier.RoleReviewer)
	token, _, err := a.SignIn(ctx, "approver", "approver-password", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	id := pendingApproval(t, st, clerk.ID, reviewer.ID)

	read := func() {
		u, _, err := a.Authenticate(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		_, allowed, err := eng.Document(ctx, u, id)
		if err != nil || strings.Join(allowed, ",") != "approve,reject" {
			t.Fatalf("allowed_events %v, %v; want approve and reject", allowed, err)
		}
	}
	read() // the first read on a connection prepares its statements
	sent := trace.during(read)
	const most = 2
	if len(sent) > most {
		t.Errorf("a document's read took %d round trips, want at most %d:\n%s", len(sent), most, strings.Join(sent, "\n"))
	}
	t.Logf("%d round trips:\n%s", len(sent), strings.Join(sent, "\n"))
}

func addUser(t *testing.T, a *auth.Service, name string, level int, roles ...dossier.Role) dossier.User {
	t.Helper()
	ch, err := a.CreateUser(context.Background(), "", auth.NewUser{Username: name, Password: name + "-password",
		DisplayName: name, Roles: roles, ApprovalLevel: level})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return ch.User
}

// pendingApproval writes a purchase order that the clerk submitted and the
// reviewer passed, which needs the first DOA level next.
func pendingApproval(t *testing.T, st store.Store, clerk, reviewer string) string {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	d := dossier.Document{ID: ulid.Make().String(), Kind: dossier.KindPurchaseOrder, Subtype: "serial",
		Title: "PO 1", Number: "PO-000001", Customer: "Customer 1", Amount: "250000.00", Currency: "EUR",
		State: "pending_approval", Version: 3, Round: 1, CreatedBy: clerk, CreatedAt: now, UpdatedAt: now,
		File: dossier.FileVersion{Version: 1, SHA256: strings.Repeat("ab", 32), Size: 1, MediaType: "application/pdf",
			Filename: "po.pdf", PageCount: 1, CreatedBy: clerk, CreatedAt: now}}
	err := st.Write(ctx, func(tx store.Tx) error {
		if err := tx.CreateDocument(ctx, d); err != nil {
			return err
		}
		for i, h := range []dossier.HistoryEntry{
			{Event: "submit", From: "received", To: "in_review", Actor: clerk},
			{Event: "pass_review", From: "in_review", To: "pending_approval", Actor: reviewer},
		} {
			h.DocumentID, h.Payload, h.Version, h.At, h.SHA256 = d.ID, json.RawMessage(`{}`), 2+i, now, d.File.SHA256
			if err := tx.AddHistory(ctx, h); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// TestTransitionRoundTrips pins what firing an event costs the database on
// PostgreSQL: a submit of a received purchase order, with its history,
// audit event and follow-up job, and the events allowed next.
func TestTransitionRoundTrips(t *testing.T) {
	ctx := context.Background()
	trace, st, _, eng, clerk, reviewer := traced(t)
	var ids []string
	for range 2 {
		id := pendingApproval(t, st, clerk.ID, reviewer.ID)
		err := st.Write(ctx, func(tx store.Tx) error {
			d, err := tx.Document(ctx, id)
			if err != nil {
				return err
			}
			prev := d.Version
			d.State, d.Version = "received", d.Version+1
			return tx.UpdateDocument(ctx, d, prev)
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	submit := func(id string) {
		if _, _, err := eng.Fire(ctx, clerk, id, engine.Fire{Event: "submit", Comment: "bench step"}); err != nil {
			t.Fatal(err)
		}
	}
	submit(ids[0]) // the first on a connection prepares its statements
	sent := trace.during(func() { submit(ids[1]) })
	const most = 9
	if len(sent) > most {
		t.Errorf("a transition took %d round trips, want at most %d:\n%s", len(sent), most, strings.Join(sent, "\n"))
	}
	t.Logf("%d round trips:\n%s", len(sent), strings.Join(sent, "\n"))
}
