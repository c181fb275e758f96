// Package auth signs users in and out, resolves bearer tokens to users and
// manages user accounts. Passwords are hashed with bcrypt; tokens are random
// and only their SHA-256 is stored, so a leaked database holds no live token.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

// SessionTTL is how long a token stays valid.
const SessionTTL = 12 * time.Hour

// Service is the sign-in and user-management service.
type Service struct {
	// Cost is the bcrypt cost of new password hashes: bcrypt.DefaultCost
	// unless lowered (tests use bcrypt.MinCost). Set it before first use.
	Cost int

	// Sleep waits before a sign-in that is slowed down (tests record it).
	Sleep func(ctx context.Context, d time.Duration) error

	// Departments are those the workflows review in; a reviewer may belong
	// only to these. Empty: any department name is accepted.
	Departments []string

	store store.Store
	now   func() time.Time
	// dummyHash is compared against when the user name is unknown. It is made
	// on the first such sign-in, at Cost, so that it costs what a real hash does.
	dummyHash func() []byte
}

// New returns a Service; now is the clock (time.Now outside tests).
func New(s store.Store, now func() time.Time) *Service {
	svc := &Service{Cost: bcrypt.DefaultCost, Sleep: sleep, store: s, now: now}
	svc.dummyHash = sync.OnceValue(func() []byte {
		// Fails only for a cost above bcrypt.MaxCost; a nil hash then matches no password.
		h, _ := bcrypt.GenerateFromPassword([]byte("no user has this password"), svc.Cost)
		return h
	})
	return svc
}

// errBadCredentials is deliberately the same for an unknown user and a wrong password.
var errBadCredentials = dossier.Errorf(dossier.EUnauthorized, "the username or password is wrong")

// SignIn checks the password and returns a new bearer token.
func (s *Service) SignIn(ctx context.Context, username, password, clientAddr string) (string, dossier.User, error) {
	if err := s.checkLimit(ctx, username, clientAddr); err != nil {
		return "", dossier.User{}, err
	}
	var u dossier.User
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		// User names are lower case (NewUser.Validate): "Alice" is alice.
		u, err = tx.UserByName(ctx, strings.ToLower(username))
		return err
	})
	if err != nil && dossier.ErrorCode(err) != dossier.ENotFound {
		return "", u, err
	}
	stored := []byte(u.PasswordHash)
	if err != nil {
		stored = s.dummyHash() // same work for an unknown user, so timing does not tell which names exist
	}
	if bcrypt.CompareHashAndPassword(stored, []byte(password)) != nil || err != nil {
		s.recordFailure(ctx, username, clientAddr)
		s.record(ctx, audit.Event{Action: "session.failed", Details: map[string]any{"username": username, "client": clientAddr}})
		return "", dossier.User{}, errBadCredentials
	}
	if u.Disabled {
		// Said only to whoever knows the password: it tells nothing to a guesser.
		s.record(ctx, audit.Event{Actor: u.ID, Action: "session.refused", Details: map[string]any{"reason": "disabled", "client": clientAddr}})
		return "", dossier.User{}, dossier.Errorf(dossier.EUnauthorized, "this account is disabled: ask an administrator")
	}
	token, hash := newToken()
	now := s.now()
	err = s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.CreateSession(ctx, dossier.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, audit.Event{Actor: u.ID, Action: "session.create", Details: map[string]any{"client": clientAddr}})
	})
	if err != nil {
		return "", dossier.User{}, fmt.Errorf("sign in %s: %w", username, err)
	}
	return token, u, nil
}

// record appends an audit event in a transaction of its own. Its error is
// dropped: a failed sign-in is answered 401 whether or not it was recorded.
func (s *Service) record(ctx context.Context, e audit.Event) {
	_ = s.store.Write(ctx, func(tx store.Tx) error { return audit.Append(ctx, tx, s.now(), e) })
}

// Authenticate returns the user a session or API token belongs to, and the
// API token's name ("" for a session); a disabled user's are refused.
func (s *Service) Authenticate(ctx context.Context, token string) (dossier.User, string, error) {
	u, name, err := s.authenticate(ctx, token)
	if err == nil && u.Disabled {
		return u, "", dossier.Errorf(dossier.EUnauthorized, "this account is disabled: ask an administrator")
	}
	return u, name, err
}

func (s *Service) authenticate(ctx context.Context, token string) (dossier.User, string, error) {
	if strings.HasPrefix(token, TokenPrefix) {
		return s.authenticateToken(ctx, token)
	}
	var u dossier.User
	err := s.store.Read(ctx, func(tx store.Tx) error {
		sess, user, err := tx.SessionUser(ctx, hashToken(token))
		if err != nil {
			return err
		}
		if !s.now().Before(sess.ExpiresAt) {
			return dossier.Errorf(dossier.EUnauthorized, "the session has expired: sign in again")
		}
		u = user
		return nil
	})
	if dossier.ErrorCode(err) == dossier.ENotFound {
		return u, "", dossier.Errorf(dossier.EUnauthorized, "the token is not valid: sign in again")
	}
	return u, "", err
}

// SignOut ends the session of token.
func (s *Service) SignOut(ctx context.Context, u dossier.User, token string) error {
	return s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.DeleteSession(ctx, hashToken(token)); err != nil {
			return err
		}
		return audit.Append(ctx, tx, s.now(), audit.Event{Actor: u.ID, Action: "session.delete"})
	})
}

func newToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(errors.New("crypto/rand failed: " + err.Error())) // cannot happen on supported systems
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
