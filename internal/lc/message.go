package lc

import (
	"context"
	"fmt"
	"io"
	"strings"

	"dossier/internal/dossier"
	"dossier/internal/swift"
)

// Message is the MT700 of LC document id as the bank wrote it: the first
// file version, when it is the message text the LC was created from. It is
// nil when the LC was uploaded as a PDF (and perhaps filled from a message
// that was not kept). Reading it is a download of that file, audited.
func (s *Service) Message(ctx context.Context, actor dossier.User, id string) (*swift.Message, error) {
	f, err := s.docs.FileInfo(ctx, id, 1)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(f.MediaType, "text/plain") || f.Size > MaxMessage {
		return nil, nil
	}
	_, rc, err := s.docs.Open(ctx, actor, id, 1)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	text, err := io.ReadAll(io.LimitReader(rc, MaxMessage))
	if err != nil {
		return nil, fmt.Errorf("read the message of LC %s: %w", id, err)
	}
	m, err := Parse(text)
	if err != nil || m.MessageType != "700" {
		return nil, nil // a text file that is no MT700: an LC without its message
	}
	return &m, nil
}
