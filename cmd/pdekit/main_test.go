package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/sparse"
)

func pdekit(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestGenAndSolve(t *testing.T) {
	dir := t.TempDir()
	A, b, x := filepath.Join(dir, "A.mtx"), filepath.Join(dir, "b.mtx"), filepath.Join(dir, "x.mtx")
	code, _, errOut := pdekit("gen", "-problem", "poisson", "-grid", "31", "-A", A, "-b", b)
	require.Equal(t, 0, code, errOut)

	code, out, errOut := pdekit("solve", "-A", A, "-b", b, "-method", "cg", "-pc", "ic0", "-rtol", "1e-10", "-x", x, "-json")
	require.Equal(t, 0, code, errOut)
	var res map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	for _, k := range []string{"iterations", "relative_residual", "seconds", "reason", "converged"} {
		assert.Contains(t, res, k)
	}
	assert.Equal(t, true, res["converged"])
	assert.Equal(t, "CONVERGED_RTOL", res["reason"])
	assert.LessOrEqual(t, res["relative_residual"].(float64), 1e-10)

	// The written solution satisfies the system read back from the files.
	fa, _ := os.Open(A)
	a, err := sparse.ReadMatrixMarket(fa)
	fa.Close()
	require.NoError(t, err)
	fx, _ := os.Open(x)
	sol, err := sparse.ReadVector(fx)
	fx.Close()
	require.NoError(t, err)
	fb, _ := os.Open(b)
	rhs, err := sparse.ReadVector(fb)
	fb.Close()
	require.NoError(t, err)
	r := make([]float64, len(sol))
	a.MulVecTo(r, sol)
	var rr, bb float64
	for i := range r {
		rr += (rhs[i] - r[i]) * (rhs[i] - r[i])
		bb += rhs[i] * rhs[i]
	}
	assert.LessOrEqual(t, rr/bb, 1e-20)

	// Text output; b omitted means b = A·1, so x = 1.
	code, out, errOut = pdekit("solve", "-A", A, "-method", "gmres", "-pc", "ilu0", "-x", x)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "CONVERGED_RTOL")
	fx, _ = os.Open(x)
	sol, err = sparse.ReadVector(fx)
	fx.Close()
	require.NoError(t, err)
	for _, v := range sol {
		assert.InDelta(t, 1, v, 1e-6)
	}

	// Multigrid needs the grid.
	code, out, errOut = pdekit("solve", "-A", A, "-b", b, "-pc", "mg", "-grid", "31x31", "-json")
	require.Equal(t, 0, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.LessOrEqual(t, res["iterations"].(float64), 12.0)

	for _, p := range []string{"darcy", "darcy-skr", "convdiff"} {
		code, _, errOut = pdekit("gen", "-problem", p, "-grid", "16", "-A", A)
		require.Equal(t, 0, code, errOut)
		code, _, errOut = pdekit("solve", "-A", A, "-method", "bicgstab", "-pc", "ilu0")
		assert.Equal(t, 0, code, p+": "+errOut)
	}
}

func TestCLIErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	spd := write("spd.mtx", "%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n1 1 2\n2 1 -1\n2 2 2\n")
	indef := write("indef.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n2 2 -1\n")
	truncated := write("trunc.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n")
	rect := write("rect.mtx", "%%MatrixMarket matrix coordinate real general\n2 3 1\n1 1 1\n")
	nanB := write("nanb.mtx", "%%MatrixMarket matrix array real general\n2 1\n1\nNaN\n")
	shortB := write("shortb.mtx", "%%MatrixMarket matrix array real general\n1 1\n1\n")
	zeroDiag := write("zd.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 2 1\n2 1 1\n")
	nonGrid := write("nongrid.mtx", "%%MatrixMarket matrix coordinate real symmetric\n4 4 5\n1 1 2\n2 2 2\n3 3 2\n4 4 2\n4 1 -1\n")
	b01 := write("b01.mtx", "%%MatrixMarket matrix array real general\n2 1\n0\n1\n")

	for name, tc := range map[string]struct {
		args []string
		code int
		msg  string
	}{
		"no command":       {nil, 2, ""},
		"unknown command":  {[]string{"frobnicate"}, 2, "unknown command"},
		"missing A":        {[]string{"solve"}, 2, "-A is required"},
		"unknown method":   {[]string{"solve", "-A", spd, "-method", "lsqr"}, 2, "unknown method"},
		"unknown pc":       {[]string{"solve", "-A", spd, "-pc", "amg"}, 2, "unknown preconditioner"},
		"sor with pc":      {[]string{"solve", "-A", spd, "-method", "sor", "-pc", "ic0"}, 2, "takes no preconditioner"},
		"bad rtol":         {[]string{"solve", "-A", spd, "-rtol", "0"}, 2, "-rtol"},
		"missing file":     {[]string{"solve", "-A", filepath.Join(dir, "nope.mtx")}, 1, "no such file"},
		"truncated":        {[]string{"solve", "-A", truncated}, 1, "truncated"},
		"not square":       {[]string{"solve", "-A", rect}, 1, "not square"},
		"NaN in b":         {[]string{"solve", "-A", spd, "-b", nanB}, 1, "not finite"},
		"short b":          {[]string{"solve", "-A", spd, "-b", shortB}, 1, "has 1 entries"},
		"indefinite to CG": {[]string{"solve", "-A", indef, "-b", b01}, 1, "not positive definite"},
		"IC(0) breakdown":  {[]string{"solve", "-A", indef, "-pc", "ic0"}, 1, "pivot"},
		"zero diagonal":    {[]string{"solve", "-A", zeroDiag, "-method", "jacobi"}, 1, "diagonal"},
		"max iterations":   {[]string{"solve", "-A", spd, "-maxit", "1", "-method", "jacobi", "-rtol", "1e-12"}, 1, "iteration limit"},
		"mg without grid":  {[]string{"solve", "-A", spd, "-pc", "mg"}, 2, "needs -grid"},
		"bad grid":         {[]string{"solve", "-A", spd, "-pc", "mg", "-grid", "2xq"}, 2, "not a positive integer"},
		"grid mismatch":    {[]string{"solve", "-A", spd, "-pc", "mg", "-grid", "3x3"}, 1, "dimension mismatch"},
		"non-grid matrix":  {[]string{"solve", "-A", nonGrid, "-pc", "mg", "-grid", "4"}, 1, "does not match the grid"},
	} {
		code, _, errOut := pdekit(tc.args...)
		assert.Equal(t, tc.code, code, name+": "+errOut)
		assert.Contains(t, errOut, tc.msg, name)
		if tc.code != 0 && len(tc.args) > 0 {
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, "%s: one line: %q", name, errOut)
		}
	}
	// A non-converged solve with -json still prints the partial result.
	code, out, _ := pdekit("solve", "-A", spd, "-maxit", "1", "-method", "jacobi", "-rtol", "1e-12", "-json")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `"converged": false`)
	assert.Contains(t, out, "DIVERGED_MAX_IT")
}
