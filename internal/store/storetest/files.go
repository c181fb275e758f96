package storetest

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

func testFileVersions(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("AddListAndGet", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var doc dossier.Document
		var v2 dossier.FileVersion
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx)
			doc = newDocument(t, tx, u.ID)
			return nil
		})
		write(t, s, func(tx store.Tx) error {
			v2 = fileFixture(doc.ID, doc.CreatedBy, func(f *dossier.FileVersion) {
				f.Version = 2
				f.Size = 48_213
				f.MediaType = "image/tiff"
				f.Filename = "scan-signed.tiff"
				f.PageCount = 0
				f.CreatedAt = now().Add(time.Minute)
			})
			return tx.AddFileVersion(ctx(t), v2)
		})

		got := getDocument(t, s, doc.ID)
		if d := diffFile("File.", v2, got.File); len(d) > 0 {
			t.Errorf("Document after AddFileVersion: want version 2 as File:\n%s", d)
		}
		read(t, s, func(tx store.Tx) error {
			v1, err := tx.FileVersion(ctx(t), doc.ID, 1)
			if err != nil {
				t.Fatalf("FileVersion 1: %v", err)
			}
			if d := diffFile("", doc.File, v1); len(d) > 0 {
				t.Errorf("FileVersion 1 after adding version 2:\n%s", d)
			}
			got2, err := tx.FileVersion(ctx(t), doc.ID, 2)
			if err != nil {
				t.Fatalf("FileVersion 2: %v", err)
			}
			if d := diffFile("", v2, got2); len(d) > 0 {
				t.Errorf("FileVersion 2:\n%s", d)
			}
			all, err := tx.FileVersions(ctx(t), doc.ID)
			if err != nil {
				t.Fatalf("FileVersions: %v", err)
			}
			if len(all) != 2 {
				t.Fatalf("FileVersions: got %d versions, want 2", len(all))
			}
			for i, want := range []dossier.FileVersion{doc.File, v2} {
				if d := diffFile("", want, all[i]); len(d) > 0 {
					t.Errorf("FileVersions[%d] (want version %d, oldest first):\n%s", i, want.Version, d)
				}
			}
			_, err = tx.FileVersion(ctx(t), doc.ID, 3)
			wantCode(t, err, dossier.ENotFound, "FileVersion 3 of a two-version document")
			_, err = tx.FileVersion(ctx(t), newID(), 1)
			wantCode(t, err, dossier.ENotFound, "FileVersion of an unknown document")
			return nil
		})
	})

	t.Run("DuplicateVersionConflicts", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var doc dossier.Document
		write(t, s, func(tx store.Tx) error { doc = newDocument(t, tx, newUser(t, tx).ID); return nil })
		dup := fileFixture(doc.ID, doc.CreatedBy) // version 1 again, other bytes
		err := s.Write(t.Context(), func(tx store.Tx) error { return tx.AddFileVersion(ctx(t), dup) })
		wantCode(t, err, dossier.EConflict, "AddFileVersion of an existing version number")
		read(t, s, func(tx store.Tx) error {
			all, err := tx.FileVersions(ctx(t), doc.ID)
			if err != nil {
				return err
			}
			if len(all) != 1 || all[0].SHA256 != doc.File.SHA256 {
				t.Errorf("FileVersions after the conflict: got %d versions (%v), want only the original", len(all), all)
			}
			return nil
		})
	})

	t.Run("BlobInUse", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var a, b dossier.Document
		var v2 dossier.FileVersion
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx)
			a = newDocument(t, tx, u.ID)
			// Identical bytes uploaded as another document share the blob.
			b = newDocument(t, tx, u.ID, func(d *dossier.Document) { d.File.SHA256 = a.File.SHA256 })
			v2 = fileFixture(a.ID, u.ID, func(f *dossier.FileVersion) { f.Version = 2 })
			return tx.AddFileVersion(ctx(t), v2)
		})
		read(t, s, func(tx store.Tx) error {
			for _, c := range []struct {
				what string
				sha  string
				want bool
			}{
				{"first version's hash", a.File.SHA256, true},
				{"second version's hash", v2.SHA256, true},
				{"unused hash", randomSHA256(), false},
			} {
				got, err := tx.BlobInUse(ctx(t), c.sha)
				if err != nil {
					t.Fatalf("BlobInUse %s: %v", c.what, err)
				}
				if got != c.want {
					t.Errorf("BlobInUse %s: got %v, want %v", c.what, got, c.want)
				}
			}
			got, err := tx.Document(ctx(t), b.ID)
			if err != nil {
				return err
			}
			if got.File.SHA256 != a.File.SHA256 {
				t.Errorf("a document sharing a blob: File.SHA256 %q, want %q", got.File.SHA256, a.File.SHA256)
			}
			return nil
		})
	})
}

