package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	flag "github.com/spf13/pflag"

	"dossier/internal/auth"
	"dossier/internal/config"
	"dossier/internal/dossier"
)

func tokenCreateFlags(fs *flag.FlagSet) {
	fs.String("user", "", "the user the token acts as (required)")
	fs.String("name", "", "what the token is for, e.g. the integration (required)")
	fs.String("expires", "90d", "how long it lasts: days (90d) or never")
}

// tokenCreate makes an API token and prints it: the only time it is shown.
func tokenCreate(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	username, _ := fs.GetString("user")
	name, _ := fs.GetString("name")
	expires, _ := fs.GetString("expires")
	if username == "" || name == "" {
		return fmt.Errorf("%w: --user and --name are required", errUsage)
	}
	life, err := parseLife(expires)
	if err != nil {
		return err
	}
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := userNamed(ctx, a, username)
	if err != nil {
		return err
	}
	k, err := a.Auth.CreateToken(ctx, dossier.User{ID: auth.CommandLine}, auth.TokenRequest{UserID: u.ID, Name: name, ExpiresIn: life})
	if err != nil {
		return fmt.Errorf("%s", dossier.ErrorMessage(err))
	}
	until := "until revoked"
	if k.ExpiresAt != nil {
		until = "until " + k.ExpiresAt.Format(time.DateOnly)
	}
	fmt.Fprintf(env.Stderr, "token %q (%s) for %s, valid %s; it is shown only now:\n", k.Name, k.ID, u.Username, until)
	fmt.Fprintln(env.Stdout, k.Token)
	return nil
}

// parseLife reads "90d" or "never".
func parseLife(s string) (time.Duration, error) {
	if s == "never" {
		return 0, nil
	}
	days, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
	if err != nil || !strings.HasSuffix(s, "d") || days < 1 || time.Duration(days)*24*time.Hour > auth.MaxTokenLife {
		return 0, fmt.Errorf("%w: --expires %q: use a number of days such as 90d (at most %dd), or never",
			errUsage, s, int(auth.MaxTokenLife.Hours()/24))
	}
	return time.Duration(days) * 24 * time.Hour, nil
}
