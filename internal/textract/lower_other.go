//go:build !unix

package textract

// lower does nothing where priorities are not set per process.
func lower(int) {}
