package dossier

import (
	"encoding/json"
	"time"
)

// HistoryEntry is one fired event of a document's workflow.
type HistoryEntry struct {
	ID         int64           `json:"id"`
	DocumentID string          `json:"document_id"`
	Event      string          `json:"event"`
	From       string          `json:"from"`
	To         string          `json:"to"`
	Actor      string          `json:"actor"`
	OnBehalfOf string          `json:"on_behalf_of,omitempty"`
	Comment    string          `json:"comment"`
	Payload    json.RawMessage `json:"payload"`
	Version    int             `json:"version"` // the document's version after the event
	At         time.Time       `json:"at"`
	SHA256     string          `json:"sha256"` // the file the event was fired on; "" before this was recorded
}

// Approval is one DOA level approved in one round.
type Approval struct {
	DocumentID string    `json:"document_id"`
	Round      int       `json:"round"`
	Level      int       `json:"level"`
	ApproverID string    `json:"approver_id"`
	OnBehalfOf string    `json:"on_behalf_of,omitempty"` // the delegator, when approved under delegation
	At         time.Time `json:"at"`
	SHA256     string    `json:"sha256"` // the file approved; "" when approved before this was recorded
}

// Review is one department's sign-off (or refusal) in one round.
type Review struct {
	ID         int64     `json:"id"`
	DocumentID string    `json:"document_id"`
	Round      int       `json:"round"`
	Department string    `json:"department"`
	Decision   string    `json:"decision"` // "approve" or "reject"
	Comment    string    `json:"comment"`
	ReviewerID string    `json:"reviewer_id"`
	At         time.Time `json:"at"`
	SHA256     string    `json:"sha256"` // the file reviewed; "" when reviewed before this was recorded
}

// FXRate converts a currency to the DOA base currency.
type FXRate struct {
	Currency  string    `json:"currency"`
	Rate      string    `json:"rate_to_base"` // exact decimal
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Delegation lends an approver's authority to another user for a date range.
type Delegation struct {
	ID         string `json:"id"`
	FromUserID string `json:"from_user_id"`
	ToUserID   string `json:"to_user_id"`
	From       string `json:"from"`  // YYYY-MM-DD, inclusive
	Until      string `json:"until"` // YYYY-MM-DD, inclusive
	CreatedBy  string `json:"created_by"`
	// ConfirmedBy is the second admin who confirmed a delegation an admin
	// made; "" when the approver made it themselves.
	ConfirmedBy string    `json:"confirmed_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Rendition is a derived file of a document, such as the stamped PDF.
type Rendition struct {
	DocumentID  string    `json:"document_id"`
	Name        string    `json:"name"` // "stamped"
	FileVersion int       `json:"file_version"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	State       string    `json:"state"` // the document's state it shows
	CreatedAt   time.Time `json:"created_at"`
}

// Amendment is an MT707 received for a letter of credit: pending until bank
// liaison accepts it (its changes apply to the LC) or rejects it.
type Amendment struct {
	ID         string          `json:"id"`
	DocumentID string          `json:"document_id"`
	Number     *int            `json:"number"`  // 26E
	Message    json.RawMessage `json:"message"` // the parsed MT707
	State      string          `json:"state"`   // AmendmentPending, AmendmentAccepted or AmendmentRejected
	CreatedBy  string          `json:"created_by"`
	CreatedAt  time.Time       `json:"created_at"`
	DecidedBy  string          `json:"decided_by,omitempty"`
	DecidedAt  *time.Time      `json:"decided_at,omitempty"`
}

// The states of an amendment.
const (
	AmendmentPending  = "pending"
	AmendmentAccepted = "agreed" // not "accepted": no code names a workflow state
	AmendmentRejected = "refused"
)

// Notification is a reminder of a deadline, or a notice such as an LC's
// expiry, that the scheduler sent: logged here, and delivered over the
// webhook and by e-mail where those are configured.
type Notification struct {
	ID         string     `json:"id"`
	Key        string     `json:"-"` // what makes it unique: sent once
	DocumentID string     `json:"document_id"`
	Kind       string     `json:"kind"`     // NotifyReminder or NotifyExpired
	Deadline   string     `json:"deadline"` // what falls due: presentation, expiry
	DueOn      string     `json:"due_on"`   // YYYY-MM-DD
	DaysLeft   int        `json:"days_left"`
	Message    string     `json:"message"`
	CreatedAt  time.Time  `json:"created_at"`
	WebhookAt  *time.Time `json:"webhook_at"` // delivered over the webhook; nil when not (yet)
	EmailAt    *time.Time `json:"email_at"`
	Attempts   int        `json:"attempts"`
	LastError  string     `json:"last_error,omitempty"`
}

// The kinds of notification.
const (
	NotifyReminder = "reminder" // a deadline comes
	NotifyExpired  = "notice"   // the scheduler fired an event: the LC expired
)
