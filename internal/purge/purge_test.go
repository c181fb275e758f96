package purge_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"dossier/internal/app"
	"dossier/internal/apptest"
	"dossier/internal/audit"
	"dossier/internal/auth"
	"dossier/internal/blob"
	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/purge"
	"dossier/internal/search"
	"dossier/internal/store"
	"dossier/internal/testenv"
)

// env is the service on one stack, with a purge whose clock the test moves.
type env struct {
	a     *app.App
	admin dossier.User
	clock *testenv.Clock
	svc   *purge.Service
}

func setup(t *testing.T, b apptest.Backend) *env {
	t.Helper()
	a := apptest.Open(t, b.Config(t))
	u, err := a.Auth.CreateUser(t.Context(), auth.CommandLine, auth.NewUser{
		Username: "archivist", Password: "a-long-password", Roles: []dossier.Role{dossier.RoleAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	clock := testenv.NewClock(time.Now())
	return &env{a: a, admin: u.User, clock: clock,
		svc: purge.New(a.Store, a.Blobs, a.Engine.Definitions(), a.Config.RetentionYears, clock.Now)}
}

// forEachStack runs fn on the embedded stack and on PostgreSQL with MinIO.
func forEachStack(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, b := range apptest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, setup(t, b))
		})
	}
}

// document uploads a customs declaration with text as its file and, when
// archive is set, archives it.
func (e *env) document(t *testing.T, number, text string, archive bool) dossier.Document {
	t.Helper()
	f, err := e.a.Documents.Stage(t.Context(), strings.NewReader(text), number+".txt")
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.a.Documents.Create(t.Context(), e.admin, dossier.Metadata{
		Kind: dossier.KindCustoms, Title: "Declaration " + number, Number: number}, f)
	if err != nil {
		t.Fatal(err)
	}
	if archive {
		if d, _, err = e.a.Engine.Fire(t.Context(), e.admin, d.ID, engine.Fire{Event: "archive"}); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func (e *env) purge(t *testing.T, id string) purge.Outcome {
	t.Helper()
	out, err := e.svc.Purge(t.Context(), e.admin.ID, id)
	if err != nil {
		t.Fatalf("purge %s: %v", id, err)
	}
	return out
}

func ids(cs []purge.Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// TestPurge: what retention lets go is listed and purged whole, audited with
// its manifest hash, and leaves the search index; what is held, not
// archived or still retained stays; bytes another document uses stay.
func TestPurge(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		gone := e.document(t, "GONE-1", "declaration to purge\n", true)
		held := e.document(t, "HELD-1", "declaration on hold\n", true)
		if _, err := e.a.Documents.LegalHold(ctx, e.admin, held.ID, true, "customs audit 2026"); err != nil {
			t.Fatal(err)
		}
		open := e.document(t, "OPEN-1", "shared bytes\n", false)
		sharing := e.document(t, "SHARED-1", "shared bytes\n", true)
		if err := e.a.Indexer.IndexDocument(ctx, gone.ID); err != nil {
			t.Fatal(err)
		}

		plan, err := e.svc.Plan(ctx, purge.Filter{})
		if err != nil || len(plan.Purgeable) != 0 || plan.Held != 0 {
			t.Fatalf("plan within retention: %+v, %v; want nothing", plan, err)
		}
		e.clock.Add(10*365*24*time.Hour + 4*24*time.Hour) // ten years and a few days
		plan, err = e.svc.Plan(ctx, purge.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{gone.ID, sharing.ID}; !slices.Equal(ids(plan.Purgeable), want) || plan.Held != 1 {
			t.Fatalf("plan after retention: %v, %d held; want %v and 1 held", ids(plan.Purgeable), plan.Held, want)
		}
		if c := plan.Purgeable[0]; c.Number != "GONE-1" || c.Kind != dossier.KindCustoms || !c.RetainedTo.Equal(gone.ArchivedAt.AddDate(10, 0, 0)) {
			t.Errorf("candidate %+v: want GONE-1, customs, retained until archived_at + 10 years", c)
		}
		if p, err := e.svc.Plan(ctx, purge.Filter{Kind: dossier.KindOther}); err != nil || len(p.Purgeable) != 0 {
			t.Errorf("plan of another kind: %+v, %v; want nothing", p, err)
		}
		if p, err := e.svc.Plan(ctx, purge.Filter{Before: *sharing.ArchivedAt}); err != nil || !slices.Equal(ids(p.Purgeable), []string{gone.ID}) {
			t.Errorf("plan archived before the last: %v, %v; want only %s", ids(p.Purgeable), err, gone.ID)
		}
		if _, err := e.svc.Plan(ctx, purge.Filter{Kind: "ledger"}); dossier.ErrorCode(err) != dossier.EUnprocessable {
			t.Errorf("plan of an unknown kind: %v, want EUnprocessable", err)
		}

		out := e.purge(t, gone.ID)
		if out.Status != purge.Purged || out.Deleted != 1 || out.Shared != 0 || len(out.Left) != 0 {
			t.Fatalf("purge %s: %+v; want purged with its one blob", gone.ID, out)
		}
		err = e.a.Store.Read(ctx, func(tx store.Tx) error { _, err := tx.Document(ctx, gone.ID); return err })
		if dossier.ErrorCode(err) != dossier.ENotFound {
			t.Errorf("purged document: %v, want not found", err)
		}
		if _, err := e.a.Blobs.Stat(ctx, gone.File.SHA256); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("blob of the purged document: %v, want not found", err)
		}
		events, _, err := audit.NewTrail(e.a.Store).List(ctx, audit.Filter{DocumentID: gone.ID})
		if err != nil || len(events) < 3 {
			t.Fatalf("audit events of the purged document: %d, %v; want upload, archive and purge", len(events), err)
		}
		last := events[len(events)-1]
		var details struct {
			Manifest string `json:"manifest_sha256"`
			Number   string `json:"number"`
			Files    []struct {
				SHA256 string `json:"sha256"`
			} `json:"files"`
		}
		if err := json.Unmarshal(last.Details, &details); err != nil || last.Action != "document.purge" || last.Actor != e.admin.ID ||
			details.Manifest != out.Manifest || len(out.Manifest) != 64 || details.Number != "GONE-1" ||
			len(details.Files) != 1 || details.Files[0].SHA256 != gone.File.SHA256 {
			t.Errorf("last audit event %s by %s: %s (%v); want document.purge by the admin with manifest %s", last.Action, last.Actor, last.Details, err, out.Manifest)
		}
		if res, err := audit.Verify(ctx, e.a.Store); err != nil || !res.OK {
			t.Errorf("audit verify after the purge: %+v, %v", res, err)
		}
		if err := e.a.Indexer.IndexDocument(ctx, gone.ID); err != nil { // the job the purge queued
			t.Fatal(err)
		}
		// Jobs queued before the purge find nothing to do, rather than
		// failing until they are parked.
		payload := []byte(`{"document_id":"` + gone.ID + `","file_version":1}`)
		for name, job := range map[string]func(context.Context, []byte) error{
			"stamp": e.a.Documents.StampJob, "retain": e.a.Documents.LockJob, "extract": e.a.Indexer.ExtractJob,
		} {
			if err := job(ctx, payload); err != nil {
				t.Errorf("%s job of the purged document: %v", name, err)
			}
		}
		if res, err := e.a.Indexer.Index().Search(ctx, search.Query{Q: "GONE-1", Limit: 10}); err != nil || res.Total != 0 {
			t.Errorf("search for the purged document: %+v, %v; want no hit", res, err)
		}

		out = e.purge(t, sharing.ID)
		if out.Status != purge.Purged || out.Deleted != 0 || out.Shared != 1 {
			t.Errorf("purge of a document sharing its bytes: %+v; want purged, its blob kept", out)
		}
		if _, err := e.a.Blobs.Stat(ctx, open.File.SHA256); err != nil {
			t.Errorf("bytes of the open document after purging one sharing them: %v", err)
		}
		for _, tc := range []struct {
			id, reason string
		}{{held.ID, "legal hold"}, {open.ID, "not archived"}, {gone.ID, "not found"}} {
			if out := e.purge(t, tc.id); out.Status != purge.Skipped || !strings.Contains(out.Reason, tc.reason) {
				t.Errorf("purge %s: %+v; want skipped for %q", tc.id, out, tc.reason)
			}
		}
	})
}

// TestPurgeWithinRetention: a document asked for by id before its
// retention ends is refused, whatever the caller believes.
func TestPurgeWithinRetention(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, e *env) {
		d := e.document(t, "YOUNG-1", "recently archived\n", true)
		e.clock.Add(5 * 365 * 24 * time.Hour)
		if out := e.purge(t, d.ID); out.Status != purge.Skipped || !strings.Contains(out.Reason, "retention runs until") {
			t.Errorf("purge within retention: %+v; want skipped", out)
		}
		if _, err := e.a.Blobs.Stat(t.Context(), d.File.SHA256); err != nil {
			t.Errorf("blob after a refused purge: %v", err)
		}
	})
}

