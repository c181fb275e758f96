package storetest

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

func testArchive(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("DeleteDocumentTakesEveryPart", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var gone, kept dossier.Document
		var events int
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx)
			gone = newDocument(t, tx, u.ID)
			kept = newDocument(t, tx, u.ID)
			at := now()
			c := ctx(t)
			steps := []error{
				tx.AddFileVersion(c, fileFixture(gone.ID, u.ID, func(f *dossier.FileVersion) { f.Version = 2 })),
				tx.PutRendition(c, dossier.Rendition{DocumentID: gone.ID, Name: "stamped", FileVersion: 2, SHA256: randomSHA256(), Size: 10, State: "archived", CreatedAt: at}),
				tx.PutText(c, gone.ID, 2, []string{"page one", "page two"}),
				tx.AddHistory(c, dossier.HistoryEntry{DocumentID: gone.ID, Event: "submit", From: "received", To: "in_review", Actor: u.ID, Payload: json.RawMessage(`{}`), Version: 2, At: at}),
				tx.AddApproval(c, dossier.Approval{DocumentID: gone.ID, Round: 1, Level: 1, ApproverID: u.ID, At: at}),
				tx.AddLink(c, dossier.Link{DocumentID: gone.ID, TargetID: kept.ID, Relation: "related", CreatedBy: u.ID, CreatedAt: at}),
				tx.AddLink(c, dossier.Link{DocumentID: kept.ID, TargetID: gone.ID, Relation: "po_of", CreatedBy: u.ID, CreatedAt: at}),
			}
			if _, err := tx.AddReview(c, dossier.Review{DocumentID: gone.ID, Round: 1, Department: "finance", Decision: "approve", ReviewerID: u.ID, At: at}); err != nil {
				steps = append(steps, err)
			}
			for i, err := range steps {
				if err != nil {
					t.Fatalf("set-up step %d: %v", i, err)
				}
			}
			appendEvent(t, tx, eventFixture(gone.ID, u.ID))
			appendEvent(t, tx, eventFixture(gone.ID, u.ID))
			events = 2
			return nil
		})
		write(t, s, func(tx store.Tx) error { return tx.DeleteDocument(ctx(t), gone.ID) })
		read(t, s, func(tx store.Tx) error {
			c := ctx(t)
			_, err := tx.Document(c, gone.ID)
			wantCode(t, err, dossier.ENotFound, "Document after DeleteDocument")
			_, err = tx.FileVersion(c, gone.ID, 1)
			wantCode(t, err, dossier.ENotFound, "FileVersion after DeleteDocument")
			_, err = tx.Text(c, gone.ID, 2)
			wantCode(t, err, dossier.ENotFound, "Text after DeleteDocument")
			if rs, err := tx.Renditions(c, gone.ID); err != nil || len(rs) != 0 {
				t.Errorf("Renditions after DeleteDocument: %v, %v; want none", rs, err)
			}
			if h, err := tx.History(c, gone.ID); err != nil || len(h) != 0 {
				t.Errorf("History after DeleteDocument: %v, %v; want none", h, err)
			}
			if a, err := tx.Approvals(c, gone.ID, 1); err != nil || len(a) != 0 {
				t.Errorf("Approvals after DeleteDocument: %v, %v; want none", a, err)
			}
			if r, err := tx.Reviews(c, gone.ID, 1); err != nil || len(r) != 0 {
				t.Errorf("Reviews after DeleteDocument: %v, %v; want none", r, err)
			}
			if l, err := tx.Links(c, kept.ID); err != nil || len(l) != 0 {
				t.Errorf("links of the other document after DeleteDocument: %v, %v; want none", l, err)
			}
			if _, err := tx.Document(c, kept.ID); err != nil {
				t.Errorf("the other document after DeleteDocument: %v", err)
			}
			ev, err := tx.ListAudit(c, store.AuditFilter{DocumentID: gone.ID})
			if err != nil || len(ev) != events {
				t.Errorf("audit events of the deleted document: %d, %v; want all %d kept", len(ev), err, events)
			}
			return nil
		})
		err := s.Write(t.Context(), func(tx store.Tx) error { return tx.DeleteDocument(ctx(t), gone.ID) })
		wantCode(t, err, dossier.ENotFound, "DeleteDocument of a deleted document")
	})

	t.Run("ScanArchived", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		base := now().Add(-48 * time.Hour)
		archivedAt := func(h int) func(*dossier.Document) {
			return func(d *dossier.Document) {
				at := base.Add(time.Duration(h) * time.Hour)
				d.State, d.ArchivedAt = "archived", &at
			}
		}
		var po1, po2, lc dossier.Document
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx).ID
			po2 = newDocument(t, tx, u, archivedAt(2), func(d *dossier.Document) { d.LegalHold = true })
			po1 = newDocument(t, tx, u, archivedAt(1))
			lc = newDocument(t, tx, u, archivedAt(3), func(d *dossier.Document) { d.Kind = dossier.KindLetterOfCredit })
			newDocument(t, tx, u) // not archived
			return nil
		})
		tests := []struct {
			name string
			f    store.ArchiveFilter
			want []string
		}{
			{"all, oldest archive first", store.ArchiveFilter{}, []string{po1.ID, po2.ID, lc.ID}},
			{"one kind", store.ArchiveFilter{Kind: dossier.KindPurchaseOrder}, []string{po1.ID, po2.ID}},
			{"before", store.ArchiveFilter{Before: base.Add(2 * time.Hour)}, []string{po1.ID}},
			{"kind and before", store.ArchiveFilter{Kind: dossier.KindLetterOfCredit, Before: base.Add(3 * time.Hour)}, nil},
		}
		for _, tt := range tests {
			var got []store.Archived
			read(t, s, func(tx store.Tx) error {
				return tx.ScanArchived(ctx(t), tt.f, func(a store.Archived) error { got = append(got, a); return nil })
			})
			var ids []string
			for _, a := range got {
				ids = append(ids, a.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("%s: got %v, want %v", tt.name, ids, tt.want)
			}
			for _, a := range got {
				if a.ID == po2.ID && (!a.LegalHold || a.Number != po2.Number || a.Title != po2.Title || a.State != "archived" ||
					a.Kind != dossier.KindPurchaseOrder || !a.ArchivedAt.Equal(*po2.ArchivedAt)) {
					t.Errorf("%s: %+v does not match the held document %s", tt.name, a, po2.ID)
				}
			}
		}
	})

	t.Run("ScanBlobRefs", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var d dossier.Document
		var v2 dossier.FileVersion
		var r dossier.Rendition
		write(t, s, func(tx store.Tx) error {
			d = newDocument(t, tx, newUser(t, tx).ID)
			v2 = fileFixture(d.ID, d.CreatedBy, func(f *dossier.FileVersion) { f.Version, f.Size = 2, 99 })
			r = dossier.Rendition{DocumentID: d.ID, Name: "stamped", FileVersion: 2, SHA256: randomSHA256(), Size: 7, State: "approved", CreatedAt: now()}
			if err := tx.AddFileVersion(ctx(t), v2); err != nil {
				return err
			}
			return tx.PutRendition(ctx(t), r)
		})
		var got []store.BlobRef
		read(t, s, func(tx store.Tx) error {
			return tx.ScanBlobRefs(ctx(t), func(b store.BlobRef) error { got = append(got, b); return nil })
		})
		want := []store.BlobRef{
			{SHA256: d.File.SHA256, Size: d.File.Size, DocumentID: d.ID, FileVersion: 1},
			{SHA256: v2.SHA256, Size: 99, DocumentID: d.ID, FileVersion: 2},
			{SHA256: r.SHA256, Size: 7, DocumentID: d.ID, FileVersion: 2, Rendition: "stamped"},
		}
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("ScanBlobRefs lacks %+v; got %+v", w, got)
			}
		}
		if len(got) != len(want) {
			t.Errorf("ScanBlobRefs: %d references, want %d: %+v", len(got), len(want), got)
		}
	})
}
