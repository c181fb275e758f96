package signing_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"dossier/internal/signing"
	"dossier/internal/testenv"
)

func TestKeyKeptInTheDatabaseIsMadeOnce(t *testing.T) {
	for _, s := range testenv.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			st := s.Open(t)
			ctx := context.Background()
			keys := make([]*signing.Key, 4)
			var wg sync.WaitGroup
			for i := range keys {
				wg.Go(func() {
					k, err := signing.Load(ctx, st, "")
					if err != nil {
						t.Error(err)
						return
					}
					keys[i] = k
				})
			}
			wg.Wait()
			if t.Failed() {
				return
			}
			for _, k := range keys[1:] {
				if k.PublicText() != keys[0].PublicText() {
					t.Fatalf("replicas loaded different keys: %s and %s", k.PublicText(), keys[0].PublicText())
				}
			}
			again, err := signing.Load(ctx, st, "")
			if err != nil {
				t.Fatal(err)
			}
			if again.PublicText() != keys[0].PublicText() {
				t.Fatal("a restart made a new key")
			}
		})
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signing.pem")
	made, err := signing.Load(context.Background(), nil, path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	read, err := signing.Load(context.Background(), nil, path)
	if err != nil {
		t.Fatal(err)
	}
	if read.PublicText() != made.PublicText() || read.ID() != made.ID() {
		t.Fatal("the key read back is not the key written")
	}
	bad := filepath.Join(t.TempDir(), "bad.pem")
	if err := os.WriteFile(bad, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := signing.Load(context.Background(), nil, bad); err == nil {
		t.Fatal("a file that holds no key was accepted")
	}
}

func TestSignatureAndPublicText(t *testing.T) {
	k := signing.Generate()
	msg := []byte("manifest")
	sig := k.Sign(msg)
	pub, err := signing.ParsePublic(k.PublicText())
	if err != nil {
		t.Fatal(err)
	}
	if !signing.Verify(pub, msg, sig) {
		t.Fatal("a good signature does not verify")
	}
	sig[3] ^= 1
	if signing.Verify(pub, msg, sig) {
		t.Fatal("a changed signature verifies")
	}
	if signing.Verify(pub, msg, sig[:10]) {
		t.Fatal("a short signature verifies")
	}
	if signing.Verify(signing.Generate().Public(), msg, k.Sign(msg)) {
		t.Fatal("another key's signature verifies")
	}
	for _, bad := range []string{"", "ed25519:", "ed25519:!!", "ed25519:AAAA"} {
		if _, err := signing.ParsePublic(bad); err == nil {
			t.Errorf("ParsePublic(%q) accepted", bad)
		}
	}
}
