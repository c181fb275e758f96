package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// getDocument reads one document and fails the test when it cannot.
func getDocument(t *testing.T, s store.Store, id string) dossier.Document {
	t.Helper()
	var d dossier.Document
	read(t, s, func(tx store.Tx) (err error) {
		d, err = tx.Document(ctx(t), id)
		return err
	})
	return d
}

// checkDocument compares a stored document, its file included, with want.
func checkDocument(t *testing.T, what string, want, got dossier.Document) {
	t.Helper()
	d := diffDocument(want, got)
	d = append(d, diffFile("File.", want.File, got.File)...)
	if len(d) > 0 {
		t.Errorf("%s %s:\n%s", what, want.ID, d)
	}
}

func testDocuments(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("CreateEveryFieldRoundTrips", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var want dossier.Document
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx)
			want = newDocument(t, tx, u.ID, func(d *dossier.Document) {
				d.Kind = dossier.KindLetterOfCredit
				d.Subtype = "deferred"
				d.Dates["expiry_date"] = "2025-12-31"
				d.Tags = []string{"lc", "deferred", "bank:DEUTDEFF"}
			})
			return nil
		})
		got := getDocument(t, s, want.ID)
		checkDocument(t, "Document", want, got)
		// The amount is money: not a float, not normalised.
		if got.Amount != "1234567.89" {
			t.Errorf("Amount: got %q, want %q exactly", got.Amount, "1234567.89")
		}
		if got.LegalHold || got.ArchivedAt != nil {
			t.Errorf("new document: LegalHold %v ArchivedAt %v, want false and nil", got.LegalHold, got.ArchivedAt)
		}
		if got.File.Version != 1 {
			t.Errorf("File.Version: got %d, want 1", got.File.Version)
		}
	})

	t.Run("TrailingZerosKept", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		amounts := []string{"12500.00", "0.10", "100", "99999999999999.995"}
		ids := make([]string, len(amounts))
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx)
			for i, a := range amounts {
				ids[i] = newDocument(t, tx, u.ID, func(d *dossier.Document) { d.Amount = a }).ID
			}
			return nil
		})
		for i, a := range amounts {
			if got := getDocument(t, s, ids[i]).Amount; got != a {
				t.Errorf("Amount: got %q, want %q exactly", got, a)
			}
		}
	})

	t.Run("EmptyCollectionsComeBackEmpty", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var nilDoc, emptyDoc dossier.Document
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx)
			nilDoc = newDocument(t, tx, u.ID, func(d *dossier.Document) {
				d.Kind, d.Subtype = dossier.KindOther, ""
				d.Amount, d.Currency = "", ""
				d.Dates, d.ProductCodes, d.Tags, d.Fields = nil, nil, nil, nil
				d.File.PageCount = 0
				d.File.MediaType = "image/png"
			})
			emptyDoc = newDocument(t, tx, u.ID, func(d *dossier.Document) {
				d.Dates = map[string]string{}
				d.ProductCodes = []dossier.ProductCode{}
				d.Tags = []string{}
				d.Fields = json.RawMessage(`{}`)
			})
			return nil
		})
		for _, want := range []dossier.Document{nilDoc, emptyDoc} {
			got := getDocument(t, s, want.ID)
			checkDocument(t, "Document", want, got)
			if len(got.Dates) != 0 || len(got.ProductCodes) != 0 || len(got.Tags) != 0 {
				t.Errorf("Document %s: dates %v product codes %v tags %v, want all empty", want.ID, got.Dates, got.ProductCodes, got.Tags)
			}
			var fields map[string]any
			if err := json.Unmarshal(got.Fields, &fields); err != nil || fields == nil || len(fields) != 0 {
				t.Errorf("Document %s: Fields %q, want the empty object {}", want.ID, got.Fields)
			}
		}
	})

	t.Run("UnknownNotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		read(t, s, func(tx store.Tx) error {
			_, err := tx.Document(ctx(t), newID())
			wantCode(t, err, dossier.ENotFound, "Document of an unknown id")
			return nil
		})
	})
}

