package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/lc"
	"dossier/internal/swift"
)

// readMT700 answers POST /letters-of-credit/mt700: the parsed message, and
// with ?create=true the LC made from it, with ?document_id=ID that LC filled.
func (h *handlers) readMT700(c echo.Context) error {
	create, documentID := c.QueryParam("create"), c.QueryParam("document_id")
	switch {
	case create != "" && create != "true" && create != "false":
		return dossier.Errorf(dossier.EInvalid, "create: use true or false, not %s", dossier.Clip(create))
	case create == "true" && documentID != "":
		return dossier.Errorf(dossier.EInvalid, "give create=true (a new LC) or document_id (fill an uploaded one), not both")
	}
	text, err := messageText(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	switch {
	case create == "true":
		r, err := h.LC.Create(ctx, u, text)
		if err != nil {
			return err
		}
		return h.mt700Response(c, http.StatusCreated, u, r)
	case documentID != "":
		r, err := h.LC.Fill(ctx, u, documentID, text)
		if err != nil {
			return err
		}
		return h.mt700Response(c, http.StatusOK, u, r)
	}
	m, err := lc.Parse(text)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, mt700View{Message: m})
}

// mt700View is the parsed message and the document made or filled from it.
type mt700View struct {
	swift.Message
	Document *documentView `json:"document,omitempty"`
}

func (h *handlers) mt700Response(c echo.Context, status int, u dossier.User, r lc.Read) error {
	events, err := h.Engine.Allowed(c.Request().Context(), u, *r.Document)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(r.Document.Version))
	return c.JSON(status, mt700View{Message: r.Message, Document: &documentView{Document: *r.Document, AllowedEvents: events}})
}

var messageTooLarge = dossier.Errorf(dossier.ETooLarge, "the message is over %d bytes: send one MT700 or MT707", lc.MaxMessage)

// messageText reads the message from a text body or a multipart part "file".
func messageText(c echo.Context) ([]byte, error) {
	req := c.Request()
	mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	body := io.Reader(http.MaxBytesReader(c.Response(), req.Body, lc.MaxMessage+multipartSlack))
	switch {
	case mt == "multipart/form-data":
		mr, err := req.MultipartReader()
		if err != nil {
			return nil, dossier.Errorf(dossier.EInvalid, "the multipart body cannot be read: send one part \"file\"")
		}
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil, dossier.Errorf(dossier.EInvalid, "the part \"file\" with the message is missing")
			}
			if err != nil {
				return nil, dossier.Errorf(dossier.EInvalid, "the multipart body broke off: %v", err)
			}
			if p.FormName() == "file" {
				body = p
				break
			}
		}
	case mt == "" || strings.HasPrefix(mt, "text/") || mt == "application/octet-stream":
	default:
		return nil, dossier.Errorf(dossier.EUnsupportedMedia, "send the message as text/plain, or as the part \"file\" of multipart/form-data, not %s", mt)
	}
	text, err := io.ReadAll(io.LimitReader(body, lc.MaxMessage+1))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, messageTooLarge
		}
		return nil, dossier.Errorf(dossier.EInvalid, "the body broke off: %v", err)
	}
	if len(text) > lc.MaxMessage {
		return nil, messageTooLarge
	}
	return text, nil
}

// register answers GET /letters-of-credit: the LCs with their deadlines.
func (h *handlers) register(c echo.Context) error {
	f := lc.Filter{Bank: c.QueryParam("bank"), State: c.QueryParam("state"), Customer: c.QueryParam("customer"), Sort: c.QueryParam("sort")}
	if c.QueryParam("expiring_within") != "" {
		n, err := intParam(c, "expiring_within", 0, 0, 3650)
		if err != nil {
			return err
		}
		f.ExpiringWithin = &n
	}
	rows, err := h.LC.Register(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": rows})
}

func (h *handlers) amend(c echo.Context) error {
	text, err := messageText(c)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	a, err := h.LC.Amend(c.Request().Context(), u, c.Param("id"), text)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, a)
}

func (h *handlers) listAmendments(c echo.Context) error {
	items, err := h.LC.Amendments(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (h *handlers) acceptAmendment(c echo.Context) error { return h.settleAmendment(c, true) }
func (h *handlers) rejectAmendment(c echo.Context) error { return h.settleAmendment(c, false) }

func (h *handlers) settleAmendment(c echo.Context, accept bool) error {
	u, _ := currentUser(c)
	d, err := h.LC.Settle(c.Request().Context(), u, c.Param("id"), c.Param("amendment"), accept)
	if err != nil {
		return err
	}
	return h.documentResponse(c, http.StatusOK, u, d)
}

// notifications answers GET /notifications: the reminders and notices sent,
// and the reminders due.
func (h *handlers) notifications(c echo.Context) error {
	limit, err := intParam(c, "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	sent, due, err := h.Watcher.Notifications(c.Request().Context(), c.QueryParam("document_id"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": sent, "due": due})
}

// presentationCheck answers GET /documents/{id}/presentation-check.
func (h *handlers) presentationCheck(c echo.Context) error {
	on := c.QueryParam("presentation_date")
	if on != "" {
		if _, err := time.Parse(time.DateOnly, on); err != nil {
			return dossier.Errorf(dossier.EInvalid, "presentation_date %s: use a date like 2026-03-10", dossier.Clip(on))
		}
	}
	findings, err := h.LC.Check(c.Request().Context(), c.Param("id"), on)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"findings": findings})
}
