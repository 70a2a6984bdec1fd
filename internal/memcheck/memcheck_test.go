package memcheck

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseMeminfo(t *testing.T) {
	v, ok := parseMeminfo([]byte("MemTotal:       24683548 kB\nMemFree: 1 kB\nMemAvailable:   2048 kB\n"))
	assert.True(t, ok)
	assert.Equal(t, uint64(2048*1024), v)
	_, ok = parseMeminfo([]byte("MemTotal: 5 kB\n"))
	assert.False(t, ok)
	_, ok = parseMeminfo([]byte("MemAvailable: -3 kB\n"))
	assert.False(t, ok)
	_, ok = parseUint([]byte("max\n"))
	assert.False(t, ok)
}

// TestCheck: an impossible request is refused with both sizes named; a
// small one passes.
func TestCheck(t *testing.T) {
	if _, ok := Available(); !ok {
		t.Skip("available memory cannot be read on this system")
	}
	err := Check("a huge grid", math.MaxUint64/2)
	assert.ErrorContains(t, err, "a huge grid needs about")
	assert.ErrorContains(t, err, "is available")
	assert.NoError(t, Check("a small grid", 1<<20))
}

func TestBytes(t *testing.T) {
	for _, c := range []struct {
		b    uint64
		want string
	}{{512, "512 B"}, {2048, "2.0 KiB"}, {3 << 30, "3.0 GiB"}, {5 << 40, "5.0 TiB"}, {5 << 50, "5120.0 TiB"}} {
		assert.Equal(t, c.want, Bytes(c.b))
	}
}

// TestCheckDisk: the free space of an existing directory's file system
// is positive, a directory to be created is measured on its parent, and
// an impossible output is refused.
func TestCheckDisk(t *testing.T) {
	dir := t.TempDir()
	free, ok := DiskFree(dir)
	if !ok {
		t.Skip("free disk space cannot be read on this system")
	}
	assert.Positive(t, free)
	free2, ok := DiskFree(dir + "/not/yet/made")
	assert.True(t, ok)
	assert.InDelta(t, float64(free), float64(free2), float64(free)/10+1<<30)
	assert.ErrorContains(t, CheckDisk("a huge data set", dir, math.MaxUint64/2), "of disk")
	assert.NoError(t, CheckDisk("a small data set", dir, 1))
}
