//go:build unix

package memcheck

import (
	"os"
	"path/filepath"
	"syscall"
)

// DiskFree returns the bytes an unprivileged user may write on the file
// system that holds path, or its nearest existing ancestor (the output
// directory may not exist yet); false when it cannot be determined.
func DiskFree(path string) (uint64, bool) {
	p, err := filepath.Abs(path)
	if err != nil {
		return 0, false
	}
	for {
		if _, err := os.Stat(p); err == nil {
			break
		}
		parent := filepath.Dir(p)
		if parent == p {
			return 0, false
		}
		p = parent
	}
	var st syscall.Statfs_t
	if syscall.Statfs(p, &st) != nil || st.Bsize <= 0 {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}
