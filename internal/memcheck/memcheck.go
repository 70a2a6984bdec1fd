// Package memcheck refuses work that cannot fit in memory before it
// starts: a command that would need more than the machine has returns a
// clear error instead of crashing the Go runtime (or the machine) with an
// out-of-memory failure half-way through.
//
// Available reads MemAvailable from /proc/meminfo and, inside a cgroup v2
// container, the room left under memory.max; where neither can be read
// (other systems) nothing is refused.
package memcheck

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Available returns the bytes of memory a new allocation can use, and
// false when it cannot be determined.
func Available() (uint64, bool) {
	avail, ok := uint64(0), false
	if raw, err := readSmall("/proc/meminfo"); err == nil {
		avail, ok = parseMeminfo(raw)
	}
	if lim, err := readSmall("/sys/fs/cgroup/memory.max"); err == nil {
		cur, err := readSmall("/sys/fs/cgroup/memory.current")
		if l, lok := parseUint(lim); lok && err == nil {
			if c, cok := parseUint(cur); cok {
				room := uint64(0)
				if l > c {
					room = l - c
				}
				if !ok || room < avail {
					avail, ok = room, true
				}
			}
		}
	}
	return avail, ok
}

// Check returns an error when need bytes exceed the memory available;
// what names the work ("a 40000×40000 grid").
func Check(what string, need uint64) error {
	avail, ok := Available()
	if !ok || need <= avail {
		return nil
	}
	return fmt.Errorf("%s needs about %s of memory, and %s is available", what, Bytes(need), Bytes(avail))
}

// Bytes formats a byte count with a binary unit (KiB, MiB, GiB, TiB).
func Bytes(b uint64) string {
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%d B", b)
	}
	v, i := float64(b)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGT"[i])
}

// parseMeminfo returns MemAvailable in bytes.
func parseMeminfo(raw []byte) (uint64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemAvailable:" {
			kb, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil || kb > 1<<50 {
				return 0, false
			}
			return kb * 1024, true
		}
	}
	return 0, false
}

// parseUint reads a cgroup value ("max" is no limit).
func parseUint(raw []byte) (uint64, bool) {
	v, err := strconv.ParseUint(strings.TrimSpace(string(raw)), 10, 64)
	return v, err == nil
}

// readSmall reads at most 64 KiB of a file (the kernel's files are small;
// anything longer is not what we are looking for).
func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 64<<10))
}

// CheckDisk returns an error when need bytes exceed the space free for
// writing under dir; what names the output.
func CheckDisk(what, dir string, need uint64) error {
	free, ok := DiskFree(dir)
	if !ok || need <= free {
		return nil
	}
	return fmt.Errorf("%s needs about %s of disk, and %s is free under %s", what, Bytes(need), Bytes(free), dir)
}
