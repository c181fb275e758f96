package lc

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/notify"
	"dossier/internal/store"
	"dossier/internal/ucp"
)

// DefaultReminderDays are the days before a deadline on which a reminder
// goes out (DOSSIER_REMINDER_DAYS).
var DefaultReminderDays = []int{30, 14, 7, 3, 1}

// The deadlines reminders are about.
const (
	DeadlinePresentation = "presentation"
	DeadlineExpiry       = "expiry"
)

// Scheduler fires the events a definition has the scheduler fire.
type Scheduler interface {
	FireScheduled(ctx context.Context, id, event string) (dossier.Document, error)
}

// Watcher watches the LCs' dates: it fires their scheduled events (expire)
// and sends reminders before their deadlines, each once.
type Watcher struct {
	LC        *Service
	Scheduler Scheduler
	Sender    *notify.Sender
	// Days are the days before a deadline to remind on; none means
	// DefaultReminderDays.
	Days []int
}

func (w *Watcher) days() []int {
	if len(w.Days) == 0 {
		return DefaultReminderDays
	}
	return w.Days
}

// Watch is one round, run by a periodic job on one replica at a time; a
// second round the same day finds every reminder already sent.
func (w *Watcher) Watch(ctx context.Context) error {
	def, err := w.LC.defs.Lookup(dossier.KindLetterOfCredit)
	if err != nil {
		return err
	}
	rows, err := w.LC.Register(ctx, Filter{})
	if err != nil {
		return err
	}
	today := civil(w.LC.Now())
	for _, r := range rows {
		open := false // an event of the scheduler can still fire: the LC can still expire
		for event, dateName := range def.Scheduled {
			if !def.Machine(r.State).Can(event) {
				continue
			}
			open = true
			if due, passed := w.passed(r, dateName, today); passed {
				if err := w.fire(ctx, r, event, due, today); err != nil {
					return err
				}
				open = false
			}
		}
		if open {
			if err := w.remind(ctx, r, today); err != nil {
				return err
			}
		}
	}
	return nil
}

// passed says whether the date dateName of r has passed at the bank (moved
// off a closed day): the day after it has begun.
func (w *Watcher) passed(r Row, dateName string, today ucp.Date) (string, bool) {
	day := date(r.dates[dateName])
	if day.IsZero() {
		return "", false
	}
	cal, _ := ucp.Lookup(r.Calendar)
	at := cal.NextBankingDay(day)
	return at.String(), today.After(at)
}

func (w *Watcher) fire(ctx context.Context, r Row, event, due string, today ucp.Date) error {
	_, err := w.Scheduler.FireScheduled(ctx, r.ID, event)
	if code := dossier.ErrorCode(err); code == dossier.EConflict || code == dossier.EUnprocessable {
		return nil // moved on meanwhile, or a guard says not yet: the next round looks again
	}
	if err != nil {
		return fmt.Errorf("fire %s on %s: %w", event, r.ID, err)
	}
	return w.record(ctx, r, dossier.Notification{Key: r.ID + "|" + event + "|" + due, Kind: dossier.NotifyExpired,
		Deadline: DeadlineExpiry, DueOn: due, DaysLeft: daysBetween(today, date(due)),
		Message: fmt.Sprintf("LC %s expired on %s with no complying presentation (%s fired by the scheduler)", r.Number, due, event)})
}

func (w *Watcher) remind(ctx context.Context, r Row, today ucp.Date) error {
	deadlines := [][2]string{{DeadlineExpiry, r.ExpiryDate}}
	if r.PresentationDate == "" && r.PresentationDeadline != "" {
		deadlines = append(deadlines, [2]string{DeadlinePresentation, r.PresentationDeadline})
	}
	for _, dl := range deadlines {
		day := date(dl[1])
		if day.IsZero() {
			continue
		}
		if dl[0] == DeadlineExpiry {
			cal, _ := ucp.Lookup(r.Calendar)
			day = cal.NextBankingDay(day)
		}
		left := daysBetween(today, day)
		offset, ok := reminderOffset(w.days(), left)
		if !ok {
			continue
		}
		err := w.record(ctx, r, dossier.Notification{
			Key: fmt.Sprintf("%s|%s|%s|%d", r.ID, dl[0], day, offset), Kind: dossier.NotifyReminder,
			Deadline: dl[0], DueOn: day.String(), DaysLeft: left,
			Message: fmt.Sprintf("LC %s: %s deadline %s, in %d days", r.Number, dl[0], day, left)})
		if err != nil {
			return err
		}
	}
	return nil
}

// reminderOffset is the reminder a deadline left days ahead is due for: the
// smallest of days at or above left. A deadline past (left < 0) has none.
func reminderOffset(days []int, left int) (int, bool) {
	best, ok := 0, false
	for _, d := range days {
		if left >= 0 && left <= d && (!ok || d < best) {
			best, ok = d, true
		}
	}
	return best, ok
}

