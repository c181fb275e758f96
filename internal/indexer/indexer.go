// Package indexer feeds the search index: the extract_text job reads the text
// of an uploaded file (pdftotext, a pure-Go fallback, optional OCR) and keeps
// it per file version and page; the index job writes a document's metadata
// and text to the index. Both run from the outbox after the change that
// caused them has committed, so an index outage loses nothing: the jobs are
// retried until the index is back. Reindex rebuilds the whole index.
package indexer

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"dossier/internal/blob"
	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/search"
	"dossier/internal/store"
	"dossier/internal/textract"
)

// Service extracts and indexes.
type Service struct {
	store   store.Store
	blobs   blob.Store
	index   search.Index
	extract *textract.Extractor
	tempDir string
	now     func() time.Time
}

// New returns a Service writing to index.
func New(s store.Store, b blob.Store, index search.Index, x *textract.Extractor, tempDir string, now func() time.Time) *Service {
	return &Service{store: s, blobs: b, index: index, extract: x, tempDir: tempDir, now: now}
}

// Index is the search index the service writes to.
func (s *Service) Index() search.Index { return s.index }

type jobPayload struct {
	DocumentID  string `json:"document_id"`
	FileVersion int    `json:"file_version"`
}

func decode(payload []byte) (jobPayload, error) {
	var p jobPayload
	if err := json.Unmarshal(payload, &p); err != nil || p.DocumentID == "" {
		return p, fmt.Errorf("bad job payload %q", payload)
	}
	return p, nil
}

// ExtractJob extracts the text of one file version, keeps it and queues the
// document's indexing.
func (s *Service) ExtractJob(ctx context.Context, payload []byte) error {
	p, err := decode(payload)
	if err != nil {
		return err
	}
	var f dossier.FileVersion
	err = s.store.Read(ctx, func(tx store.Tx) (err error) {
		f, err = tx.FileVersion(ctx, p.DocumentID, p.FileVersion)
		return err
	})
	if dossier.ErrorCode(err) == dossier.ENotFound {
		return nil // nothing left to extract
	}
	if err != nil {
		return err
	}
	pages, err := s.extractFile(ctx, f)
	if err != nil {
		return fmt.Errorf("extract %s version %d: %w", f.DocumentID, f.Version, err)
	}
	next, _ := json.Marshal(jobPayload{DocumentID: f.DocumentID})
	return s.store.Write(ctx, func(tx store.Tx) error {
		if err := tx.PutText(ctx, f.DocumentID, f.Version, pages); err != nil {
			return err
		}
		return tx.Enqueue(ctx, store.Job{Kind: followup.Index, Payload: next, RunAt: s.now()})
	})
}

// extractFile copies the bytes to a local file for the extraction tools.
func (s *Service) extractFile(ctx context.Context, f dossier.FileVersion) ([]string, error) {
	tmp, err := blob.Spool(ctx, s.blobs, f.SHA256, s.tempDir)
	if err != nil {
		return nil, err
	}
	defer blob.RemoveTemp(tmp)
	return s.extract.Extract(ctx, tmp.Name(), f.MediaType)
}

// IndexJob writes one document to the index.
func (s *Service) IndexJob(ctx context.Context, payload []byte) error {
	p, err := decode(payload)
	if err != nil {
		return err
	}
	return s.IndexDocument(ctx, p.DocumentID)
}

// IndexDocument writes the document's current metadata and the text of its
// newest file version (none yet if extraction has not run) to the index.
//
// Two index jobs of one document may run at once (the upload's and the one
// its extraction queues), and the one that read the older state may write
// last. So after each write the document is read again, and written again
// if it changed meanwhile: the last write to the index is then always
// followed by a read that found what it wrote.
func (s *Service) IndexDocument(ctx context.Context, id string) error {
	cur, err := s.current(ctx, id)
	for range 5 {
		if err != nil {
			return err
		}
		if cur.gone {
			err = s.index.Delete(ctx, id)
		} else {
			err = s.index.Upsert(ctx, Doc(cur.doc, cur.pages))
		}
		if err != nil {
			return err
		}
		var next indexed
		if next, err = s.current(ctx, id); err == nil && next.same(cur) {
			return nil
		}
		cur = next
	}
	return fmt.Errorf("document %s kept changing while it was indexed", id)
}

// indexed is what the index is given of a document.
type indexed struct {
	doc   dossier.Document
	pages []string
	gone  bool
}

// same reports whether i and o would be written alike: the same document
// version, file version and text.
func (i indexed) same(o indexed) bool {
	return i.gone == o.gone && i.doc.Version == o.doc.Version && i.doc.File.Version == o.doc.File.Version &&
		(i.pages == nil) == (o.pages == nil) && len(i.pages) == len(o.pages)
}

// current reads the document and the text of its newest file version.
func (s *Service) current(ctx context.Context, id string) (indexed, error) {
	var cur indexed
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		if cur.doc, err = tx.Document(ctx, id); err != nil {
			return err
		}
		cur.pages, err = tx.Text(ctx, id, cur.doc.File.Version)
		if dossier.ErrorCode(err) == dossier.ENotFound {
			return nil // indexed again once the text is extracted
		}
		return err
	})
	if dossier.ErrorCode(err) == dossier.ENotFound {
		return indexed{gone: true}, nil
	}
	return cur, err
}

// Doc is a document as the index sees it.
func Doc(d dossier.Document, pages []string) search.Doc {
	date := d.ListDate()
	fields := map[string]string{}
	var raw map[string]any
	if json.Unmarshal(d.Fields, &raw) == nil {
		for k, v := range raw {
			if s, ok := v.(string); ok {
				fields[k] = s
			}
		}
	}
	// Product codes are found by either number, the customer's or ours.
	var codes []string
	for _, pc := range d.ProductCodes {
		codes = append(codes, pc.GPN, pc.LPN)
	}
	if len(codes) > 0 {
		fields["product_codes"] = strings.Join(codes, " ")
	}
	return search.Doc{
		ID: d.ID, Kind: string(d.Kind), Subtype: d.Subtype, State: d.State, Title: d.Title, Number: d.Number,
		Customer: d.Customer, Amount: d.Amount, Currency: d.Currency, Date: date, Dates: d.Dates, Tags: d.Tags,
		Fields: fields, Pages: pages, UpdatedAt: d.UpdatedAt,
	}
}
