// Package dossier holds the domain types of the service: documents, their file
// versions and links, exact amounts, users and sessions, audit events, and the
// error type that every layer returns. It depends on nothing but the standard
// library and apd, the exact decimals of Amount.
package dossier

import (
	"encoding/json"
	"time"
)

// Kind is the business kind of a document. The kinds are data: each is
// defined by a workflow definition (workflows/<kind>.yaml), which also says
// what its documents' metadata must hold (KindSpec).
type Kind string

// The kinds shipped with the product (SPEC §4). Code never depends on them;
// they name the shipped definitions for tests and tools.
const (
	KindPurchaseOrder      Kind = "purchase_order"
	KindFrameworkAgreement Kind = "framework_agreement"
	KindContract           Kind = "contract"
	KindLetterOfCredit     Kind = "letter_of_credit"
	KindToolingInvoice     Kind = "tooling_invoice"
	KindCustoms            Kind = "customs"
	KindOther              Kind = "other"
)

// ProductCode pairs the customer's part number (GPN) with ours (LPN).
type ProductCode struct {
	GPN string `json:"gpn"`
	LPN string `json:"lpn"`
}

// Document is one business document and its current metadata.
type Document struct {
	ID           string            `json:"id"`
	Kind         Kind              `json:"kind"`
	Subtype      string            `json:"subtype"`
	Title        string            `json:"title"`
	Number       string            `json:"number"`
	Customer     string            `json:"customer"`
	Amount       string            `json:"amount"`   // exact decimal, e.g. "12500.00"; "" when none
	Currency     string            `json:"currency"` // ISO 4217; "" when no amount
	Dates        map[string]string `json:"dates"`    // name -> YYYY-MM-DD
	ProductCodes []ProductCode     `json:"product_codes"`
	Tags         []string          `json:"tags"`
	Fields       json.RawMessage   `json:"fields"` // a JSON object
	State        string            `json:"state"`
	Version      int               `json:"version"`
	Round        int               `json:"round"` // review/approval rounds entered so far
	CreatedBy    string            `json:"created_by"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	LegalHold    bool              `json:"legal_hold"`
	ArchivedAt   *time.Time        `json:"archived_at"`
	File         FileVersion       `json:"file"` // the newest file version
}

// ListDate is the date a document is listed and searched by (SPEC §10,
// §12): its issue date, else the day it was uploaded (UTC), as YYYY-MM-DD.
func (d Document) ListDate() string {
	if v := d.Dates["issue_date"]; v != "" {
		return v
	}
	return d.CreatedAt.UTC().Format(time.DateOnly)
}

// DefaultRetentionYears is how long an archived document stays locked when
// the configuration names no retention for its kind. It lives in
// the domain so that the configuration and the documents service share it.
const DefaultRetentionYears = 10

// FileVersion is one uploaded file of a document. Versions count from 1.
type FileVersion struct {
	DocumentID string    `json:"-"`
	Version    int       `json:"version"`
	SHA256     string    `json:"sha256"` // hex
	Size       int64     `json:"size"`
	MediaType  string    `json:"media_type"`
	Filename   string    `json:"filename"`
	PageCount  int       `json:"page_count"` // 0 unless a PDF
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// Relation names how one document refers to another.
type Relation string

// Relations lists the allowed link relations.
var Relations = []Relation{"po_of", "invoice_for", "lc_for", "amends", "supersedes", "related"}

// Link points from one document to another.
type Link struct {
	DocumentID string    `json:"document_id"`
	TargetID   string    `json:"target_id"`
	Relation   Relation  `json:"relation"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}
