package blob

import (
	"context"
	"fmt"
	"io"
	"os"
)

// Spool copies the content of sha to a new temporary file in dir, rewound,
// for tools that need a local, seekable file (pdftotext, pdfcpu: over S3
// every seek would be a request). The caller removes it with RemoveTemp.
func Spool(ctx context.Context, s Store, sha, dir string) (*os.File, error) {
	rc, err := s.Open(ctx, sha)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	f, err := os.CreateTemp(dir, "spool-*")
	if err != nil {
		return nil, fmt.Errorf("spool %s: %w", sha, err)
	}
	if _, err := io.Copy(f, rc); err != nil {
		RemoveTemp(f)
		return nil, fmt.Errorf("spool %s: %w", sha, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		RemoveTemp(f)
		return nil, fmt.Errorf("spool %s: %w", sha, err)
	}
	return f, nil
}

// RemoveTemp closes and removes a temporary file.
func RemoveTemp(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}
