package httpapi_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"dossier/internal/apptest"
	"dossier/internal/config"
	"dossier/internal/dossier"
	"dossier/internal/notify"
)

// mailbox is an SMTP server started in the test: it keeps what it receives.
type mailbox struct {
	mu   sync.Mutex
	mail []string // "to: body"
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m}, nil }

type mailSession struct {
	box *mailbox
	to  []string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	s.box.mail = append(s.box.mail, strings.Join(s.to, ",")+": "+string(b))
	return err
}
func (s *mailSession) Reset()        { s.to = nil }
func (s *mailSession) Logout() error { return nil }

func (m *mailbox) received() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.mail...)
}

func startMailbox(t *testing.T) (*mailbox, string) {
	t.Helper()
	box := &mailbox{}
	srv := smtp.NewServer(box)
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return box, ln.Addr().String()
}

// hook is a webhook receiver that checks every request's signature.
type hook struct {
	mu   sync.Mutex
	got  []notify.Message
	bad  int
	fail int // answer 500 to this many requests first
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if notify.Sign("hook-secret", r.Header.Get(notify.TimestampHeader), body) != r.Header.Get(notify.SignatureHeader) {
		h.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if h.fail > 0 {
		h.fail--
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	var m notify.Message
	_ = json.Unmarshal(body, &m)
	h.got = append(h.got, m)
}

func (h *hook) messages() ([]notify.Message, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]notify.Message(nil), h.got...), h.bad
}

// TestLCWatch: the scheduler reminds before an LC's deadlines, each
// reminder once however often it looks, over a signed webhook and by
// e-mail, and lets an LC that was never presented expire by itself.
func TestLCWatch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		box, smtpAddr := startMailbox(t)
		receiver := &hook{fail: 1} // the first delivery fails and is retried
		web := httptest.NewServer(receiver)
		t.Cleanup(web.Close)
		b := setup(t, be, func(c *config.Config) {
			c.WebhookURL, c.WebhookSecret = web.URL, "hook-secret"
			c.SMTPURL = "smtp://" + smtpAddr + "?from=dossier@example.com&to=treasury@example.com&tls=none"
		})
		today := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		b.App.LC.Now = func() time.Time { return today }
		b.AddUser(t, "bl", []dossier.Role{dossier.RoleBankLiaison}, 0)
		bl := b.SignIn(t, "bl")
		lc := b.postMT700(t, bl, "?create=true", mt700("FRA-9", "260331FRANKFURT", "260315", "21"), http.StatusCreated).Document

		watch := func() {
			t.Helper()
			if err := b.App.Watcher.Watch(t.Context()); err != nil {
				t.Fatal(err)
			}
			b.WaitJobs(t)
		}
		var page struct {
			Items []dossier.Notification
			Due   []struct {
				Deadline string
				RemindOn string `json:"remind_on"`
			} `json:"due"`
		}
		// 29 days before the expiry and the last day of presentation: the 30-day reminders.
		watch()
		watch() // the same day again: nothing new
		b.getJSON(t, bl, "/api/v1/notifications", &page)
		if len(page.Items) != 2 {
			t.Fatalf("after two rounds on 2 March: %+v", page.Items)
		}
		retried := 0
		for _, n := range page.Items {
			retried += n.Attempts - 2 // one webhook and one e-mail delivery each
			if n.Kind != dossier.NotifyReminder || n.DueOn != "2026-03-31" || n.DaysLeft != 29 || n.WebhookAt == nil || n.EmailAt == nil {
				t.Errorf("reminder: %+v", n)
			}
		}
		if retried != 1 {
			t.Errorf("%d failed deliveries retried, want the one the webhook refused", retried)
		}
		if len(page.Due) != 2 || page.Due[0].RemindOn != "2026-03-17" {
			t.Errorf("due: %+v (the 14-day reminders fall on 17 March)", page.Due)
		}
		// Six days before: the 7-day reminders.
		today = time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC)
		watch()
		b.getJSON(t, bl, "/api/v1/notifications", &page)
		if len(page.Items) != 4 || page.Items[0].DaysLeft != 6 {
			t.Errorf("on 25 March: %+v", page.Items)
		}
		// The expiry has passed with no presentation: the LC expires, once.
		today = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
		watch()
		watch()
		var d document
		b.getJSON(t, bl, "/api/v1/documents/"+lc.ID, &d)
		if d.State != "expired" {
			t.Errorf("after the expiry: state %s", d.State)
		}
		b.getJSON(t, bl, "/api/v1/notifications?document_id="+lc.ID, &page)
		if len(page.Items) != 5 || page.Items[0].Kind != dossier.NotifyExpired || len(page.Due) != 0 {
			t.Errorf("after the expiry: %+v due %+v", page.Items, page.Due)
		}
		var history struct{ Items []dossier.HistoryEntry }
		b.getJSON(t, bl, "/api/v1/documents/"+lc.ID+"/history", &history)
		if last := history.Items[len(history.Items)-1]; last.Event != "expire" || last.Actor != "system" {
			t.Errorf("last history entry: %+v", last)
		}

		sent, bad := receiver.messages()
		if len(sent) != 5 || bad != 0 || sent[0].Number != "FRA-9" {
			t.Errorf("webhook: %d messages, %d badly signed: %+v", len(sent), bad, sent)
		}
		mail := box.received()
		if len(mail) != 5 || !strings.HasPrefix(mail[0], "treasury@example.com: ") || !strings.Contains(mail[0], "FRA-9") {
			t.Errorf("e-mail: %d messages: %q", len(mail), mail)
		}
	})
}
