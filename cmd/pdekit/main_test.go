package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/pde"
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
	assert.LessOrEqual(t, relResidual(a, sol, rhs), 1e-10)

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

	// Algebraic multigrid needs no grid; -amg-print shows the hierarchy.
	code, out, errOut = pdekit("solve", "-A", A, "-b", b, "-pc", "amg", "-amg-print", "-json")
	require.Equal(t, 0, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.LessOrEqual(t, res["iterations"].(float64), 12.0)
	assert.LessOrEqual(t, res["relative_residual"].(float64), 1e-8)
	assert.Contains(t, errOut, "operator complexity")
	code, _, errOut = pdekit("solve", "-A", A, "-b", b, "-pc", "amg", "-amg-filter", "-amg-print")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "filtered")
	code, out, errOut = pdekit("solve", "-A", A, "-b", b, "-pc", "amg", "-amg-strength", "evolution", "-amg-print", "-json")
	require.Equal(t, 0, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.LessOrEqual(t, res["relative_residual"].(float64), 1e-8)
	assert.Contains(t, errOut, "evolution strength")
	// Classical coarsening, with its own θ default (0.25).
	code, out, errOut = pdekit("solve", "-A", A, "-b", b, "-pc", "amg", "-amg-coarsening", "classical", "-amg-print", "-json")
	require.Equal(t, 0, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.LessOrEqual(t, res["iterations"].(float64), 12.0)
	assert.LessOrEqual(t, res["relative_residual"].(float64), 1e-8)
	assert.Contains(t, errOut, "classical Ruge–Stüben), symmetric matrix, θ = 0.25")
	assert.NotContains(t, errOut, "aggressive")
	code, out, errOut = pdekit("solve", "-A", A, "-b", b, "-pc", "amg", "-amg-coarsening", "classical", "-amg-aggressive", "1", "-amg-print")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "aggressive coarsening on 1 level(s)")
	assert.Contains(t, out, "CONVERGED_RTOL")
	assert.NotContains(t, errOut, "warning")
	// The default coarsening of rotated anisotropy is classical, and
	// says why; AMG's warnings reach stderr without -amg-print: smoothed
	// aggregation of it suggests classical coarsening.
	rot := filepath.Join(dir, "rot.mtx")
	f, err := os.Create(rot)
	require.NoError(t, err)
	require.NoError(t, sparse.WriteMatrixMarket(f, pde.RotatedQ1(24, math.Pi/6, 1e-3), false))
	require.NoError(t, f.Close())
	code, out, errOut = pdekit("solve", "-A", rot, "-pc", "amg", "-amg-print")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "CONVERGED_RTOL")
	assert.Contains(t, errOut, "θ = 0.3,")
	assert.Contains(t, errOut, "classical coarsening chosen")
	assert.NotContains(t, errOut, "warning")
	code, out, errOut = pdekit("solve", "-A", rot, "-pc", "amg", "-amg-coarsening", "aggregation")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "CONVERGED_RTOL")
	assert.Contains(t, errOut, "pdekit: amg: warning: positive off-diagonal entries")

	// The direct solver, each ordering, to the rounding level.
	for _, o := range []string{"nd", "md", "amd", "rcm", "natural"} {
		code, out, errOut = pdekit("solve", "-A", A, "-b", b, "-method", "direct", "-ordering", o, "-rtol", "1e-12", "-json")
		require.Equal(t, 0, code, errOut)
		require.NoError(t, json.Unmarshal([]byte(out), &res))
		assert.LessOrEqual(t, res["relative_residual"].(float64), 1e-12, o)
		assert.Greater(t, res["factor_nnz"].(float64), 0.0, o)
	}

	for _, p := range []string{"darcy", "darcy-skr", "convdiff", "darcy-fno"} {
		code, _, errOut = pdekit("gen", "-problem", p, "-grid", "16", "-A", A)
		require.Equal(t, 0, code, errOut)
		code, _, errOut = pdekit("solve", "-A", A, "-method", "bicgstab", "-pc", "ilu0")
		assert.Equal(t, 0, code, p+": "+errOut)
		code, _, errOut = pdekit("solve", "-A", A, "-method", "direct", "-rtol", "1e-12")
		assert.Equal(t, 0, code, p+": "+errOut)
		code, _, errOut = pdekit("solve", "-A", A, "-method", "gmres", "-pc", "ilut", "-drop", "1e-3", "-fill", "10")
		assert.Equal(t, 0, code, p+": "+errOut)
		code, _, errOut = pdekit("solve", "-A", A, "-method", "gmres", "-pc", "ilu0", "-pc-reorder", "rcm")
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
	nonsym := write("nonsym.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 2\n1 2 1\n2 2 2\n")
	zeroDiag2 := write("sing.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n2 1 1\n")
	zeroDiag := write("zd.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 2 1\n2 1 1\n")
	nonGrid := write("nongrid.mtx", "%%MatrixMarket matrix coordinate real symmetric\n4 4 5\n1 1 2\n2 2 2\n3 3 2\n4 4 2\n4 1 -1\n")
	b01 := write("b01.mtx", "%%MatrixMarket matrix array real general\n2 1\n0\n1\n")
	hugeArray := write("huge-array.mtx", "%%MatrixMarket matrix array real general\n2000000000 0\n")
	hugeCoord := write("huge-coord.mtx", "%%MatrixMarket matrix coordinate real general\n16777216 16777216 0\n")
	dupInf := write("dup-inf.mtx", "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1e308\n1 1 1e308\n2 2 1\n")

	for name, tc := range map[string]struct {
		args []string
		code int
		msg  string
	}{
		"no command":         {nil, 2, ""},
		"unknown command":    {[]string{"frobnicate"}, 2, "unknown command"},
		"missing A":          {[]string{"solve"}, 2, "-A is required"},
		"unknown method":     {[]string{"solve", "-A", spd, "-method", "lsqr"}, 2, "unknown method"},
		"unknown pc":         {[]string{"solve", "-A", spd, "-pc", "frob"}, 2, "unknown preconditioner"},
		"NaN atol":           {[]string{"solve", "-A", spd, "-atol", "NaN"}, 2, "-atol"},
		"Inf atol":           {[]string{"solve", "-A", spd, "-atol", "Inf"}, 2, "-atol"},
		"negative atol":      {[]string{"solve", "-A", spd, "-atol", "-1"}, 2, "-atol"},
		"rtol 1":             {[]string{"solve", "-A", spd, "-rtol", "1"}, 2, "-rtol"},
		"NaN rtol":           {[]string{"solve", "-A", spd, "-rtol", "NaN"}, 2, "-rtol"},
		"huge empty array":   {[]string{"solve", "-A", hugeArray}, 1, "empty rows"},
		"huge empty coord":   {[]string{"solve", "-A", hugeCoord}, 1, "empty rows"},
		"duplicates to Inf":  {[]string{"solve", "-A", dupInf}, 1, "duplicated entries"},
		"sor with pc":        {[]string{"solve", "-A", spd, "-method", "sor", "-pc", "ic0"}, 2, "takes no preconditioner"},
		"bad rtol":           {[]string{"solve", "-A", spd, "-rtol", "0"}, 2, "-rtol"},
		"missing file":       {[]string{"solve", "-A", filepath.Join(dir, "nope.mtx")}, 1, "no such file"},
		"truncated":          {[]string{"solve", "-A", truncated}, 1, "truncated"},
		"not square":         {[]string{"solve", "-A", rect}, 1, "not square"},
		"NaN in b":           {[]string{"solve", "-A", spd, "-b", nanB}, 1, "not finite"},
		"short b":            {[]string{"solve", "-A", spd, "-b", shortB}, 1, "has 1 entries"},
		"indefinite to CG":   {[]string{"solve", "-A", indef, "-b", b01}, 1, "not positive definite"},
		"unknown reorder":    {[]string{"solve", "-A", spd, "-pc", "ic0", "-pc-reorder", "metis"}, 2, "unknown reordering"},
		"negative drop":      {[]string{"solve", "-A", spd, "-pc", "ilut", "-drop", "-1"}, 2, "-drop"},
		"ILUT zero diagonal": {[]string{"solve", "-A", zeroDiag, "-method", "gmres", "-pc", "ilut"}, 0, ""},
		"unknown ordering":   {[]string{"solve", "-A", spd, "-method", "direct", "-ordering", "metis"}, 2, "unknown ordering"},
		"direct with pc":     {[]string{"solve", "-A", spd, "-method", "direct", "-pc", "ic0"}, 2, "takes no preconditioner"},
		"singular direct":    {[]string{"solve", "-A", zeroDiag2, "-method", "direct"}, 1, "singular"},
		"nonsymmetric to CG": {[]string{"solve", "-A", nonsym}, 1, "not symmetric"},
		"IC(0) indefinite":   {[]string{"solve", "-A", indef, "-pc", "ic0"}, 1, "not positive definite"},
		"zero diagonal":      {[]string{"solve", "-A", zeroDiag, "-method", "jacobi"}, 1, "diagonal"},
		"max iterations":     {[]string{"solve", "-A", spd, "-maxiter", "1", "-method", "jacobi", "-rtol", "1e-12"}, 1, "iteration limit"},
		"bad amg theta":      {[]string{"solve", "-A", spd, "-pc", "amg", "-amg-theta", "1"}, 2, "-amg-theta"},
		"bad amg smoother":   {[]string{"solve", "-A", spd, "-pc", "amg", "-amg-smoother", "sor"}, 2, "unknown AMG smoother"},
		"bad amg coarsening": {[]string{"solve", "-A", spd, "-pc", "amg", "-amg-coarsening", "pmis"}, 2, "unknown AMG coarsening"},
		"bad amg strength":   {[]string{"solve", "-A", spd, "-pc", "amg", "-amg-strength", "ode"}, 2, "unknown AMG strength"},
		"amg strength RS":    {[]string{"solve", "-A", spd, "-pc", "amg", "-amg-coarsening", "classical", "-amg-strength", "evolution"}, 2, "-amg-strength applies"},
		"amg aggressive < 0": {[]string{"solve", "-A", spd, "-pc", "amg", "-amg-coarsening", "classical", "-amg-aggressive", "-1"}, 2, "-amg-aggressive must be"},
		"amg aggressive SA":  {[]string{"solve", "-A", spd, "-pc", "amg", "-amg-aggressive", "1"}, 2, "applies to -amg-coarsening classical"},
		"amg zero diagonal":  {[]string{"solve", "-A", zeroDiag, "-pc", "amg", "-method", "gmres"}, 1, "positive diagonal"},
		"mg without grid":    {[]string{"solve", "-A", spd, "-pc", "mg"}, 2, "needs -grid"},
		"bad grid":           {[]string{"solve", "-A", spd, "-pc", "mg", "-grid", "2xq"}, 2, "not a positive integer"},
		"grid mismatch":      {[]string{"solve", "-A", spd, "-pc", "mg", "-grid", "3x3"}, 1, "dimension mismatch"},
		"non-grid matrix":    {[]string{"solve", "-A", nonGrid, "-pc", "mg", "-grid", "4"}, 1, "does not match the grid"},
	} {
		code, _, errOut := pdekit(tc.args...)
		assert.Equal(t, tc.code, code, name+": "+errOut)
		assert.Contains(t, errOut, tc.msg, name)
		if tc.code != 0 && len(tc.args) > 0 {
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, "%s: one line: %q", name, errOut)
		}
	}
	// A non-converged solve with -json still prints the partial result.
	code, out, _ := pdekit("solve", "-A", spd, "-maxiter", "1", "-method", "jacobi", "-rtol", "1e-12", "-json")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `"converged": false`)
	assert.Contains(t, out, "DIVERGED_MAX_IT")
}

