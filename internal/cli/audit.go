package cli

import (
	"context"
	"encoding/json"
	"fmt"

	flag "github.com/spf13/pflag"

	"dossier/internal/audit"
	"dossier/internal/auth"
	"dossier/internal/config"
	"dossier/internal/signing"
)

const auditVerifyHelp = `Reads every event of the trail and checks its hash and its place in its
stream's chain, then compares the chains with the checkpoints stored in the
object store: every head a checkpoint recorded must still be in the database
with the same hash. That catches a history rewritten before a checkpoint even
when every hash in the database was recomputed, and a stream cut short.

--checkpoints all (the default) checks every checkpoint and the links between
them; latest checks the last full checkpoint and those after it; none
checks the chains alone.
--key is the public key the checkpoints must be signed with, as the service
publishes it (ed25519:BASE64); by default the service's own key. Name it when
the key kept with the data cannot be trusted either.

Prints the result as JSON. Exit codes: 0 the trail verifies, 1 it does not
(or it could not be read), 2 usage.`

const auditCheckpointHelp = `Writes a checkpoint at once, whether or not a chain moved since the last
one: the head (position and hash) of every chain, signed with the service's
key and stored under checkpoints/ in the object store, where it is never
replaced (object lock on S3 for the retention years, a read-only file on
the filesystem store). The service also writes one on a schedule
(DOSSIER_CHECKPOINT_EVERY) when a chain moved.

Prints the checkpoint as JSON. Exit codes: 0 written, 1 failure, 2 usage.`

func auditVerifyFlags(fs *flag.FlagSet) {
	fs.String("checkpoints", audit.CheckAll, "which checkpoints to check the chains against: all, latest or none")
	fs.String("key", "", "the public key (ed25519:BASE64) the checkpoints must be signed with (default: the service's)")
}

func auditVerify(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	opts := audit.VerifyOptions{Checkpoints: fs.Lookup("checkpoints").Value.String()}
	switch opts.Checkpoints {
	case audit.CheckAll, audit.CheckLatest, audit.CheckNone:
	default:
		return fmt.Errorf("%w: --checkpoints %q: use all, latest or none", errUsage, opts.Checkpoints)
	}
	if raw := fs.Lookup("key").Value.String(); raw != "" {
		pub, err := signing.ParsePublic(raw)
		if err != nil {
			return fmt.Errorf("%w: --key: %w", errUsage, err)
		}
		opts.Key = pub
	}
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	opts.Records = a.Blobs
	if opts.Key == nil {
		opts.Key = a.Key.Public()
	}
	res, err := audit.VerifyWith(ctx, a.Store, opts)
	if err != nil {
		return err
	}
	out, _ := json.Marshal(res)
	fmt.Fprintln(env.Stdout, string(out))
	switch {
	case res.OK:
		return nil
	case res.FirstBadSeq > 0:
		return fmt.Errorf("the audit trail is broken at event %d: %s", res.FirstBadSeq, res.Reason)
	default:
		return fmt.Errorf("the audit trail does not match its checkpoints: %s", res.Reason)
	}
}

func auditCheckpoint(ctx context.Context, env Env, c config.Config, _ *flag.FlagSet) error {
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	w, _, err := a.Checkpoints.Write(ctx, auth.CommandLine, true)
	if err != nil {
		return err
	}
	out, _ := json.Marshal(w)
	fmt.Fprintln(env.Stdout, string(out))
	return nil
}
