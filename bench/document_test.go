package bench

import (
	"context"
	"testing"
	"time"

	"dossier/internal/app"
	"dossier/internal/dossier"
	"dossier/internal/engine"
	"dossier/internal/testenv"
)

// BenchmarkDocumentRead is the service call behind GET /documents/{id}
// without HTTP: one document and its allowed_events, as an approver who may
// approve or reject it (the DOA guard and two not_actor_of guards), on each
// database. It isolates what the read's profile pointed at; run it with
// -cpuprofile to see where a read goes.
func BenchmarkDocumentRead(b *testing.B) {
	for _, st := range testenv.Stores() {
		b.Run(st.Name, func(b *testing.B) {
			db := st.Open(b)
			defs, err := app.LoadWorkflows("")
			if err != nil {
				b.Fatal(err)
			}
			eng := engine.New(db, defs, time.Now)
			clerk := addUser(b, db, "clerk", dossier.RoleAdmin)
			reviewer := addUser(b, db, "reviewer", dossier.RoleReviewer)
			approver := addUser(b, db, "approver", dossier.RoleApprover)
			approver.ApprovalLevel = 3
			ids := seedDocuments(b, db, 3, clerk.ID, reviewer.ID)
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				_, allowed, err := eng.Document(ctx, approver, ids[2])
				if err != nil || len(allowed) != 2 {
					b.Fatalf("allowed_events %v, %v; want approve and reject", allowed, err)
				}
			}
		})
	}
}
