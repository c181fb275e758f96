package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"dossier/internal/dossier"
)

// Record is the metadata of one file, from a sidecar: a row of the CSV or
// JSON Lines file, or the file's own NAME.EXT.json.
type Record struct {
	// File is the file's path relative to the directory imported, with
	// forward slashes; a per-file sidecar leaves it out.
	File string `json:"file"`
	dossier.Metadata
	// State is where the document starts: the kind's initial state when
	// empty, or a final (immutable) one such as archived.
	State string `json:"state"`
	// ArchivedAt is when an archived document was archived (YYYY-MM-DD or
	// RFC 3339); the file's modification time when empty.
	ArchivedAt string `json:"archived_at"`
}

// csvColumns are the columns a CSV sidecar may have besides dates.NAME.
var csvColumns = []string{"file", "kind", "subtype", "title", "number", "customer", "amount", "currency",
	"tags", "product_codes", "fields", "state", "archived_at"}

// readSidecar reads a CSV (.csv) or JSON Lines (.jsonl, .ndjson) file of
// records, keyed by file. Anything it cannot read stops the import before
// it starts: a half-understood sidecar would load wrong metadata.
func readSidecar(name string) (map[string]Record, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var recs []Record
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		recs, err = readCSV(f)
	case ".jsonl", ".ndjson":
		recs, err = readJSONL(f)
	default:
		return nil, fmt.Errorf("%s: use a .csv or a .jsonl file", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := make(map[string]Record, len(recs))
	for i, r := range recs {
		key, err := cleanPath(r.File)
		if err != nil {
			return nil, fmt.Errorf("%s: record %d: %w", name, i+1, err)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("%s: record %d: %s is listed twice", name, i+1, key)
		}
		r.File = key
		out[key] = r
	}
	return out, nil
}

// cleanPath checks a path from a sidecar: relative, inside the directory.
func cleanPath(p string) (string, error) {
	if p == "" {
		return "", errors.New(`"file" is empty: name the file, relative to the directory`)
	}
	c := path.Clean(filepath.ToSlash(p))
	if path.IsAbs(c) || c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("file %q: give a path inside the directory imported", p)
	}
	return c, nil
}

func readJSONL(r io.Reader) ([]Record, error) {
	var out []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var rec Record
		if err := decodeStrict(line, &rec); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, rec)
	}
	return out, sc.Err()
}

// decodeStrict decodes one JSON object, refusing members it does not know.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

func readCSV(r io.Reader) ([]Record, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read the header: %w", err)
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) // a spreadsheet's byte order mark
		if !slices.Contains(csvColumns, header[i]) && !strings.HasPrefix(header[i], "dates.") {
			return nil, fmt.Errorf("unknown column %q: use %s or dates.NAME", header[i], strings.Join(csvColumns, ", "))
		}
	}
	if !slices.Contains(header, "file") {
		return nil, errors.New(`no "file" column`)
	}
	var out []Record
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		rec, err := csvRecord(header, row)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, rec)
	}
}

// csvRecord reads one row: tags are separated by semicolons, product_codes
// and fields are JSON.
func csvRecord(header, row []string) (Record, error) {
	var r Record
	m := &r.Metadata
	text := map[string]*string{"file": &r.File, "kind": (*string)(&m.Kind), "subtype": &m.Subtype, "title": &m.Title,
		"number": &m.Number, "customer": &m.Customer, "amount": &m.Amount, "currency": &m.Currency,
		"state": &r.State, "archived_at": &r.ArchivedAt}
	for i, col := range header {
		v := strings.TrimSpace(row[i])
		switch {
		case text[col] != nil:
			*text[col] = v
		case col == "tags":
			for t := range strings.SplitSeq(v, ";") {
				if t = strings.TrimSpace(t); t != "" {
					m.Tags = append(m.Tags, t)
				}
			}
		case col == "product_codes" && v != "":
			if err := decodeStrict([]byte(v), &m.ProductCodes); err != nil {
				return r, fmt.Errorf("product_codes: a JSON list of {\"gpn\",\"lpn\"}: %w", err)
			}
		case col == "fields" && v != "":
			m.Fields = json.RawMessage(v)
		case strings.HasPrefix(col, "dates.") && v != "":
			if m.Dates == nil {
				m.Dates = map[string]string{}
			}
			m.Dates[strings.TrimPrefix(col, "dates.")] = v
		}
	}
	return r, nil
}

// file is one file of the directory imported.
type file struct {
	rel     string // with forward slashes
	abs     string
	modTime time.Time
}

// listFiles returns the files under dir to import, in path order: regular
// files whose names do not start with a dot, minus the per-file sidecars
// (NAME.EXT.json beside NAME.EXT) and the file skip (the sidecar of all).
func listFiles(dir, skip string) ([]file, map[string]bool, error) {
	var all []file
	names := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if skip != "" && sameFile(p, skip) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		f := file{rel: filepath.ToSlash(rel), abs: p, modTime: info.ModTime()}
		names[f.rel] = true
		all = append(all, f)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sidecars := map[string]bool{}
	var out []file
	for _, f := range all {
		if stem, ok := strings.CutSuffix(f.rel, ".json"); ok && names[stem] {
			sidecars[stem] = true
			continue
		}
		out = append(out, f)
	}
	return out, sidecars, nil
}

func sameFile(a, b string) bool {
	ia, err1 := os.Stat(a)
	ib, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ia, ib)
}

// readOwnSidecar reads NAME.EXT.json.
func readOwnSidecar(abs string) (Record, error) {
	var r Record
	b, err := os.ReadFile(abs + ".json")
	if err != nil {
		return r, err
	}
	if err := decodeStrict(b, &r); err != nil {
		return r, fmt.Errorf("%s.json: %w", filepath.Base(abs), err)
	}
	return r, nil
}

// parseWhen reads a date (midnight UTC) or an RFC 3339 time.
func parseWhen(raw string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
		if t, err := time.Parse(layout, raw); err == nil {
			return t, nil
		}
	}
	return time.Time{}, dossier.Errorf(dossier.EUnprocessable, "archived_at %s: use a date (2016-12-31) or an RFC 3339 time", dossier.Clip(raw))
}