func testLinks(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("AddAndList", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var invoice, po, contract dossier.Document
		var want []dossier.Link
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx)
			po = newDocument(t, tx, u.ID)
			contract = newDocument(t, tx, u.ID, func(d *dossier.Document) { d.Kind, d.Subtype = dossier.KindContract, "" })
			invoice = newDocument(t, tx, u.ID, func(d *dossier.Document) { d.Kind = dossier.KindToolingInvoice })
			want = []dossier.Link{
				{DocumentID: invoice.ID, TargetID: po.ID, Relation: "invoice_for", CreatedBy: u.ID, CreatedAt: now()},
				{DocumentID: invoice.ID, TargetID: contract.ID, Relation: "related", CreatedBy: u.ID, CreatedAt: now()},
			}
			for _, l := range want {
				if err := tx.AddLink(ctx(t), l); err != nil {
					t.Fatalf("AddLink %s %s %s: %v", l.DocumentID, l.Relation, l.TargetID, err)
				}
			}
			return nil
		})
		var got []dossier.Link
		read(t, s, func(tx store.Tx) (err error) {
			got, err = tx.Links(ctx(t), invoice.ID)
			return err
		})
		byTarget := func(a, b dossier.Link) int { return cmp.Compare(a.TargetID, b.TargetID) }
		slices.SortFunc(want, byTarget)
		slices.SortFunc(got, byTarget)
		if len(got) != len(want) {
			t.Fatalf("Links: got %d links %v, want %d", len(got), got, len(want))
		}
		for i := range want {
			w, g := want[i], got[i]
			if g.DocumentID != w.DocumentID || g.TargetID != w.TargetID || g.Relation != w.Relation ||
				g.CreatedBy != w.CreatedBy || !g.CreatedAt.Equal(w.CreatedAt) {
				t.Errorf("Links[%d]:\n  got  %+v\n  want %+v", i, g, w)
			}
		}
	})

	t.Run("DuplicateConflicts", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var link dossier.Link
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx)
			lc := newDocument(t, tx, u.ID, func(d *dossier.Document) { d.Kind, d.Subtype = dossier.KindLetterOfCredit, "sight" })
			contract := newDocument(t, tx, u.ID, func(d *dossier.Document) { d.Kind, d.Subtype = dossier.KindContract, "" })
			link = dossier.Link{DocumentID: lc.ID, TargetID: contract.ID, Relation: "lc_for", CreatedBy: u.ID, CreatedAt: now()}
			return tx.AddLink(ctx(t), link)
		})
		err := s.Write(t.Context(), func(tx store.Tx) error {
			again := link
			again.CreatedAt = now().Add(time.Second)
			return tx.AddLink(ctx(t), again)
		})
		wantCode(t, err, dossier.EConflict, "AddLink of an existing link")
		read(t, s, func(tx store.Tx) error {
			got, err := tx.Links(ctx(t), link.DocumentID)
			if err != nil {
				return err
			}
			if len(got) != 1 {
				t.Errorf("Links after the duplicate: got %d, want 1", len(got))
			}
			return nil
		})
	})

	t.Run("SamePairOtherRelation", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var a dossier.Document
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx)
			a = newDocument(t, tx, u.ID)
			b := newDocument(t, tx, u.ID)
			for _, rel := range []dossier.Relation{"amends", "related"} {
				l := dossier.Link{DocumentID: a.ID, TargetID: b.ID, Relation: rel, CreatedBy: u.ID, CreatedAt: now()}
				if err := tx.AddLink(ctx(t), l); err != nil {
					t.Fatalf("AddLink %s: a link is (document, target, relation); got %v", rel, err)
				}
			}
			return nil
		})
		read(t, s, func(tx store.Tx) error {
			got, err := tx.Links(ctx(t), a.ID)
			if err != nil {
				return err
			}
			if len(got) != 2 {
				t.Errorf("Links: got %d, want 2 (one per relation)", len(got))
			}
			return nil
		})
	})
}
