package blob_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"dossier/internal/blob"
)

const sha = "ab" + "cd" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"

func TestKey(t *testing.T) {
	t.Parallel()
	want := "sha256/ab/cd/" + sha
	if got := blob.Key(sha); got != want {
		t.Fatalf("Key = %q, want %q", got, want)
	}
	if got, ok := blob.SHA256FromKey(want); !ok || got != sha {
		t.Fatalf("SHA256FromKey(%q) = %q, %v", want, got, ok)
	}
}

// Hashes reach the store from URLs and CLI arguments; anything that is not
// exactly 64 lowercase hex characters must be refused before a path exists.
func TestCheckSHA256(t *testing.T) {
	t.Parallel()
	bad := []string{
		"", sha[:63], sha + "a", strings.ToUpper(sha), sha[:63] + "g",
		"../../../../../../etc/passwd" + strings.Repeat("a", 36), sha[:62] + "/.", sha[:63] + "\x00",
	}
	for _, s := range bad {
		if err := blob.CheckSHA256(s); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("CheckSHA256(%q) = %v, want ErrInvalidKey", s, err)
		}
	}
	if err := blob.CheckSHA256(sha); err != nil {
		t.Errorf("CheckSHA256(valid) = %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("Key accepted an invalid hash")
		}
	}()
	blob.Key("../x")
}

func TestSHA256FromKeyRejects(t *testing.T) {
	t.Parallel()
	for _, k := range []string{
		"sha256/ab/ce/" + sha, // fan-out does not match the hash
		"sha256/ab/cd/" + sha + ".tmp",
		"sha256/abcd/" + sha,
		"tmp/" + sha,
		"sha256/ab/cd/" + strings.ToUpper(sha),
	} {
		if got, ok := blob.SHA256FromKey(k); ok {
			t.Errorf("SHA256FromKey(%q) = %q, true; want rejected", k, got)
		}
	}
}

func TestTempKey(t *testing.T) {
	t.Parallel()
	a, b := blob.NewTempKey(), blob.NewTempKey()
	if a == b {
		t.Fatalf("NewTempKey returned %q twice", a)
	}
	for _, k := range []string{a, b} {
		if err := blob.CheckTempKey(k); err != nil {
			t.Errorf("CheckTempKey(NewTempKey() = %q) = %v", k, err)
		}
	}
	for _, k := range []string{"", "tmp/", "tmp/../x", "tmp/a/b", "sha256/ab/cd/" + sha, "tmp/ABC", "/tmp/abc", "tmp/" + strings.Repeat("a", 65)} {
		if err := blob.CheckTempKey(k); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("CheckTempKey(%q) = %v, want ErrInvalidKey", k, err)
		}
	}
}

func TestHashReader(t *testing.T) {
	t.Parallel()
	data := strings.Repeat("dossier ", 10_000)
	sum := sha256.Sum256([]byte(data))
	// Short reads must not change the result: network bodies arrive in pieces.
	for name, r := range map[string]io.Reader{
		"whole":   strings.NewReader(data),
		"onebyte": iotest.OneByteReader(strings.NewReader(data)),
		"half":    iotest.HalfReader(strings.NewReader(data)),
		"dataerr": iotest.DataErrReader(strings.NewReader(data)),
	} {
		hr := blob.NewHashReader(r)
		got, err := io.ReadAll(hr)
		if err != nil || string(got) != data {
			t.Fatalf("%s: passthrough broken: %v", name, err)
		}
		st := hr.Staged("tmp/x")
		if st.SHA256 != hex.EncodeToString(sum[:]) || st.Size != int64(len(data)) || hr.Size() != st.Size {
			t.Errorf("%s: Staged = %+v, want %x and %d bytes", name, st, sum, len(data))
		}
	}
	boom := errors.New("boom")
	if _, err := io.ReadAll(blob.NewHashReader(iotest.ErrReader(boom))); !errors.Is(err, boom) {
		t.Errorf("source error = %v, want it passed through", err)
	}
}

func TestRetainUntil(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	whole := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in, want time.Time
	}{
		{whole, whole},
		{whole.Add(time.Nanosecond), whole.Add(time.Second)},
		{whole.Add(999 * time.Millisecond), whole.Add(time.Second)},
		{whole.In(paris), whole},
		{whole.Add(-time.Nanosecond), whole},
	}
	for _, tc := range tests {
		got := blob.RetainUntil(tc.in)
		if !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("RetainUntil(%s) = %s, want %s in UTC", tc.in, got, tc.want)
		}
	}
	// A date rounded once must stay put, or "never shorten" checks would drift.
	if now := blob.RetainUntil(time.Now()); !blob.RetainUntil(now).Equal(now) {
		t.Errorf("RetainUntil is not idempotent at %s", now)
	}
}
