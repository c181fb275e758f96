package cli

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	flag "github.com/spf13/pflag"

	"dossier/internal/auth"
	"dossier/internal/config"
	"dossier/internal/dossier"
	"dossier/internal/evidence"
	"dossier/internal/signing"
)

func exportFlags(fs *flag.FlagSet) {
	fs.String("filter", "", `the documents, as the query of GET /api/v1/search: "kind=customs&state=archived", "q=steel&date_from=2026-01-01"`)
	fs.StringSlice("ids", nil, "the documents, by id (comma-separated or repeated)")
	fs.Bool("all", false, "every document")
	fs.String("out", "", "the ZIP file to write (required); it is written as FILE.part and renamed when complete")
}

const exportHelp = `Writes an evidence archive of the documents --filter, --ids or --all
selects: every file version, the stamped renditions, the documents' audit
events (events.jsonl) and manifest.json (each document's metadata, state,
history, approvals and the path, size and SHA-256 of every file), signed with
the service's key (manifest.sig). POST /api/v1/exports makes the same archive.

The filter parameters are those of GET /api/v1/search: q, kind, state,
customer (repeat it for several), currency, date_from, date_to, amount_min
and amount_max. The export is recorded in the audit trail (evidence.export).
An interrupted export leaves FILE.part behind, never a FILE that looks
complete: run the command again.

Check the archive with: dossier audit verify-export FILE.zip --key "$(dossier audit key)"

Exit codes: 0 written, 1 failed, 2 usage.`

// exportRun writes an evidence archive, with a progress bar on standard error.
func exportRun(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	out, _ := fs.GetString("out")
	filter, _ := fs.GetString("filter")
	ids, _ := fs.GetStringSlice("ids")
	all, _ := fs.GetBool("all")
	if out == "" {
		return fmt.Errorf("%w: --out FILE.zip is required", errUsage)
	}
	var sel evidence.Selection
	switch given := btoi(filter != "") + btoi(len(ids) > 0) + btoi(all); {
	case given != 1:
		return fmt.Errorf("%w: give one of --filter, --ids and --all", errUsage)
	case len(ids) > 0:
		sel.IDs = ids
	case all:
		sel.Filter = &evidence.Filter{}
	default:
		f, err := evidence.FilterFromQuery(filter)
		if err != nil {
			return fmt.Errorf("%w: --filter: %s", errUsage, dossier.ErrorMessage(err))
		}
		sel.Filter = f
	}
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	selected, err := a.Selector.Select(ctx, sel)
	if dossier.ErrorCode(err) == dossier.EInvalid {
		return fmt.Errorf("%w: %s", errUsage, dossier.ErrorMessage(err))
	}
	if err != nil {
		return errors.New(dossier.ErrorMessage(err))
	}
	total, err := a.Evidence.Bytes(ctx, selected)
	if err != nil {
		return err
	}
	part := out + ".part"
	f, err := os.Create(part)
	if err != nil {
		return err
	}
	bar := newProgress(env.Stderr, total, "exporting", true)
	ex := *a.Evidence
	ex.Progress = bar.Add
	sum, err := ex.Export(ctx, dossier.User{ID: auth.CommandLine}, f, sel, selected)
	bar.Done()
	if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("export to %s (left as it is): %w", part, err)
	}
	if err := os.Rename(part, out); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d documents, %d files (%d bytes), %d audit events; manifest sha256 %s\n",
		out, sum.Documents, sum.Files, sum.Bytes, sum.Events, sum.ManifestSHA256)
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func verifyExportFlags(fs *flag.FlagSet) {
	fs.String("key", "", `the service's public key ("ed25519:…", as dossier audit key prints it and GET /api/v1/audit/key gives it) or a file holding it`)
	fs.Bool("json", false, "print the report as JSON")
}

const verifyExportHelp = `Checks an evidence archive offline (no server, no database): the signature
of manifest.json, the size and SHA-256 of every file it lists, every audit
event's hash and its link to the one before, and that each document's chain
reaches the head recorded at export time. Every problem is printed with the
place in the archive it concerns.

Give the service's key with --key: without it the archive is checked against
the key written in its own manifest, which proves the archive is whole but not
who made it (the report says so).

Exit codes: 0 the archive is intact, 1 damage found (or the file cannot be
read), 2 usage.`

// auditVerifyExport checks an archive; it opens no backend.
func auditVerifyExport(_ context.Context, env Env, _ config.Config, fs *flag.FlagSet) error {
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give exactly one FILE.zip", errUsage)
	}
	var key ed25519.PublicKey
	if raw, _ := fs.GetString("key"); raw != "" {
		var err error
		if key, err = readKey(raw); err != nil {
			return fmt.Errorf("%w: --key: %w", errUsage, err)
		}
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	rep := evidence.Verify(f, info.Size(), key)
	if asJSON, _ := fs.GetBool("json"); asJSON {
		out, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Fprintln(env.Stdout, string(out))
	} else {
		for _, p := range rep.Problems {
			fmt.Fprintf(env.Stdout, "PROBLEM  %s\n", p)
		}
		fmt.Fprintf(env.Stdout, "checked %d documents, %d files, %d audit events\n", rep.Documents, rep.Files, rep.Events)
		switch {
		case rep.KeyID == "":
		case rep.KeyPinned:
			fmt.Fprintf(env.Stdout, "signature checked with the key you gave (%s)\n", rep.KeyID)
		default:
			fmt.Fprintf(env.Stdout, "WARNING  the key was not pinned: the signature was checked with the key the manifest names (%s); "+
				"give --key to know the archive comes from your service\n", rep.KeyID)
		}
	}
	if !rep.OK() {
		return fmt.Errorf("%d problem(s): the archive is not as it was exported", len(rep.Problems))
	}
	fmt.Fprintln(env.Stdout, "ok: the archive is intact")
	return nil
}

// readKey takes a key as text or the name of a file holding it.
func readKey(raw string) (ed25519.PublicKey, error) {
	if k, err := signing.ParsePublic(raw); err == nil {
		return k, nil
	}
	b, err := os.ReadFile(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is neither a key (ed25519:…) nor a readable file", raw)
	}
	return signing.ParsePublic(strings.TrimSpace(string(b)))
}

// auditKey prints the service's public key, as GET /api/v1/audit/key gives it.
func auditKey(ctx context.Context, env Env, c config.Config, _ *flag.FlagSet) error {
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(env.Stdout, a.Key.PublicText())
	return nil
}
