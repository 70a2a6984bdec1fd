//go:build !unix

package main

// lockFile cannot lock on this system: concurrent runs of one shard are
// not detected.
func lockFile(path string) (release func(), err error) { return func() {}, nil }
