//go:build linux

package textract

import (
	"strings"
	"testing"
)

// The tools run at a lower priority than the service: a burst of uploads is
// served before the extraction of the files it brought.
func TestToolsRunAtLowerPriority(t *testing.T) {
	// The stand-in waits so that the priority is set before it reads it;
	// field 19 of /proc/<pid>/stat is the nice value.
	tool := script(t, "pdftotext", "sleep 0.3; cut -d' ' -f19 /proc/$$/stat\n")
	out, err := New(false, t.TempDir()).run(t.Context(), tool)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "10" {
		t.Fatalf("the tool ran at nice %q, want 10", got)
	}
}
