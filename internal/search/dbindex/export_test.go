package dbindex

// SetSyncBatch sets how many rows one catalog catch-up query reads.
func SetSyncBatch(n int) { syncBatch = n }

// CatalogSeq returns the change number the catalog of ix has caught up to.
func CatalogSeq(ix any) int64 {
	c := ix.(*Index).catalog
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seq
}
