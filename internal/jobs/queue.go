package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"dossier/internal/dossier"
	"dossier/internal/store"
	"dossier/internal/store/sqldb"
)

// Parked returns the jobs that failed MaxAttempts times, or once for good,
// and wait for an operator, oldest first, with their last error.
func (r *Runner) Parked(ctx context.Context, limit int) ([]store.Job, error) {
	res, err := r.client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateDiscarded, rivertype.JobStateCancelled).
		OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(limit))
	if err != nil {
		return nil, fmt.Errorf("list parked jobs: %w", err)
	}
	out := make([]store.Job, len(res.Jobs))
	for i, row := range res.Jobs {
		out[i] = sqldb.JobOf(row)
	}
	return out, nil
}

// Retry runs parked job id again now, with a fresh attempt.
func (r *Runner) Retry(ctx context.Context, id int64) (store.Job, error) {
	if _, err := r.parked(ctx, id); err != nil {
		return store.Job{}, err
	}
	row, err := r.client.JobRetry(ctx, id)
	if err != nil {
		return store.Job{}, fmt.Errorf("retry job %d: %w", id, err)
	}
	return sqldb.JobOf(row), nil
}

// Dismiss removes parked job id: an operator has dealt with its cause.
func (r *Runner) Dismiss(ctx context.Context, id int64) error {
	if _, err := r.parked(ctx, id); err != nil {
		return err
	}
	if _, err := r.client.JobDelete(ctx, id); err != nil {
		return fmt.Errorf("dismiss job %d: %w", id, err)
	}
	return nil
}

// parked reads job id and refuses one that is not parked: a job that is
// queued or running is River's to finish.
func (r *Runner) parked(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	row, err := r.client.JobGet(ctx, id)
	if errors.Is(err, river.ErrNotFound) {
		return nil, dossier.Errorf(dossier.ENotFound, "job %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read job %d: %w", id, err)
	}
	if row.State != rivertype.JobStateDiscarded && row.State != rivertype.JobStateCancelled {
		return nil, dossier.Errorf(dossier.EConflict, "job %d is %s, not parked: it will run or has run", id, row.State)
	}
	return row, nil
}

// WaitIdle returns once none of the runner's jobs is left to run: none is
// running, queued, or waiting for a retry, and none queued for later is
// due. It wakes on each job the runner finishes rather than polling; the
// slow tick catches a queued-for-later job falling due. When ctx ends
// first, the error names the jobs still waiting.
func (r *Runner) WaitIdle(ctx context.Context) error {
	done, stop := r.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed,
		river.EventKindJobCancelled, river.EventKindJobSnoozed)
	defer stop()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		left, err := r.busy(ctx)
		if err != nil {
			return err
		}
		if len(left) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("jobs still to run: %s: %w", strings.Join(left, "; "), ctx.Err())
		case <-done:
		case <-tick.C:
		}
	}
}

// busy describes the runner's jobs that are left to run now or on retry.
func (r *Runner) busy(ctx context.Context) ([]string, error) {
	res, err := r.client.JobList(ctx, river.NewJobListParams().Kinds(r.kinds...).
		States(rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled).
		OrderBy(river.JobListOrderByID, river.SortOrderAsc).First(20))
	if err != nil {
		return nil, fmt.Errorf("list waiting jobs: %w", err)
	}
	var left []string
	for _, j := range res.Jobs {
		if j.State == rivertype.JobStateScheduled && j.ScheduledAt.After(time.Now()) {
			continue
		}
		desc := fmt.Sprintf("%s #%d %s after %d attempts", j.Kind, j.ID, j.State, j.Attempt)
		if n := len(j.Errors); n > 0 {
			desc += ": " + j.Errors[n-1].Error
		}
		left = append(left, desc)
	}
	return left, nil
}
