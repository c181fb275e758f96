package followup_test

import (
	"slices"
	"testing"
	"time"

	"dossier/internal/dossier"
	"dossier/internal/followup"
)

func TestFollows(t *testing.T) {
	t.Parallel()
	all := []string{followup.Stamp, followup.Retain, followup.Notify, followup.Index}
	archived := dossier.Document{ArchivedAt: new(time.Now())}
	for _, tc := range []struct {
		name string
		c    followup.Change
		want []string
	}{
		{"upload", followup.Change{What: followup.Upload}, []string{followup.Extract, followup.Index}},
		{"new version", followup.Change{What: followup.NewVersion}, []string{followup.Extract, followup.Index}},
		{"edit reaches the index", followup.Change{What: followup.Edit}, []string{followup.Index}},
		{"link follows nothing", followup.Change{What: followup.Link}, nil},
		{"review", followup.Change{What: followup.Review}, []string{followup.Notify, followup.Index}},
		{"legal hold", followup.Change{What: followup.LegalHold}, []string{followup.Retain, followup.Index}},
		{"import", followup.Change{What: followup.Import}, []string{followup.Extract, followup.Index}},
		// An import straight into the archive locks the bytes as archiving would.
		{"archived import", followup.Change{What: followup.Import, Document: archived}, []string{followup.Extract, followup.Index, followup.Retain}},
		{"purge leaves the index", followup.Change{What: followup.Purge}, []string{followup.Index}},
		{"transition that moved", followup.Change{What: followup.Transition, Effects: all, Moved: true}, all},
		// One approval of several levels: the state stays, so nothing is
		// stamped or retained yet.
		{"transition that stayed", followup.Change{What: followup.Transition, Effects: all}, []string{followup.Notify, followup.Index}},
	} {
		if got := followup.Follows(tc.c); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Follows = %v, want %v", tc.name, got, tc.want)
		}
	}
}
