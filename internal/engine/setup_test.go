package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/auditlog"
	"dossier/internal/doa"
	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/store"
	"dossier/internal/store/postgres"
	"dossier/internal/store/sqlite"
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

// backends lists the stores every suite runs on. PostgreSQL is skipped
// outside CI when TEST_DATABASE_URL is unset (testenv decides).
func backends() []backend {
	return []backend{
		{"sqlite", func(t *testing.T) (store.Store, string) {
			db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dossier.db"))
			if err != nil {
				t.Fatalf("open sqlite: %v", err)
			}
			t.Cleanup(func() { db.Close() })
			return db, ""
		}},
		{"postgres", func(t *testing.T) (store.Store, string) {
			url := testenv.PostgresURL(t)
			db, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Fatalf("open postgres: %v", err)
			}
			t.Cleanup(func() { db.Close() })
			return db, url
		}},
	}
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
	ctx    context.Context
	name   string // the backend
	url    string // the PostgreSQL URL of the test's schema; "" on SQLite
	st     store.Store
	eng    *engine.Engine
	clock  *clock
	defs   *workflow.Set
	matrix *doa.Matrix
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
	defs, matrix := patchedWorkflows(t, cfg.patch)
	c := &clock{now: today}
	st, url := b.open(t)
	return &env{
		ctx: context.Background(), name: b.name, url: url, st: st, clock: c, defs: defs, matrix: matrix,
		eng: engine.New(st, defs, matrix, c.Now),
	}
}

