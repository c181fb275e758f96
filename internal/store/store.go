// Package store defines the metadata store: users, sessions, documents, file
// versions, links, the audit trail and the job outbox. Every change runs in a
// unit of work (Tx) so that a change, its audit event and the jobs it causes
// commit together. Implementations live below: store/sqlite and
// store/postgres, both proven by store/storetest.
package store

import (
	"context"
	"time"

	"dossier/internal/dossier"
)

// Store opens units of work against one database.
type Store interface {
	// Read runs fn in a read-only transaction.
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a read-write transaction and commits when fn returns
	// nil; any error rolls everything back.
	Write(ctx context.Context, fn func(Tx) error) error
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	Close() error
}

// Tx is one transaction: every part below. Methods that find nothing
// return an error whose dossier.ErrorCode is ENotFound; never a zero value
// with a nil error. A consumer asks for the parts it uses, not for Tx.
type Tx interface {
	UserTx
	DocumentTx
	AuditTx
	JobTx
	WorkflowTx
	SearchTx
	LCTx
	ViewTx
}

// ViewTx holds the saved views of the documents list.
type ViewTx interface {
	// AddView stores v; EConflict when its owner has a view of that name.
	AddView(ctx context.Context, v dossier.SavedView) error
	View(ctx context.Context, id string) (dossier.SavedView, error)
	// Views lists the views of owner and the views others share, by name.
	Views(ctx context.Context, owner string) ([]dossier.SavedView, error)
	// DeleteView deletes owner's view id; ENotFound when owner has no
	// such view, whoever else has.
	DeleteView(ctx context.Context, owner, id string) error
}

// LCTx holds what letters of credit need beyond documents.
type LCTx interface {
	// ClaimLCNumber records that the credit key (bank and number) is
	// document documentID's; EConflict naming the other document when it
	// is already another's.
	ClaimLCNumber(ctx context.Context, key, documentID string) error
	AddAmendment(ctx context.Context, a dossier.Amendment) error
	// PendingAmendments returns every amendment still pending, of any LC.
	PendingAmendments(ctx context.Context) ([]dossier.Amendment, error)
	// Amendments lists an LC's amendments, oldest first.
	Amendments(ctx context.Context, documentID string) ([]dossier.Amendment, error)
	// DecideAmendment settles a pending amendment; EConflict when it is
	// no longer pending.
	DecideAmendment(ctx context.Context, id, state, by string, at time.Time) error

	// AddNotification records n unless one with its Key exists: added
	// says which.
	AddNotification(ctx context.Context, n dossier.Notification) (added bool, err error)
	Notification(ctx context.Context, id string) (dossier.Notification, error)
	// Notifications lists the newest first, of one document unless
	// documentID is "", at most limit.
	Notifications(ctx context.Context, documentID string, limit int) ([]dossier.Notification, error)
	// DeliveredNotification notes a delivery over channel ("webhook" or
	// "email") at at, or, with err set, a failed attempt.
	DeliveredNotification(ctx context.Context, id, channel string, at time.Time, failure string) error
}

