package cli

import (
	"context"
	"fmt"

	flag "github.com/spf13/pflag"

	"dossier/internal/config"
	"dossier/internal/dossier"
)

// fxSet sets the rate of a currency to the DOA base currency, as PUT
// /api/v1/fx-rates/{currency} does, audited with no user as the actor.
func fxSet(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	if fs.NArg() != 2 {
		return fmt.Errorf("%w: give CURRENCY and RATE, e.g. dossier fx set USD 0.9231", errUsage)
	}
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	r, err := a.Engine.SetFXRate(ctx, "", fs.Arg(0), fs.Arg(1))
	if err != nil {
		return fmt.Errorf("%s", dossier.ErrorMessage(err))
	}
	fmt.Fprintf(env.Stdout, "1 %s = %s in the base currency\n", r.Currency, r.Rate)
	return nil
}
