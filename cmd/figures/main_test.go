package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/internal/timings"
)

// hashes returns the SHA-256 of every file under dir that must be
// reproducible: all but table.md, timings.json and the TimingFigures.
func hashes(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		exp, base := filepath.Dir(rel), filepath.Base(rel)
		if base == "table.md" || base == "timings.json" {
			return nil
		}
		for _, pat := range TimingFigures[exp] {
			if ok, _ := filepath.Match(pat, base); ok {
				return nil
			}
		}
		raw, err := os.ReadFile(path)
		out[rel] = sha256.Sum256(raw)
		return err
	}))
	return out
}

// TestQuickRegenerationIsReproducible runs the quick regeneration of
// every experiment twice and checks that every figure and every stripped
// results.json is byte-identical (by hash), and that the timings went to
// timings.json.
func TestQuickRegenerationIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every experiment twice through go run")
	}
	a, b := t.TempDir(), t.TempDir()
	var log bytes.Buffer
	require.NoError(t, run([]string{"-quick", "-out", a}, &log, &log), log.String())
	require.NoError(t, run([]string{"-quick", "-out", b}, &log, &log), log.String())
	ha, hb := hashes(t, a), hashes(t, b)
	require.Equal(t, len(ha), len(hb))
	for f, h := range ha {
		assert.Equal(t, h, hb[f], "%s differs between two runs", f)
	}
	pngs := 0
	for f := range ha {
		if filepath.Ext(f) == ".png" {
			pngs++
		}
	}
	assert.GreaterOrEqual(t, pngs, len(Steps), "every experiment draws at least one figure")
	moved := 0
	for _, st := range Steps {
		raw, err := os.ReadFile(filepath.Join(a, st.dir(), "timings.json"))
		require.NoError(t, err, st.dir())
		var tm map[string]any
		require.NoError(t, json.Unmarshal(raw, &tm))
		moved += len(tm)
		raw, err = os.ReadFile(filepath.Join(a, st.dir(), "results.json"))
		require.NoError(t, err)
		var res any
		require.NoError(t, json.Unmarshal(raw, &res))
		left := map[string]any{}
		timings.Strip(res, left)
		assert.Empty(t, left, "%s: timing fields left in results.json", st.dir())
	}
	assert.Greater(t, moved, 0)
}

func TestBadFlags(t *testing.T) {
	var buf bytes.Buffer
	assert.ErrorContains(t, run([]string{"-only", "nope"}, &buf, &buf), "unknown experiment")
	assert.Error(t, run([]string{"stray"}, &buf, &buf))
}
