// Package web holds the browser-facing files, embedded into the binary so
// that the service needs no files beside it.
package web

import "embed"

// Static is the static assets, served under /.
//
//go:embed static
var Static embed.FS
