package httpapi

import (
	_ "embed"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"dossier/internal/dossier"
)

//go:embed openapi.json
var openAPISpec []byte

func (h *handlers) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (h *handlers) readyz(c echo.Context) error {
	if err := h.Ready(c.Request().Context()); err != nil {
		h.Logger.WarnContext(c.Request().Context(), "not ready", "err", err)
		return dossier.Errorf(dossier.EUnavailable, "not ready: %v", err)
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

func (h *handlers) metrics() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(h.Registry, promhttp.HandlerOpts{}))
}

func (h *handlers) openAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openAPISpec)
}

func (h *handlers) parkedJobs(c echo.Context) error {
	jobs, err := h.Jobs.Parked(c.Request().Context(), 1000)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": jobs})
}

func (h *handlers) retryJob(c echo.Context) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	j, err := h.Jobs.Retry(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, j)
}

func (h *handlers) dismissJob(c echo.Context) error {
	id, err := jobID(c)
	if err != nil {
		return err
	}
	if err := h.Jobs.Dismiss(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func jobID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("job"), 10, 64)
	if err != nil || id <= 0 {
		return 0, dossier.Errorf(dossier.EInvalid, "job id %s is not a job number", dossier.Clip(c.Param("job")))
	}
	return id, nil
}
