// Package importer loads an existing archive: every file of a directory
// becomes a document, with its metadata from a CSV or JSON Lines sidecar or
// from a NAME.EXT.json beside it, several files at a time. A run that was
// interrupted is resumed by running it again: a file whose bytes and number
// are already in (the same SHA-256 and number) is skipped, and each
// document is made in one transaction, so none is ever half in.
package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"dossier/internal/documents"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

// Options say what to import and how.
type Options struct {
	Dir      string
	Metadata string       // a .csv or .jsonl sidecar; "" for none
	Kind     dossier.Kind // for files whose metadata names no kind
	State    string       // for files whose metadata names no state; "" for the initial one
	Actor    dossier.User // who imports; the zero user is the command line
	Workers  int          // files imported at once; 0 for one per CPU
	// Progress is told how many files are done of how many; nil for none.
	// It is called from one goroutine at a time.
	Progress func(done, total int)
}

// Report is what a run did.
type Report struct {
	Files    int       // files found (and listed in the sidecar but missing)
	Imported int       // documents made
	Skipped  int       // already in: the same bytes and number
	Failed   []Failure // in path order
	// NotDone counts the files an interruption left untouched.
	NotDone int
	Elapsed time.Duration
}

// Failure is a file that could not be imported, and why.
type Failure struct {
	Path   string
	Reason string
}

// Importer makes documents through the document service.
type Importer struct {
	docs  *documents.Service
	store store.Store
}

// New returns an Importer.
func New(docs *documents.Service, s store.Store) *Importer {
	return &Importer{docs: docs, store: s}
}

// run is one Run's shared state.
type run struct {
	*Importer
	opt      Options
	sidecars map[string]bool
	mu       sync.Mutex
	rep      Report
	seen     map[string]bool // sha256 and number of the files of this run
	done     int
}

// Run imports the directory. An error means the run could not start (the
// directory or the sidecar cannot be read); each file's failure is in the
// report, and the other files go on.
func (im *Importer) Run(ctx context.Context, opt Options) (Report, error) {
	start := time.Now()
	if opt.Workers <= 0 {
		opt.Workers = runtime.NumCPU()
	}
	var records map[string]Record
	if opt.Metadata != "" {
		var err error
		if records, err = readSidecar(opt.Metadata); err != nil {
			return Report{}, err
		}
	}
	files, sidecars, err := listFiles(opt.Dir, opt.Metadata)
	if err != nil {
		return Report{}, fmt.Errorf("read %s: %w", opt.Dir, err)
	}
	r := &run{Importer: im, opt: opt, sidecars: sidecars, seen: map[string]bool{}}
	r.rep.Files = len(files)
	found := make(map[string]bool, len(files))
	for _, f := range files {
		found[f.rel] = true
	}
	for key := range records {
		if !found[key] {
			r.rep.Files++
			r.rep.Failed = append(r.rep.Failed, Failure{Path: key, Reason: "listed in " + path.Base(opt.Metadata) + " but not found"})
		}
	}
	r.done = len(r.rep.Failed)
	g := new(errgroup.Group)
	g.SetLimit(opt.Workers)
	for _, f := range files {
		if ctx.Err() != nil {
			break
		}
		rec, listed := records[f.rel]
		g.Go(func() error {
			r.finish(ctx, f, r.importFile(ctx, f, rec, listed))
			return nil
		})
	}
	_ = g.Wait() // the goroutines report through r, never by error
	r.rep.NotDone = r.rep.Files - r.rep.Imported - r.rep.Skipped - len(r.rep.Failed)
	slices.SortFunc(r.rep.Failed, func(a, b Failure) int { return strings.Compare(a.Path, b.Path) })
	r.rep.Elapsed = time.Since(start)
	return r.rep, ctx.Err()
}

// outcome of one file.
type outcome int

const (
	imported outcome = iota
	skipped
)

// result is what became of one file: an outcome, or why it failed.
type result struct {
	outcome outcome
	err     error
}

