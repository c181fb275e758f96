package indexer

import (
	"context"
	"fmt"

	"dossier/internal/dossier"
	"dossier/internal/store"
)

// reindexCursor is the setting that remembers the last document reindexed,
// so that an interrupted reindex goes on where it stopped.
const reindexCursor = "reindex.after"

// reindexBatch is how many documents are read per transaction; the cursor
// is saved after each batch, so an interruption repeats at most one batch.
const reindexBatch = 50

// Reindex writes every document to the index, oldest first. It resumes after
// the last document a previous, interrupted run finished, unless restart is
// set; progress is called after each document with the count done and the
// count still to go at the start (for a progress bar).
func (s *Service) Reindex(ctx context.Context, restart bool, progress func(done, total int)) error {
	after := ""
	total := 0
	err := s.store.Write(ctx, func(tx store.Tx) (err error) {
		if restart {
			if err := tx.SetSetting(ctx, reindexCursor, ""); err != nil {
				return err
			}
		}
		if after, err = tx.Setting(ctx, reindexCursor); err != nil {
			return err
		}
		total, err = tx.CountDocumentsAfter(ctx, after)
		return err
	})
	if err != nil {
		return err
	}
	done := 0
	for {
		var ids []string
		err := s.store.Read(ctx, func(tx store.Tx) (err error) {
			ids, err = tx.DocumentIDsAfter(ctx, after, reindexBatch)
			return err
		})
		if err != nil || len(ids) == 0 {
			return err
		}
		for _, id := range ids {
			if err := s.reindexOne(ctx, id); err != nil {
				return fmt.Errorf("reindex %s: %w", id, err)
			}
			after = id
			done++
			progress(done, total)
		}
		if err := s.store.Write(ctx, func(tx store.Tx) error { return tx.SetSetting(ctx, reindexCursor, after) }); err != nil {
			return err
		}
	}
}

// reindexOne extracts the text first when it was never extracted.
func (s *Service) reindexOne(ctx context.Context, id string) error {
	var f dossier.FileVersion
	missing := false
	err := s.store.Read(ctx, func(tx store.Tx) error {
		d, err := tx.Document(ctx, id)
		if err != nil {
			return err
		}
		f = d.File
		_, err = tx.Text(ctx, id, f.Version)
		missing = dossier.ErrorCode(err) == dossier.ENotFound
		if missing {
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	if missing {
		pages, err := s.extractFile(ctx, f)
		if err != nil {
			return err
		}
		if err := s.store.Write(ctx, func(tx store.Tx) error { return tx.PutText(ctx, id, f.Version, pages) }); err != nil {
			return err
		}
	}
	return s.IndexDocument(ctx, id)
}
