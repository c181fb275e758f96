package auth_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"dossier/internal/auth"
	"dossier/internal/dossier"
	"dossier/internal/testenv"
)

// limited is a service on one database with a test clock and a recorded
// slow-down.
type limited struct {
	*auth.Service
	clock  *testenv.Clock
	mu     sync.Mutex
	slowed []time.Duration
}

func newLimited(t *testing.T, s testenv.Store) *limited {
	t.Helper()
	db := s.Open(t)
	l := &limited{clock: testenv.NewClock(time.Now())}
	l.Service = auth.New(db, l.clock.Now)
	l.Cost = bcrypt.MinCost
	l.Sleep = func(_ context.Context, d time.Duration) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.slowed = append(l.slowed, d)
		return nil
	}
	for _, name := range []string{"victim", "colleague"} {
		if _, err := l.CreateUser(t.Context(), "", auth.NewUser{Username: name, Password: name + "-password", DisplayName: name,
			Roles: []dossier.Role{dossier.RoleReviewer}}); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func (l *limited) signIn(t *testing.T, name, password, addr string) error {
	t.Helper()
	_, _, err := l.SignIn(t.Context(), name, password, addr)
	return err
}

func (l *limited) lastSlowDown() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.slowed) == 0 {
		return 0
	}
	return l.slowed[len(l.slowed)-1]
}

// TestNobodyIsLockedOutFromElsewhere: SPEC §15 — failed sign-ins are limited
// per user name and address; the user's correct password from another
// address, and another user's from the same address, still work; a busy
// address is slowed down, never refused; the limit ends with its window.
func TestNobodyIsLockedOutFromElsewhere(t *testing.T) {
	for _, s := range testenv.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			l := newLimited(t, s)
			const attacker, office = "203.0.113.7", "198.51.100.1"
			for i := range auth.PairLimit {
				if err := l.signIn(t, "Victim", fmt.Sprintf("guess-%d", i), attacker); dossier.ErrorCode(err) != dossier.EUnauthorized {
					t.Fatalf("guess %d: %v, want unauthorized", i, err)
				}
			}
			// The pair is refused, the right password included, with a time to wait.
			err := l.signIn(t, "victim", "victim-password", attacker)
			var retry *auth.RetryAfterError
			if dossier.ErrorCode(err) != dossier.ETooManyRequests || !errors.As(err, &retry) || retry.After <= 0 || retry.After > auth.Window {
				t.Fatalf("11th sign-in of the pair: %v, want 429 with a Retry-After", err)
			}
			if err := l.signIn(t, "Victim", "victim-password", office); err != nil {
				t.Errorf("the victim from the office (typing the name capitalised): %v, want signed in", err)
			}
			if err := l.signIn(t, "colleague", "colleague-password", attacker); err != nil {
				t.Errorf("another user from the attacker's address: %v, want signed in", err)
			}
			if d := l.lastSlowDown(); d != 0 {
				t.Errorf("slowed down by %v before %d failures", d, auth.SlowAfter)
			}
			// Spraying names from one address slows that address down; a correct
			// password from it still gets in.
			for i := range auth.SlowAfter {
				_ = l.signIn(t, fmt.Sprintf("made-up-%d", i), "guess", attacker)
			}
			if err := l.signIn(t, "colleague", "colleague-password", attacker); err != nil {
				t.Errorf("a correct password from a busy address: %v, want signed in", err)
			}
			if d := l.lastSlowDown(); d < auth.SlowStep || d > auth.SlowMax {
				t.Errorf("slow-down after %d failures from one address: %v", auth.SlowAfter+auth.PairLimit, d)
			}
			// The window ends and with it the limit.
			l.clock.Add(auth.Window + time.Second)
			if err := l.signIn(t, "victim", "victim-password", attacker); err != nil {
				t.Errorf("after the window: %v, want signed in", err)
			}
		})
	}
}
