package cli

import (
	"context"
	"fmt"
	"strings"

	flag "github.com/spf13/pflag"

	"dossier/internal/app"
	"dossier/internal/auth"
	"dossier/internal/config"
	"dossier/internal/dossier"
	"dossier/internal/store"
)

func userSetFlags(fs *flag.FlagSet) {
	fs.String("roles", "", "the user's roles, comma-separated (replaces them)")
	fs.Int("level", 0, "approval level 1..3 (approvers only)")
	fs.String("display-name", "", "the name shown in the UI")
	fs.String("departments", "", "the departments whose reviews the user signs off, comma-separated (replaces them; \"\" for none)")
	fs.Bool("enable", false, "enable a disabled user")
}

// userSet changes a user from the command line: the operator's path, which
// needs no second admin (SPEC §6) and is audited as done from it.
func userSet(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give exactly one USERNAME", errUsage)
	}
	var ch auth.UserChange
	if fs.Changed("roles") {
		v, _ := fs.GetString("roles")
		roles := roleList(v)
		ch.Roles = &roles
	}
	if fs.Changed("level") {
		v, _ := fs.GetInt("level")
		ch.ApprovalLevel = &v
	}
	if fs.Changed("display-name") {
		v, _ := fs.GetString("display-name")
		ch.DisplayName = &v
	}
	if fs.Changed("departments") {
		v, _ := fs.GetString("departments")
		deps := splitList(v)
		ch.Departments = &deps
	}
	if enable, _ := fs.GetBool("enable"); enable {
		f := false
		ch.Disabled = &f
	}
	if ch == (auth.UserChange{}) {
		return fmt.Errorf("%w: say what to change: --roles, --level, --display-name, --departments or --enable", errUsage)
	}
	return changeUser(ctx, env, c, fs.Arg(0), ch)
}

func userDisable(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give exactly one USERNAME", errUsage)
	}
	t := true
	return changeUser(ctx, env, c, fs.Arg(0), auth.UserChange{Disabled: &t})
}

func userPasswdFlags(fs *flag.FlagSet) {
	fs.String("password", "", "the new password (or use --password-stdin)")
	fs.Bool("password-stdin", false, "read the new password from the first line of standard input")
}

func userPasswd(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give exactly one USERNAME", errUsage)
	}
	password, _ := fs.GetString("password")
	fromStdin, _ := fs.GetBool("password-stdin")
	password, err := readPassword(env, password, fromStdin)
	if err != nil {
		return err
	}
	return changeUser(ctx, env, c, fs.Arg(0), auth.UserChange{Password: &password})
}

// changeUser applies ch to the user named username and says what it is now.
func changeUser(ctx context.Context, env Env, c config.Config, username string, ch auth.UserChange) error {
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := userNamed(ctx, a, username)
	if err != nil {
		return err
	}
	changed, err := a.Auth.ChangeUser(ctx, auth.CommandLine, u.ID, nil, ch)
	if err != nil {
		return fmt.Errorf("%s", dossier.ErrorMessage(err))
	}
	status := "enabled"
	if changed.Disabled {
		status = "disabled"
	}
	fmt.Fprintf(env.Stdout, "user %s (%s): %s, roles %v, approval level %d, departments %v\n",
		changed.Username, changed.ID, status, changed.Roles, changed.ApprovalLevel, changed.Departments)
	if ch.Password != nil {
		fmt.Fprintln(env.Stdout, "password set; the user's sessions have ended")
	}
	for _, w := range changed.Warnings {
		fmt.Fprintln(env.Stderr, "warning:", w)
	}
	return nil
}

// userNamed finds the user a command names, in any case (names are lower case).
func userNamed(ctx context.Context, a *app.App, username string) (dossier.User, error) {
	var u dossier.User
	err := a.Store.Read(ctx, func(tx store.Tx) (err error) {
		u, err = tx.UserByName(ctx, strings.ToLower(username))
		return err
	})
	if err != nil {
		return u, fmt.Errorf("%s", dossier.ErrorMessage(err))
	}
	return u, nil
}
