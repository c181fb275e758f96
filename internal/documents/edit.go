package documents

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"dossier/internal/audit"
	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/store"
	"dossier/internal/workflow"
)

// patchable lists the members a merge patch may change; everything else
// (id, kind, state, version, …) changes only through its own endpoint.
var patchable = []string{"subtype", "title", "number", "customer", "amount", "currency", "dates", "product_codes", "tags", "fields"}

// Patch applies an RFC 7386 JSON merge patch to the metadata of document id,
// if its version is still ifMatch.
func (s *Service) Patch(ctx context.Context, actor dossier.User, id string, ifMatch int, patch []byte, also ...Also) (dossier.Document, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(patch, &members); err != nil {
		return dossier.Document{}, dossier.Errorf(dossier.EInvalid, "the body is not a JSON object: %v", err)
	}
	if members == nil {
		// null would be a merge patch that removes every member.
		return dossier.Document{}, dossier.Errorf(dossier.EInvalid, "the body is null: send a JSON object with the members to change")
	}
	for k := range members {
		if !slices.Contains(patchable, k) {
			return dossier.Document{}, dossier.Errorf(dossier.EUnprocessable,
				"%q cannot be changed with PATCH: only %v can", k, patchable)
		}
	}
	var d dossier.Document
	err := s.store.Write(ctx, func(tx store.Tx) (err error) {
		var def *workflow.Definition
		if d, def, err = s.editable(ctx, tx, id); err != nil {
			return err
		}
		if d.Version != ifMatch {
			return dossier.Errorf(dossier.EPreconditionFailed,
				"document %s is at version %d, not %d: reload it and apply your change again", id, d.Version, ifMatch)
		}
		before := dossier.MetadataOf(d)
		m, err := mergeMetadata(before, patch)
		if err != nil {
			return err
		}
		m = m.Normalize()
		if err := m.Validate(def.Spec()); err != nil {
			return err
		}
		changes := changedFields(before, m)
		if len(changes) == 0 {
			return nil // nothing changes: no new version, nothing to audit
		}
		if err := basisFixed(def, d, changes); err != nil {
			return err
		}
		applyMetadata(&d, m)
		d.Version++
		d.UpdatedAt = s.now().UTC().Truncate(time.Microsecond)
		if err := tx.UpdateDocument(ctx, d, ifMatch); err != nil {
			if dossier.ErrorCode(err) == dossier.EConflict {
				// Lost a race after the version check: to the caller that is
				// a stale If-Match like any other.
				return dossier.Errorf(dossier.EPreconditionFailed, "document %s changed meanwhile: reload it and apply your change again", id)
			}
			return err
		}
		for _, a := range also {
			if err := a(ctx, tx, d); err != nil {
				return err
			}
		}
		if err := audit.Append(ctx, tx, s.now(), audit.Event{
			Actor: actor.ID, Action: "document.edit", DocumentID: d.ID,
			Details: map[string]any{"changes": changes, "version": d.Version},
		}); err != nil {
			return err
		}
		return followup.Queue(ctx, tx, s.now(), followup.Change{What: followup.Edit, Document: d})
	})
	return d, err
}

// basisFixed refuses to change what the DOA levels were decided on once a
// document is no longer being prepared: approvals given for 50,000 EUR must
// not stand for 5,000,000. Returning it (or reopening after a rejection)
// makes these editable again.
func basisFixed(def *workflow.Definition, d dossier.Document, changes map[string]change) error {
	if def.IsPreparing(d.State) {
		return nil
	}
	for _, k := range []string{"amount", "currency", "subtype"} {
		if _, ok := changes[k]; ok {
			return dossier.Errorf(dossier.EConflict, "%s can change only while the document is prepared (%s; it is %s): return or reopen it first",
				k, strings.Join(def.Preparing, ", "), d.State)
		}
	}
	return nil
}

// change is one edited member of the metadata, as the audit trail records
// it: what the document said before and what it says now.
type change struct {
	Old json.RawMessage `json:"old"`
	New json.RawMessage `json:"new"`
}

// changedFields compares the patchable members of two metadata values.
func changedFields(before, after dossier.Metadata) map[string]change {
	var a, b map[string]json.RawMessage
	ja, _ := json.Marshal(before.Normalize())
	jb, _ := json.Marshal(after)
	_ = json.Unmarshal(ja, &a)
	_ = json.Unmarshal(jb, &b)
	out := map[string]change{}
	for _, k := range patchable {
		if !sameJSON(a[k], b[k]) {
			out[k] = change{Old: orNull(a[k]), New: orNull(b[k])}
		}
	}
	return out
}

// sameJSON reports whether two JSON values are equal, null, [] and {} being
// the same empty value.
func sameJSON(x, y json.RawMessage) bool {
	var vx, vy any
	_ = json.Unmarshal(x, &vx)
	_ = json.Unmarshal(y, &vy)
	return reflect.DeepEqual(emptyAsNil(vx), emptyAsNil(vy))
}

func emptyAsNil(v any) any {
	switch t := v.(type) {
	case []any:
		if len(t) == 0 {
			return nil
		}
	case map[string]any:
		if len(t) == 0 {
			return nil
		}
	case string:
		if t == "" {
			return nil
		}
	}
	return v
}

func orNull(v json.RawMessage) json.RawMessage {
	if len(v) == 0 {
		return json.RawMessage("null")
	}
	return v
}

