package httpapi_test

import (
	"slices"
	"testing"
	"time"

	"dossier/internal/apptest"
	"dossier/internal/dossier"
)

type retentionReport struct {
	AsOf  time.Time       `json:"as_of"`
	Kinds []retentionKind `json:"kinds"`
}

type retentionKind struct {
	Kind            string     `json:"kind"`
	RetentionYears  int        `json:"retention_years"`
	Archived        int        `json:"archived"`
	LegalHold       int        `json:"legal_hold"`
	PurgeableNow    int        `json:"purgeable_now"`
	NextPurgeableAt *time.Time `json:"next_purgeable_at"`
	Schedule        []struct {
		Year      int `json:"year"`
		Documents int `json:"documents"`
	} `json:"schedule"`
}

// TestRetentionReport: an auditor reads, per kind, its retention and when
// the archived documents become purgeable.
func TestRetentionReport(t *testing.T) {
	forEachBackend(t, func(t *testing.T, be apptest.Backend) {
		b := setup(t, be)
		b.AddUser(t, "aude", []dossier.Role{dossier.RoleAuditor}, 0)
		auditor := b.SignIn(t, "aude")
		d := b.upload(t, "declaration.txt", []byte("customs declaration 77\n"), `{"kind":"customs","title":"Declaration 77","number":"77"}`)
		archived := b.fireOK(t, b.admin, d.ID, `{"event":"archive"}`)
		b.upload(t, "open.txt", []byte("customs declaration 78\n"), `{"kind":"customs","title":"Declaration 78","number":"78"}`)

		var r retentionReport
		b.getJSON(t, auditor, "/api/v1/retention", &r)
		i := slices.IndexFunc(r.Kinds, func(k retentionKind) bool { return k.Kind == string(dossier.KindCustoms) })
		if i < 0 {
			t.Fatalf("report without customs: %+v", r)
		}
		k := r.Kinds[i]
		until := archived.ArchivedAt.AddDate(10, 0, 0)
		if k.RetentionYears != 10 || k.Archived != 1 || k.LegalHold != 0 || k.PurgeableNow != 0 ||
			k.NextPurgeableAt == nil || !k.NextPurgeableAt.Equal(until) ||
			len(k.Schedule) != 1 || k.Schedule[0].Year != until.Year() || k.Schedule[0].Documents != 1 {
			t.Errorf("customs: %+v; want 10 years, 1 archived, purgeable from %s", k, until)
		}
		if r.AsOf.IsZero() || len(r.Kinds) != 7 {
			t.Errorf("report as of %s with %d kinds, want a time and the 7 shipped kinds", r.AsOf, len(r.Kinds))
		}
	})
}
