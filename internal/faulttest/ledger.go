package faulttest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Ledger is what clients were told was done: the uploads answered 201 and
// the events answered 200. Whatever it holds must be stored, whatever
// happened to the server after.
type Ledger struct {
	mu      sync.Mutex
	uploads map[string]Accepted
	fired   map[string][]Fired
}

// Accepted is an upload the server answered 201.
type Accepted struct {
	ID, Number string
	Content    []byte
}

// Fired is an event the server answered 200.
type Fired struct {
	Event, To string
	Version   int // the document's version after it
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{uploads: map[string]Accepted{}, fired: map[string][]Fired{}}
}

// Upload records an accepted upload.
func (l *Ledger) Upload(a Accepted) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.uploads[a.ID] = a
}

// Fire records an accepted event.
func (l *Ledger) Fire(id string, f Fired) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fired[id] = append(l.fired[id], f)
}

// Uploads returns the accepted uploads.
func (l *Ledger) Uploads() []Accepted {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Accepted, 0, len(l.uploads))
	for _, a := range l.uploads {
		out = append(out, a)
	}
	return out
}

// Archived reports whether an accepted event archived document id.
func (l *Ledger) Archived(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.fired[id] {
		if f.To == "archived" {
			return true
		}
	}
	return false
}

// Counts returns how many uploads and events were accepted.
func (l *Ledger) Counts() (uploads, events int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.fired {
		events += len(f)
	}
	return len(l.uploads), events
}

// auditEvent is the part of an audit event the checks read.
type auditEvent struct {
	Action     string `json:"action"`
	DocumentID string `json:"document_id"`
}

// history is GET /documents/{id}/history in part.
type history struct {
	Items []struct {
		Event   string `json:"event"`
		To      string `json:"to"`
		Version int    `json:"version"`
	} `json:"items"`
}

// Check proves the ledger against what c's server shows: every accepted
// upload is there with its bytes, every accepted event is in the history,
// and nothing half-made is visible: every document has its file, and as
// many audited events as history entries, and its state is where its
// history leads.
func (l *Ledger) Check(t *testing.T, c *Client, initial string) {
	t.Helper()
	docs := map[string]Document{}
	for _, d := range c.Documents(t) {
		docs[d.ID] = d
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, a := range l.uploads {
		d, ok := docs[id]
		if !ok {
			t.Errorf("upload %s (%s) was answered 201 but the document is gone", id, a.Number)
			continue
		}
		sum := sha256.Sum256(a.Content)
		if d.File.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("document %s: file %s, want the uploaded %x", id, d.File.SHA256, sum)
		}
	}
	for id, d := range docs {
		ans, err := c.Do(context.Background(), http.MethodGet, "/api/v1/documents/"+id+"/content", nil)
		got := sha256.Sum256(ans.Body)
		if err != nil || ans.Status != http.StatusOK || hex.EncodeToString(got[:]) != d.File.SHA256 {
			t.Errorf("document %s: content %v %v does not hash to %s", id, ans.Status, err, d.File.SHA256)
		}
		if a, ok := l.uploads[id]; ok && !bytes.Equal(ans.Body, a.Content) {
			t.Errorf("document %s: content differs from what was uploaded", id)
		}
		var h history
		c.Get(t, "/api/v1/documents/"+id+"/history", &h)
		state := initial
		if n := len(h.Items); n > 0 {
			state = h.Items[n-1].To
		}
		if d.State != state {
			t.Errorf("document %s is %s, but its history leads to %s", id, d.State, state)
		}
		for _, f := range l.fired[id] {
			found := false
			for _, e := range h.Items {
				found = found || (e.Event == f.Event && e.To == f.To && e.Version == f.Version)
			}
			if !found {
				t.Errorf("document %s: event %s (version %d) was answered 200 but is not in its history %+v", id, f.Event, f.Version, h.Items)
			}
		}
		var audit struct {
			Items []auditEvent `json:"items"`
		}
		c.Get(t, "/api/v1/audit?document_id="+url.QueryEscape(id), &audit)
		uploads, events := 0, 0
		for _, e := range audit.Items {
			switch e.Action {
			case "document.upload":
				uploads++
			case "document.event":
				events++
			}
		}
		if uploads != 1 || events != len(h.Items) {
			t.Errorf("document %s: %d upload and %d event audit records for %d history entries", id, uploads, events, len(h.Items))
		}
	}
}

// WaitSearchable polls until every accepted upload is found by its number:
// the indexing jobs its commit queued ran, whatever crashed in between.
func (l *Ledger) WaitSearchable(t *testing.T, c *Client, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for _, a := range l.Uploads() {
		for {
			var res struct {
				Hits []struct {
					ID string `json:"id"`
				} `json:"hits"`
			}
			ans, err := c.Do(context.Background(), http.MethodGet, "/api/v1/search?q="+url.QueryEscape(a.Number), nil)
			if err == nil && ans.Status == http.StatusOK && ans.JSON(&res) == nil && hasHit(res.Hits, a.ID) {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("document %s (%s) is not searchable %s after the load: %v %v", a.ID, a.Number, within, ans, err)
				return
			}
			time.Sleep(100 * time.Millisecond) // polling the index, which catches up on its own
		}
	}
}

func hasHit(hits []struct {
	ID string `json:"id"`
}, id string) bool {
	for _, h := range hits {
		if h.ID == id {
			return true
		}
	}
	return false
}

// Number is the business number of the n-th upload of a run: one word, so
// that a search finds it whole.
func Number(run string, n int) string { return fmt.Sprintf("%s%05d", run, n) }
