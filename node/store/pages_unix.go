//go:build unix

package store

import (
	"unsafe"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// ReleasePages drops the node's mapping of the store's pages (madvise MADV_DONTNEED). bbolt maps
// the file read-only and shared and writes through the file, so the pages are clean copies of
// the page cache and dropping them loses nothing. It runs inside a read transaction, which holds
// bbolt's lock against remapping the file.
func (s *Store) ReleasePages() {
	_ = s.db.View(func(tx *bolt.Tx) error {
		size := int(tx.Size())
		info := s.db.Info()
		if info == nil || info.Data == 0 || size <= 0 {
			return nil
		}
		// info.Data is the address of the mapping, outside the Go heap.
		data := unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&info.Data))), size)
		return unix.Madvise(data, unix.MADV_DONTNEED)
	})
}
