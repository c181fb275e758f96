package auth

import (
	"context"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

// TokenPrefix starts every API token, so that a token found in a log or a
// repository is recognised as Dossier's (and told apart from a session).
const TokenPrefix = "dsk_"

// MaxTokenLife is the longest an API token may be given; 0 means it never expires.
const MaxTokenLife = 2 * 365 * 24 * time.Hour

// touchEvery is how stale last_used_at may be before a use rewrites it: a
// busy integration does not write on every request.
const touchEvery = time.Minute

// NewToken is a token just made: Token is shown this once.
type NewToken struct {
	dossier.APIToken
	Token string `json:"token"`
}

// TokenRequest names a token and how long it lasts (0: until revoked).
type TokenRequest struct {
	UserID    string        `json:"user_id"` // "" for the caller
	Name      string        `json:"name"`
	ExpiresIn time.Duration `json:"-"`
}

// CreateToken makes an API token for req.UserID: users make their own, an
// admin makes anyone's, and so does the command line (actor.ID "").
func (s *Service) CreateToken(ctx context.Context, actor dossier.User, req TokenRequest) (NewToken, error) {
	if req.UserID == "" {
		req.UserID = actor.ID
	}
	if err := mayManageTokens(actor, req.UserID); err != nil {
		return NewToken{}, err
	}
	req.Name = strings.TrimSpace(req.Name)
	switch {
	case req.Name == "" || len(req.Name) > 100:
		return NewToken{}, dossier.Errorf(dossier.EUnprocessable, "name: give the token a name of 1 to 100 characters, e.g. the integration it is for")
	case req.ExpiresIn < 0 || req.ExpiresIn > MaxTokenLife:
		return NewToken{}, dossier.Errorf(dossier.EUnprocessable, "expires: at most %d days", int(MaxTokenLife.Hours()/24))
	}
	token, hash := newToken()
	now := s.now().UTC().Truncate(time.Microsecond)
	k := dossier.APIToken{ID: ulid.Make().String(), UserID: req.UserID, Name: req.Name, TokenHash: hash, CreatedBy: actor.ID, CreatedAt: now}
	if req.ExpiresIn > 0 {
		at := now.Add(req.ExpiresIn)
		k.ExpiresAt = &at
	}
	err := s.store.Write(ctx, func(tx store.Tx) error {
		u, err := tx.UserByID(ctx, req.UserID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return dossier.Errorf(dossier.EConflict, "%s is disabled: a token of theirs would not work", u.Username)
		}
		if err := tx.AddAPIToken(ctx, k); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, audit.Event{Actor: actor.ID, Action: "token.create", Details: via(actor.ID, map[string]any{
			"token_id": k.ID, "user_id": k.UserID, "name": k.Name, "expires_at": k.ExpiresAt})})
	})
	return NewToken{APIToken: k, Token: TokenPrefix + token}, err
}

// Tokens lists the tokens of userID ("" for everyone's, admins only).
func (s *Service) Tokens(ctx context.Context, actor dossier.User, userID string) ([]dossier.APIToken, error) {
	if err := mayManageTokens(actor, userID); err != nil {
		return nil, err
	}
	var out []dossier.APIToken
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		out, err = tx.APITokens(ctx, userID)
		return err
	})
	return out, err
}

// RevokeToken ends token id at once: its owner or an admin may.
func (s *Service) RevokeToken(ctx context.Context, actor dossier.User, id string) error {
	return s.store.Write(ctx, func(tx store.Tx) error {
		k, err := tx.APIToken(ctx, id)
		if err != nil {
			return err
		}
		if err := mayManageTokens(actor, k.UserID); err != nil {
			return dossier.Errorf(dossier.ENotFound, "token %q not found", id) // another's token is not shown to exist
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		if err := tx.RevokeAPIToken(ctx, id, now); err != nil {
			return err
		}
		return audit.Append(ctx, tx, now, audit.Event{Actor: actor.ID, Action: "token.revoke",
			Details: map[string]any{"token_id": k.ID, "user_id": k.UserID, "name": k.Name}})
	})
}

func mayManageTokens(actor dossier.User, userID string) error {
	if actor.ID == CommandLine || actor.HasRole(dossier.RoleAdmin) || (userID != "" && actor.ID == userID) {
		return nil
	}
	return dossier.Errorf(dossier.EForbidden, "only the user or an admin may manage these tokens")
}

// authenticateToken resolves an API token to its user and name.
func (s *Service) authenticateToken(ctx context.Context, token string) (dossier.User, string, error) {
	var u dossier.User
	var k dossier.APIToken
	now := s.now()
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		if k, err = tx.APITokenByHash(ctx, hashToken(strings.TrimPrefix(token, TokenPrefix))); err != nil {
			return err
		}
		switch {
		case k.RevokedAt != nil:
			return dossier.Errorf(dossier.EUnauthorized, "the token %q was revoked", k.Name)
		case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
			return dossier.Errorf(dossier.EUnauthorized, "the token %q has expired: make a new one", k.Name)
		}
		u, err = tx.UserByID(ctx, k.UserID)
		return err
	})
	if dossier.ErrorCode(err) == dossier.ENotFound {
		return u, "", dossier.Errorf(dossier.EUnauthorized, "the token is not valid")
	}
	if err != nil {
		return u, "", err
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= touchEvery {
		// Dropped on failure: the request is served whether or not its use was noted.
		_ = s.store.Write(ctx, func(tx store.Tx) error { return tx.TouchAPIToken(ctx, k.ID, now) })
	}
	return u, k.Name, nil
}
