//go:build !unix

package memcheck

// DiskFree cannot tell on this system.
func DiskFree(path string) (uint64, bool) { return 0, false }
