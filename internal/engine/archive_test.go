package engine_test

import (
	"encoding/json"
	"strings"
	"testing"

	blobfs "dossier/internal/blob/fs"
	"dossier/internal/documents"
	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/store"
)

// documentsService is the documents service over the test's store and a
// filesystem blob store.
func (e *env) documentsService(t *testing.T) *documents.Service {
	t.Helper()
	blobs, err := blobfs.New(t.TempDir())
	if err != nil {
		t.Fatalf("blob fs: %v", err)
	}
	t.Cleanup(func() { blobs.Close() })
	return documents.New(e.st, blobs, e.defs, e.clock.Now, t.TempDir())
}

func stage(t *testing.T, e *env, svc *documents.Service, text string) documents.Staged {
	t.Helper()
	f, err := svc.Stage(e.ctx, strings.NewReader(text), "note.txt")
	if err != nil {
		t.Fatalf("stage: %v", err)
	}
	return f
}

// TestArchiveIsImmutable: SPEC §8 — an archived document takes no metadata
// edit, no new version and no further event, for admins too; a legal hold
// is the one change it takes, with a reason, audited, bumping the version.
func TestArchiveIsImmutable(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		svc := e.documentsService(t)
		d, err := svc.Create(e.ctx, c.admin, dossier.Metadata{
			Kind: dossier.KindPurchaseOrder, Subtype: "serial", Title: "PO 4711", Number: "4711",
			Customer: "ACME", Amount: "42000.00", Currency: "EUR",
		}, stage(t, e, svc, "purchase order 4711\n"))
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		// Before archiving, edits work: the refusals below are about the archive.
		d, err = svc.Patch(e.ctx, c.admin, d.ID, d.Version, []byte(`{"title":"PO 4711 rev. A"}`))
		if err != nil {
			t.Fatalf("patch before archive: %v", err)
		}
		if d, err = svc.AddVersion(e.ctx, c.admin, d.ID, stage(t, e, svc, "purchase order 4711 rev. A\n")); err != nil {
			t.Fatalf("add version before archive: %v", err)
		}
		e.toPendingApproval(t, d, c.admin, c.reviewer)
		e.mustFire(t, d.ID, fire{by: c.appr1, event: "approve", to: "approved"})
		if got := e.get(t, d.ID); got.ArchivedAt != nil {
			t.Errorf("approved document has archived_at %v", got.ArchivedAt)
		}
		archived := e.mustFire(t, d.ID, fire{by: c.admin, event: "archive", to: "archived"})
		if archived.ArchivedAt == nil || !archived.ArchivedAt.Equal(e.clock.Now()) {
			t.Fatalf("archived_at = %v, want %v", archived.ArchivedAt, e.clock.Now())
		}

		_, err = svc.Patch(e.ctx, c.admin, d.ID, archived.Version, []byte(`{"title":"rewritten"}`))
		wantError(t, err, dossier.EConflict, "archived")
		_, err = svc.AddVersion(e.ctx, c.admin, d.ID, stage(t, e, svc, "a forged version\n"))
		wantError(t, err, dossier.EConflict, "archived")
		for _, ev := range []string{"archive", "submit", "approve", "reopen"} {
			_, _, err := e.eng.Fire(e.ctx, c.admin, d.ID, engine.Fire{Event: ev})
			if code := dossier.ErrorCode(err); code != dossier.EConflict && code != dossier.EForbidden && code != dossier.EUnprocessable {
				t.Errorf("%s on an archived document: %v, want a refusal", ev, err)
			}
			if err == nil {
				t.Errorf("%s on an archived document succeeded", ev)
			}
		}
		if got := e.get(t, d.ID); got.Version != archived.Version || got.Title != "PO 4711 rev. A" || got.File.Version != 2 || got.State != "archived" {
			t.Errorf("archived document changed: %+v", got)
		}

		t.Run("legal hold needs a reason", func(t *testing.T) {
			for _, reason := range []string{"", "   \t"} {
				_, err := svc.LegalHold(e.ctx, c.admin, d.ID, true, reason)
				wantError(t, err, dossier.EUnprocessable, "reason")
			}
			if got := e.get(t, d.ID); got.LegalHold || got.Version != archived.Version {
				t.Errorf("a refused hold changed the document: hold %v v%d", got.LegalHold, got.Version)
			}
		})

		t.Run("legal hold set and cleared", func(t *testing.T) {
			v := e.get(t, d.ID).Version
			held, err := svc.LegalHold(e.ctx, c.admin, d.ID, true, "litigation ACME v. Dossier, case 12 O 345/26")
			if err != nil {
				t.Fatalf("set hold: %v", err)
			}
			stored := e.get(t, d.ID)
			if !held.LegalHold || !stored.LegalHold || stored.Version != v+1 || held.Version != v+1 || stored.ArchivedAt == nil || stored.State != "archived" {
				t.Errorf("after set: returned hold %v v%d, stored hold %v v%d %s archived_at %v; want held, v%d, still archived",
					held.LegalHold, held.Version, stored.LegalHold, stored.Version, stored.State, stored.ArchivedAt, v+1)
			}
			// Still immutable while held.
			_, err = svc.Patch(e.ctx, c.admin, d.ID, stored.Version, []byte(`{"title":"rewritten"}`))
			wantError(t, err, dossier.EConflict)

			cleared, err := svc.LegalHold(e.ctx, c.admin2, d.ID, false, "case settled")
			if err != nil {
				t.Fatalf("clear hold: %v", err)
			}
			stored = e.get(t, d.ID)
			if cleared.LegalHold || stored.LegalHold || stored.Version != v+2 || stored.ArchivedAt == nil {
				t.Errorf("after clear: hold %v v%d archived_at %v, want no hold, v%d, still archived", stored.LegalHold, stored.Version, stored.ArchivedAt, v+2)
			}

			var holds []map[string]any
			var actors []string
			for _, ev := range e.auditActions(t, d.ID) {
				if ev.Action != "document.legal_hold" {
					continue
				}
				var details map[string]any
				if err := json.Unmarshal(ev.Details, &details); err != nil {
					t.Fatalf("details %s: %v", ev.Details, err)
				}
				holds, actors = append(holds, details), append(actors, ev.Actor)
			}
			if len(holds) != 2 || holds[0]["on"] != true || holds[1]["on"] != false ||
				holds[0]["reason"] != "litigation ACME v. Dossier, case 12 O 345/26" || holds[1]["reason"] != "case settled" ||
				actors[0] != c.admin.ID || actors[1] != c.admin2.ID {
				t.Errorf("legal hold audit events = %v by %v, want on then off with their reasons, by the two admins", holds, actors)
			}
		})

		t.Run("legal hold on an open document", func(t *testing.T) {
			open := e.doc(t, dossier.KindContract, c.admin)
			held, err := svc.LegalHold(e.ctx, c.admin, open.ID, true, "audit request")
			if err != nil || !held.LegalHold || held.Version != open.Version+1 || held.State != open.State {
				t.Errorf("hold on an open contract: %+v, %v", held, err)
			}
			_, err = svc.LegalHold(e.ctx, c.admin, "01J0000000000000000000NONE", true, "x")
			wantError(t, err, dossier.ENotFound)
		})
		e.verifyAudit(t)
	})
}

