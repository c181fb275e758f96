package config

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func build(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	b := Register(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return b()
}

func TestDefaults(t *testing.T) {
	c, err := build(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{DataDir: "./data", DatabaseURL: "sqlite://data/dossier.db", BlobURL: "file://data/blobs", SearchURL: "db",
		Listen: "127.0.0.1:8080", MaxUpload: 512 << 20, PreviewCache: 1 << 30}
	if c.DataDir != want.DataDir || c.DatabaseURL != want.DatabaseURL || c.BlobURL != want.BlobURL ||
		c.SearchURL != want.SearchURL || c.Listen != want.Listen || c.MaxUpload != want.MaxUpload || c.PreviewCache != want.PreviewCache {
		t.Fatalf("defaults = %+v, want %+v", c, want)
	}
	if c.RetentionYears("contract") != 10 {
		t.Fatalf("default retention = %d, want 10", c.RetentionYears("contract"))
	}
}

func TestEnvironmentAndFlags(t *testing.T) {
	env := map[string]string{"DOSSIER_DATA_DIR": "/srv/d", "DOSSIER_MAX_UPLOAD": "2GiB", "DOSSIER_LISTEN": ":9000", "DOSSIER_PREVIEW_CACHE": "200MB",
		"DOSSIER_RETENTION_YEARS": "10,letter_of_credit=6"}
	c, err := build(t, env, "--listen", "127.0.0.1:7000")
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:7000" {
		t.Errorf("a flag must win over the environment: listen = %q", c.Listen)
	}
	if c.DatabaseURL != "sqlite:///srv/d/dossier.db" || c.MaxUpload != 2<<30 || c.PreviewCache != 200_000_000 {
		t.Errorf("database %q, max upload %d, preview cache %d", c.DatabaseURL, c.MaxUpload, c.PreviewCache)
	}
	if c.RetentionYears("letter_of_credit") != 6 || c.RetentionYears("contract") != 10 {
		t.Errorf("retention lc %d, contract %d", c.RetentionYears("letter_of_credit"), c.RetentionYears("contract"))
	}
}

// TestPrecedence: a flag wins over the environment, the environment over the
// default, also when the flag sets the default value or an empty environment
// variable stands for an unset one.
func TestPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"default", nil, nil, "127.0.0.1:8080"},
		{"environment", map[string]string{"DOSSIER_LISTEN": ":9000"}, nil, ":9000"},
		{"empty environment", map[string]string{"DOSSIER_LISTEN": ""}, nil, "127.0.0.1:8080"},
		{"flag", nil, []string{"--listen", ":7000"}, ":7000"},
		{"flag over environment", map[string]string{"DOSSIER_LISTEN": ":9000"}, []string{"--listen=:7000"}, ":7000"},
		{"flag equal to the default", map[string]string{"DOSSIER_LISTEN": ":9000"}, []string{"--listen", "127.0.0.1:8080"}, "127.0.0.1:8080"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := build(t, tc.env, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			if c.Listen != tc.want {
				t.Errorf("listen = %q, want %q", c.Listen, tc.want)
			}
		})
	}
}

// TestHelpShowsNoEnvironmentValue keeps secrets out of --help: the default a
// flag shows is the built-in one, not the environment's.
func TestHelpShowsNoEnvironmentValue(t *testing.T) {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	Register(fs, func(k string) string { return map[string]string{"DOSSIER_DATABASE_URL": "postgres://u:s3cret@db/x"}[k] })
	if help := fs.FlagUsages(); strings.Contains(help, "s3cret") || !strings.Contains(help, "[$DOSSIER_DATABASE_URL]") {
		t.Errorf("help shows the environment's value or lacks the variable's name:\n%s", help)
	}
}

func TestInvalid(t *testing.T) {
	for _, env := range []map[string]string{
		{"DOSSIER_MAX_UPLOAD": "lots"},
		{"DOSSIER_PREVIEW_CACHE": "plenty"},
		{"DOSSIER_PREVIEW_CACHE": "0"},
		{"DOSSIER_DATABASE_URL": "mysql://x"},
		{"DOSSIER_BLOB_URL": "ftp://x"},
		{"DOSSIER_SEARCH_URL": "elastic://x"},
		{"DOSSIER_RETENTION_YEARS": "forever"},
		{"DOSSIER_RETENTION_YEARS": "letter_of_credit=6"},
		{"DOSSIER_RETENTION_YEARS": "10,0"},
	} {
		if _, err := build(t, env); err == nil {
			t.Errorf("%v: accepted, want an error", env)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := build(t, nil)
	if err != nil || len(c.TrustedProxies) != 0 {
		t.Fatalf("default: %v, %v; want no trusted proxy", c.TrustedProxies, err)
	}
	c, err = build(t, map[string]string{"DOSSIER_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7,fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range c.TrustedProxies {
		got = append(got, n.String())
	}
	if want := []string{"10.0.0.0/8", "192.0.2.7/32", "fd00::/8"}; !slices.Equal(got, want) {
		t.Errorf("trusted proxies %v, want %v", got, want)
	}
	c, err = build(t, map[string]string{"DOSSIER_TRUSTED_PROXIES": "10.0.0.0/8"}, "--trusted-proxies", "172.16.0.0/12")
	if err != nil || len(c.TrustedProxies) != 1 || c.TrustedProxies[0].String() != "172.16.0.0/12" {
		t.Errorf("the flag must win: %v, %v", c.TrustedProxies, err)
	}
	if _, err := build(t, map[string]string{"DOSSIER_TRUSTED_PROXIES": "10.0.0.0/33"}); err == nil || !strings.Contains(err.Error(), "DOSSIER_TRUSTED_PROXIES") {
		t.Errorf("a bad CIDR: %v, want an error naming DOSSIER_TRUSTED_PROXIES", err)
	}
}

func TestCheckpointEvery(t *testing.T) {
	for _, tc := range []struct {
		env, flag string
		want      time.Duration
		bad       bool
	}{
		{want: time.Hour},
		{env: "15m", want: 15 * time.Minute},
		{env: "15m", flag: "2h", want: 2 * time.Hour},
		{env: "1m", want: time.Minute},
		{env: "59s", bad: true},
		{env: "0", bad: true},
		{env: "-1h", bad: true},
		{env: "hourly", bad: true},
	} {
		var args []string
		if tc.flag != "" {
			args = []string{"--checkpoint-every", tc.flag}
		}
		c, err := build(t, map[string]string{"DOSSIER_CHECKPOINT_EVERY": tc.env}, args...)
		switch {
		case tc.bad && (err == nil || !strings.Contains(err.Error(), "DOSSIER_CHECKPOINT_EVERY")):
			t.Errorf("env %q: %v, want an error naming DOSSIER_CHECKPOINT_EVERY", tc.env, err)
		case !tc.bad && (err != nil || c.CheckpointEvery != tc.want):
			t.Errorf("env %q flag %q: %v, %v; want %v", tc.env, tc.flag, c.CheckpointEvery, err, tc.want)
		}
	}
}
