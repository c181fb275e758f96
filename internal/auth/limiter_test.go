package auth

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/testenv"
)

func newTestLimiter(clock *testenv.Clock) *Limiter {
	return NewLimiter(10, 15*time.Minute, clock.Now)
}

func TestLimiterLimitsNamesAndAddresses(t *testing.T) {
	t.Parallel()
	clock := testenv.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	l := newTestLimiter(clock)
	for range 10 {
		if err := l.Check("alice", "198.51.100.1"); err != nil {
			t.Fatalf("Check before the limit: %v", err)
		}
		l.Fail("alice", "198.51.100.1")
	}
	if err := l.Check("alice", "198.51.100.2"); dossier.ErrorCode(err) != dossier.ETooManyRequests {
		t.Errorf("the user name after 10 failures from another address: %v, want too many requests", err)
	}
	if err := l.Check("bob", "198.51.100.1"); dossier.ErrorCode(err) != dossier.ETooManyRequests {
		t.Errorf("the address after 10 failures with another name: %v, want too many requests", err)
	}
	if err := l.Check("bob", "198.51.100.2"); err != nil {
		t.Errorf("another name from another address: %v, want allowed", err)
	}
	clock.Add(15*time.Minute + time.Second)
	if err := l.Check("alice", "198.51.100.1"); err != nil {
		t.Errorf("after the window: %v, want allowed", err)
	}
}

// TestLimiterMemoryIsBounded: a spray of made-up names from many addresses
// keeps at most maxKeys keys, and the one address that sprays the most stays
// limited, because its key is always among the newest.
func TestLimiterMemoryIsBounded(t *testing.T) {
	t.Parallel()
	clock := testenv.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	l := newTestLimiter(clock)
	l.maxKeys = 1_000
	for i := range 20_000 {
		l.Fail(fmt.Sprintf("made-up-%d", i), fmt.Sprintf("203.0.113.%d", i%200))
		l.Fail(fmt.Sprintf("again-%d", i), "198.51.100.9")
		clock.Add(time.Millisecond)
	}
	if n := l.size(); n > 1_000 {
		t.Fatalf("after 40,000 failures with distinct names the limiter holds %d keys, want at most 1,000", n)
	}
	if err := l.Check("someone-new", "198.51.100.9"); dossier.ErrorCode(err) != dossier.ETooManyRequests {
		t.Errorf("the spraying address was forgotten: %v, want too many requests", err)
	}
}

// TestLimiterKeysStaySmall: a megabyte of user name costs a key of a few
// dozen bytes, and still counts as that name.
func TestLimiterKeysStaySmall(t *testing.T) {
	t.Parallel()
	clock := testenv.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	l := newTestLimiter(clock)
	huge := strings.Repeat("x", 1<<20)
	for i := range 10 {
		l.Fail(huge, fmt.Sprintf("192.0.2.%d", i))
	}
	for key := range l.keys {
		if len(key) > 100 {
			t.Fatalf("a key of %d bytes", len(key))
		}
	}
	if err := l.Check(huge, "192.0.2.200"); dossier.ErrorCode(err) != dossier.ETooManyRequests {
		t.Errorf("the long name after 10 failures: %v, want too many requests", err)
	}
	if err := l.Check(huge+"y", "192.0.2.200"); err != nil {
		t.Errorf("another long name: %v, want allowed", err)
	}
}

// TestLimiterForgetsExpiredKeys: keys whose failures have left the window are
// dropped by the next call, whatever key it concerns.
func TestLimiterForgetsExpiredKeys(t *testing.T) {
	t.Parallel()
	clock := testenv.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	l := newTestLimiter(clock)
	for i := range 500 {
		l.Fail(fmt.Sprintf("name-%d", i), fmt.Sprintf("192.0.2.%d", i%50))
	}
	if n := l.size(); n != 550 {
		t.Fatalf("500 names from 50 addresses: %d keys, want 550", n)
	}
	clock.Add(15*time.Minute + time.Second)
	if err := l.Check("other", "192.0.2.200"); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if n := l.size(); n != 0 {
		t.Errorf("after the window: %d keys remembered, want 0", n)
	}
}