// record adds n once (its key decides) with the jobs that deliver it.
func (w *Watcher) record(ctx context.Context, r Row, n dossier.Notification) error {
	n.ID, n.DocumentID, n.CreatedAt = ulid.Make().String(), r.ID, w.LC.Now().UTC().Truncate(time.Microsecond)
	return w.LC.store.Write(ctx, func(tx store.Tx) error {
		added, err := tx.AddNotification(ctx, n)
		if err != nil || !added {
			return err
		}
		var jobs []store.Job
		for _, ch := range w.Sender.Channels() {
			payload, err := json.Marshal(Delivery{NotificationID: n.ID, Channel: ch})
			if err != nil {
				return err
			}
			jobs = append(jobs, store.Job{Kind: followup.Deliver, Payload: payload, RunAt: n.CreatedAt})
		}
		if len(jobs) == 0 {
			return nil // logged and listed only
		}
		return tx.Enqueue(ctx, jobs...)
	})
}

// Delivery is the payload of a deliver job: one notification, one channel.
type Delivery struct {
	NotificationID string `json:"notification_id"`
	Channel        string `json:"channel"`
}

// Deliver sends one notification over one channel (the deliver job); an
// error is retried by the job queue and noted on the notification.
func (w *Watcher) Deliver(ctx context.Context, payload []byte) error {
	var d Delivery
	if err := json.Unmarshal(payload, &d); err != nil {
		return dossier.Errorf(dossier.EUnprocessable, "deliver: %v", err)
	}
	var m notify.Message
	err := w.LC.store.Read(ctx, func(tx store.Tx) error {
		n, err := tx.Notification(ctx, d.NotificationID)
		if err != nil {
			return err
		}
		doc, err := tx.Document(ctx, n.DocumentID)
		if err != nil {
			return err
		}
		m = notify.Message{Notification: n, Number: doc.Number, Customer: doc.Customer, Title: doc.Title}
		return nil
	})
	if err != nil {
		return err
	}
	if !slices.Contains(w.Sender.Channels(), d.Channel) {
		return nil // the channel was turned off since
	}
	sendErr := w.Sender.Send(ctx, d.Channel, m)
	failure := ""
	if sendErr != nil {
		failure = sendErr.Error()
	}
	if err := w.LC.store.Write(ctx, func(tx store.Tx) error {
		return tx.DeliveredNotification(ctx, d.NotificationID, d.Channel, w.LC.Now(), failure)
	}); err != nil {
		return err
	}
	return sendErr
}

// Due is a reminder the scheduler will send: about Deadline of LC Number on
// DueOn, on RemindOn.
type Due struct {
	DocumentID string `json:"document_id"`
	Number     string `json:"number"`
	Deadline   string `json:"deadline"`
	DueOn      string `json:"due_on"`
	RemindOn   string `json:"remind_on"`
}

// Notifications lists what was sent (newest first, of one LC unless
// documentID is "") and the next reminder due for each open LC's deadlines.
func (w *Watcher) Notifications(ctx context.Context, documentID string, limit int) ([]dossier.Notification, []Due, error) {
	var sent []dossier.Notification
	err := w.LC.store.Read(ctx, func(tx store.Tx) (err error) {
		sent, err = tx.Notifications(ctx, documentID, limit)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	def, err := w.LC.defs.Lookup(dossier.KindLetterOfCredit)
	if err != nil {
		return nil, nil, err
	}
	rows, err := w.LC.Register(ctx, Filter{})
	if err != nil {
		return nil, nil, err
	}
	today := civil(w.LC.Now())
	due := []Due{}
	for _, r := range rows {
		if documentID != "" && r.ID != documentID || !canExpire(def.Scheduled, def.Machine(r.State).Can) {
			continue
		}
		for _, dl := range [][2]string{{DeadlinePresentation, r.PresentationDeadline}, {DeadlineExpiry, r.ExpiryDate}} {
			if dl[0] == DeadlinePresentation && r.PresentationDate != "" || dl[1] == "" {
				continue
			}
			day := date(dl[1])
			if dl[0] == DeadlineExpiry {
				cal, _ := ucp.Lookup(r.Calendar)
				day = cal.NextBankingDay(day)
			}
			if on, ok := nextReminder(w.days(), today, day); ok {
				due = append(due, Due{DocumentID: r.ID, Number: r.Number, Deadline: dl[0], DueOn: day.String(), RemindOn: on.String()})
			}
		}
	}
	slices.SortFunc(due, func(a, b Due) int { return strings.Compare(a.RemindOn+a.DocumentID, b.RemindOn+b.DocumentID) })
	return sent, due, nil
}

func canExpire(scheduled map[string]string, can func(string) bool) bool {
	for event := range scheduled {
		if can(event) {
			return true
		}
	}
	return false
}

// nextReminder is the first day after today on which a reminder of a
// deadline on day goes out.
func nextReminder(days []int, today, day ucp.Date) (ucp.Date, bool) {
	left := daysBetween(today, day)
	best, ok := 0, false
	for _, d := range days {
		if d < left && (!ok || d > best) {
			best, ok = d, true
		}
	}
	if !ok {
		return ucp.Date{}, false
	}
	return day.AddDays(-best), true
}
