package ui

import (
	"dossier/internal/media"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/workflow"
)

// docData is the document page.
type docData struct {
	Doc    dossier.Document
	Badge  string
	Events []eventForm
	// Blocked are the events the user's roles may fire here that the
	// guards refuse now; trying one shows the engine's reason.
	Blocked     []eventForm
	Meta        *metaForm
	Departments []string // the departments that sign off here, when the state is the review state
	HasReviews  bool
	Immutable   bool // the state allows no change of metadata or files
	Decisions   []string
	Relations   []dossier.Relation
	Stale       bool   // the metadata form was older than the document
	Notice      string // what the last action did
	ReviewError string
	LinkError   string
	HoldError   string
	VersionErr  string
	Pages       []int    // the page images shown: every page of a PDF, up to maxPreviewPages
	LC          *lcForms // the forms of a letter of credit, nil for other kinds
}

// maxPreviewPages bounds the images on one page; a longer file is read
// in full by downloading it.
const maxPreviewPages = 100

// eventForm is one event the user may fire, with the fields its guards
// ask for, all read from the definition.
type eventForm struct {
	Name            string
	Danger          bool // it ends an approval round
	Checklist       []string
	Payload         []fieldInput
	CommentRequired bool
	Error           string
}

func (u *UI) documentPage(c echo.Context) error {
	usr, _ := u.currentUser(c)
	d, allowed, err := u.Engine.Document(c.Request().Context(), usr, c.Param("id"))
	if err != nil {
		return err
	}
	data := u.docData(usr, d, allowed)
	data.Notice = c.QueryParam("done")
	return u.render(c, http.StatusOK, "document", u.view(c, "document.title", data))
}

func (u *UI) docData(usr dossier.User, d dossier.Document, allowed []string) *docData {
	data := &docData{Doc: d, Badge: u.badge(d.Kind, d.State), Relations: dossier.Relations,
		Decisions: []string{workflow.DecisionApprove, workflow.DecisionReject}}
	if d.File.MediaType == media.PDF {
		for n := 1; n <= min(d.File.PageCount, maxPreviewPages); n++ {
			data.Pages = append(data.Pages, n)
		}
	}
	if d.Kind == dossier.KindLetterOfCredit {
		data.LC = &lcForms{CheckOn: u.LC.Now().UTC().Format(time.DateOnly)}
	}
	def, ok := u.Engine.Definitions().Kind(d.Kind)
	if !ok {
		return data
	}
	data.HasReviews = def.Reviews != nil
	data.Immutable = def.IsImmutable(d.State)
	if def.InReview(d.State) {
		// A reviewer who belongs to departments signs off only theirs.
		for _, dep := range def.Departments() {
			if len(usr.Departments) == 0 || slices.Contains(usr.Departments, dep) {
				data.Departments = append(data.Departments, dep)
			}
		}
	}
	for _, name := range allowed {
		ev, ok := def.Event(name)
		if !ok {
			continue
		}
		f := eventForm{Name: name, CommentRequired: ev.CommentRequired,
			Danger: def.Approval != nil && slices.Contains(def.Approval.Ends, name)}
		if g, ok := ev.Guard(workflow.GuardChecklist); ok {
			f.Checklist = g.Args
		}
		for _, member := range ev.PayloadMembers() {
			if t, ok := ev.Payload[member]; ok {
				f.Payload = append(f.Payload, fieldInput{Name: "payload." + member, Key: member, Type: t})
			}
		}
		data.Events = append(data.Events, f)
	}
	for _, ev := range def.EventsFrom(d.State) {
		if !slices.Contains(allowed, ev.Name) && holdsRole(usr, ev.Roles) {
			data.Blocked = append(data.Blocked, eventForm{Name: ev.Name})
		}
	}
	if m, ok := u.metaForm(string(d.Kind)); ok {
		m.fill(d)
		data.Meta = m
	}
	return data
}

// holdsRole reports whether the user holds one of an event's roles.
func holdsRole(usr dossier.User, roles []string) bool {
	for _, r := range roles {
		if usr.HasRole(dossier.Role(r)) {
			return true
		}
	}
	return false
}
