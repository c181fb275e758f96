package auth

import (
	"sync"
	"time"

	"dossier/internal/dossier"
)

// Limiter counts failed sign-ins per user name and per client address in a
// sliding window; successful sign-ins are never counted. It is per process:
// with several replicas the effective limit is that many times higher, which
// still stops guessing at any useful rate.
type Limiter struct {
	mu       sync.Mutex
	max      int
	window   time.Duration
	now      func() time.Time
	failures map[string][]time.Time
}

// NewLimiter allows max failures per key within window.
func NewLimiter(max int, window time.Duration, now func() time.Time) *Limiter {
	return &Limiter{max: max, window: window, now: now, failures: map[string][]time.Time{}}
}

// Check returns ETooManyRequests when the user name or the address has used up its failures.
func (l *Limiter) Check(username, addr string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, key := range keys(username, addr) {
		if len(l.recent(key)) >= l.max {
			return dossier.Errorf(dossier.ETooManyRequests,
				"too many failed sign-ins: wait %s before trying again", l.window)
		}
	}
	return nil
}

// Fail records one failed sign-in.
func (l *Limiter) Fail(username, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, key := range keys(username, addr) {
		l.failures[key] = append(l.recent(key), l.now())
	}
}

// recent drops and forgets the failures older than the window.
func (l *Limiter) recent(key string) []time.Time {
	cutoff := l.now().Add(-l.window)
	ts := l.failures[key]
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = ts
	return ts
}

func keys(username, addr string) []string {
	return []string{"user:" + username, "addr:" + addr}
}