// UserTx holds users and sessions.
type UserTx interface {
	CreateUser(ctx context.Context, u dossier.User) error // EConflict when the username is taken
	UserByID(ctx context.Context, id string) (dossier.User, error)
	UserByName(ctx context.Context, username string) (dossier.User, error)
	ListUsers(ctx context.Context) ([]dossier.User, error)
	// UpdateUser writes u if the stored user is still at version; EConflict
	// when someone changed it first.
	UpdateUser(ctx context.Context, u dossier.User, version int) error

	// AddGrant records a pending grant of authority.
	AddGrant(ctx context.Context, g dossier.Grant) error
	Grant(ctx context.Context, id string) (dossier.Grant, error)
	// Grants lists grants, of one user unless userID is "", in one state
	// unless state is "", oldest first.
	Grants(ctx context.Context, userID string, state dossier.GrantState) ([]dossier.Grant, error)
	// DecideGrant confirms or cancels a pending grant; EConflict when it is
	// no longer pending.
	DecideGrant(ctx context.Context, id string, state dossier.GrantState, by string, at time.Time) error

	CreateSession(ctx context.Context, s dossier.Session) error
	// SessionUser is the session of tokenHash with the user it belongs to,
	// read together: every signed-in request asks for both.
	SessionUser(ctx context.Context, tokenHash string) (dossier.Session, dossier.User, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteSessionsOf ends every session of a user.
	DeleteSessionsOf(ctx context.Context, userID string) error

	AddAPIToken(ctx context.Context, t dossier.APIToken) error
	// APITokenByHash finds a token, revoked and expired ones included.
	APITokenByHash(ctx context.Context, hash string) (dossier.APIToken, error)
	APIToken(ctx context.Context, id string) (dossier.APIToken, error)
	// APITokens lists the tokens of a user ("" for everyone's), newest first.
	APITokens(ctx context.Context, userID string) ([]dossier.APIToken, error)
	// RevokeAPIToken marks a token revoked at at; EConflict when it already is.
	RevokeAPIToken(ctx context.Context, id string, at time.Time) error
	// TouchAPIToken records that a token was used at at.
	TouchAPIToken(ctx context.Context, id string, at time.Time) error

	// AddSignInFailure counts one failed sign-in at time at against each key.
	AddSignInFailure(ctx context.Context, at time.Time, keys ...string) error
	// SignInFailures returns how many failures key has after since, and
	// the oldest of them (zero when none).
	SignInFailures(ctx context.Context, key string, since time.Time) (n int, oldest time.Time, err error)
	// PruneSignInFailures forgets the failures at or before before.
	PruneSignInFailures(ctx context.Context, before time.Time) error
}

// UserNames returns the names of the users with the given ids (empty ids
// and "system" skipped); an id that is no user is left out.
func UserNames(ctx context.Context, tx interface {
	UserByID(ctx context.Context, id string) (dossier.User, error)
}, ids ...string) (map[string]dossier.UserName, error) {
	out := map[string]dossier.UserName{}
	for _, id := range ids {
		if _, done := out[id]; done || id == "" {
			continue
		}
		u, err := tx.UserByID(ctx, id)
		if dossier.ErrorCode(err) == dossier.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = dossier.UserName{Username: u.Username, DisplayName: u.DisplayName}
	}
	return out, nil
}

// DocumentTx holds documents, their file versions and links.
type DocumentTx interface {
	// CreateDocument inserts d with d.File as its first file version.
	CreateDocument(ctx context.Context, d dossier.Document) error
	// Document returns the document with its newest file version.
	Document(ctx context.Context, id string) (dossier.Document, error)
	// DocumentFacts returns the document with what deciding actorID's
	// allowed events on it reads, read together: on PostgreSQL one round
	// trip instead of six, on every read of a document.
	DocumentFacts(ctx context.Context, id, actorID string) (DocumentFacts, error)
	ListDocuments(ctx context.Context, f DocumentFilter) ([]dossier.Document, error)
	// UpdateDocument stores d's metadata, state, legal hold and archived_at
	// with d.Version as the new version, if the stored version is still
	// expectVersion; otherwise it returns EConflict and changes nothing.
	UpdateDocument(ctx context.Context, d dossier.Document, expectVersion int) error
	AddFileVersion(ctx context.Context, f dossier.FileVersion) error
	FileVersion(ctx context.Context, documentID string, version int) (dossier.FileVersion, error)
	FileVersions(ctx context.Context, documentID string) ([]dossier.FileVersion, error)
	// BlobInUse reports whether any file version refers to the content hash.
	BlobInUse(ctx context.Context, sha256 string) (bool, error)

	AddLink(ctx context.Context, l dossier.Link) error // EConflict when it exists
	// Links returns the links from and to the document, oldest first.
	Links(ctx context.Context, documentID string) ([]dossier.Link, error)

	// DeleteDocument removes a document and everything kept about it except
	// its audit events: file versions, renditions, extracted text, history,
	// approvals, reviews and the links from and to it (purge after
	// retention). ENotFound when there is no such document.
	DeleteDocument(ctx context.Context, id string) error
	// ScanArchived calls fn for every document with an archive date that f
	// selects, oldest archive first. fn must not use the transaction.
	ScanArchived(ctx context.Context, f ArchiveFilter, fn func(Archived) error) error
	// ScanBlobRefs calls fn for every file version and rendition: every
	// blob the database says exists. fn must not use the transaction.
	ScanBlobRefs(ctx context.Context, fn func(BlobRef) error) error
}

// ArchiveFilter selects archived documents; zero fields match all.
// DocumentFacts is a document and what its allowed events are decided on,
// each as the Tx method named in its comment returns it.
type DocumentFacts struct {
	Document    dossier.Document
	History     []dossier.HistoryEntry // History(id)
	Approvals   []dossier.Approval     // Approvals(id, the document's round)
	Files       []dossier.FileVersion  // FileVersions(id)
	Grants      []dossier.Grant        // Grants(actorID, GrantConfirmed)
	Delegations []dossier.Delegation   // DelegationsTo(actorID)
}

type ArchiveFilter struct {
	Kind   dossier.Kind
	Before time.Time // archived strictly before
}

// Archived is what retention needs to know of an archived document.
type Archived struct {
	ID         string
	Kind       dossier.Kind
	State      string
	Number     string
	Title      string
	ArchivedAt time.Time
	LegalHold  bool
}

// BlobRef is one use of a blob: a file version of a document, or a
// rendition (Rendition is its name, "" for a file version).
type BlobRef struct {
	SHA256      string
	Size        int64
	DocumentID  string
	FileVersion int
	Rendition   string
}

// AuditTx holds the audit trail.
type AuditTx interface {
	// AppendAudit chains e after its stream's head: it sets Seq, StreamSeq,
	// PrevHash and Hash, and returns the sealed event.
	AppendAudit(ctx context.Context, e dossier.AuditEvent) (dossier.AuditEvent, error)
	ListAudit(ctx context.Context, f AuditFilter) ([]dossier.AuditEvent, error)
	// ScanAudit calls fn for every event in Seq order.
	ScanAudit(ctx context.Context, fn func(dossier.AuditEvent) error) error
	// AuditHeads returns the recorded head (last StreamSeq and Hash) of every stream.
	AuditHeads(ctx context.Context) (map[string]AuditHead, error)
}

// JobTx is the outbox.
type JobTx interface {
	// Enqueue adds jobs to the outbox; they run after the transaction commits
	// and vanish with it when it rolls back.
	Enqueue(ctx context.Context, jobs ...Job) error
	// Jobs returns the jobs of kind that wait to run or are running, oldest
	// first, at most limit of them.
	Jobs(ctx context.Context, kind string, limit int) ([]Job, error)
}

// SearchTx is the part of a transaction that text extraction and indexing use.
type SearchTx interface {
	// PutText replaces the extracted text of one file version, one entry per page.
	PutText(ctx context.Context, documentID string, fileVersion int, pages []string) error
	// Text returns the extracted text of a file version; ENotFound when none was stored.
	Text(ctx context.Context, documentID string, fileVersion int) ([]string, error)
	// Setting returns a named value, "" when unset; SetSetting sets it.
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	// InitSetting sets key to value unless it is set already, and returns
	// what is stored: of replicas racing to set it, all read the first.
	InitSetting(ctx context.Context, key, value string) (string, error)
	// DocumentIDsAfter returns up to limit document ids greater than after, ascending.
	DocumentIDsAfter(ctx context.Context, after string, limit int) ([]string, error)
	CountDocumentsAfter(ctx context.Context, after string) (int, error)
}

// WorkflowTx is the part of a transaction that the workflow engine uses.
type WorkflowTx interface {
	AddHistory(ctx context.Context, h dossier.HistoryEntry) error
	History(ctx context.Context, documentID string) ([]dossier.HistoryEntry, error)
	// HistoryOfKind returns the entries of the given events of every
	// document of kind, in order.
	HistoryOfKind(ctx context.Context, kind dossier.Kind, events []string) ([]dossier.HistoryEntry, error)
	AddApproval(ctx context.Context, a dossier.Approval) error // EConflict when the level is approved in the round
	Approvals(ctx context.Context, documentID string, round int) ([]dossier.Approval, error)
	AddReview(ctx context.Context, r dossier.Review) (id int64, err error)
	Reviews(ctx context.Context, documentID string, round int) ([]dossier.Review, error)
	SetFXRate(ctx context.Context, r dossier.FXRate) error
	FXRates(ctx context.Context) ([]dossier.FXRate, error)
	AddDelegation(ctx context.Context, d dossier.Delegation) error
	DelegationsTo(ctx context.Context, userID string) ([]dossier.Delegation, error)
	// DelegationsOf returns the delegations from and to the user, oldest first.
	DelegationsOf(ctx context.Context, userID string) ([]dossier.Delegation, error)
	DeleteDelegation(ctx context.Context, id string) error       // ENotFound when there is none
	PutRendition(ctx context.Context, r dossier.Rendition) error // replaces the document's rendition of that name
	Rendition(ctx context.Context, documentID, name string) (dossier.Rendition, error)
	Renditions(ctx context.Context, documentID string) ([]dossier.Rendition, error)
	// DocumentsUsingBlob returns the documents whose file versions or
	// renditions are stored under sha (identical bytes are stored once).
	DocumentsUsingBlob(ctx context.Context, sha string) ([]dossier.Document, error)
}

// DocumentFilter selects documents for a list, in the order Sort (newest
// first when ""), starting after the document with id Cursor whose key
// under Sort is CursorKey (Sort.SortKey of it) when Cursor is set.
type DocumentFilter struct {
	Kind     dossier.Kind
	State    string
	In       []KindState // when set, only documents in one of these (kind, state) pairs
	Customer string
	Subtype  string
	Currency string
	// DateFrom and DateTo bound dossier.Document.ListDate, YYYY-MM-DD,
	// inclusive.
	DateFrom, DateTo string
	// AmountMin and AmountMax bound the amount, exact decimals, inclusive;
	// a document without an amount is outside every bound.
	AmountMin, AmountMax string
	Sort                 DocumentSort
	Cursor               string
	CursorKey            string
	Limit                int
}

// KindState names a state of one kind's workflow.
type KindState struct {
	Kind  dossier.Kind
	State string
}

// AuditFilter selects audit events, in Seq order; zero fields match all.
type AuditFilter struct {
	DocumentID string
	Actor      string
	Action     string
	Since      time.Time
	Until      time.Time
	AfterSeq   int64
	Limit      int
}

// AuditHead is the last event of one audit stream.
type AuditHead struct {
	StreamSeq int64
	Hash      string
}

// MaxJobAttempts is how often a job is tried before it is parked for an
// operator, with its last error.
const MaxJobAttempts = 10

// Job is one unit of background work in the outbox (dossier.Job).
type Job = dossier.Job
