package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/sparse"
)

// TestSolveMonitor: -monitor prints one residual per iteration from 0,
// the first being ‖b‖ (CG from x = 0); -json carries the same history.
func TestSolveMonitor(t *testing.T) {
	dir := t.TempDir()
	A, b := filepath.Join(dir, "A.mtx"), filepath.Join(dir, "b.mtx")
	code, _, errOut := pdekit("gen", "-problem", "poisson", "-grid", "15", "-A", A, "-b", b)
	require.Equal(t, 0, code, errOut)
	code, out, errOut := pdekit("solve", "-A", A, "-b", b, "-pc", "ic0", "-monitor")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	code, js, errOut := pdekit("solve", "-A", A, "-b", b, "-pc", "ic0", "-json")
	require.Equal(t, 0, code, errOut)
	var res solveResult
	require.NoError(t, json.Unmarshal([]byte(js), &res))
	require.Len(t, res.History, res.Iterations+1)
	require.Len(t, lines, res.Iterations+2, "one line per iteration and the summary")
	assert.True(t, strings.HasPrefix(lines[0], "0 residual norm"), lines[0])
	fb, err := os.Open(b)
	require.NoError(t, err)
	rhs, err := sparse.ReadVector(fb)
	fb.Close()
	require.NoError(t, err)
	var bb float64
	for _, v := range rhs {
		bb += v * v
	}
	assert.InEpsilon(t, math.Sqrt(bb), res.History[0], 1e-12)
	assert.Less(t, res.History[res.Iterations], 1e-8*math.Sqrt(bb)*1.0001)
}

// TestCompare: a symmetric system gets CG with every preconditioner, the
// grid adds multigrid, every run converges to the asked residual (true
// residual, recomputed), and the ranking is by total time; a
// nonsymmetric one gets GMRES and BiCGStab, not CG; a matrix with a zero
// diagonal fails the setups that need the diagonal with a reason, while
// the direct solve still solves it; the figure is written.
func TestCompare(t *testing.T) {
	dir := t.TempDir()
	A, fig := filepath.Join(dir, "A.mtx"), filepath.Join(dir, "c.png")
	code, _, errOut := pdekit("gen", "-problem", "poisson", "-grid", "15", "-A", A)
	require.Equal(t, 0, code, errOut)
	code, out, errOut := pdekit("compare", "-A", A, "-grid", "15x15", "-figure", fig, "-json")
	require.Equal(t, 0, code, errOut)
	var rows []compareRow
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	pcs := map[string]bool{}
	for k, r := range rows {
		assert.True(t, r.Converged, "%s/%s: %s", r.Method, r.Preconditioner, r.Error)
		assert.LessOrEqual(t, r.RelativeResidual, 1e-8, "%s/%s", r.Method, r.Preconditioner)
		if k > 0 {
			assert.GreaterOrEqual(t, r.Seconds, rows[k-1].Seconds)
		}
		if r.Method == "cg" {
			pcs[r.Preconditioner] = true
		}
	}
	assert.Equal(t, map[string]bool{"none": true, "jacobi": true, "ssor": true, "ic0": true, "amg": true, "amg-evo": true, "amg-rs": true, "amg-rs2": true, "mg": true}, pcs)
	st, err := os.Stat(fig)
	require.NoError(t, err)
	assert.Positive(t, st.Size())

	code, _, errOut = pdekit("gen", "-problem", "convdiff", "-grid", "15", "-A", A)
	require.Equal(t, 0, code, errOut)
	code, out, errOut = pdekit("compare", "-A", A)
	require.Equal(t, 0, code, errOut)
	assert.NotContains(t, out, " cg ")
	assert.Contains(t, out, "bicgstab")
	assert.Contains(t, out, "nonsymmetric")

	// Mirrored entries that differ in the last bit (finite elements
	// assembled in another order) are symmetric for CG and for compare.
	S := filepath.Join(dir, "S.mtx")
	require.NoError(t, os.WriteFile(S, []byte("%%MatrixMarket matrix coordinate real general\n2 2 4\n1 1 2\n1 2 -0.33333333333333331\n2 1 -0.33333333333333337\n2 2 2\n"), 0o644))
	code, out, errOut = pdekit("compare", "-A", S)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, " cg ")
	assert.Contains(t, out, ": n = 2, nnz = 4, symmetric")

	// [[0 1 0]; [1 0 1]; [0 1 2]]: symmetric, zero diagonal entries.
	Z := filepath.Join(dir, "Z.mtx")
	require.NoError(t, os.WriteFile(Z, []byte("%%MatrixMarket matrix coordinate real general\n3 3 5\n1 2 1\n2 1 1\n2 3 1\n3 2 1\n3 3 2\n"), 0o644))
	code, out, errOut = pdekit("compare", "-A", Z, "-json")
	require.Equal(t, 0, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &rows))
	var failed bool
	for _, r := range rows {
		if r.Method == "direct" {
			assert.True(t, r.Converged)
			assert.Less(t, r.RelativeResidual, 1e-14)
		}
		if r.Preconditioner == "jacobi" {
			assert.Equal(t, "SETUP_FAILED", r.Reason)
			assert.NotEmpty(t, r.Error)
			failed = true
		}
	}
	assert.True(t, failed)
	assert.True(t, rows[0].Converged, "converged runs rank first")

	code, _, _ = pdekit("compare")
	assert.Equal(t, 2, code)
	code, _, _ = pdekit("compare", "-A", A, "-maxit", "0")
	assert.Equal(t, 2, code)
}
