// Package workflows holds the state machines of every document kind and the
// DOA (delegation of authority) matrix as YAML data, embedded at build time.
//
// They are data rather than code so that an administrator can change a
// workflow without a rebuild: DOSSIER_WORKFLOWS_DIR points the service at an
// edited copy of this directory, and `dossier workflows check` validates it.
package workflows

import "embed"

// FS holds <kind>.yaml for every document kind, and doa.yaml.
//
//go:embed *.yaml
var FS embed.FS
