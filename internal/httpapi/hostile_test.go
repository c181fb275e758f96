package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"dossier/internal/apptest"
)

// The hostile-input tests (SPEC §15): per endpoint family, a table of the
// inputs an attacker or a broken client sends. Each must get a clear 4xx
// problem, never a 500; and since a recovered panic is also a 500, the log
// is checked too: nothing at error level, no panic, no stack trace.

// hostile is one hostile request and the status it must get.
type hostile struct {
	name   string
	send   send
	status int
	detail string // a word the detail must contain (case-insensitive); "" for any
}

// runHostile sends every case in parallel, then checks the service's log.
func runHostile(t *testing.T, b *bundle, cases []hostile) {
	t.Helper()
	t.Run("cases", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				p := b.RequireProblem(t, tc.send(t, b), tc.status)
				if !strings.Contains(strings.ToLower(p.Detail), strings.ToLower(tc.detail)) {
					t.Errorf("detail %q does not mention %q", p.Detail, tc.detail)
				}
				if len(p.Detail) > 2000 {
					t.Errorf("detail is %d bytes long: a hostile input must not be echoed back whole", len(p.Detail))
				}
			})
		}
	})
	requireCleanLog(t, b.Server)
}

// requireCleanLog fails when the service logged a failed request (a 5xx),
// a panic or a stack trace. Other errors (the job queue's, when a loaded
// machine makes it time out) are not the requests' doing.
func requireCleanLog(t *testing.T, s *apptest.Server) {
	t.Helper()
	log := s.Log.String()
	for _, bad := range []string{`msg="request failed"`, "status=5", "panic", "PANIC", "goroutine ", ".go:"} {
		if strings.Contains(log, bad) {
			t.Errorf("the service log holds %q:\n%s", bad, log)
			return
		}
	}
}

// as sends a request as token with a body of the content type ct ("" for
// application/json; none when body is "") and the extra header pairs.
func as(token *string, method, path, ct, body string, headers ...string) send {
	return func(t *testing.T, b *bundle) *http.Response {
		if ct != "" {
			headers = append([]string{"Content-Type", ct}, headers...)
		}
		if body == "" && ct == "" {
			return b.Do(t, method, path, *token, nil, headers...)
		}
		return b.Do(t, method, path, *token, strings.NewReader(body), headers...)
	}
}

// deepJSON nests n arrays around a string.
func deepJSON(n int) string { return strings.Repeat("[", n) + `"x"` + strings.Repeat("]", n) }

// deepObject nests n objects: {"a":{"a":…}}.
func deepObject(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) }

// long is a string of n letters.
func long(n int) string { return strings.Repeat("x", n) }

// jsonBody formats a JSON body, for readability of the tables.
func jsonBody(format string, args ...any) string { return fmt.Sprintf(format, args...) }
