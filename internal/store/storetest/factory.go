package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// Test factories: each builds a valid value with sensible defaults, applies
// the test's overrides, and (the new* ones) inserts it, failing the test on
// error. IDs are ULIDs made in increasing order, as the service makes them.

func newID() string { return ulid.Make().String() }

// randomSHA256 returns a fresh hex digest, unique per call.
func randomSHA256() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// userFixture returns a reviewer with a unique username.
func userFixture(opts ...func(*dossier.User)) dossier.User {
	id := newID()
	u := dossier.User{
		ID:           id,
		Username:     "user-" + strings.ToLower(id),
		DisplayName:  "Test User " + id[len(id)-6:],
		Roles:        []dossier.Role{dossier.RoleReviewer},
		PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$" + randomSHA256(),
		CreatedAt:    now(),
	}
	for _, o := range opts {
		o(&u)
	}
	return u
}

// newUser inserts a userFixture.
func newUser(t *testing.T, tx store.Tx, opts ...func(*dossier.User)) dossier.User {
	t.Helper()
	u := userFixture(opts...)
	if err := tx.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser %s: %v", u.Username, err)
	}
	return u
}

// sessionFixture returns a session of userID that expires in a day.
func sessionFixture(userID string, opts ...func(*dossier.Session)) dossier.Session {
	created := now()
	s := dossier.Session{
		TokenHash: randomSHA256(),
		UserID:    userID,
		CreatedAt: created,
		ExpiresAt: created.Add(24*time.Hour + 123*time.Microsecond),
	}
	for _, o := range opts {
		o(&s)
	}
	return s
}

// fileFixture returns version 1 of a PDF of documentID.
func fileFixture(documentID, createdBy string, opts ...func(*dossier.FileVersion)) dossier.FileVersion {
	f := dossier.FileVersion{
		DocumentID: documentID,
		Version:    1,
		SHA256:     randomSHA256(),
		Size:       5_368_709_120 + 17, // past 32 bits, so an int32 column shows
		MediaType:  "application/pdf",
		Filename:   "PO_4500012345_Grüße.pdf",
		PageCount:  12,
		CreatedBy:  createdBy,
		CreatedAt:  now(),
	}
	for _, o := range opts {
		o(&f)
	}
	return f
}

// documentFixture returns a purchase order with every field set and its
// first file version; overrides run before the file is tied to the id.
func documentFixture(createdBy string, opts ...func(*dossier.Document)) dossier.Document {
	at := now()
	d := dossier.Document{
		ID:       newID(),
		Kind:     dossier.KindPurchaseOrder,
		Subtype:  "tooling",
		Title:    "Tooling PO — injection mould 7731",
		Number:   "4500012345",
		Customer: "ACME Automotive GmbH",
		Amount:   "1234567.89",
		Currency: "EUR",
		Dates: map[string]string{
			"issue_date": "2025-01-15",
			"due_date":   "2025-03-31",
		},
		ProductCodes: []dossier.ProductCode{
			{GPN: "A2C-100-200", LPN: "LP-77310"},
			{GPN: "A2C-100-201", LPN: "LP-77311"},
		},
		Tags:      []string{"tooling", "urgent"},
		Fields:    json.RawMessage(`{"incoterms":"FCA","payment_terms_days":60,"plant":{"code":"DE01","name":"Köln"}}`),
		State:     "received",
		Version:   1,
		CreatedBy: createdBy,
		CreatedAt: at,
		UpdatedAt: at,
	}
	d.File = fileFixture("", createdBy, func(f *dossier.FileVersion) { f.CreatedAt = at })
	for _, o := range opts {
		o(&d)
	}
	d.File.DocumentID = d.ID
	return d
}

// newDocument inserts a documentFixture.
func newDocument(t *testing.T, tx store.Tx, createdBy string, opts ...func(*dossier.Document)) dossier.Document {
	t.Helper()
	d := documentFixture(createdBy, opts...)
	if err := tx.CreateDocument(t.Context(), d); err != nil {
		t.Fatalf("CreateDocument %s: %v", d.ID, err)
	}
	return d
}

// eventFixture returns an event on the document's stream, or on the system
// stream when documentID is "".
func eventFixture(documentID, actor string, opts ...func(*dossier.AuditEvent)) dossier.AuditEvent {
	e := dossier.AuditEvent{
		Stream:     documentID,
		Time:       now(),
		Actor:      actor,
		Action:     "document.metadata_change",
		DocumentID: documentID,
		Details:    json.RawMessage(`{"field":"title","new":"B","old":"A"}`),
	}
	if documentID == "" {
		e.Stream = dossier.SystemStream
		e.Action = "user.login"
		e.Details = json.RawMessage(`{"ip":"192.0.2.7"}`)
	}
	for _, o := range opts {
		o(&e)
	}
	return e
}

// appendEvent appends e and fails the test on error.
func appendEvent(t *testing.T, tx store.Tx, e dossier.AuditEvent) dossier.AuditEvent {
	t.Helper()
	sealed, err := tx.AppendAudit(t.Context(), e)
	if err != nil {
		t.Fatalf("AppendAudit %s/%s: %v", e.Stream, e.Action, err)
	}
	return sealed
}