// patchedWorkflows copies the embedded definitions, lets patch edit them and
// loads the result as app.LoadWorkflows loads a DOSSIER_WORKFLOWS_DIR (the
// test does not import app, so that it builds without the HTTP and S3 layers).
func patchedWorkflows(t *testing.T, patch func(t *testing.T, files fstest.MapFS)) (*workflow.Set, *doa.Matrix) {
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
	matrix, err := doa.Parse(files["doa.yaml"].Data)
	if err != nil {
		t.Fatalf("parse doa.yaml: %v", err)
	}
	return defs, matrix
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
	d := dossier.Document{
		ID: id, Kind: kind, Subtype: defaultSubtype[kind],
		Title: fmt.Sprintf("%s %d", kind, n), Number: fmt.Sprintf("N-%06d", n), Customer: "ACME Automotive GmbH",
		Amount: "50000", Currency: "EUR",
		Dates: map[string]string{"issue_date": "2026-03-01"}, ProductCodes: []dossier.ProductCode{},
		Tags: []string{}, Fields: json.RawMessage(`{}`),
		State: dossier.Kinds[kind].InitialState, Version: 1,
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
		return auditlog.Append(e.ctx, tx, now, auditlog.Event{Actor: creator.ID, Action: "document.upload", DocumentID: d.ID,
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
	h, err := e.eng.History(e.ctx, id)
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

// ---- firing ----

// fire is one event to fire and what it must lead to.
type fire struct {
	by      dossier.User
	event   string
	payload any    // encoded as JSON; nil for none
	to      string // the state expected afterwards
	behalf  string // the expected on_behalf_of of the history entry
	comment string // default: "<event> by <username>"
}

func encode(t *testing.T, v any) json.RawMessage {
	t.Helper()
	if v == nil {
		return nil
	}
	if raw, ok := v.(json.RawMessage); ok {
		return raw
	}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode payload: %v", err)
	}
	return raw
}

// mustFire fires f on document id with the version it reads as If-Match and
// checks the returned and stored document (state, version + 1) and the new
// history entry (event, from, to, actor, on behalf of, comment, payload).
func (e *env) mustFire(t *testing.T, id string, f fire) dossier.Document {
	t.Helper()
	before := e.get(t, id)
	hBefore := e.history(t, id)
	if f.comment == "" {
		f.comment = f.event + " by " + f.by.Username
	}
	payload := encode(t, f.payload)
	got, err := e.eng.Fire(e.ctx, f.by, id, engine.Fire{Event: f.event, Comment: f.comment, Payload: payload, IfMatch: before.Version})
	if err != nil {
		t.Fatalf("%s by %s in %s: %v", f.event, f.by.Username, before.State, err)
	}
	if got.State != f.to || got.Version != before.Version+1 {
		t.Errorf("%s by %s returned state %s version %d, want %s version %d", f.event, f.by.Username, got.State, got.Version, f.to, before.Version+1)
	}
	stored := e.get(t, id)
	if stored.State != f.to || stored.Version != before.Version+1 {
		t.Errorf("%s by %s stored state %s version %d, want %s version %d", f.event, f.by.Username, stored.State, stored.Version, f.to, before.Version+1)
	}
	h := e.history(t, id)
	if len(h) != len(hBefore)+1 {
		t.Fatalf("%s: history has %d entries, want %d", f.event, len(h), len(hBefore)+1)
	}
	last := h[len(h)-1]
	want := dossier.HistoryEntry{DocumentID: id, Event: f.event, From: before.State, To: f.to, Actor: f.by.ID,
		OnBehalfOf: f.behalf, Comment: f.comment, Version: before.Version + 1}
	gotH := dossier.HistoryEntry{DocumentID: last.DocumentID, Event: last.Event, From: last.From, To: last.To, Actor: last.Actor,
		OnBehalfOf: last.OnBehalfOf, Comment: last.Comment, Version: last.Version}
	if !reflect.DeepEqual(gotH, want) {
		t.Errorf("history entry of %s:\n got %+v\nwant %+v", f.event, gotH, want)
	}
	if !sameJSON(last.Payload, payload) {
		t.Errorf("history payload of %s = %s, want %s", f.event, last.Payload, payload)
	}
	if !last.At.Equal(e.clock.Now().UTC().Truncate(time.Microsecond)) {
		t.Errorf("history entry of %s at %v, want the clock's %v", f.event, last.At, e.clock.Now())
	}
	return stored
}

// chain fires each step in order with mustFire.
func (e *env) chain(t *testing.T, id string, steps ...fire) dossier.Document {
	t.Helper()
	var d dossier.Document
	for _, s := range steps {
		d = e.mustFire(t, id, s)
	}
	return d
}

// refused fires and expects an error with code and a message holding every
// one of parts; it checks that the document, its history and its approvals
// did not change.
func (e *env) refused(t *testing.T, id string, by dossier.User, event string, payload any, code dossier.Code, parts ...string) string {
	t.Helper()
	return e.refusedFire(t, id, by, engine.Fire{Event: event, Payload: encode(t, payload)}, code, parts...)
}

func (e *env) refusedFire(t *testing.T, id string, by dossier.User, f engine.Fire, code dossier.Code, parts ...string) string {
	t.Helper()
	before := e.get(t, id)
	hBefore := e.history(t, id)
	aBefore := e.approvals(t, id)
	_, err := e.eng.Fire(e.ctx, by, id, f)
	wantError(t, err, code, parts...)
	after := e.get(t, id)
	if after.State != before.State || after.Version != before.Version || after.Round != before.Round {
		t.Errorf("refused %s changed the document: %s v%d r%d -> %s v%d r%d", f.Event,
			before.State, before.Version, before.Round, after.State, after.Version, after.Round)
	}
	if n := len(e.history(t, id)); n != len(hBefore) {
		t.Errorf("refused %s added history: %d -> %d entries", f.Event, len(hBefore), n)
	}
	if a := e.approvals(t, id); len(a.Approvals) != len(aBefore.Approvals) {
		t.Errorf("refused %s changed the approvals: %d -> %d", f.Event, len(aBefore.Approvals), len(a.Approvals))
	}
	return dossier.ErrorMessage(err)
}

// wantError fails unless err has code and its message contains every part.
func wantError(t *testing.T, err error, code dossier.Code, parts ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("got no error, want %s %q", code, parts)
		return
	}
	if got := dossier.ErrorCode(err); got != code {
		t.Errorf("got code %s (%v), want %s", got, err, code)
	}
	msg := dossier.ErrorMessage(err)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("message %q does not mention %q", msg, p)
		}
	}
}

