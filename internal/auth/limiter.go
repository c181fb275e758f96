package auth

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"dossier/internal/dossier"
)

// DefaultMaxKeys bounds the keys (user names and addresses) a Limiter
// remembers: at most the newest max failures each, some 100 bytes apiece,
// so tens of megabytes at worst however many names a client makes up.
const DefaultMaxKeys = 100_000

// Limiter counts failed sign-ins per user name and per client address in a
// sliding window; successful sign-ins are never counted. It is per process:
// with several replicas the effective limit is that many times higher, which
// still stops guessing at any useful rate.
//
// Its memory is bounded: a key is forgotten once its newest failure has left
// the window (every call sweeps those), and beyond maxKeys the key whose
// newest failure is oldest is forgotten first. A client spraying names keeps
// its own address key newest, so the spray cannot evict the key that stops it.
type Limiter struct {
	mu      sync.Mutex
	max     int
	window  time.Duration
	now     func() time.Time
	maxKeys int
	keys    map[string]*list.Element // values are *failures
	byLast  *list.List               // *failures ordered by newest failure, oldest first
}

// failures are the recent failed sign-ins of one key, oldest first.
type failures struct {
	key   string
	times []time.Time
}

// NewLimiter allows max failures per key within window.
func NewLimiter(max int, window time.Duration, now func() time.Time) *Limiter {
	return &Limiter{max: max, window: window, now: now, maxKeys: DefaultMaxKeys,
		keys: map[string]*list.Element{}, byLast: list.New()}
}

// Check returns ETooManyRequests when the user name or the address has used up its failures.
func (l *Limiter) Check(username, addr string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	for _, key := range keys(username, addr) {
		if el, ok := l.keys[key]; ok && len(recent(el.Value.(*failures).times, now.Add(-l.window))) >= l.max {
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
	now := l.now()
	l.sweep(now)
	for _, key := range keys(username, addr) {
		el, ok := l.keys[key]
		if ok {
			l.byLast.MoveToBack(el)
		} else {
			el = l.byLast.PushBack(&failures{key: key})
			l.keys[key] = el
		}
		f := el.Value.(*failures)
		f.times = append(recent(f.times, now.Add(-l.window)), now)
		if n := len(f.times); n > l.max {
			// Only the newest max decide whether the key is over its limit.
			f.times = append(f.times[:0], f.times[n-l.max:]...)
		}
	}
	for len(l.keys) > max(l.maxKeys, 2) {
		l.forget(l.byLast.Front())
	}
}

// sweep forgets the keys whose newest failure has left the window. The list
// is ordered by newest failure, so they are all at its front. (A clock that
// steps back only delays this; the key cap still holds.)
func (l *Limiter) sweep(now time.Time) {
	cutoff := now.Add(-l.window)
	for el := l.byLast.Front(); el != nil; el = l.byLast.Front() {
		ts := el.Value.(*failures).times
		if ts[len(ts)-1].After(cutoff) {
			return
		}
		l.forget(el)
	}
}

func (l *Limiter) forget(el *list.Element) {
	delete(l.keys, el.Value.(*failures).key)
	l.byLast.Remove(el)
}

// size returns how many keys the limiter remembers.
func (l *Limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// recent returns the failures after cutoff.
func recent(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	return ts[i:]
}

// keys names the counters of a sign-in. A user name longer than any valid
// one (64 bytes) is keyed by its digest, so that a key stays small whatever
// a client sends; the address comes from the IP extractor and is short.
func keys(username, addr string) []string {
	if len(username) > 64 {
		sum := sha256.Sum256([]byte(username))
		username = "sha256:" + hex.EncodeToString(sum[:])
	}
	return []string{"user:" + username, "addr:" + addr}
}