func testUpdateDocument(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("ExpectedVersionSucceeds", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var orig dossier.Document
		write(t, s, func(tx store.Tx) error { orig = newDocument(t, tx, newUser(t, tx).ID); return nil })

		archived := now().Add(time.Hour)
		upd := orig
		upd.Title = "Tooling PO — injection mould 7731 (rev. B)"
		upd.Number = "4500012345-B"
		upd.Customer = "ACME Automotive s.r.o."
		upd.Amount = "12500.00"
		upd.Currency = "USD"
		upd.Dates = map[string]string{"issue_date": "2025-02-01", "delivery_date": "2025-06-30"}
		upd.ProductCodes = []dossier.ProductCode{{GPN: "B7-1", LPN: "LP-1"}}
		upd.Tags = []string{"amended"}
		upd.Fields = json.RawMessage(`{"incoterms":"DAP","revision":2}`)
		upd.State = "archived"
		upd.LegalHold = true
		upd.ArchivedAt = &archived
		upd.UpdatedAt = now().Add(time.Minute)
		upd.Version = orig.Version + 1
		write(t, s, func(tx store.Tx) error { return tx.UpdateDocument(ctx(t), upd, orig.Version) })
		checkDocument(t, "Document after UpdateDocument", upd, getDocument(t, s, orig.ID))

		// Legal hold and archived_at must also clear, not only set.
		back := upd
		back.State = "received"
		back.LegalHold = false
		back.ArchivedAt = nil
		back.UpdatedAt = now().Add(2 * time.Minute)
		back.Version = upd.Version + 1
		write(t, s, func(tx store.Tx) error { return tx.UpdateDocument(ctx(t), back, upd.Version) })
		checkDocument(t, "Document after clearing hold and archive", back, getDocument(t, s, orig.ID))
	})

	t.Run("StaleVersionConflicts", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var orig dossier.Document
		write(t, s, func(tx store.Tx) error { orig = newDocument(t, tx, newUser(t, tx).ID); return nil })
		v2 := orig
		v2.Title = "second"
		v2.Version = 2
		v2.UpdatedAt = now().Add(time.Minute)
		write(t, s, func(tx store.Tx) error { return tx.UpdateDocument(ctx(t), v2, 1) })

		stale := v2
		stale.Title = "lost update"
		stale.State = "approved"
		stale.LegalHold = true
		stale.Version = 3
		err := s.Write(t.Context(), func(tx store.Tx) error { return tx.UpdateDocument(ctx(t), stale, 1) })
		wantCode(t, err, dossier.EConflict, "UpdateDocument expecting version 1 of a version 2 document")
		checkDocument(t, "Document after a stale update", v2, getDocument(t, s, orig.ID))

		// Expecting a version the document has not reached yet is as stale.
		err = s.Write(t.Context(), func(tx store.Tx) error { return tx.UpdateDocument(ctx(t), stale, 5) })
		wantCode(t, err, dossier.EConflict, "UpdateDocument expecting a future version")
		checkDocument(t, "Document after a future-version update", v2, getDocument(t, s, orig.ID))
	})

	t.Run("UnknownDocumentFails", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var ghost dossier.Document
		write(t, s, func(tx store.Tx) error { ghost = documentFixture(newUser(t, tx).ID); return nil })
		ghost.Version = 2
		err := s.Write(t.Context(), func(tx store.Tx) error { return tx.UpdateDocument(ctx(t), ghost, 1) })
		if c := dossier.ErrorCode(err); c != dossier.ENotFound && c != dossier.EConflict {
			t.Errorf("UpdateDocument of an unknown document: got %v (code %q), want not_found or conflict", err, c)
		}
	})
}

