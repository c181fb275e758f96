package auth

import (
	"context"
	"fmt"

	"dossier/internal/doa"
	"dossier/internal/store"
)

// coverage is the highest DOA level some enabled approver holds: every level
// up to it has someone who may approve it, the levels above have nobody (a
// delegation lends only what its delegator holds).
func coverage(ctx context.Context, tx store.Tx) (int, error) {
	users, err := tx.ListUsers(ctx)
	if err != nil {
		return 0, err
	}
	top := 0
	for _, u := range users {
		if doa.CanApprove(u, 1) {
			top = max(top, u.ApprovalLevel)
		}
	}
	return top, nil
}

// lostLevels says which levels a change left with nobody who may approve
// them, given the coverage before it.
func lostLevels(ctx context.Context, tx store.Tx, before int) ([]string, error) {
	after, err := coverage(ctx, tx)
	if err != nil {
		return nil, err
	}
	var out []string
	for l := after + 1; l <= before; l++ {
		out = append(out, fmt.Sprintf("nobody may approve level %d any more: no enabled approver holds level %d or higher, "+
			"so documents that need it wait until someone is given it", l, l))
	}
	return out, nil
}
