package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/dossier"
	"dossier/internal/httpapi"
)

// contentPolicy allows scripts and styles from this server only: no inline
// script, style element or style attribute anywhere in the pages.
const contentPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// pages is the parsed templates: every page is the layout with its own
// "content", and every partial (templates/partials) is in each of them, so
// a handler can render a panel alone.
type pages struct {
	byName   map[string]*template.Template
	partials *template.Template
}

var funcs = template.FuncMap{
	"has": func(list any, v string) bool {
		switch l := list.(type) {
		case []string:
			return slices.Contains(l, v)
		case []dossier.Role:
			return slices.Contains(l, dossier.Role(v))
		}
		return false
	},
	"add": func(a, b int) int { return a + b },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
	"deref": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
	"join": func(list []string, sep string) string { return strings.Join(list, sep) },
	"userName": func(users map[string]dossier.UserName, id string) string {
		if n, ok := users[id]; ok {
			if n.DisplayName != "" {
				return n.DisplayName
			}
			return n.Username
		}
		return id
	},
	// kib is a size in KiB with one decimal, as a decimal string for Number.
	"kib": func(size int64) string {
		tenths := (size*10 + 512) / 1024
		return strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10)
	},
}

func parsePages(fsys fs.FS) (*pages, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(fsys, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}, partials: base}
	for _, name := range names {
		t, err := template.Must(base.Clone()).ParseFS(fsys, name)
		if err != nil {
			return nil, err
		}
		p.byName[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return p, nil
}

// view is what every page template receives.
type view struct {
	L        *locale
	User     dossier.User
	SignedIn bool
	CSRF     string
	Path     string
	Title    string
	Zone     *time.Location
	Now      time.Time
	Data     any
	// Searched is the search page's query, kept in the header's box.
	Searched string
}

// In formats an instant in the user's time zone.
func (v *view) In(t time.Time) string { return v.L.DateTime(t, v.Zone) }

func (u *UI) view(c echo.Context, title string, data any) *view {
	usr, ok := u.currentUser(c)
	v := &view{L: u.catalogs.localeOf(c), User: usr, SignedIn: ok, Path: c.Request().URL.Path, Data: data,
		Zone: u.zoneOf(c), Now: time.Now()}
	if tok, ok := c.Get(tokenKey).(string); ok {
		v.CSRF = csrfToken(tok)
	}
	if v.Path == "/search" {
		v.Searched = strings.TrimSpace(c.QueryParam("q"))
	}
	v.Title = v.L.T(title)
	return v
}

// zoneOf is the browser's time zone (the cookie app.js sets), else the
// configured one.
func (u *UI) zoneOf(c echo.Context) *time.Location {
	if ck, err := c.Cookie("tz"); err == nil && ck.Value != "" && len(ck.Value) < 64 {
		if z, err := time.LoadLocation(ck.Value); err == nil {
			return z
		}
	}
	return u.TimeZone
}

// render writes a whole page.
func (u *UI) render(c echo.Context, status int, page string, v *view) error {
	t, ok := u.pages.byName[page]
	if !ok {
		return fmt.Errorf("render: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// fragment writes one partial template, for htmx.
func (u *UI) fragment(c echo.Context, status int, name string, v *view) error {
	var buf bytes.Buffer
	if err := u.pages.partials.ExecuteTemplate(&buf, name, v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// handle sets the headers every page carries and turns an error into a
// page that says it in the user's language, with the API's status.
func (u *UI) handle(fn echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		err := httpapi.CheckURL(c.Request().URL)
		if err == nil {
			err = fn(c)
		}
		if err == nil || c.Response().Committed {
			return err
		}
		status := httpapi.Status(err)
		if status >= 500 {
			u.Logger.ErrorContext(c.Request().Context(), "page failed", "err", err, "path", c.Request().URL.Path)
		}
		if status == http.StatusUnauthorized && c.Request().Method == http.MethodGet {
			return c.Redirect(http.StatusSeeOther, "/sign-in?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		v := u.view(c, "error.title", errorData{Status: status, Message: dossier.ErrorMessage(err)})
		if c.Request().Header.Get("HX-Request") != "" {
			return u.fragment(c, status, "error-box", v)
		}
		return u.render(c, status, "error", v)
	}
}

type errorData struct {
	Status  int
	Message string
}

func statusOf(err error) int { return httpapi.Status(err) }
