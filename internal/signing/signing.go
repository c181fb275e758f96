// Package signing holds the service's Ed25519 key, with which it signs what
// must be checked away from it: the manifest of an evidence export and the
// checkpoints of the audit chains. The key is made at first start and kept in
// the database, or in a file the operator names (DOSSIER_SIGNING_KEY_FILE) so
// that it can live apart from the data it vouches for. Its public half is
// published as text ("ed25519:" and base64) that verifiers take as given.
package signing

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"dossier/internal/store"
)

// settingKey names the database setting that holds the key's seed.
const settingKey = "signing.ed25519.seed"

const publicPrefix = "ed25519:"

// Key is the service's signing key.
type Key struct {
	private ed25519.PrivateKey
}

// New returns the key of seed (ed25519.SeedSize bytes).
func New(seed []byte) (*Key, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("signing key seed: %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	return &Key{private: ed25519.NewKeyFromSeed(seed)}, nil
}

// Generate returns a new random key.
func Generate() *Key {
	seed := make([]byte, ed25519.SeedSize)
	_, _ = rand.Read(seed) // never fails (crypto/rand)
	k, _ := New(seed)
	return k
}

// Sign returns the signature of msg.
func (k *Key) Sign(msg []byte) []byte { return ed25519.Sign(k.private, msg) }

// Public returns the public key.
func (k *Key) Public() ed25519.PublicKey { return k.private.Public().(ed25519.PublicKey) }

// PublicText returns the public key as it is published.
func (k *Key) PublicText() string { return FormatPublic(k.Public()) }

// ID returns a short name of the key, the same for its public half: the
// first 8 bytes of the public key's SHA-256, in hex.
func (k *Key) ID() string { return KeyID(k.Public()) }

// KeyID returns the short name of pub (see Key.ID).
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// FormatPublic writes pub as "ed25519:" followed by its standard base64.
func FormatPublic(pub ed25519.PublicKey) string {
	return publicPrefix + base64.StdEncoding.EncodeToString(pub)
}

// ParsePublic reads a public key written by FormatPublic; the prefix may be
// left out.
func ParsePublic(s string) (ed25519.PublicKey, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(strings.TrimSpace(s), publicPrefix))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("public key %q: want %s followed by the base64 of %d bytes", s, publicPrefix, ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(raw), nil
}

// Verify reports whether sig is pub's signature of msg.
func Verify(pub ed25519.PublicKey, msg, sig []byte) bool {
	return len(sig) == ed25519.SignatureSize && ed25519.Verify(pub, msg, sig)
}

// Load returns the service's key: the one in file when file is not "" (made
// there, readable by the owner only, when the file does not exist), else the
// one kept in the database, made at first start. Replicas starting together
// all end with the same key.
func Load(ctx context.Context, st store.Store, file string) (*Key, error) {
	if file != "" {
		return loadFile(file)
	}
	fresh := Generate()
	var stored string
	err := st.Write(ctx, func(tx store.Tx) (err error) {
		stored, err = tx.InitSetting(ctx, settingKey, base64.StdEncoding.EncodeToString(fresh.private.Seed()))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	seed, err := base64.StdEncoding.DecodeString(stored)
	if err != nil {
		return nil, fmt.Errorf("signing key in the database: %w", err)
	}
	return New(seed)
}

func loadFile(path string) (*Key, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("signing key file: %w", err)
	}
	block, _ := pem.Decode(raw)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("signing key file %s: not a PEM PRIVATE KEY", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key file %s: %w", path, err)
	}
	private, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key file %s: not an Ed25519 key", path)
	}
	return &Key{private: private}, nil
}

// createFile writes a new key to path, failing rather than replacing a file
// another process made meanwhile.
func createFile(path string) (*Key, error) {
	k := Generate()
	der, err := x509.MarshalPKCS8PrivateKey(k.private)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return loadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create signing key file: %w", err)
	}
	if err := errors.Join(pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}), f.Sync(), f.Close()); err != nil {
		return nil, fmt.Errorf("write signing key file %s: %w", path, err)
	}
	return k, nil
}
