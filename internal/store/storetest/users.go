package storetest

import (
	"reflect"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

func testUsers(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("CreateAndGet", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var approver, auditor dossier.User
		write(t, s, func(tx store.Tx) error {
			approver = newUser(t, tx, func(u *dossier.User) {
				u.Roles = []dossier.Role{dossier.RoleReviewer, dossier.RoleApprover}
				u.ApprovalLevel = 3
			})
			auditor = newUser(t, tx, func(u *dossier.User) {
				u.Roles = []dossier.Role{dossier.RoleAuditor}
				u.DisplayName = "Ærøskøbing O'Brien"
			})
			return nil
		})
		read(t, s, func(tx store.Tx) error {
			for _, want := range []dossier.User{approver, auditor} {
				got, err := tx.UserByID(ctx(t), want.ID)
				if err != nil {
					t.Fatalf("UserByID %s: %v", want.ID, err)
				}
				if d := diffUser(want, got); len(d) > 0 {
					t.Errorf("UserByID %s:\n%s", want.ID, d)
				}
				got, err = tx.UserByName(ctx(t), want.Username)
				if err != nil {
					t.Fatalf("UserByName %s: %v", want.Username, err)
				}
				if d := diffUser(want, got); len(d) > 0 {
					t.Errorf("UserByName %s:\n%s", want.Username, d)
				}
			}
			return nil
		})
	})

	t.Run("ListOrderedByUsername", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		// Inserted out of order, so that neither insertion nor id order passes.
		names := []string{"mallory", "alice", "zoe", "bob"}
		byName := map[string]dossier.User{}
		write(t, s, func(tx store.Tx) error {
			for _, n := range names {
				byName[n] = newUser(t, tx, func(u *dossier.User) { u.Username = n })
			}
			return nil
		})
		var got []dossier.User
		read(t, s, func(tx store.Tx) (err error) {
			got, err = tx.ListUsers(ctx(t))
			return err
		})
		want := []string{"alice", "bob", "mallory", "zoe"}
		if len(got) != len(want) {
			t.Fatalf("ListUsers: got %d users, want %d", len(got), len(want))
		}
		for i, u := range got {
			if u.Username != want[i] {
				t.Errorf("ListUsers[%d]: got %q, want %q", i, u.Username, want[i])
				continue
			}
			if d := diffUser(byName[u.Username], u); len(d) > 0 {
				t.Errorf("ListUsers[%d] %s:\n%s", i, u.Username, d)
			}
		}
	})

	t.Run("DuplicateUsernameConflicts", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var first dossier.User
		write(t, s, func(tx store.Tx) error { first = newUser(t, tx); return nil })
		err := s.Write(t.Context(), func(tx store.Tx) error {
			return tx.CreateUser(ctx(t), userFixture(func(u *dossier.User) { u.Username = first.Username }))
		})
		wantCode(t, err, dossier.EConflict, "CreateUser with a taken username")
		read(t, s, func(tx store.Tx) error {
			users, err := tx.ListUsers(ctx(t))
			if err != nil {
				return err
			}
			if len(users) != 1 || users[0].ID != first.ID {
				t.Errorf("after the conflict: got %d users, want only %s", len(users), first.ID)
			}
			return nil
		})
	})

	t.Run("UnknownNotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var known dossier.User
		write(t, s, func(tx store.Tx) error { known = newUser(t, tx); return nil })
		read(t, s, func(tx store.Tx) error {
			_, err := tx.UserByID(ctx(t), newID())
			wantCode(t, err, dossier.ENotFound, "UserByID of an unknown id")
			_, err = tx.UserByName(ctx(t), "nobody")
			wantCode(t, err, dossier.ENotFound, "UserByName of an unknown name")
			// The username is not an id, nor the reverse.
			_, err = tx.UserByID(ctx(t), known.Username)
			wantCode(t, err, dossier.ENotFound, "UserByID given a username")
			_, err = tx.UserByName(ctx(t), known.ID)
			wantCode(t, err, dossier.ENotFound, "UserByName given an id")
			return nil
		})
	})
}

func testSessions(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("CreateGetDelete", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var sess, other dossier.Session
		write(t, s, func(tx store.Tx) error {
			u := newUser(t, tx)
			sess = sessionFixture(u.ID)
			other = sessionFixture(u.ID)
			for _, x := range []dossier.Session{sess, other} {
				if err := tx.CreateSession(ctx(t), x); err != nil {
					t.Fatalf("CreateSession: %v", err)
				}
			}
			return nil
		})
		read(t, s, func(tx store.Tx) error {
			got, u, err := tx.SessionUser(ctx(t), sess.TokenHash)
			if err != nil {
				t.Fatalf("SessionUser: %v", err)
			}
			if got.TokenHash != sess.TokenHash || got.UserID != sess.UserID {
				t.Errorf("SessionUser: got token %q user %q, want %q %q", got.TokenHash, got.UserID, sess.TokenHash, sess.UserID)
			}
			if !got.CreatedAt.Equal(sess.CreatedAt) {
				t.Errorf("SessionUser CreatedAt: got %s, want %s", got.CreatedAt.Format(time.RFC3339Nano), sess.CreatedAt.Format(time.RFC3339Nano))
			}
			// Expiry decides who is signed in: it must come back to the microsecond.
			if !got.ExpiresAt.Equal(sess.ExpiresAt) {
				t.Errorf("SessionUser ExpiresAt: got %s, want %s", got.ExpiresAt.Format(time.RFC3339Nano), sess.ExpiresAt.Format(time.RFC3339Nano))
			}
			if want, err := tx.UserByID(ctx(t), sess.UserID); err != nil || !reflect.DeepEqual(u, want) {
				t.Errorf("SessionUser's user %+v, UserByID's %+v (%v)", u, want, err)
			}
			return nil
		})
		write(t, s, func(tx store.Tx) error { return tx.DeleteSession(ctx(t), sess.TokenHash) })
		read(t, s, func(tx store.Tx) error {
			_, _, err := tx.SessionUser(ctx(t), sess.TokenHash)
			wantCode(t, err, dossier.ENotFound, "SessionUser after DeleteSession")
			if _, _, err := tx.SessionUser(ctx(t), other.TokenHash); err != nil {
				t.Errorf("the other session of the same user after DeleteSession: %v", err)
			}
			return nil
		})
	})

	t.Run("UnknownNotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		read(t, s, func(tx store.Tx) error {
			_, _, err := tx.SessionUser(ctx(t), randomSHA256())
			wantCode(t, err, dossier.ENotFound, "SessionUser of an unknown token")
			return nil
		})
	})
}
