package preview

import (
	"strconv"

	"dossier/internal/dossier"
)

// Request is what a page image is asked for by: the page from 1, the file
// version (0: the newest) and the width (0: DefaultWidth).
type Request struct {
	Page, Version, Width int
}

// The bounds of a request's numbers.
const (
	maxVersion = 1 << 30
	maxWidth   = 10000
)

// ParseRequest reads a page image request: the page of the path, and the
// version and width of the query ("" when absent). The API's route and the
// pages' read them alike.
func ParseRequest(page, version, width string) (Request, error) {
	n, err := strconv.Atoi(page)
	if err != nil || n < 1 {
		return Request{}, dossier.Errorf(dossier.EInvalid, "page %s: use a page number from 1", dossier.Clip(page))
	}
	r := Request{Page: n}
	for _, q := range []struct {
		name, raw string
		max       int
		to        *int
	}{{"version", version, maxVersion, &r.Version}, {"width", width, maxWidth, &r.Width}} {
		if q.raw == "" {
			continue
		}
		v, err := strconv.Atoi(q.raw)
		if err != nil || v < 1 || v > q.max {
			return Request{}, dossier.Errorf(dossier.EInvalid, "%s=%s: use a whole number from 1 to %d", q.name, dossier.Clip(q.raw), q.max)
		}
		*q.to = v
	}
	return r, nil
}

// CacheControl is how long the image may be kept: a page of a named
// version never changes, so for good; the newest version's may.
func (r Request) CacheControl() string {
	if r.Version != 0 {
		return "private, max-age=31536000, immutable"
	}
	return "private, no-cache"
}
