package auth

import (
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"dossier/internal/dossier"
	"dossier/internal/store/sqlite"
)

func newTestService(t *testing.T) *Service {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "dossier.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st, time.Now)
}

// TestCostIsTheServices: production hashes at bcrypt.DefaultCost; a lowered
// Cost applies to new passwords and to the hash an unknown name is checked
// against, which is made only when first needed.
func TestCostIsTheServices(t *testing.T) {
	t.Parallel()
	s := newTestService(t)
	if s.Cost != bcrypt.DefaultCost {
		t.Fatalf("default cost %d, want bcrypt.DefaultCost", s.Cost)
	}
	s.Cost = bcrypt.MinCost
	u, err := s.CreateUser(t.Context(), "", NewUser{Username: "ann", Password: "correct horse battery", DisplayName: "Ann",
		Roles: []dossier.Role{dossier.RoleReviewer}})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if c, err := bcrypt.Cost([]byte(u.PasswordHash)); err != nil || c != bcrypt.MinCost {
		t.Errorf("password hash cost %d (%v), want %d", c, err, bcrypt.MinCost)
	}
	if _, _, err := s.SignIn(t.Context(), "nobody", "guess", "192.0.2.1"); dossier.ErrorCode(err) != dossier.EUnauthorized {
		t.Errorf("unknown user: %v, want unauthorized", err)
	}
	if c, err := bcrypt.Cost(s.dummyHash()); err != nil || c != bcrypt.MinCost {
		t.Errorf("unknown-user hash cost %d (%v), want %d", c, err, bcrypt.MinCost)
	}
	if _, got, err := s.SignIn(t.Context(), "ann", "correct horse battery", "192.0.2.1"); err != nil || got.ID != u.ID {
		t.Errorf("SignIn ann: %v, user %q, want %q", err, got.ID, u.ID)
	}
}
