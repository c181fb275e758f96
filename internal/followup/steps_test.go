package followup_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/followup"
	"dossier/internal/store"
	"dossier/internal/testenv"
)

// queued returns the jobs waiting in st, of the kinds given.
func queued(t *testing.T, st store.Store, kinds ...string) []store.Job {
	t.Helper()
	var out []store.Job
	err := st.Read(t.Context(), func(tx store.Tx) error {
		for _, k := range kinds {
			jobs, err := tx.Jobs(t.Context(), k, 100)
			if err != nil {
				return err
			}
			out = append(out, jobs...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestQueueMergesNotifyAndIndex: a change whose follow-ups include notify
// and index queues them as one follow-up job listing both, in their order,
// beside its other jobs; a change with only one of them queues it alone.
func TestQueueMergesNotifyAndIndex(t *testing.T) {
	t.Parallel()
	d := dossier.Document{ID: "01J0000000000000000000000A", Version: 4, State: "some_state"}
	for _, tc := range []struct {
		name  string
		c     followup.Change
		kinds []string // the jobs, in the order Queue wrote them
		steps []string // the follow-up job's
	}{
		{"transition", followup.Change{What: followup.Transition, Document: d, Moved: true,
			Effects: []string{followup.Stamp, followup.Notify, followup.Retain, followup.Index}},
			[]string{followup.Stamp, followup.Follow, followup.Retain}, []string{followup.Notify, followup.Index}},
		{"review", followup.Change{What: followup.Review, Document: d}, []string{followup.Follow}, []string{followup.Notify, followup.Index}},
		{"edit", followup.Change{What: followup.Edit, Document: d}, []string{followup.Index}, nil},
		{"upload", followup.Change{What: followup.Upload, Document: d}, []string{followup.Extract, followup.Index}, nil},
	} {
		var jobs []store.Job
		rec := recorder{enqueue: func(js ...store.Job) { jobs = append(jobs, js...) }}
		if err := followup.Queue(t.Context(), rec, time.Now(), tc.c); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var kinds []string
		var steps []string
		for _, j := range jobs {
			kinds = append(kinds, j.Kind)
			var p followup.Payload
			if err := json.Unmarshal(j.Payload, &p); err != nil || p.DocumentID != d.ID || p.Version != 4 {
				t.Errorf("%s: payload %s (%v)", tc.name, j.Payload, err)
			}
			if j.Kind == followup.Follow {
				steps = p.Steps
			} else if len(p.Steps) > 0 {
				t.Errorf("%s: a %s job lists steps %v", tc.name, j.Kind, p.Steps)
			}
			// Extraction waits in the slow queue, every other job in the default one.
			want := ""
			if j.Kind == followup.Extract {
				want = followup.SlowQueue
			}
			if j.Queue != want {
				t.Errorf("%s: the %s job waits in queue %q, want %q", tc.name, j.Kind, j.Queue, want)
			}
		}
		if !slices.Equal(kinds, tc.kinds) || !slices.Equal(steps, tc.steps) {
			t.Errorf("%s: jobs %v with steps %v, want %v with %v", tc.name, kinds, steps, tc.kinds, tc.steps)
		}
	}
}

// recorder is a store.JobTx that keeps what is queued.
type recorder struct {
	store.JobTx
	enqueue func(...store.Job)
}

func (r recorder) Enqueue(_ context.Context, jobs ...store.Job) error {
	r.enqueue(jobs...)
	return nil
}

// TestStepsRunInOrderAndRequeueAFailure: a follow-up job runs its steps in
// order with the payload of a job of each kind; a step that fails is queued
// as a job of its own kind (to be retried and parked as any job) while the
// steps after it still run, and the follow-up job itself succeeds.
func TestStepsRunInOrderAndRequeueAFailure(t *testing.T) {
	t.Parallel()
	for _, backend := range testenv.Stores() {
		t.Run(backend.Name, func(t *testing.T) {
			t.Parallel()
			db := backend.Open(t)
			var ran []string
			var payloads []string
			step := func(kind string, err error) followup.Handler {
				return func(_ context.Context, p []byte) error {
					ran, payloads = append(ran, kind), append(payloads, string(p))
					return err
				}
			}
			h := followup.Steps(map[string]followup.Handler{
				followup.Notify: step(followup.Notify, errors.New("the mail server is down")),
				followup.Index:  step(followup.Index, nil),
			}, db, time.Now)
			job := `{"document_id":"D1","version":3,"state":"s","file_version":1,"steps":["notify","index"]}`
			if err := h(t.Context(), []byte(job)); err != nil {
				t.Fatalf("the follow-up job failed: %v", err)
			}
			one := `{"document_id":"D1","version":3,"state":"s","file_version":1}`
			if !slices.Equal(ran, []string{followup.Notify, followup.Index}) || payloads[0] != one || payloads[1] != one {
				t.Errorf("ran %v with %v, want notify then index with %s", ran, payloads, one)
			}
			again := queued(t, db, followup.Notify, followup.Index, followup.Follow)
			// PostgreSQL keeps the payload as jsonb, whose keys come back reordered.
			var p followup.Payload
			if len(again) != 1 || again[0].Kind != followup.Notify || json.Unmarshal(again[0].Payload, &p) != nil ||
				!reflect.DeepEqual(p, followup.Payload{DocumentID: "D1", Version: 3, State: "s", FileVersion: 1}) {
				t.Errorf("queued again %+v, want one notify job with %s", again, one)
			}
		})
	}
}