func sameJSON(a, b []byte) bool {
	empty := func(x []byte) bool {
		s := strings.TrimSpace(string(x))
		return s == "" || s == "null" || s == "{}"
	}
	if empty(a) || empty(b) {
		return empty(a) && empty(b)
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// ---- payloads ----

func poChecklist() map[string]any {
	return map[string]any{"price_matches_quotation": true, "delivery_date_confirmed": true, "gpn_lpn_verified": true}
}

func lcChecklist() map[string]any {
	return map[string]any{"amount_matches": true, "expiry_ok": true, "latest_shipment_ok": true,
		"documents_required_ok": true, "confirmation_ok": true}
}

// without returns a copy of m without key.
func without(m map[string]any, key string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// with returns a copy of m with key set to v.
func with(m map[string]any, key string, v any) map[string]any {
	out := without(m, key)
	out[key] = v
	return out
}

// ---- paths to a state ----

// toPendingApproval moves a purchase order, contract, LC or tooling invoice
// in its initial state to pending_approval: submitter submits, reviewer passes.
func (e *env) toPendingApproval(t *testing.T, d dossier.Document, submitter, reviewer dossier.User) dossier.Document {
	t.Helper()
	var pass any = poChecklist()
	switch d.Kind {
	case dossier.KindLetterOfCredit:
		pass = lcChecklist()
	case dossier.KindToolingInvoice:
		pass = nil
	case dossier.KindFrameworkAgreement:
		e.mustFire(t, d.ID, fire{by: submitter, event: "submit", to: "department_review"})
		for _, dep := range e.departments(t, d.Kind) {
			e.review(t, d.ID, reviewer, dep, "approve")
		}
		return e.mustFire(t, d.ID, fire{by: reviewer, event: "complete_review", to: "pending_approval"})
	}
	e.mustFire(t, d.ID, fire{by: submitter, event: "submit", to: "in_review"})
	return e.mustFire(t, d.ID, fire{by: reviewer, event: "pass_review", payload: pass, to: "pending_approval"})
}

func (e *env) departments(t *testing.T, k dossier.Kind) []string {
	t.Helper()
	def, ok := e.defs.Kind(k)
	if !ok {
		t.Fatalf("no definition for %s", k)
	}
	return def.Departments
}

// review records a department review and checks what was stored.
func (e *env) review(t *testing.T, id string, by dossier.User, dep, decision string) dossier.Review {
	t.Helper()
	before := e.get(t, id)
	r, err := e.eng.Review(e.ctx, by, id, engine.ReviewRequest{Department: dep, Decision: decision, Comment: dep + " says " + decision})
	if err != nil {
		t.Fatalf("review %s %s by %s: %v", dep, decision, by.Username, err)
	}
	if r.Department != dep || r.Decision != decision || r.ReviewerID != by.ID || r.Round != before.Round || r.DocumentID != id {
		t.Errorf("review returned %+v, want %s/%s by %s in round %d", r, dep, decision, by.ID, before.Round)
	}
	var stored []dossier.Review
	e.read(t, func(tx store.Tx) (err error) { stored, err = tx.Reviews(e.ctx, id, before.Round); return err })
	if len(stored) == 0 || stored[len(stored)-1].Department != dep || stored[len(stored)-1].Decision != decision {
		t.Errorf("stored reviews of round %d = %+v, want the last one %s/%s", before.Round, stored, dep, decision)
	}
	return r
}

// ---- jobs and audit ----

// jobPayload is what the engine writes in an effect's job.
type jobPayload struct {
	DocumentID string `json:"document_id"`
	Version    int    `json:"version"`
	State      string `json:"state"`
}

// claimAll claims every due job of kind and returns their payloads in order.
func (e *env) claimAll(t *testing.T, kind string) []jobPayload {
	t.Helper()
	var out []jobPayload
	now := e.clock.Now().Add(time.Minute)
	for range 1000 {
		var j store.Job
		var ok bool
		e.write(t, func(tx store.Tx) (err error) {
			j, ok, err = tx.ClaimJob(e.ctx, []string{kind}, now, now.Add(time.Minute))
			return err
		})
		if !ok {
			return out
		}
		if j.Kind != kind {
			t.Errorf("claimed a %s job asking for %s", j.Kind, kind)
		}
		var p jobPayload
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			t.Fatalf("job %d payload %s: %v", j.ID, j.Payload, err)
		}
		out = append(out, p)
	}
	t.Fatalf("more than 1000 %s jobs", kind)
	return nil
}

// jobStates lists the states of kind's jobs for one document.
func (e *env) jobStates(t *testing.T, kind, id string) []string {
	t.Helper()
	states := []string{}
	for _, p := range e.claimAll(t, kind) {
		if p.DocumentID == id {
			states = append(states, p.State)
		}
	}
	return states
}

func (e *env) verifyAudit(t *testing.T) {
	t.Helper()
	res, err := auditlog.Verify(e.ctx, e.st)
	if err != nil {
		t.Fatalf("audit verify: %v", err)
	}
	if !res.OK || res.Checked == 0 {
		t.Errorf("audit verify = %+v, want ok with events checked", res)
	}
}

// auditActions lists the actions recorded for a document, in order.
func (e *env) auditActions(t *testing.T, id string) []dossier.AuditEvent {
	t.Helper()
	events, err := auditlog.List(e.ctx, e.st, store.AuditFilter{DocumentID: id})
	if err != nil {
		t.Fatalf("audit list %s: %v", id, err)
	}
	return events
}

func usernames(users ...dossier.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Username
	}
	slices.Sort(out)
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
