// Package notify delivers the scheduler's notifications: to a webhook, as
// JSON signed with HMAC-SHA256, and by e-mail through SMTP. Each delivery is
// one attempt; the job queue retries a failed one.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"dossier/internal/dossier"
)

// The channels a notification goes out on.
const (
	Webhook = "webhook"
	Email   = "email"
)

// The webhook's headers: the time of sending (Unix seconds), and the
// signature "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)),
// so that a receiver can check both the sender and the freshness.
const (
	TimestampHeader = "X-Dossier-Timestamp"
	SignatureHeader = "X-Dossier-Signature"
)

// Config says where notifications go; an empty URL turns its channel off.
type Config struct {
	WebhookURL    string
	WebhookSecret string
	// SMTPURL is smtp://user:pass@host:port?from=ADDR&to=ADDR,ADDR[&tls=none|starttls|tls]
	// (tls defaults to starttls when the server offers it).
	SMTPURL string
}

// Sender delivers notifications as Config says.
type Sender struct {
	cfg    Config
	smtp   smtpTarget // parsed from cfg.SMTPURL when set
	client *http.Client
	now    func() time.Time
}

// New checks c and returns a Sender.
func New(c Config, now func() time.Time) (*Sender, error) {
	if c.WebhookURL != "" {
		u, err := url.Parse(c.WebhookURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("DOSSIER_WEBHOOK_URL %q: use an http:// or https:// URL", c.WebhookURL)
		}
		if c.WebhookSecret == "" {
			return nil, fmt.Errorf("DOSSIER_WEBHOOK_SECRET is empty: the webhook's requests are signed with it")
		}
	}
	s := &Sender{cfg: c, client: &http.Client{Timeout: 15 * time.Second}, now: now}
	if c.SMTPURL != "" {
		var err error
		if s.smtp, err = parseSMTP(c.SMTPURL); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Channels are the channels configured.
func (s *Sender) Channels() []string {
	var out []string
	if s.cfg.WebhookURL != "" {
		out = append(out, Webhook)
	}
	if s.cfg.SMTPURL != "" {
		out = append(out, Email)
	}
	return out
}

// Message is what a notification says, with the document it is about.
type Message struct {
	dossier.Notification
	Number   string `json:"number"`
	Customer string `json:"customer"`
	Title    string `json:"title"`
}

// Send delivers m over channel.
func (s *Sender) Send(ctx context.Context, channel string, m Message) error {
	switch channel {
	case Webhook:
		return s.webhook(ctx, m)
	case Email:
		return s.email(ctx, m)
	}
	return fmt.Errorf("unknown channel %q", channel)
}

func (s *Sender) webhook(ctx context.Context, m Message) error {
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(s.now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(TimestampHeader, ts)
	req.Header.Set(SignatureHeader, Sign(s.cfg.WebhookSecret, ts, body))
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// Sign is the webhook signature of body sent at timestamp ts.
func Sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

type smtpTarget struct {
	host, user, pass, from string
	port                   int
	to                     []string
	tls                    mail.TLSPolicy
	implicitTLS            bool
}

func parseSMTP(raw string) (smtpTarget, error) {
	bad := func(why string) (smtpTarget, error) {
		return smtpTarget{}, fmt.Errorf("DOSSIER_SMTP_URL: %s: use smtp://user:pass@host:port?from=ADDR&to=ADDR,ADDR", why)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return bad("not an smtp:// URL")
	}
	t := smtpTarget{host: u.Hostname(), port: 587, from: u.Query().Get("from"), tls: mail.TLSOpportunistic}
	if p := u.Port(); p != "" {
		if t.port, err = strconv.Atoi(p); err != nil {
			return bad("the port is not a number")
		}
	}
	if u.User != nil {
		t.user = u.User.Username()
		t.pass, _ = u.User.Password()
	}
	for _, a := range strings.Split(u.Query().Get("to"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			t.to = append(t.to, a)
		}
	}
	switch u.Query().Get("tls") {
	case "", "starttls":
	case "none":
		t.tls = mail.NoTLS
	case "tls":
		t.implicitTLS = true
	default:
		return bad("tls must be none, starttls or tls")
	}
	if t.from == "" || len(t.to) == 0 {
		return bad("from and to are required")
	}
	return t, nil
}

func (s *Sender) email(ctx context.Context, m Message) error {
	t := s.smtp
	msg := mail.NewMsg()
	if err := msg.From(t.from); err != nil {
		return fmt.Errorf("e-mail from %q: %w", t.from, err)
	}
	if err := msg.To(t.to...); err != nil {
		return fmt.Errorf("e-mail to %v: %w", t.to, err)
	}
	msg.Subject(fmt.Sprintf("[Dossier] LC %s: %s", m.Number, m.Message))
	msg.SetBodyString(mail.TypeTextPlain, fmt.Sprintf("%s\n\nLC %s (%s), %s\nDeadline: %s on %s (%d days left)\nDocument: %s\n",
		m.Message, m.Number, m.Customer, m.Title, m.Deadline, m.DueOn, m.DaysLeft, m.DocumentID))
	opts := []mail.Option{mail.WithPort(t.port), mail.WithTLSPolicy(t.tls), mail.WithTimeout(15 * time.Second)}
	if t.implicitTLS {
		opts = append(opts, mail.WithSSL())
	}
	if t.user != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(t.user), mail.WithPassword(t.pass))
	}
	c, err := mail.NewClient(t.host, opts...)
	if err != nil {
		return fmt.Errorf("e-mail: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("e-mail: %w", err)
	}
	return nil
}
