package sqldb

// SetSyncBatch sets how many rows one catalog catch-up query reads.
func SetSyncBatch(n int) { syncBatch = n }
