package ui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// inbox is "waiting for me": the documents on which the user can fire an
// event now, with the actions and how long each has waited.
func (u *UI) inbox(c echo.Context) error {
	usr, _ := u.currentUser(c)
	items, err := u.Engine.Inbox(c.Request().Context(), usr)
	if err != nil {
		return err
	}
	rows := make([]row, len(items))
	for i, it := range items {
		rows[i] = u.row(it.Document, it.AllowedEvents)
	}
	return u.render(c, http.StatusOK, "inbox", u.view(c, "inbox.title", rows))
}

// inboxCount is the number in the navigation, loaded by htmx so that every
// page stays one service call.
func (u *UI) inboxCount(c echo.Context) error {
	usr, _ := u.currentUser(c)
	items, err := u.Engine.Inbox(c.Request().Context(), usr)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return c.HTML(http.StatusOK, "")
	}
	return c.HTML(http.StatusOK, `<span class="count">`+strconv.Itoa(len(items))+`</span>`)
}