// TestRetentionReport: per kind, what is archived, held, purgeable now and
// when the rest becomes purgeable.
func TestRetentionReport(t *testing.T) {
	t.Parallel()
	forEachStack(t, func(t *testing.T, e *env) {
		first := e.document(t, "R-1", "first\n", true)
		e.document(t, "R-2", "second\n", true)
		held := e.document(t, "R-3", "third\n", true)
		if _, err := e.a.Documents.LegalHold(t.Context(), e.admin, held.ID, true, "dispute"); err != nil {
			t.Fatal(err)
		}
		e.document(t, "R-4", "not archived\n", false)
		r, err := e.svc.Report(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(r.Kinds, func(k purge.KindReport) bool { return k.Kind == dossier.KindCustoms })
		if i < 0 || len(r.Kinds) != len(e.a.Engine.Definitions().Kinds()) {
			t.Fatalf("report kinds %+v: want one per defined kind", r.Kinds)
		}
		k := r.Kinds[i]
		until := first.ArchivedAt.AddDate(10, 0, 0)
		want := []purge.YearCount{{Year: until.Year(), Documents: 2}}
		if k.RetentionYears != 10 || k.Archived != 3 || k.LegalHold != 1 || k.PurgeableNow != 0 ||
			k.NextPurgeable == nil || !k.NextPurgeable.Equal(until) || !slices.Equal(k.Schedule, want) {
			t.Errorf("customs report %+v (next %v); want 10 years, 3 archived, 1 held, none now, next %s, schedule %v",
				k, k.NextPurgeable, until, want)
		}
		e.clock.Add(11 * 365 * 24 * time.Hour)
		if r, err = e.svc.Report(t.Context()); err != nil {
			t.Fatal(err)
		}
		if k := r.Kinds[i]; k.PurgeableNow != 2 || k.NextPurgeable != nil || len(k.Schedule) != 0 {
			t.Errorf("customs report eleven years on: %+v; want 2 purgeable now and nothing scheduled", k)
		}
	})
}
