package store

import (
	"strings"

	"dossier/internal/dossier"
)

// DocumentSort orders a list of documents. Each order has a key per
// document (SortKey) that the store keeps in a column; a page starts after
// the (key, id) of the last document of the page before, so paging is
// stable and complete under every order, ties broken by id.
type DocumentSort string

// The orders of a documents list. A leading "-" means descending. The id
// is a ULID, so its order is the order of creation.
const (
	SortCreatedDesc DocumentSort = "-created" // newest first: the default
	SortCreated     DocumentSort = "created"
	SortDate        DocumentSort = "date" // dossier.Document.ListDate
	SortDateDesc    DocumentSort = "-date"
	SortAmount      DocumentSort = "amount" // by value; documents without an amount first
	SortAmountDesc  DocumentSort = "-amount"
	SortTitle       DocumentSort = "title" // ignoring ASCII case
	SortTitleDesc   DocumentSort = "-title"
)

// DocumentSorts lists every order, the default first.
var DocumentSorts = []DocumentSort{SortCreatedDesc, SortCreated, SortDateDesc, SortDate,
	SortAmountDesc, SortAmount, SortTitle, SortTitleDesc}

// Valid reports whether s is one of DocumentSorts ("" is the default).
func (s DocumentSort) Valid() bool {
	for _, v := range DocumentSorts {
		if s == v {
			return true
		}
	}
	return s == ""
}

// Desc reports whether the order is descending.
func (s DocumentSort) Desc() bool { return s == "" || strings.HasPrefix(string(s), "-") }

// Field is the order without its direction: created, date, amount or title.
func (s DocumentSort) Field() string {
	if s == "" {
		return "created"
	}
	return strings.TrimPrefix(string(s), "-")
}

// SortKey is the value d is ordered by under s; "" for created, where the
// id is the key. The store writes the same keys when it writes d.
func (s DocumentSort) SortKey(d dossier.Document) string {
	switch s.Field() {
	case "date":
		return d.ListDate()
	case "amount":
		return AmountKey(d.Amount)
	case "title":
		return TitleKey(d.Title)
	}
	return ""
}

// AmountKey turns an amount into a string of fixed width (22 digits, a
// point, 4 digits) whose byte order is the amounts' numeric order, so the
// database compares amounts exactly, never as floats: 9.5 < 10.25 < 100.
// It returns "" for "" and for what is not an amount (dossier.ParseAmount):
// such a document has no amount to compare.
func AmountKey(amount string) string {
	a, err := dossier.ParseAmount("amount", amount)
	if amount == "" || err != nil {
		return ""
	}
	intPart, frac, _ := strings.Cut(a.String(), ".")
	intPart = strings.TrimLeft(intPart, "0")
	return strings.Repeat("0", 22-len(intPart)) + intPart + "." + frac + strings.Repeat("0", 4-len(frac))
}

// TitleKey is the title folded to lower case in ASCII only: what the
// databases' own lower() does on both backends, so the migration that
// filled the key for existing documents agrees with the keys written since.
func TitleKey(title string) string {
	b := []byte(title)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
