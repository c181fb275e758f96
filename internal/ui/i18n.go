package ui

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// languages are the languages the pages speak, the first the fallback.
var languages = []language.Tag{language.English, language.Chinese, language.Spanish, language.French}

const langCookie = "lang"

// catalogs is the translations of every language, read from the embedded
// JSON files (one per language, named by its tag).
type catalogs struct {
	bundle  *i18n.Bundle
	matcher language.Matcher
	ids     map[string]bool // the message ids of the fallback catalog
}

func loadCatalogs(fsys fs.FS) (*catalogs, error) {
	b := i18n.NewBundle(languages[0])
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	ids := map[string]bool{}
	for i, tag := range languages {
		name := path.Join("locales", tag.String()+".json")
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", tag, err)
		}
		mf, err := b.ParseMessageFileBytes(data, name)
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", tag, err)
		}
		for _, m := range mf.Messages {
			if i == 0 {
				ids[m.ID] = true
			}
		}
	}
	return &catalogs{bundle: b, matcher: language.NewMatcher(languages), ids: ids}, nil
}

// localeOf picks the language of a request: the one the user chose (kept
// in a cookie), else the best match of the browser's Accept-Language.
func (cs *catalogs) localeOf(c echo.Context) *locale {
	var prefs []string
	if ck, err := c.Cookie(langCookie); err == nil {
		prefs = append(prefs, ck.Value)
	}
	prefs = append(prefs, c.Request().Header.Get("Accept-Language"))
	_, i := language.MatchStrings(cs.matcher, prefs...)
	tag := languages[i]
	return &locale{Tag: tag, loc: i18n.NewLocalizer(cs.bundle, tag.String()), cats: cs}
}

// locale translates and formats for one request.
type locale struct {
	Tag  language.Tag
	loc  *i18n.Localizer
	cats *catalogs
}

// Lang is the language's BCP 47 tag, for the lang attribute.
func (l *locale) Lang() string { return l.Tag.String() }

// T translates the message id; args are pairs of template data names and
// values ("Count", 3, "Name", "Ann"). A Count pair also picks the plural form.
func (l *locale) T(id string, args ...any) string {
	data := map[string]any{}
	var count any
	for i := 0; i+1 < len(args); i += 2 {
		k, _ := args[i].(string)
		data[k] = args[i+1]
		if k == "Count" {
			count = args[i+1]
		}
	}
	s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil || s == "" {
		return id // a missing message shows its id; TestCatalogsComplete keeps this from shipping
	}
	return s
}

// Name translates a name that comes from data (a kind, state, event,
// department, relation): the catalog's label when it has one under
// prefix.name, else the name made readable. Definitions are data an
// administrator may extend, so a name without a label is no error.
func (l *locale) Name(prefix, name string) string {
	if name == "" {
		return ""
	}
	id := prefix + "." + name
	if l.cats.ids[id] {
		return l.T(id)
	}
	return strings.ReplaceAll(name, "_", " ")
}
