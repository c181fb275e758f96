// Package config builds the service's configuration once, from environment
// variables (SPEC §3) overridden by command-line flags of the same meaning.
package config

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/pflag"

	"dossier/internal/dossier"
)

// Config is every setting of the service.
type Config struct {
	DataDir     string
	DatabaseURL string
	BlobURL     string
	SearchURL   string
	Listen      string
	MaxUpload   int64
	// PreviewCache is about the most disk the cached page images take
	// (DOSSIER_PREVIEW_CACHE); the pages read least recently go first.
	PreviewCache int64
	WorkflowsDir string
	// Retention is how many years archived documents are kept locked, by
	// kind; the entry "" is the default for kinds not named.
	Retention map[string]int
	// OCR runs tesseract on pages without a text layer (DOSSIER_OCR=1).
	OCR bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client; empty trusts none, and the peer address is the client.
	TrustedProxies []*net.IPNet
	// Where the scheduler's reminders go besides the log and the API.
	WebhookURL, WebhookSecret, SMTPURL string
	// ReminderDays are the days before an LC deadline to remind on.
	ReminderDays []int
	// SigningKeyFile holds the Ed25519 key that signs exports and audit
	// checkpoints; "" keeps the key in the database.
	SigningKeyFile string
	// CheckpointEvery is how often the heads of the audit chains are
	// checkpointed to the object store (when a chain moved).
	CheckpointEvery time.Duration
}

// MinCheckpointEvery is the shortest checkpoint interval accepted: every
// checkpoint is an object kept for years.
const MinCheckpointEvery = time.Minute

// RetentionYears returns the retention of a kind in years.
func (c Config) RetentionYears(kind string) int {
	if y, ok := c.Retention[kind]; ok {
		return y
	}
	if y, ok := c.Retention[""]; ok {
		return y
	}
	return dossier.DefaultRetentionYears
}

// setting ties one environment variable to its flag.
type setting struct {
	env, flag, def, usage string
	dst                   *string
}

// raw holds the settings as strings while they are parsed.
type raw struct {
	dataDir, databaseURL, blobURL, searchURL, listen, maxUpload, workflowsDir, retention, ocr, trustedProxies string
	webhookURL, webhookSecret, smtpURL, reminderDays, signingKeyFile                                          string
	checkpointEvery, previewCache                                                                             string
}

