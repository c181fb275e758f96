package preview

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// The cache is bounded: once it holds more than its limit, the pages read
// least recently go until it is back under nine tenths of it. A page read is
// marked by its modification time, renewed on a hit at most every
// touchAfter; a page younger than keepFor is never removed, so that an image
// handed to a reader is still there when it is served. The bound is soft by
// that much.
const (
	touchAfter = 5 * time.Minute
	keepFor    = 10 * time.Minute
)

// DefaultCacheBytes is the cache's limit when none is given.
const DefaultCacheBytes = 1 << 30

// touch marks a cached page as read now, unless it was lately.
func touch(path string, fi os.FileInfo) {
	if now := time.Now(); now.Sub(fi.ModTime()) > touchAfter {
		_ = os.Chtimes(path, now, now) // a failure only makes it older than it is
	}
}

// added counts a newly cached page and trims the cache when it is over its
// limit (or not measured yet, as after a start). One trim runs at a time;
// pages cached meanwhile are counted by the next.
func (s *Service) added(path string) {
	fi, err := os.Stat(path)
	if err != nil {
		return
	}
	s.mu.Lock()
	if s.size >= 0 {
		s.size += fi.Size()
	}
	if s.trimming || (s.size >= 0 && s.size <= s.max) {
		s.mu.Unlock()
		return
	}
	s.trimming = true
	s.mu.Unlock()
	size := s.trim()
	s.mu.Lock()
	s.size, s.trimming = size, false
	s.mu.Unlock()
}

// trim removes the pages read least recently until the cache is under nine
// tenths of its limit, and returns its size then.
func (s *Service) trim() int64 {
	type page struct {
		path string
		size int64
		read time.Time
	}
	var pages []page
	var total int64
	_ = filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".png" {
			return nil
		}
		if fi, err := d.Info(); err == nil {
			pages = append(pages, page{path, fi.Size(), fi.ModTime()})
			total += fi.Size()
		}
		return nil
	})
	if total <= s.max {
		return total
	}
	slices.SortFunc(pages, func(a, b page) int { return a.read.Compare(b.read) })
	young := time.Now().Add(-keepFor)
	for _, p := range pages {
		if total <= s.max/10*9 || p.read.After(young) {
			break
		}
		if os.Remove(p.path) == nil {
			total -= p.size
		}
	}
	return total
}
