package storetest

import (
	"testing"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

func testSavedViews(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Parallel()
	s := newStore(t)
	var ann, bob dossier.User
	write(t, s, func(tx store.Tx) error { ann, bob = newUser(t, tx), newUser(t, tx); return nil })
	view := func(owner dossier.User, name, query string, shared bool) dossier.SavedView {
		return dossier.SavedView{ID: newID(), Owner: owner.ID, Name: name, Query: query, Shared: shared, CreatedAt: now()}
	}
	annPrivate := view(ann, "Mine", "kind=contract", false)
	annShared := view(ann, "Big EUR orders", "amount_min=100000&currency=EUR&sort=-amount", true)
	bobPrivate := view(bob, "Mine", "state=received", false) // the same name, another owner
	write(t, s, func(tx store.Tx) error {
		for _, v := range []dossier.SavedView{annPrivate, annShared, bobPrivate} {
			if err := tx.AddView(ctx(t), v); err != nil {
				return err
			}
		}
		return nil
	})

	t.Run("ReadBack", func(t *testing.T) {
		var got dossier.SavedView
		read(t, s, func(tx store.Tx) (err error) { got, err = tx.View(ctx(t), annShared.ID); return err })
		if got.ID != annShared.ID || got.Owner != ann.ID || got.Name != annShared.Name || got.Query != annShared.Query ||
			!got.Shared || !got.CreatedAt.Equal(annShared.CreatedAt) {
			t.Errorf("View = %+v, want %+v", got, annShared)
		}
		err := s.Read(ctx(t), func(tx store.Tx) error { _, err := tx.View(ctx(t), newID()); return err })
		wantCode(t, err, dossier.ENotFound, "View of an unknown id")
	})
	t.Run("OwnAndShared", func(t *testing.T) {
		cases := []struct {
			who  dossier.User
			want []string // by name, then id
		}{
			{ann, []string{annShared.ID, annPrivate.ID}},
			{bob, []string{annShared.ID, bobPrivate.ID}},
		}
		for _, c := range cases {
			var got []dossier.SavedView
			read(t, s, func(tx store.Tx) (err error) { got, err = tx.Views(ctx(t), c.who.ID); return err })
			var ids []string
			for _, v := range got {
				ids = append(ids, v.ID)
			}
			if !equalIDs(ids, c.want) {
				t.Errorf("Views of %s: %v, want %v", c.who.Username, ids, c.want)
			}
		}
	})
	t.Run("NameUniquePerOwner", func(t *testing.T) {
		err := s.Write(ctx(t), func(tx store.Tx) error { return tx.AddView(ctx(t), view(ann, "Mine", "kind=other", true)) })
		wantCode(t, err, dossier.EConflict, "a second view named Mine of one owner")
	})
	t.Run("DeleteOwnOnly", func(t *testing.T) {
		err := s.Write(ctx(t), func(tx store.Tx) error { return tx.DeleteView(ctx(t), bob.ID, annShared.ID) })
		wantCode(t, err, dossier.ENotFound, "DeleteView of another owner's shared view")
		write(t, s, func(tx store.Tx) error { return tx.DeleteView(ctx(t), ann.ID, annShared.ID) })
		err = s.Read(ctx(t), func(tx store.Tx) error { _, err := tx.View(ctx(t), annShared.ID); return err })
		wantCode(t, err, dossier.ENotFound, "View after its deletion")
		err = s.Write(ctx(t), func(tx store.Tx) error { return tx.DeleteView(ctx(t), ann.ID, annShared.ID) })
		wantCode(t, err, dossier.ENotFound, "DeleteView twice")
	})
}
