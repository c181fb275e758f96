package evidence_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"dossier/internal/evidence"
	"dossier/internal/signing"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// tampering changes the archive in every way an auditor must notice and
// checks that Verify names the place.
func tampering(t *testing.T, f *fixture, archive []byte) {
	es := unzip(t, archive)
	if rep := verify(es.zip(t), f.key); !rep.OK() {
		t.Fatalf("the archive unzipped and zipped again, unchanged, does not verify: %v", rep.Problems)
	}
	lines := func(fn func([]string) []string) []byte {
		ls := strings.SplitAfter(strings.TrimSuffix(string(es.get(evidence.EventsName)), "\n"), "\n")
		if !strings.HasSuffix(ls[len(ls)-1], "\n") {
			ls[len(ls)-1] += "\n"
		}
		return []byte(strings.Join(fn(ls), ""))
	}
	bFile := "documents/" + f.b + "/v1-b.txt"
	aFile := "documents/" + f.a + "/v1-a.pdf"
	// The raw archive stores PDFs as they are: a byte of a's first version
	// can be changed in place, which only the ZIP's own checksum notices.
	rawFlip := bytes.Clone(archive)
	at := bytes.Index(rawFlip, []byte("Customs declaration A"))
	if at < 0 {
		t.Fatal("a's text is not stored as it is in the archive")
	}
	rawFlip[at] ^= 0x20

	for _, tc := range []struct {
		name    string
		archive []byte
		key     []byte
		where   string // the problem's place
		what    string // in what it says
	}{
		{"one byte of a file", es.with(bFile, func(b []byte) []byte { b[3] ^= 1; return b }).zip(t), nil, bFile, "changed after the export"},
		{"one byte of a file in the raw archive", rawFlip, nil, aFile, "damaged"},
		{"one byte of an event", es.with(evidence.EventsName, func(b []byte) []byte {
			i := bytes.Index(b, []byte(`"action":"`)) + len(`"action":"`)
			b[i] ^= 0x20
			return b
		}).zip(t), nil, evidence.EventsName + " line 1", "does not match its hash"},
		{"one byte of the manifest", es.with(evidence.ManifestName, func(b []byte) []byte {
			return bytes.Replace(b, []byte("Declaration A"), []byte("Declaration X"), 1)
		}).zip(t), nil, evidence.SignatureName, "does not match manifest.json"},
		{"an event dropped", es.with(evidence.EventsName, func([]byte) []byte {
			return lines(func(ls []string) []string { return append(ls[:1:1], ls[2:]...) })
		}).zip(t), nil, evidence.EventsName + " line 2", "deleted"},
		{"the last event dropped", es.with(evidence.EventsName, func([]byte) []byte {
			return lines(func(ls []string) []string { return ls[:len(ls)-1] })
		}).zip(t), nil, evidence.EventsName, "holds no event of document " + f.b},
		{"two events reordered", es.with(evidence.EventsName, func([]byte) []byte {
			return lines(func(ls []string) []string { ls[0], ls[1] = ls[1], ls[0]; return ls })
		}).zip(t), nil, evidence.EventsName + " line 1", "position 2"},
		{"a file added", append(append(entries{}, es...), es[0]).with("", nil).zip(t), nil, es[0].name, "appears twice"},
		{"the signature replaced", es.with(evidence.SignatureName, func([]byte) []byte { return []byte("AAAA\n") }).zip(t), nil, evidence.SignatureName, "does not match"},
		{"another key pinned", archive, signing.Generate().Public(), evidence.ManifestName, "not the key you gave"},
		{"cut short", archive[:len(archive)/2], nil, "zip", "not a readable ZIP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := f.key
			if tc.key != nil {
				key = tc.key
			}
			rep := verify(tc.archive, key)
			for _, p := range rep.Problems {
				if p.Where == tc.where && strings.Contains(p.What, tc.what) {
					return
				}
			}
			t.Errorf("no problem at %q saying %q; the problems: %v", tc.where, tc.what, rep.Problems)
		})
	}

	// Without a pinned key the manifest's own key is used: the archive
	// checks out but the report says the key was not pinned.
	if rep := verify(archive, nil); !rep.OK() || rep.KeyPinned || rep.KeyID != signing.KeyID(f.key) {
		t.Errorf("verify without a key: %+v, want ok, not pinned, key %s", rep, signing.KeyID(f.key))
	}
}
