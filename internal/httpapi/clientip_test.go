package httpapi_test

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"dossier/internal/apptest"
	"dossier/internal/config"
)

// signInFrom tries a wrong password for username, with X-Forwarded-For xff
// when not "", and returns the status.
func signInFrom(t *testing.T, s *apptest.Server, username, xff string) int {
	t.Helper()
	headers := []string{"Content-Type", "application/json"}
	if xff != "" {
		headers = append(headers, "X-Forwarded-For", xff)
	}
	resp := s.Do(t, http.MethodPost, "/api/v1/session", "",
		strings.NewReader(fmt.Sprintf(`{"username":%q,"password":"wrong"}`, username)), headers...)
	s.Body(t, resp)
	return resp.StatusCode
}

func embedded(t *testing.T) config.Config {
	t.Helper()
	for _, b := range apptest.Backends() {
		if b.Name == "embedded" {
			return b.Config(t)
		}
	}
	t.Fatal("no embedded backend in apptest.Backends")
	return config.Config{}
}

// TestClientAddressIgnoresForwardedForByDefault: without trusted proxies a
// client cannot escape the limit of a user name at its address by sending
// X-Forwarded-For.
func TestClientAddressIgnoresForwardedForByDefault(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t, embedded(t))
	for i := range 10 {
		if got := signInFrom(t, s, "victim", fmt.Sprintf("203.0.113.%d", i)); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i, got)
		}
	}
	if got := signInFrom(t, s, "victim", "198.51.100.1"); got != http.StatusTooManyRequests {
		t.Errorf("11th failure from the same peer under a new X-Forwarded-For: status %d, want 429", got)
	}
}

// TestClientAddressFromTrustedProxy: behind a trusted proxy the client is the
// right-most X-Forwarded-For address, so clients are limited one by one and
// an address a client prepends itself does not count.
func TestClientAddressFromTrustedProxy(t *testing.T) {
	t.Parallel()
	c := embedded(t)
	_, loopback, _ := net.ParseCIDR("127.0.0.0/8") // the test client's peer address: the "proxy"
	c.TrustedProxies = []*net.IPNet{loopback}
	s := apptest.Start(t, c)
	for i := range 10 {
		// The proxy appends the real client; whatever the client sent stays on the left.
		xff := fmt.Sprintf("198.51.100.%d, 203.0.113.7", i)
		if got := signInFrom(t, s, "someone-else", xff); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i, got)
		}
	}
	for _, tc := range []struct {
		xff  string
		want int
	}{
		{"203.0.113.7", http.StatusTooManyRequests},
		{"192.0.2.99, 203.0.113.7", http.StatusTooManyRequests},
		{"203.0.113.8", http.StatusUnauthorized},
		{"203.0.113.7, 203.0.113.9", http.StatusUnauthorized},
	} {
		if got := signInFrom(t, s, "someone-else", tc.xff); got != tc.want {
			t.Errorf("X-Forwarded-For %q: status %d, want %d", tc.xff, got, tc.want)
		}
	}
}