// TestApprovedBytesAreFixed: SPEC §6 — a new file version is accepted only
// while the document is prepared; once it has gone to review, the
// reviewers and approvers decide on fixed bytes. And whoever added a file
// version counts as involved: they may not approve the document.
func TestApprovedBytesAreFixed(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		svc := e.documentsService(t)
		d, err := svc.Create(e.ctx, c.admin, dossier.Metadata{
			Kind: dossier.KindPurchaseOrder, Subtype: "serial", Title: "PO 815", Amount: "42000.00", Currency: "EUR",
		}, stage(t, e, svc, "purchase order 815\n"))
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		// appr1 (an approver who may also upload, as an admin could) adds
		// the second version while the PO is prepared.
		uploader := e.user(t, "uploader-approver", 3, dossier.RoleApprover, dossier.RoleAdmin)
		if d, err = svc.AddVersion(e.ctx, uploader, d.ID, stage(t, e, svc, "purchase order 815, corrected\n")); err != nil {
			t.Fatalf("add version while received: %v", err)
		}
		e.toPendingApproval(t, d, c.admin, c.reviewer)
		for _, state := range []string{"pending_approval", "approved"} {
			if state == "approved" {
				e.refused(t, d.ID, uploader, "approve", nil, dossier.EUnprocessable, "doa", "uploaded")
				e.mustFire(t, d.ID, fire{by: c.appr1, event: "approve", to: "approved"})
			}
			_, err := svc.AddVersion(e.ctx, c.admin, d.ID, stage(t, e, svc, "bytes nobody approved\n"))
			wantError(t, err, dossier.EConflict, "only while it is prepared", "received")
			if got := e.get(t, d.ID); got.File.Version != 2 {
				t.Errorf("in %s a refused version was stored: file version %d", state, got.File.Version)
			}
		}
	})
}

// TestArchiveNeedsTheApprovedFile: each approval records the file it was
// given for, and archiving refuses a document whose file is not that one —
// here one written behind the services' back, as older data could be.
func TestArchiveNeedsTheApprovedFile(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		c := e.cast(t)
		d := e.doc(t, dossier.KindPurchaseOrder, c.admin)
		e.toPendingApproval(t, d, c.admin, c.reviewer)
		approved := e.mustFire(t, d.ID, fire{by: c.appr1, event: "approve", to: "approved"})
		approvals := e.approvals(t, d.ID).Approvals
		if len(approvals) != 1 || approvals[0].SHA256 != d.File.SHA256 {
			t.Fatalf("approvals = %+v, want one recording the file %s", approvals, d.File.SHA256)
		}
		for _, h := range e.history(t, d.ID) {
			if h.SHA256 != d.File.SHA256 {
				t.Errorf("history entry %s records the file %q, want %s", h.Event, h.SHA256, d.File.SHA256)
			}
		}
		e.write(t, func(tx store.Tx) error {
			cur, err := tx.Document(e.ctx, d.ID)
			if err != nil {
				return err
			}
			cur.File = dossier.FileVersion{DocumentID: d.ID, Version: 2, SHA256: strings.Repeat("ab", 32), Size: 10,
				MediaType: "application/pdf", Filename: "swapped.pdf", CreatedBy: c.admin.ID, CreatedAt: e.clock.Now()}
			if err := tx.AddFileVersion(e.ctx, cur.File); err != nil {
				return err
			}
			prev := cur.Version
			cur.Version++
			return tx.UpdateDocument(e.ctx, cur, prev)
		})
		e.refused(t, d.ID, c.admin, "archive", nil, dossier.EUnprocessable, "approved the file with sha256 "+d.File.SHA256, "version 2")
		if got := e.get(t, d.ID); got.State != approved.State || got.ArchivedAt != nil {
			t.Errorf("a refused archive changed the document: %s, archived_at %v", got.State, got.ArchivedAt)
		}
	})
}