// TestSolveOutputFile checks what -x writes and when: only a converged
// solution (or, with -x-partial, the last iterate), through a temporary
// file that is never left behind, keeping an existing file's mode and
// refusing to replace a symbolic link or a FIFO.
func TestSolveOutputFile(t *testing.T) {
	dir := t.TempDir()
	A := filepath.Join(dir, "A.mtx")
	require.NoError(t, os.WriteFile(A, []byte("%%MatrixMarket matrix coordinate real symmetric\n3 3 5\n1 1 2\n2 1 -1\n2 2 2\n3 2 -1\n3 3 2\n"), 0o644))
	x := filepath.Join(dir, "x.mtx")
	good := []byte("a good solution\n")
	require.NoError(t, os.WriteFile(x, good, 0o600))
	fail := []string{"solve", "-A", A, "-method", "jacobi", "-maxit", "1", "-rtol", "1e-12", "-x", x}

	// A failed solve leaves the existing file alone...
	code, _, _ := pdekit(fail...)
	require.Equal(t, 1, code)
	got, err := os.ReadFile(x)
	require.NoError(t, err)
	assert.Equal(t, good, got)
	// ...unless the partial iterate is asked for; the mode is kept.
	code, _, _ = pdekit(append(fail, "-x-partial")...)
	require.Equal(t, 1, code)
	got, err = os.ReadFile(x)
	require.NoError(t, err)
	assert.Contains(t, string(got), "%%MatrixMarket matrix array real general\n3 1\n")
	fi, err := os.Stat(x)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	// A symbolic link and a FIFO are refused and left as they were.
	target := filepath.Join(dir, "target")
	require.NoError(t, os.WriteFile(target, good, 0o600))
	link := filepath.Join(dir, "link.mtx")
	require.NoError(t, os.Symlink(target, link))
	code, _, errOut := pdekit("solve", "-A", A, "-x", link)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "symbolic link")
	li, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, li.Mode()&os.ModeSymlink)
	got, _ = os.ReadFile(target)
	assert.Equal(t, good, got)
	fifo := filepath.Join(dir, "fifo.mtx")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	code, _, errOut = pdekit("solve", "-A", A, "-x", fifo)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "named pipe")
	fi, err = os.Lstat(fifo)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeNamedPipe)

	// A directory that cannot be written: an error, and no temporary file.
	ro := filepath.Join(dir, "ro")
	require.NoError(t, os.Mkdir(ro, 0o755))
	code, _, _ = pdekit("solve", "-A", A, "-x", filepath.Join(ro, "missing", "x.mtx"))
	assert.Equal(t, 1, code)
	// A rename onto a directory fails after the temporary file is written.
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o755))
	code, _, errOut = pdekit("solve", "-A", A, "-x", sub)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "directory")
	leftovers, err := filepath.Glob(filepath.Join(dir, "*.tmp"))
	require.NoError(t, err)
	assert.Empty(t, leftovers)

	// A converged solve writes a new file with mode 0644.
	fresh := filepath.Join(dir, "fresh.mtx")
	code, _, errOut = pdekit("solve", "-A", A, "-x", fresh)
	require.Equal(t, 0, code, errOut)
	fi, err = os.Stat(fresh)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
}