func testListDocuments(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("Filters", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		// Created in this order, so ids increase: newest first is the reverse.
		type spec struct {
			kind     dossier.Kind
			state    string
			customer string
			subtype  string
			currency string
		}
		specs := []spec{
			{dossier.KindPurchaseOrder, "received", "ACME", "serial", "EUR"},
			{dossier.KindContract, "received", "ACME", "", "USD"},
			{dossier.KindPurchaseOrder, "approved", "Globex", "tooling", "EUR"},
			{dossier.KindLetterOfCredit, "received", "Globex", "sight", "USD"},
			{dossier.KindPurchaseOrder, "received", "Globex", "serial", "CNY"},
		}
		ids := make([]string, len(specs))
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx)
			for i, sp := range specs {
				ids[i] = newDocument(t, tx, u.ID, func(d *dossier.Document) {
					d.Kind, d.State, d.Customer = sp.kind, sp.state, sp.customer
					d.Subtype, d.Currency = sp.subtype, sp.currency
				}).ID
			}
			return nil
		})
		pick := func(idx ...int) []string {
			out := make([]string, len(idx))
			for i, n := range idx {
				out[i] = ids[n]
			}
			return out
		}
		cases := []struct {
			name   string
			filter store.DocumentFilter
			want   []string
		}{
			{"all newest first", store.DocumentFilter{Limit: 100}, pick(4, 3, 2, 1, 0)},
			{"kind", store.DocumentFilter{Kind: dossier.KindPurchaseOrder, Limit: 100}, pick(4, 2, 0)},
			{"state", store.DocumentFilter{State: "received", Limit: 100}, pick(4, 3, 1, 0)},
			{"customer", store.DocumentFilter{Customer: "ACME", Limit: 100}, pick(1, 0)},
			{"kind and customer", store.DocumentFilter{Kind: dossier.KindPurchaseOrder, Customer: "Globex", Limit: 100}, pick(4, 2)},
			{"kind, state and customer", store.DocumentFilter{Kind: dossier.KindPurchaseOrder, State: "approved", Customer: "Globex", Limit: 100}, pick(2)},
			{"no match", store.DocumentFilter{Kind: dossier.KindCustoms, Limit: 100}, nil},
			{"subtype", store.DocumentFilter{Subtype: "serial", Limit: 100}, pick(4, 0)},
			{"currency", store.DocumentFilter{Currency: "USD", Limit: 100}, pick(3, 1)},
			{"kind, subtype and currency", store.DocumentFilter{Kind: dossier.KindPurchaseOrder, Subtype: "serial", Currency: "EUR", Limit: 100}, pick(0)},
			{"limit", store.DocumentFilter{Limit: 3}, pick(4, 3, 2)},
			{"cursor", store.DocumentFilter{Cursor: ids[3], Limit: 100}, pick(2, 1, 0)},
			{"cursor and kind", store.DocumentFilter{Kind: dossier.KindPurchaseOrder, Cursor: ids[4], Limit: 1}, pick(2)},
		}
		for _, c := range cases {
			var got []dossier.Document
			read(t, s, func(tx store.Tx) (err error) {
				got, err = tx.ListDocuments(ctx(t), c.filter)
				return err
			})
			if gotIDs := documentIDs(got); !equalIDs(gotIDs, c.want) {
				t.Errorf("ListDocuments %s (%+v):\n  got  %v\n  want %v", c.name, c.filter, gotIDs, c.want)
			}
		}
	})

	t.Run("ListedDocumentsAreComplete", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var want dossier.Document
		write(t, s, func(tx store.Tx) error { want = newDocument(t, tx, newUser(t, tx).ID); return nil })
		var got []dossier.Document
		read(t, s, func(tx store.Tx) (err error) {
			got, err = tx.ListDocuments(ctx(t), store.DocumentFilter{Limit: 10})
			return err
		})
		if len(got) != 1 {
			t.Fatalf("ListDocuments: got %d documents, want 1", len(got))
		}
		if d := diffDocument(want, got[0]); len(d) > 0 {
			t.Errorf("ListDocuments[0] %s:\n%s", want.ID, d)
		}
	})

	t.Run("CursorPagination", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var ids []string
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx)
			for range 5 {
				ids = append(ids, newDocument(t, tx, u.ID).ID)
			}
			return nil
		})
		var visited []string
		cursor := ""
		for page := 0; ; page++ {
			if page > 5 {
				t.Fatalf("pagination did not end after %d pages; visited %v", page, visited)
			}
			var got []dossier.Document
			read(t, s, func(tx store.Tx) (err error) {
				got, err = tx.ListDocuments(ctx(t), store.DocumentFilter{Cursor: cursor, Limit: 2})
				return err
			})
			if len(got) > 2 {
				t.Fatalf("page %d: got %d documents with Limit 2", page, len(got))
			}
			if len(got) == 0 {
				break
			}
			visited = append(visited, documentIDs(got)...)
			cursor = got[len(got)-1].ID
			if len(got) < 2 {
				break
			}
		}
		want := []string{ids[4], ids[3], ids[2], ids[1], ids[0]}
		if !equalIDs(visited, want) {
			t.Errorf("pages visited\n  %v\nwant each document once, newest first\n  %v", visited, want)
		}
	})
}

func documentIDs(docs []dossier.Document) []string {
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids
}

func equalIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
