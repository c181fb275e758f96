package documents

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oklog/ulid/v2"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// maxViewName bounds a view's name: it is a label in a list of links.
const maxViewName = 80

// SaveView keeps the filters of query (the query string of a documents
// list, cursor and limit ignored) under name for actor; shared makes it
// visible to every signed-in user. The filters are checked as List checks
// them, so a saved view always opens; EConflict when actor has a view of
// that name.
func (s *Service) SaveView(ctx context.Context, actor dossier.User, name, query string, shared bool) (dossier.SavedView, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > maxViewName || !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
		return dossier.SavedView{}, dossier.Errorf(dossier.EInvalid, "name: give the view a name of 1 to %d characters", maxViewName)
	}
	q, err := url.ParseQuery(strings.TrimPrefix(query, "?"))
	if err != nil {
		return dossier.SavedView{}, dossier.Errorf(dossier.EInvalid, "query: %s is not a query string", dossier.Clip(query))
	}
	f := FilterOf(q)
	if err := s.check(f); err != nil {
		return dossier.SavedView{}, err
	}
	v := dossier.SavedView{ID: ulid.Make().String(), Owner: actor.ID, Name: name, Query: f.Query().Encode(),
		Shared: shared, CreatedAt: s.now().UTC().Truncate(time.Microsecond)}
	err = s.store.Write(ctx, func(tx store.Tx) error { return tx.AddView(ctx, v) })
	return v, err
}

// View returns a view actor may open: their own or a shared one; another
// user's private view is not found, as if it did not exist.
func (s *Service) View(ctx context.Context, actor dossier.User, id string) (dossier.SavedView, error) {
	var v dossier.SavedView
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		v, err = tx.View(ctx, id)
		return err
	})
	if err == nil && v.Owner != actor.ID && !v.Shared {
		return dossier.SavedView{}, dossier.Errorf(dossier.ENotFound, "view %s not found", dossier.Clip(id))
	}
	return v, err
}

// Views lists actor's views and those others share, by name, with the
// names of their owners.
func (s *Service) Views(ctx context.Context, actor dossier.User) ([]dossier.SavedView, map[string]dossier.UserName, error) {
	var views []dossier.SavedView
	var owners map[string]dossier.UserName
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		if views, err = tx.Views(ctx, actor.ID); err != nil {
			return err
		}
		ids := make([]string, len(views))
		for i, v := range views {
			ids[i] = v.Owner
		}
		owners, err = store.UserNames(ctx, tx, ids...)
		return err
	})
	return views, owners, err
}

// DeleteView deletes actor's view id. A view shared by someone else is
// EForbidden: it can be seen but only its owner deletes it.
func (s *Service) DeleteView(ctx context.Context, actor dossier.User, id string) error {
	return s.store.Write(ctx, func(tx store.Tx) error {
		v, err := tx.View(ctx, id)
		if err != nil {
			return err
		}
		if v.Owner != actor.ID {
			if v.Shared {
				return dossier.Errorf(dossier.EForbidden, "view %q is shared by another user: only its owner can delete it", v.Name)
			}
			return dossier.Errorf(dossier.ENotFound, "view %s not found", dossier.Clip(id))
		}
		return tx.DeleteView(ctx, actor.ID, id)
	})
}
