// Package lc makes letters of credit from the bank's own SWIFT messages: it
// reads an MT700 with the swift package and creates the LC document from it,
// or fills an LC that was uploaded as a PDF. One credit (its number at its
// issuing bank) is one document.
package lc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"dossier/internal/documents"
	"dossier/internal/dossier"
	"dossier/internal/store"
	"dossier/internal/swift"
	"dossier/internal/workflow"
)

// MaxMessage is the largest message text accepted: an MT700 is at most
// about 10,000 characters; exports with their banners stay far below this.
const MaxMessage = 1 << 20

// Service turns SWIFT messages into LC documents.
type Service struct {
	// Now is the clock the register counts days from (time.Now unless a
	// test sets it before first use).
	Now func() time.Time

	docs  *documents.Service
	store store.Store
	defs  *workflow.Set
}

// New returns a Service creating documents through docs; now is the clock
// the register counts days from.
func New(docs *documents.Service, s store.Store, defs *workflow.Set, now func() time.Time) *Service {
	return &Service{Now: now, docs: docs, store: s, defs: defs}
}

// Read is the parsed message and, once created or filled, its document.
type Read struct {
	swift.Message
	Document *dossier.Document
}

// Parse reads text as an MT700 or MT707; a text that is neither is 422.
func Parse(text []byte) (swift.Message, error) {
	if len(text) > MaxMessage {
		return swift.Message{}, dossier.Errorf(dossier.ETooLarge, "the message is over %d bytes: send one MT700 or MT707", MaxMessage)
	}
	m, err := swift.Parse(string(text))
	if errors.Is(err, swift.ErrUnreadable) {
		return m, dossier.Errorf(dossier.EUnprocessable, "%s", err.Error())
	}
	return m, err
}

// Create makes the LC document an MT700 describes, with the message itself
// as its file (text/plain, so that it is searched). The same credit number
// from the same issuing bank twice is a conflict naming the document.
func (s *Service) Create(ctx context.Context, actor dossier.User, text []byte) (Read, error) {
	m, err := Parse(text)
	if err != nil {
		return Read{Message: m}, err
	}
	md, err := Metadata(m)
	if err != nil {
		return Read{Message: m}, err
	}
	f, err := s.docs.Stage(ctx, bytes.NewReader(text), fileName(md.Number))
	if err != nil {
		return Read{Message: m}, err
	}
	d, err := s.docs.Create(ctx, actor, md, f, s.claim(m))
	if err != nil {
		s.docs.Discard(ctx, f)
		return Read{Message: m}, err
	}
	return Read{Message: m, Document: &d}, nil
}

// Fill sets the metadata of LC document id, uploaded as a PDF, from an MT700.
func (s *Service) Fill(ctx context.Context, actor dossier.User, id string, text []byte) (Read, error) {
	m, err := Parse(text)
	if err != nil {
		return Read{Message: m}, err
	}
	md, err := Metadata(m)
	if err != nil {
		return Read{Message: m}, err
	}
	var d dossier.Document
	err = s.store.Read(ctx, func(tx store.Tx) (err error) {
		d, err = tx.Document(ctx, id)
		return err
	})
	if err != nil {
		return Read{Message: m}, err
	}
	if d.Kind != dossier.KindLetterOfCredit {
		return Read{Message: m}, dossier.Errorf(dossier.EUnprocessable, "document %s is a %s, not a letter_of_credit", id, d.Kind)
	}
	patch, err := fillPatch(md)
	if err != nil {
		return Read{Message: m}, err
	}
	d, err = s.docs.Patch(ctx, actor, id, d.Version, patch, s.claim(m))
	if err != nil {
		return Read{Message: m}, err
	}
	return Read{Message: m, Document: &d}, nil
}

// claim records, in the transaction that creates or fills the LC, that the
// credit's number at its bank is this document's.
func (s *Service) claim(m swift.Message) documents.Also {
	key := bankKey(m) + "|" + strings.ToUpper(strings.TrimSpace(string(m.LC.Number)))
	return func(ctx context.Context, tx store.Tx, d dossier.Document) error {
		return tx.ClaimLCNumber(ctx, key, d.ID)
	}
}

// fillPatch is the merge patch that sets an uploaded LC's metadata to md.
func fillPatch(md dossier.Metadata) ([]byte, error) {
	patch, err := json.Marshal(map[string]any{"subtype": md.Subtype, "number": md.Number, "customer": md.Customer,
		"amount": md.Amount, "currency": md.Currency, "dates": md.Dates, "fields": md.Fields})
	if err != nil {
		return nil, fmt.Errorf("encode the LC's metadata: %w", err)
	}
	return patch, nil
}

func fileName(number string) string {
	safe := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' {
			return '-'
		}
		return r
	}, number)
	return fmt.Sprintf("MT700 %s.txt", safe)
}
