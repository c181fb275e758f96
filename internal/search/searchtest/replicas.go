package searchtest

import (
	"testing"

	"dossier/internal/search"
)

// RunReplicas checks two handles on one index, as two servers sharing a
// database or a search engine hold them: whatever one writes, the other
// finds, with the same filters, totals and facets. newPair returns two
// handles on a fresh, empty index.
func RunReplicas(t *testing.T, newPair func(t *testing.T) (a, b search.Index)) {
	t.Run("Replicas", func(t *testing.T) {
		a, b := newPair(t)
		c := corpus()
		v := upsertVersions()
		docs := []search.Doc{v[0], c[0], c[1], c[3]}
		queries := []search.Query{{}, {Q: "zirconium"}, {Q: "definitive"}, {State: []string{"approved"}},
			{State: []string{"in_review"}}, {Currency: []string{"EUR"}}, {AmountMin: "149000"}}
		load(t, b, nil) // b's first search happens before a writes
		load(t, a, docs)
		converge(t, b, docs, queries...)

		if err := a.Upsert(t.Context(), v[1]); err != nil {
			t.Fatalf("Upsert: %v", err)
		}
		docs[0] = v[1]
		converge(t, b, docs, queries...)

		if err := a.Delete(t.Context(), c[3].ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		docs = docs[:3]
		converge(t, b, docs, queries...)

		if err := b.Upsert(t.Context(), c[3]); err != nil {
			t.Fatalf("Upsert: %v", err)
		}
		docs = append(docs, c[3])
		converge(t, a, docs, queries...)
		converge(t, b, docs, queries...)
	})
}