func (r *run) finish(ctx context.Context, f file, res result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case res.err != nil && ctx.Err() != nil:
		return // interrupted, not failed: the next run does it
	case res.err != nil:
		r.rep.Failed = append(r.rep.Failed, Failure{Path: f.rel, Reason: reason(res.err)})
	case res.outcome == skipped:
		r.rep.Skipped++
	default:
		r.rep.Imported++
	}
	r.done++
	if r.opt.Progress != nil {
		r.opt.Progress(r.done, r.rep.Files)
	}
}

// reason is an error as an operator reads it: a refusal's own message,
// or the error.
func reason(err error) string {
	var de *dossier.Error
	if errors.As(err, &de) {
		return dossier.ErrorMessage(err)
	}
	return err.Error()
}

func (r *run) importFile(ctx context.Context, f file, rec Record, listed bool) result {
	m, o, err := r.metadata(f, rec, listed)
	if err != nil {
		return result{err: err}
	}
	m, def, err := r.docs.CheckMetadata(m)
	if err != nil {
		return result{err: err}
	}
	if o.ArchivedAt.IsZero() && def.IsImmutable(o.State) {
		o.ArchivedAt = f.modTime // the file's own date, when the metadata gives none
	}
	sha, err := hashFile(f.abs)
	if err != nil {
		return result{err: err}
	}
	key := sha + "\x00" + m.Number
	if in, err := r.claim(ctx, key, sha, m.Number); err != nil || in {
		return result{outcome: skipped, err: err}
	}
	if err := r.create(ctx, f, m, o); err != nil {
		r.release(key)
		return result{err: err}
	}
	return result{outcome: imported}
}

// create stores the file and makes its document.
func (r *run) create(ctx context.Context, f file, m dossier.Metadata, o documents.ImportOptions) error {
	fh, err := os.Open(f.abs)
	if err != nil {
		return err
	}
	defer fh.Close()
	staged, err := r.docs.Stage(ctx, fh, path.Base(f.rel))
	if err != nil {
		return err
	}
	if _, err := r.docs.Import(ctx, r.opt.Actor, m, staged, o); err != nil {
		r.docs.Discard(ctx, staged)
		return err
	}
	return nil
}

// metadata merges a file's record (from the sidecar of all, else its own
// sidecar) with the run's defaults.
func (r *run) metadata(f file, rec Record, listed bool) (dossier.Metadata, documents.ImportOptions, error) {
	o := documents.ImportOptions{Source: f.rel}
	if !listed && r.sidecars[f.rel] {
		var err error
		if rec, err = readOwnSidecar(f.abs); err != nil {
			return rec.Metadata, o, err
		}
	}
	m := rec.Metadata
	if m.Kind == "" {
		m.Kind = r.opt.Kind
	}
	if strings.TrimSpace(m.Title) == "" {
		base := path.Base(f.rel)
		m.Title = strings.TrimSuffix(base, path.Ext(base))
	}
	o.State = rec.State
	if o.State == "" {
		o.State = r.opt.State
	}
	if rec.ArchivedAt != "" {
		at, err := parseWhen(rec.ArchivedAt)
		if err != nil {
			return m, o, err
		}
		o.ArchivedAt = at
	}
	return m, o, nil
}

// claim reports whether a document with these bytes and this number is
// already in, or is being imported by this run (the same file twice); key
// names the pair.
func (r *run) claim(ctx context.Context, key, sha, number string) (bool, error) {
	r.mu.Lock()
	dup := r.seen[key]
	r.seen[key] = true
	r.mu.Unlock()
	if dup {
		return true, nil
	}
	var in bool
	err := r.store.Read(ctx, func(tx store.Tx) error {
		docs, err := tx.DocumentsUsingBlob(ctx, sha)
		in = slices.ContainsFunc(docs, func(d dossier.Document) bool { return d.Number == number })
		return err
	})
	return in, err
}

// release forgets a claim whose import failed, so that a copy of the same
// file may still be tried.
func (r *run) release(key string) {
	r.mu.Lock()
	delete(r.seen, key)
	r.mu.Unlock()
}

// hashFile returns the SHA-256 of a file, read once.
func hashFile(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
