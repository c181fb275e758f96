package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/store"
	"dossier/internal/testenv"
	"dossier/internal/workflow"
	"dossier/workflows"
)

// backend opens a fresh, empty, migrated store for one test.
type backend struct {
	name string
	// open returns the store and, for PostgreSQL, the URL of its schema.
	open func(t *testing.T) (store.Store, string)
}

// backends lists the stores every suite runs on: testenv's. PostgreSQL is
// skipped outside CI when TEST_DATABASE_URL is unset (testenv decides).
func backends() []backend {
	var out []backend
	for _, s := range testenv.Stores() {
		out = append(out, backend{s.Name, func(t *testing.T) (store.Store, string) {
			db := s.Open(t)
			if db.Driver != "pgx" {
				return db, ""
			}
			return db, db.URL
		}})
	}
	return out
}

// forEachBackend runs fn as a parallel subtest on every backend, with a
// fresh bundle each.
func forEachBackend(t *testing.T, fn func(t *testing.T, e *env), opts ...envOption) {
	t.Helper()
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, setup(t, b, opts...))
		})
	}
}

// today is the fixed day of the test clock: delegations are dated against it.
var today = time.Date(2026, 3, 16, 9, 30, 0, 0, time.UTC)

func day(offset int) string { return today.AddDate(0, 0, offset).Format(time.DateOnly) }

// clock is the injectable clock of the engine; it moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is the per-test bundle.
type env struct {
	ctx   context.Context
	name  string // the backend
	url   string // the PostgreSQL URL of the test's schema; "" on SQLite
	st    store.Store
	eng   *engine.Engine
	clock *clock
	defs  *workflow.Set
}

type envOption func(*envConfig)

type envConfig struct {
	patch func(t *testing.T, files fstest.MapFS) // edits the shipped definitions
}

// withDefinitions lets a test run on edited copies of the shipped YAML.
func withDefinitions(patch func(t *testing.T, files fstest.MapFS)) envOption {
	return func(c *envConfig) { c.patch = patch }
}

func setup(t *testing.T, b backend, opts ...envOption) *env {
	t.Helper()
	var cfg envConfig
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.patch == nil {
		cfg.patch = func(*testing.T, fstest.MapFS) {}
	}
	defs := patchedWorkflows(t, cfg.patch)
	c := &clock{now: today}
	st, url := b.open(t)
	return &env{
		ctx: context.Background(), name: b.name, url: url, st: st, clock: c, defs: defs,
		eng: engine.New(st, defs, c.Now),
	}
}

