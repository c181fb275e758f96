package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// The sign-in limit (SPEC §15). Failed sign-ins are counted in the database,
// so every replica sees the same counts and memory does not grow with them.
// Only failures are counted; a correct password is refused only when its
// own user name has failed too often from the same address, so nobody can
// lock another person out from elsewhere, and a busy shared address (an
// office behind one NAT) only slows down.
const (
	// Window is how long a failure counts.
	Window = 15 * time.Minute
	// PairLimit is how many failures a user name may have from one address
	// within the window before that pair is refused (429).
	PairLimit = 10
	// SlowAfter is how many failures an address, or a user name from any
	// address, may have within the window before every sign-in of it waits
	// (SlowStep per further failure, at most SlowMax): guessing then costs
	// time, and nobody is refused.
	SlowAfter = 20
	SlowStep  = 100 * time.Millisecond
	SlowMax   = 5 * time.Second
)

// RetryAfterError is a refusal that says when to try again.
type RetryAfterError struct {
	Err   *dossier.Error
	After time.Duration
}

func (e *RetryAfterError) Error() string { return e.Err.Error() }

// RetryAfter is when the caller may try again.
func (e *RetryAfterError) RetryAfter() time.Duration { return e.After }

func (e *RetryAfterError) Unwrap() error { return e.Err }

// limitKeys names the counters of a sign-in: the user name at the address,
// the address, the user name. User names count case-insensitively, as the
// user directory finds them; one longer than any valid one is keyed by its
// digest, so that a key stays small whatever a client sends.
func limitKeys(username, addr string) (pair, address, user string) {
	name := strings.ToLower(username)
	if len(name) > 64 {
		sum := sha256.Sum256([]byte(name))
		name = "sha256:" + hex.EncodeToString(sum[:])
	}
	return "pair:" + name + "@" + addr, "addr:" + addr, "user:" + name
}

// checkLimit refuses a sign-in of a pair over its limit and slows one from
// an address or of a user name with many failures.
func (s *Service) checkLimit(ctx context.Context, username, addr string) error {
	pair, address, user := limitKeys(username, addr)
	now := s.now()
	since := now.Add(-Window)
	var pairN, addrN, userN int
	var oldest time.Time
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		if pairN, oldest, err = tx.SignInFailures(ctx, pair, since); err != nil {
			return err
		}
		if addrN, _, err = tx.SignInFailures(ctx, address, since); err != nil {
			return err
		}
		userN, _, err = tx.SignInFailures(ctx, user, since)
		return err
	})
	if err != nil {
		return err
	}
	if pairN >= PairLimit {
		wait := max(oldest.Add(Window).Sub(now), time.Second).Round(time.Second)
		return &RetryAfterError{After: wait, Err: dossier.Errorf(dossier.ETooManyRequests,
			"too many failed sign-ins for %s from this address: try again in %s, or from another place", dossier.Clip(username), wait)}
	}
	if n := max(addrN, userN) - SlowAfter; n >= 0 {
		return s.Sleep(ctx, min(time.Duration(n+1)*SlowStep, SlowMax))
	}
	return nil
}

// recordFailure counts a failed sign-in and forgets those out of the window.
func (s *Service) recordFailure(ctx context.Context, username, addr string) {
	pair, address, user := limitKeys(username, addr)
	now := s.now()
	_ = s.store.Write(context.WithoutCancel(ctx), func(tx store.Tx) error {
		if err := tx.PruneSignInFailures(ctx, now.Add(-Window)); err != nil {
			return err
		}
		return tx.AddSignInFailure(ctx, now, pair, address, user)
	})
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("sign-in slowed down: %w", ctx.Err())
	}
}
