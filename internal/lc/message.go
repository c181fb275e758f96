package lc

import (
	"context"
	"fmt"
	"strings"

	"dossier/internal/swift"
)

// message is the MT700 of LC document id as the bank wrote it: its first
// file version, when that is the message text the LC was created from. An
// LC uploaded as a PDF (perhaps filled from a message that was not kept)
// has none: ok is false.
func (s *Service) message(ctx context.Context, id string) (m swift.Message, ok bool, err error) {
	f, err := s.docs.FileInfo(ctx, id, 1)
	if err != nil {
		return m, false, err
	}
	if !strings.HasPrefix(f.MediaType, "text/plain") || f.Size > MaxMessage {
		return m, false, nil
	}
	// Parsed for the page, not handed over as a file: no download to audit.
	text, err := s.docs.ReadFile(ctx, f, MaxMessage)
	if err != nil {
		return m, false, fmt.Errorf("read the message of LC %s: %w", id, err)
	}
	// A text file that is no MT700 is an LC without its message, not an error.
	if m, err = Parse(text); err != nil || m.MessageType != "700" {
		return swift.Message{}, false, nil
	}
	return m, true, nil
}