// patchedWorkflows copies the embedded definitions, lets patch edit them and
// loads the result as app.LoadWorkflows loads a DOSSIER_WORKFLOWS_DIR (the
// test does not import app, so that it builds without the HTTP and S3 layers).
func patchedWorkflows(t *testing.T, patch func(t *testing.T, files fstest.MapFS)) *workflow.Set {
	t.Helper()
	files := fstest.MapFS{}
	err := fs.WalkDir(workflows.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(workflows.FS, path)
		files[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatalf("copy workflows: %v", err)
	}
	patch(t, files)
	defs, err := workflow.Load(files)
	if err != nil {
		t.Fatalf("load patched workflows: %v", err)
	}
	return defs
}

// replaceIn replaces old by new in one file, failing when old is absent, so
// that a change to the shipped YAML cannot silently void a test.
func replaceIn(t *testing.T, files fstest.MapFS, name, old, new string) {
	t.Helper()
	f, ok := files[name]
	if !ok || !bytes.Contains(f.Data, []byte(old)) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	f.Data = bytes.Replace(f.Data, []byte(old), []byte(new), 1)
}

// ---- factories ----

// user inserts a user; level is the approval level (0 for none).
func (e *env) user(t *testing.T, name string, level int, roles ...dossier.Role) dossier.User {
	t.Helper()
	u := dossier.User{
		ID: ulid.Make().String(), Username: name, DisplayName: strings.ToUpper(name[:1]) + name[1:],
		Roles: roles, ApprovalLevel: level,
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", CreatedAt: today,
	}
	e.write(t, func(tx store.Tx) error { return tx.CreateUser(e.ctx, u) })
	return u
}

// cast is the usual population of a test.
type cast struct {
	admin, admin2          dossier.User // sales administration
	reviewer, reviewer2    dossier.User
	appr1, appr2, appr3    dossier.User // approvers of levels 1, 2, 3
	appr1b, appr2b, appr3b dossier.User // a second approver per level
	bank                   dossier.User
	auditor                dossier.User
}

func (e *env) cast(t *testing.T) cast {
	t.Helper()
	return cast{
		admin:     e.user(t, "alice-admin", 0, dossier.RoleAdmin),
		admin2:    e.user(t, "arno-admin", 0, dossier.RoleAdmin),
		reviewer:  e.user(t, "rita-reviewer", 0, dossier.RoleReviewer),
		reviewer2: e.user(t, "ralf-reviewer", 0, dossier.RoleReviewer),
		appr1:     e.user(t, "paul-l1", 1, dossier.RoleApprover),
		appr2:     e.user(t, "petra-l2", 2, dossier.RoleApprover),
		appr3:     e.user(t, "peter-l3", 3, dossier.RoleApprover),
		appr1b:    e.user(t, "pia-l1", 1, dossier.RoleApprover),
		appr2b:    e.user(t, "pablo-l2", 2, dossier.RoleApprover),
		appr3b:    e.user(t, "penny-l3", 3, dossier.RoleApprover),
		bank:      e.user(t, "bert-bank", 0, dossier.RoleBankLiaison),
		auditor:   e.user(t, "anna-auditor", 0, dossier.RoleAuditor),
	}
}

type docOption func(*dossier.Document)

func amount(a, currency string) docOption {
	return func(d *dossier.Document) { d.Amount, d.Currency = a, currency }
}

func subtype(s string) docOption { return func(d *dossier.Document) { d.Subtype = s } }

var defaultSubtype = map[dossier.Kind]string{
	dossier.KindPurchaseOrder:  "serial",
	dossier.KindLetterOfCredit: "sight",
	dossier.KindToolingInvoice: "tooling",
}

var docSeq struct {
	sync.Mutex
	n int
}

// doc inserts a document of kind uploaded by creator, in the kind's initial
// state, straight through the store with a made-up file (the engine never
// reads the bytes), and records the upload in the audit trail as the
// documents service does. The default amount is 50,000 EUR.
func (e *env) doc(t *testing.T, kind dossier.Kind, creator dossier.User, opts ...docOption) dossier.Document {
	t.Helper()
	docSeq.Lock()
	docSeq.n++
	n := docSeq.n
	docSeq.Unlock()
	now := e.clock.Now().UTC().Truncate(time.Microsecond)
	id := ulid.Make().String()
	def, err := e.defs.Lookup(kind)
	if err != nil {
		t.Fatal(err)
	}
	d := dossier.Document{
		ID: id, Kind: kind, Subtype: defaultSubtype[kind],
		Title: fmt.Sprintf("%s %d", kind, n), Number: fmt.Sprintf("N-%06d", n), Customer: "ACME Automotive GmbH",
		Amount: "50000", Currency: "EUR",
		Dates: map[string]string{"issue_date": "2026-03-01"}, ProductCodes: []dossier.ProductCode{},
		Tags: []string{}, Fields: json.RawMessage(`{}`),
		State: def.Initial, Version: 1,
		CreatedBy: creator.ID, CreatedAt: now, UpdatedAt: now,
		File: dossier.FileVersion{DocumentID: id, Version: 1, SHA256: fmt.Sprintf("%064x", n), Size: 1234,
			MediaType: "application/pdf", Filename: "doc.pdf", PageCount: 1, CreatedBy: creator.ID, CreatedAt: now},
	}
	for _, o := range opts {
		o(&d)
	}
	e.write(t, func(tx store.Tx) error {
		if err := tx.CreateDocument(e.ctx, d); err != nil {
			return err
		}
		return audit.Append(e.ctx, tx, now, audit.Event{Actor: creator.ID, Action: "document.upload", DocumentID: d.ID,
			Details: map[string]any{"kind": d.Kind, "title": d.Title}})
	})
	return e.get(t, d.ID)
}

// ---- store access ----

func (e *env) write(t *testing.T, fn func(store.Tx) error) {
	t.Helper()
	if err := e.st.Write(e.ctx, fn); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

func (e *env) read(t *testing.T, fn func(store.Tx) error) {
	t.Helper()
	if err := e.st.Read(e.ctx, fn); err != nil {
		t.Fatalf("Read: %v", err)
	}
}

func (e *env) get(t *testing.T, id string) dossier.Document {
	t.Helper()
	var d dossier.Document
	e.read(t, func(tx store.Tx) (err error) { d, err = tx.Document(e.ctx, id); return err })
	return d
}

func (e *env) history(t *testing.T, id string) []dossier.HistoryEntry {
	t.Helper()
	h, _, err := e.eng.History(e.ctx, id)
	if err != nil {
		t.Fatalf("History %s: %v", id, err)
	}
	return h
}

func (e *env) approvals(t *testing.T, id string) engine.Approvals {
	t.Helper()
	a, err := e.eng.Approvals(e.ctx, id)
	if err != nil {
		t.Fatalf("Approvals %s: %v", id, err)
	}
	return a
}

func (e *env) allowed(t *testing.T, u dossier.User, id string) []string {
	t.Helper()
	ev, err := e.eng.Allowed(e.ctx, u, e.get(t, id))
	if err != nil {
		t.Fatalf("Allowed %s for %s: %v", id, u.Username, err)
	}
	return ev
}