func (r *raw) settings() []setting {
	return []setting{
		{"DOSSIER_DATA_DIR", "data-dir", "./data", "where embedded backends keep their files", &r.dataDir},
		{"DOSSIER_DATABASE_URL", "database-url", "", "sqlite://PATH or postgres://user:pass@host:5432/db (default sqlite://DATA_DIR/dossier.db)", &r.databaseURL},
		{"DOSSIER_BLOB_URL", "blob-url", "", "file://PATH or s3://bucket?endpoint=host:9000&access_key=..&secret_key=..&secure=false&region=.. (default file://DATA_DIR/blobs)", &r.blobURL},
		{"DOSSIER_SEARCH_URL", "search-url", "db", "db, or meili://host:7700?key=..&index=documents", &r.searchURL},
		{"DOSSIER_LISTEN", "listen", "127.0.0.1:8080", "HTTP listen address", &r.listen},
		{"DOSSIER_MAX_UPLOAD", "max-upload", "512MiB", "largest accepted upload, e.g. 512MiB", &r.maxUpload},
		{"DOSSIER_WORKFLOWS_DIR", "workflows-dir", "", "directory overriding the embedded workflow definitions", &r.workflowsDir},
		{"DOSSIER_PREVIEW_CACHE", "preview-cache", "1GiB", "most disk the cached page images may take, e.g. 1GiB", &r.previewCache},
		{"DOSSIER_OCR", "ocr", "0", "1 to OCR pages without a text layer with tesseract", &r.ocr},
		{"DOSSIER_TRUSTED_PROXIES", "trusted-proxies", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For names the client (default: none)", &r.trustedProxies},
		{"DOSSIER_RETENTION_YEARS", "retention-years", strconv.Itoa(dossier.DefaultRetentionYears), "years archived documents stay locked: N, or N,kind=N,… per kind", &r.retention},
		{"DOSSIER_WEBHOOK_URL", "webhook-url", "", "where LC reminders are POSTed as signed JSON (default: none)", &r.webhookURL},
		{"DOSSIER_WEBHOOK_SECRET", "webhook-secret", "", "the HMAC-SHA256 key that signs the webhook's requests", &r.webhookSecret},
		{"DOSSIER_SMTP_URL", "smtp-url", "", "smtp://user:pass@host:587?from=ADDR&to=ADDR,ADDR for LC reminders by e-mail (default: none)", &r.smtpURL},
		{"DOSSIER_REMINDER_DAYS", "reminder-days", "30,14,7,3,1", "days before an LC deadline to send a reminder on", &r.reminderDays},
		{"DOSSIER_CHECKPOINT_EVERY", "checkpoint-every", "1h", "how often the audit chains' heads are signed and written to the object store, when they moved (at least 1m)", &r.checkpointEvery},
		{"DOSSIER_SIGNING_KEY_FILE", "signing-key-file", "", "PEM file of the Ed25519 key that signs exports and audit checkpoints, made when missing (default: kept in the database)", &r.signingKeyFile},
	}
}

// Register adds the configuration flags to fs; the returned function, called
// after fs.Parse, builds the Config: a flag given on the command line wins over
// its environment variable, which wins over the default. The defaults shown in
// help are the built-in ones, so that --help never prints a secret taken from
// the environment (DOSSIER_DATABASE_URL, DOSSIER_BLOB_URL).
func Register(fs *pflag.FlagSet, getenv func(string) string) func() (Config, error) {
	var r raw
	settings := r.settings()
	for _, s := range settings {
		fs.StringVar(s.dst, s.flag, s.def, s.usage+" [$"+s.env+"]")
	}
	return func() (Config, error) {
		for _, s := range settings {
			if v := getenv(s.env); v != "" && !fs.Changed(s.flag) {
				*s.dst = v
			}
		}
		return r.build()
	}
}

func (r *raw) build() (Config, error) {
	c := Config{
		DataDir:      r.dataDir,
		DatabaseURL:  r.databaseURL,
		BlobURL:      r.blobURL,
		SearchURL:    r.searchURL,
		Listen:       r.listen,
		WorkflowsDir: r.workflowsDir,
	}
	if c.DataDir == "" {
		return c, fmt.Errorf("DOSSIER_DATA_DIR must not be empty")
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = "sqlite://" + filepath.Join(c.DataDir, "dossier.db")
	}
	if c.BlobURL == "" {
		c.BlobURL = "file://" + filepath.Join(c.DataDir, "blobs")
	}
	n, err := humanize.ParseBytes(r.maxUpload)
	if err != nil || n == 0 {
		return c, fmt.Errorf("DOSSIER_MAX_UPLOAD %q is not a size: use e.g. 512MiB or 2GB", r.maxUpload)
	}
	c.MaxUpload = int64(n)
	if n, err = humanize.ParseBytes(r.previewCache); err != nil || n == 0 {
		return c, fmt.Errorf("DOSSIER_PREVIEW_CACHE %q is not a size: use e.g. 1GiB or 500MB", r.previewCache)
	}
	c.PreviewCache = int64(n)
	switch r.ocr {
	case "0", "false", "":
	case "1", "true":
		c.OCR = true
	default:
		return c, fmt.Errorf("DOSSIER_OCR %q: use 1 or 0", r.ocr)
	}
	if c.Retention, err = parseRetention(r.retention); err != nil {
		return c, err
	}
	if c.TrustedProxies, err = parseCIDRs(r.trustedProxies); err != nil {
		return c, err
	}
	c.WebhookURL, c.WebhookSecret, c.SMTPURL = r.webhookURL, r.webhookSecret, r.smtpURL
	c.SigningKeyFile = r.signingKeyFile
	if c.CheckpointEvery, err = time.ParseDuration(r.checkpointEvery); err != nil || c.CheckpointEvery < MinCheckpointEvery {
		return c, fmt.Errorf("DOSSIER_CHECKPOINT_EVERY %q: use a duration of at least %s, e.g. 1h or 30m", r.checkpointEvery, MinCheckpointEvery)
	}
	for _, f := range strings.Split(r.reminderDays, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 || n > 365 {
			return c, fmt.Errorf("DOSSIER_REMINDER_DAYS %q: use days from 0 to 365, comma-separated, e.g. 30,14,7,3,1", r.reminderDays)
		}
		c.ReminderDays = append(c.ReminderDays, n)
	}
	if !strings.HasPrefix(c.DatabaseURL, "sqlite://") && !strings.HasPrefix(c.DatabaseURL, "postgres://") &&
		!strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return c, fmt.Errorf("DOSSIER_DATABASE_URL %q: use sqlite://PATH or postgres://…", c.DatabaseURL)
	}
	if !strings.HasPrefix(c.BlobURL, "file://") && !strings.HasPrefix(c.BlobURL, "s3://") {
		return c, fmt.Errorf("DOSSIER_BLOB_URL %q: use file://PATH or s3://bucket?…", c.BlobURL)
	}
	if c.SearchURL != "db" && !strings.HasPrefix(c.SearchURL, "meili://") {
		return c, fmt.Errorf("DOSSIER_SEARCH_URL %q: use db or meili://host:7700?…", c.SearchURL)
	}
	return c, nil
}

// parseCIDRs reads "10.0.0.0/8, 192.0.2.7": CIDRs, or single addresses
// meaning only themselves.
func parseCIDRs(raw string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for part := range strings.SplitSeq(raw, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			if ip := net.ParseIP(part); ip != nil {
				bits := 8 * len(ip.To4())
				if bits == 0 {
					bits = 128
				}
				part = fmt.Sprintf("%s/%d", part, bits)
			}
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("DOSSIER_TRUSTED_PROXIES: %q is not a CIDR: use e.g. 10.0.0.0/8,fd00::/8", part)
		}
		out = append(out, n)
	}
	return out, nil
}

// parseRetention reads "10" or "10,letter_of_credit=6,customs=7".
func parseRetention(raw string) (map[string]int, error) {
	out := map[string]int{}
	for i, part := range strings.Split(raw, ",") {
		kind, years, named := strings.Cut(strings.TrimSpace(part), "=")
		if !named {
			kind, years = "", kind
		}
		n, err := strconv.Atoi(years)
		if err != nil || n < 1 || n > 100 || (i == 0) == named {
			return nil, fmt.Errorf("DOSSIER_RETENTION_YEARS %q: use years from 1 to 100, first the default, then kind=years, e.g. 10,letter_of_credit=6", raw)
		}
		out[kind] = n
	}
	return out, nil
}
