package preview

import "testing"

func TestParseRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		page, version, width string
		want                 Request
		ok                   bool
		cache                string
	}{
		{"2", "", "", Request{Page: 2}, true, "private, no-cache"},
		{"1", "3", "400", Request{Page: 1, Version: 3, Width: 400}, true, "private, max-age=31536000, immutable"},
		{"0", "", "", Request{}, false, ""},
		{"x", "", "", Request{}, false, ""},
		{"1", "0", "", Request{}, false, ""},
		{"1", "", "-3", Request{}, false, ""},
		{"1", "", "10001", Request{}, false, ""},
		{"1", "1073741825", "", Request{}, false, ""},
	} {
		got, err := ParseRequest(tc.page, tc.version, tc.width)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseRequest(%q, %q, %q) = %+v, %v; want %+v, ok %v", tc.page, tc.version, tc.width, got, err, tc.want, tc.ok)
		}
		if tc.ok && got.CacheControl() != tc.cache {
			t.Errorf("ParseRequest(%q, %q, %q).CacheControl() = %q, want %q", tc.page, tc.version, tc.width, got.CacheControl(), tc.cache)
		}
	}
}
