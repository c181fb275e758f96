package dossier

import "time"

// SavedView is a named set of filters of the documents list: the plain
// query string of /documents (kind=…&amount_min=…&sort=…), so that a saved
// view and a copied link are the same thing. A shared view is listed to
// every signed-in user; only its owner may delete it.
type SavedView struct {
	ID        string    `json:"id"`
	Owner     string    `json:"owner"` // the user id
	Name      string    `json:"name"`  // unique per owner
	Query     string    `json:"query"` // without cursor
	Shared    bool      `json:"shared"`
	CreatedAt time.Time `json:"created_at"`
}
