package documents

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/media"
)

// Content is a file version or a rendition opened for sending: the API's
// content route and the pages' download serve it alike.
type Content struct {
	Body      io.ReadSeekCloser
	Filename  string
	MediaType string
	SHA256    string
	Modified  time.Time
}

// OpenContent opens file version n of document id (0: the newest) for
// rendition "" or "original", or the stamped rendition; the download is
// audited as Open and OpenRendition audit it. The caller closes Body.
func (s *Service) OpenContent(ctx context.Context, actor dossier.User, id string, n int, rendition string) (Content, error) {
	switch rendition {
	case "", "original":
		f, rc, err := s.Open(ctx, actor, id, n)
		if err != nil {
			return Content{}, err
		}
		return Content{Body: rc, Filename: f.Filename, MediaType: f.MediaType, SHA256: f.SHA256, Modified: f.CreatedAt}, nil
	case RenditionStamped:
		r, rc, err := s.OpenRendition(ctx, actor, id, RenditionStamped)
		if err != nil {
			return Content{}, err
		}
		return Content{Body: rc, Filename: "stamped-" + r.DocumentID + ".pdf", MediaType: media.PDF, SHA256: r.SHA256,
			Modified: r.CreatedAt}, nil
	}
	return Content{}, dossier.Errorf(dossier.EInvalid, "rendition=%s: use original or stamped", dossier.Clip(rendition))
}

// Serve answers r with the content and closes it. http.ServeContent
// answers Range, If-Range and If-None-Match against the sha256 ETag;
// disposition is "inline" or "attachment" (a download link saves the file).
func (c Content) Serve(w http.ResponseWriter, r *http.Request, disposition string) {
	defer c.Body.Close()
	h := w.Header()
	h.Set("Content-Type", c.MediaType)
	h.Set("ETag", fmt.Sprintf(`"%s"`, c.SHA256))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": c.Filename}))
	http.ServeContent(w, r, "", c.Modified, c.Body)
}
