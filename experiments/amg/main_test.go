package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunTiny runs every family and method on small grids: CG with the
// default AMG and with classical coarsening reaches a true relative
// residual of 1e-8 within 25 iterations on each family, and every run
// that converges reports a residual below the tolerance.
func TestRunTiny(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"-out", dir, "-grid", "16,32", "-export", filepath.Join(dir, "mtx")}, &bytes.Buffer{})
	require.NoError(t, err)
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(cfg, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "| family")
	var res Results
	require.NoError(t, report.ReadResults(dir, "", &res))
	seen := map[string]bool{}
	for _, r := range res.Runs {
		seen[r.Family+"/"+r.Method] = true
		if r.Converged {
			assert.LessOrEqual(t, r.RelativeResidual, 1e-8, "%+v", r)
		}
		if strings.HasPrefix(r.Method, "amg") || r.Method == "direct" {
			assert.True(t, r.Converged, "%+v", r)
		}
		if r.Method == "amg" || r.Method == "amg-rs" {
			assert.LessOrEqual(t, r.Iterations, 25, "%+v", r)
			if r.N > 300 { // above the default coarsest size
				assert.Greater(t, r.Levels, 1, "%+v", r)
			}
		}
	}
	for _, f := range families {
		assert.True(t, seen[f+"/amg"], f)
		assert.True(t, seen[f+"/amg-rs"], f)
		assert.True(t, seen[f+"/amg-sa"], f)
		assert.True(t, seen[f+"/amg-sym"], f)
		assert.True(t, seen[f+"/amg-evo"], f)
		assert.True(t, seen[f+"/amg-rs2"], f)
		assert.FileExists(t, filepath.Join(dir, f+"-iterations.png"))
		assert.FileExists(t, filepath.Join(dir, "mtx", "A_"+f+"_16.mtx"))
	}
	assert.True(t, seen["aniso3d/mg"])
	assert.False(t, seen["darcy-perm/mg"], "no grid order after the renumbering")
	assert.FileExists(t, filepath.Join(dir, "timings.json"))
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-problem", "frob"}, {"-method", "lsqr"}, {"-grid", "0"}, {"-maxiter", "0"}, {"extra"}} {
		_, err := parseFlags(args, &bytes.Buffer{})
		assert.Error(t, err, "%v", args)
	}
}
