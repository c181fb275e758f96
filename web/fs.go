// Package web holds the browser-facing files, embedded into the binary so
// that the service needs no files beside it: the static assets (styles,
// scripts, the vendored htmx), the page templates and the message catalogs
// of the languages the pages speak.
package web

import "embed"

// Static is the static assets, served under /static/.
//
//go:embed static
var Static embed.FS

// Templates is the html/template files of the pages.
//
//go:embed templates
var Templates embed.FS

// Locales is the message catalogs, one JSON file per language.
//
//go:embed locales
var Locales embed.FS