func mergeMetadata(m dossier.Metadata, patch []byte) (dossier.Metadata, error) {
	doc, err := json.Marshal(m)
	if err != nil {
		return m, err
	}
	merged, err := jsonpatch.MergePatch(doc, patch)
	if err != nil {
		return m, dossier.Errorf(dossier.EInvalid, "the merge patch cannot be applied: %v", err)
	}
	var out dossier.Metadata
	if err := json.Unmarshal(merged, &out); err != nil {
		return m, dossier.Errorf(dossier.EUnprocessable, "the patched metadata is not valid: %v", err)
	}
	return out, nil
}

func applyMetadata(d *dossier.Document, m dossier.Metadata) {
	d.Subtype, d.Title, d.Number, d.Customer = m.Subtype, m.Title, m.Number, m.Customer
	d.Amount, d.Currency = dossier.NormalizeAmount(m.Amount), m.Currency
	d.Dates, d.ProductCodes, d.Tags, d.Fields = m.Dates, m.ProductCodes, m.Tags, m.Fields
	// Empty rather than null, so that clients need not tell the two apart.
	if d.Dates == nil {
		d.Dates = map[string]string{}
	}
	if d.ProductCodes == nil {
		d.ProductCodes = []dossier.ProductCode{}
	}
	if d.Tags == nil {
		d.Tags = []string{}
	}
	if len(d.Fields) == 0 || string(d.Fields) == "null" {
		d.Fields = json.RawMessage("{}")
	}
}

// Link records that document id refers to target.
func (s *Service) Link(ctx context.Context, actor dossier.User, id, target string, rel dossier.Relation) (dossier.Link, error) {
	if !slices.Contains(dossier.Relations, rel) {
		return dossier.Link{}, dossier.Errorf(dossier.EUnprocessable, "relation %q is unknown: use one of %v", rel, dossier.Relations)
	}
	if id == target {
		return dossier.Link{}, dossier.Errorf(dossier.EUnprocessable, "a document cannot link to itself")
	}
	l := dossier.Link{DocumentID: id, TargetID: target, Relation: rel, CreatedBy: actor.ID, CreatedAt: s.now().UTC().Truncate(time.Microsecond)}
	err := s.store.Write(ctx, func(tx store.Tx) error {
		d, _, err := s.editable(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Document(ctx, target); err != nil {
			return dossier.Errorf(dossier.EUnprocessable, "target_id %s is not a document", dossier.Clip(target))
		}
		if err := tx.AddLink(ctx, l); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, s.now(), audit.Event{
			Actor: actor.ID, Action: "document.link", DocumentID: id,
			Details: map[string]any{"target_id": target, "relation": rel},
		}); err != nil {
			return err
		}
		return followup.Queue(ctx, tx, s.now(), followup.Change{What: followup.Link, Document: d})
	})
	return l, err
}

// Links returns the links from and to document id.
func (s *Service) Links(ctx context.Context, id string) ([]dossier.Link, error) {
	var links []dossier.Link
	err := s.store.Read(ctx, func(tx store.Tx) (err error) {
		links, err = tx.Links(ctx, id)
		return err
	})
	return links, err
}

// FileInfo returns file version n of document id (0: the newest) without
// reading its bytes, for HEAD; nothing is downloaded, so nothing is audited.
func (s *Service) FileInfo(ctx context.Context, id string, n int) (dossier.FileVersion, error) {
	var f dossier.FileVersion
	err := s.store.Read(ctx, func(tx store.Tx) error {
		d, err := tx.Document(ctx, id)
		if err != nil {
			return err
		}
		if f = d.File; n != 0 && n != f.Version {
			f, err = tx.FileVersion(ctx, id, n)
		}
		return err
	})
	return f, err
}

// Open returns file version n of document id (0: the newest) for reading,
// and records the download in the audit trail.
func (s *Service) Open(ctx context.Context, actor dossier.User, id string, n int) (dossier.FileVersion, io.ReadSeekCloser, error) {
	f, err := s.FileInfo(ctx, id, n)
	if err != nil {
		return f, nil, err
	}
	rc, err := s.blobs.Open(ctx, f.SHA256)
	if err != nil {
		return f, nil, blobError(fmt.Sprintf("open %s version %d", id, f.Version), err)
	}
	// Audited once the bytes can be read: a download the object store
	// could not serve did not happen.
	err = s.store.Write(ctx, func(tx store.Tx) error {
		return audit.Append(ctx, tx, s.now(), audit.Event{
			Actor: actor.ID, Action: "document.download", DocumentID: id, Details: map[string]any{"file_version": f.Version},
		})
	})
	if err != nil {
		rc.Close()
		return f, nil, err
	}
	return f, rc, nil
}

// ReadFile reads at most limit bytes of file version f (from FileInfo) for
// the service's own parsing, such as the MT700 an LC's page shows. No file
// leaves for a user, so no download is audited: a page view recorded as a
// download would be false evidence. What a user gets as a file goes
// through Open, which audits it.
func (s *Service) ReadFile(ctx context.Context, f dossier.FileVersion, limit int64) ([]byte, error) {
	rc, err := s.blobs.Open(ctx, f.SHA256)
	if err != nil {
		return nil, blobError(fmt.Sprintf("read %s version %d", f.DocumentID, f.Version), err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit))
	if err != nil {
		return nil, fmt.Errorf("read %s version %d: %w", f.DocumentID, f.Version, err)
	}
	return b, nil
}
