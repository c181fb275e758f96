package ui

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
)

// parkedShown is how many parked jobs the page lists, as the API does.
const parkedShown = 1000

type jobsData struct {
	Jobs   []jobRow
	Notice string
}

// jobRow is a parked job with the document its payload names, if any.
type jobRow struct {
	dossier.Job
	DocumentID string
}

func jobRows(jobs []dossier.Job) []jobRow {
	out := make([]jobRow, len(jobs))
	for i, j := range jobs {
		var p struct {
			DocumentID string `json:"document_id"`
		}
		_ = json.Unmarshal(j.Payload, &p) // a payload of another shape names no document
		out[i] = jobRow{Job: j, DocumentID: p.DocumentID}
	}
	return out
}

// parkedJobs is GET /api/v1/jobs/parked as a page: the background work
// that failed for good, for an admin to run again once its cause is fixed,
// or to dismiss.
func (u *UI) parkedJobs(c echo.Context) error {
	jobs, err := u.Jobs.Parked(c.Request().Context(), parkedShown)
	if err != nil {
		return err
	}
	data := jobsData{Jobs: jobRows(jobs), Notice: doneNotice(u.catalogs.localeOf(c), c.QueryParam("done"))}
	return u.render(c, http.StatusOK, "admin_jobs", u.view(c, "admin.jobs_title", data))
}

// retryJob is POST /api/v1/jobs/{job}/retry.
func (u *UI) retryJob(c echo.Context) error {
	id, err := formJobID(c)
	if err != nil {
		return err
	}
	if _, err := u.Jobs.Retry(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/jobs?done=retried")
}

// dismissJob is DELETE /api/v1/jobs/{job}.
func (u *UI) dismissJob(c echo.Context) error {
	id, err := formJobID(c)
	if err != nil {
		return err
	}
	if err := u.Jobs.Dismiss(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/jobs?done=dismissed")
}

func formJobID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("job"), 10, 64)
	if err != nil || id <= 0 {
		return 0, dossier.Errorf(dossier.EInvalid, "job %s is not a job number", dossier.Clip(c.Param("job")))
	}
	return id, nil
}
