package swift

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"dossier/internal/swift/swifttest"
)

// FuzzParse feeds Parse the shared samples and their mutations: it must
// never panic, and every answer must keep the invariants below.
func FuzzParse(f *testing.F) {
	if dir, ok := swifttest.Find(); ok {
		files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(b))
		}
	} else if os.Getenv("CI") == "true" {
		f.Fatal("shared/testdata/mt700 not found beside any parent of the package directory")
	}
	for _, s := range []string{credit700, printout700, details700, amendment707, details707, minimal700} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkInvariants(t, text)
	})
}

var decimalRe = regexp.MustCompile(`^\d+\.\d{2,}$`)

// checkInvariants parses text and checks what holds for any input.
func checkInvariants(t *testing.T, text string) {
	t.Helper()
	m, err := Parse(text)
	if err != nil {
		if !errors.Is(err, ErrUnreadable) {
			t.Fatalf("error %v does not wrap ErrUnreadable", err)
		}
		if !reflect.DeepEqual(m, Message{}) {
			t.Fatalf("an error comes with a message: %+v", m)
		}
		return
	}
	if (m.MessageType != "700" || m.Amendment != nil) && (m.MessageType != "707" || m.Amendment == nil) {
		t.Fatalf("type %q with amendment %v", m.MessageType, m.Amendment)
	}
	if m.LC == nil || len(m.Fields) == 0 || m.Errors == nil || m.Warnings == nil {
		t.Fatalf("lc %v, %d fields, errors %v, warnings %v", m.LC, len(m.Fields), m.Errors, m.Warnings)
	}
	last := 0
	for _, f := range m.Fields {
		if f.Tag == "" || f.Line <= last {
			t.Fatalf("field %+v after line %d", f, last)
		}
		last = f.Line
	}
	for _, p := range m.Errors {
		if p.Tag == "" || p.Message == "" {
			t.Fatalf("error without a tag or a message: %+v", p)
		}
	}
	for _, p := range m.Warnings {
		if p.Message == "" {
			t.Fatalf("warning without a message: %+v", p)
		}
	}
	amounts := []Decimal{m.LC.Amount}
	if a := m.Amendment; a != nil {
		for _, money := range []*Money{a.Increase, a.Decrease, a.NewAmount} {
			if money != nil {
				amounts = append(amounts, money.Amount)
			}
		}
	}
	for _, a := range amounts {
		if a != "" && !decimalRe.MatchString(string(a)) {
			t.Fatalf("amount %q is not an exact decimal", a)
		}
	}
	if _, err := json.Marshal(m); err != nil {
		t.Fatalf("marshal: %v", err)
	}
}
