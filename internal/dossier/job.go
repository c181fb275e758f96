package dossier

import (
	"encoding/json"
	"time"
)

// Job is one unit of background work in the outbox.
type Job struct {
	ID        int64           `json:"id"`
	Kind      string          `json:"kind"` // e.g. "extract_text", "index"
	Payload   json.RawMessage `json:"payload"`
	RunAt     time.Time       `json:"run_at"`   // not before; zero or past means now
	Attempts  int             `json:"attempts"` // how often it was started, a running attempt included
	LastError string          `json:"last_error"`
	// UniqueFor, when at least a second, queues the job only if no job of
	// the same kind and payload was queued for the same period of that
	// length (periods are counted from the Unix epoch, so 24h is a UTC day),
	// unless that one was parked: a reminder is then sent once a day
	// however often its cause recurs.
	UniqueFor time.Duration `json:"-"`
	// Queue is the queue the job waits in: "" for the default one.
	Queue string `json:"-"`
}
