//go:build !linux

package store

// mappedFileBytes is not known here: the store then releases its pages at every check.
func mappedFileBytes() (int64, bool) { return 0, false }
