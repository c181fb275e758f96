package cli

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"

	flag "github.com/spf13/pflag"

	"dossier/internal/auth"
	"dossier/internal/config"
	"dossier/internal/dossier"
)

func serve(ctx context.Context, env Env, c config.Config, _ *flag.FlagSet) error {
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s (DOSSIER_LISTEN): %w", c.Listen, err)
	}
	return a.Serve(ctx, ln)
}

func migrate(ctx context.Context, env Env, c config.Config, _ *flag.FlagSet) error {
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(env.Stdout, "database is up to date")
	return nil
}

func userAddFlags(fs *flag.FlagSet) {
	fs.String("username", "", "the sign-in name (required)")
	fs.String("password", "", "the password (or use --password-stdin)")
	fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	fs.String("roles", "", "comma-separated roles: admin, reviewer, approver, bank_liaison, auditor (required)")
	fs.Int("level", 0, "approval level 1..3 (approvers only)")
	fs.String("display-name", "", "the name shown in the UI")
	fs.String("departments", "", "comma-separated departments whose reviews the user signs off (reviewers)")
}

func userAdd(ctx context.Context, env Env, c config.Config, fs *flag.FlagSet) error {
	// The flags are registered by userAddFlags, so the getters cannot fail.
	username, _ := fs.GetString("username")
	password, _ := fs.GetString("password")
	fromStdin, _ := fs.GetBool("password-stdin")
	roles, _ := fs.GetString("roles")
	level, _ := fs.GetInt("level")
	displayName, _ := fs.GetString("display-name")
	departments, _ := fs.GetString("departments")
	n := auth.NewUser{Username: username, Password: password, DisplayName: displayName, ApprovalLevel: level,
		Departments: splitList(departments)}
	if n.Username == "" || roles == "" {
		return fmt.Errorf("%w: --username and --roles are required", errUsage)
	}
	var err error
	if n.Password, err = readPassword(env, password, fromStdin); err != nil {
		return err
	}
	n.Roles = roleList(roles)
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Auth.CreateUser(ctx, auth.CommandLine, n)
	if err != nil {
		return fmt.Errorf("%s", dossier.ErrorMessage(err))
	}
	approves := "no approval level"
	if u.ApprovalLevel > 0 {
		approves = fmt.Sprintf("approval level %d", u.ApprovalLevel)
	}
	fmt.Fprintf(env.Stdout, "added user %s (%s) with roles %s and %s\n", u.Username, u.ID, roles, approves)
	return nil
}

// readPassword returns the --password flag's value, or the first line of
// standard input with --password-stdin.
func readPassword(env Env, password string, fromStdin bool) (string, error) {
	if fromStdin {
		if password != "" {
			return "", fmt.Errorf("%w: give --password or --password-stdin, not both", errUsage)
		}
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("read the password from standard input: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if password == "" {
		return "", fmt.Errorf("%w: --password or --password-stdin is required", errUsage)
	}
	return password, nil
}

func roleList(s string) []dossier.Role {
	var out []dossier.Role
	for _, r := range splitList(s) {
		out = append(out, dossier.Role(r))
	}
	return out
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func userList(ctx context.Context, env Env, c config.Config, _ *flag.FlagSet) error {
	a, err := open(ctx, env, c)
	if err != nil {
		return err
	}
	defer a.Close()
	users, err := a.Auth.ListUsers(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%-26s  %-20s  %-5s  %-8s  %s\n", "ID", "USERNAME", "LEVEL", "STATUS", "ROLES")
	for _, u := range users {
		status := "enabled"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(env.Stdout, "%-26s  %-20s  %-5d  %-8s  %v\n", u.ID, u.Username, u.ApprovalLevel, status, u.Roles)
	}
	return nil
}
