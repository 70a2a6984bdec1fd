package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/ot"
)

func TestRunTiny(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"-out", dir, "-n", "40", "-eta", "100"}, &bytes.Buffer{})
	require.NoError(t, err)
	cfg.imageSide = 7
	var stdout bytes.Buffer
	require.NoError(t, run(cfg, &stdout, &bytes.Buffer{}))
	var res Results
	require.NoError(t, report.ReadResults(dir, "", &res))
	require.Len(t, res.Runs, 3*3) // random-assignment, image-l2, 1d × three solvers
	byCase := map[string][]Run{}
	for _, r := range res.Runs {
		assert.True(t, r.Converged, "%+v", r)
		assert.LessOrEqual(t, r.MarginalErrorL1, 1e-9)
		byCase[r.Case] = append(byCase[r.Case], r)
		if r.ExactCost != 0 {
			// The entropic plan is feasible, so it cannot beat the exact optimum.
			assert.GreaterOrEqual(t, r.TransportCost, r.ExactCost*(1-1e-9), r.Case)
		}
	}
	for c, runs := range byCase {
		for _, r := range runs[1:] {
			assert.InEpsilon(t, runs[0].EntropicCost, r.EntropicCost, 1e-7, c)
		}
	}
	assert.FileExists(t, filepath.Join(dir, "random-assignment_n40_eta100_seconds.png"))
	assert.FileExists(t, filepath.Join(dir, "random-assignment_n40_eta100_hessian.png"))
}

// TestSeeds: two seeds give two instances of each random case and one of
// the deterministic 1d case, and a median row per case and solver.
func TestSeeds(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"-out", dir, "-n", "30", "-eta", "100", "-seeds", "2", "-method", "sns", "-no-figures"}, &bytes.Buffer{})
	require.NoError(t, err)
	cfg.imageSide = 6
	var stdout bytes.Buffer
	require.NoError(t, run(cfg, &stdout, &bytes.Buffer{}))
	assert.Contains(t, stdout.String(), "Medians over seeds 0…1")
	var res Results
	require.NoError(t, report.ReadResults(dir, "", &res))
	require.Len(t, res.Runs, 2+2+1)
	require.Len(t, res.Medians, 3)
	for _, m := range res.Medians {
		want := 2
		if m.Case == "1d" {
			want = 1
		}
		assert.Equal(t, want, m.Seeds, m.Case)
		assert.Equal(t, want, m.Converged, m.Case)
		assert.Greater(t, m.Seconds, 0.0)
	}
	// Different seeds are different instances.
	assert.NotEqual(t, res.Runs[0].ExactCost, res.Runs[1].ExactCost)
	_, err = parseFlags([]string{"-seeds", "0"}, &bytes.Buffer{})
	assert.Error(t, err)
}

// TestKeptPattern: the pattern marks exactly the keep largest entries
// (and ties at the threshold), never a zero.
func TestKeptPattern(t *testing.T) {
	got := keptPattern([]float64{0.1, 0.5, 0, 0.3, 0.5, 0.2}, 3)
	assert.Equal(t, []float64{0, 1, 0, 1, 1, 0}, got)
	assert.Equal(t, []float64{0, 1, 0, 0, 1, 0}, keptPattern([]float64{0.1, 0.5, 0, 0.3, 0.5, 0.2}, 2))
	assert.Equal(t, []float64{0, 0}, keptPattern([]float64{0, 0}, 1))
	assert.Equal(t, []float64{0, 0}, keptPattern([]float64{1, 2}, 0))
}

func TestUserProblem(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	c := write("c.csv", "0,1,2\n1,0,1\n")
	a := write("a.csv", "1,3\n")
	b := write("b.csv", "1\n1\n2\n")
	cfg, err := parseFlags([]string{"-out", dir, "-cost", c, "-a", a, "-b", b, "-eta", "50", "-no-figures"}, &bytes.Buffer{})
	require.NoError(t, err)
	var stdout bytes.Buffer
	require.NoError(t, run(cfg, &stdout, &bytes.Buffer{}))
	assert.Contains(t, stdout.String(), "user")
	// The exact cost by the network simplex: source 0 (¼) to sink 0 at
	// cost 0, source 1 (¾) to sink 1 (¼) at 0 and to sink 2 (½) at 1.
	var res Results
	require.NoError(t, report.ReadResults(dir, "", &res))
	require.NotEmpty(t, res.Runs)
	for _, r := range res.Runs {
		assert.InDelta(t, 0.5, r.ExactCost, 1e-15)
		assert.GreaterOrEqual(t, r.TransportCost, r.ExactCost-1e-6, "no plan beats the optimum")
	}
	bad := write("bad.csv", "0,x\n")
	cfg.costPath = bad
	assert.ErrorIs(t, run(cfg, &bytes.Buffer{}, &bytes.Buffer{}), ot.ErrCSV)
	short := write("short.csv", "0,1\n1,0\n")
	cfg.costPath = short
	assert.ErrorContains(t, run(cfg, &bytes.Buffer{}, &bytes.Buffer{}), "is 2×2 but a has 2 entries and b 3")
	// Unequal masses are refused, not silently renormalised.
	cfg.costPath = c
	cfg.aPath, cfg.bPath = a, write("b3.csv", "1\n1\n3\n")
	assert.ErrorIs(t, run(cfg, &bytes.Buffer{}, &bytes.Buffer{}), ot.ErrHistogram)
	// Masses whose sum overflows are refused, not solved into NaN.
	cfg.costPath = write("c2.csv", "0,1\n1,0\n")
	cfg.aPath = write("huge.csv", "1e308,1e308\n")
	cfg.bPath = write("b2.csv", "1,1\n")
	assert.ErrorIs(t, run(cfg, &bytes.Buffer{}, &bytes.Buffer{}), ot.ErrHistogram)
	cfg.aPath = write("nan.csv", "NaN,1\n")
	assert.ErrorIs(t, run(cfg, &bytes.Buffer{}, &bytes.Buffer{}), ot.ErrCSV, "NaN is refused by the reader")
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-problem", "mnist"}, {"-eta", "0"}, {"-eta", "x"}, {"-method", "emd"}, {"-cost", "c.csv"}, {"-n", "0"}, {"-tol", "0"}} {
		_, err := parseFlags(args, &bytes.Buffer{})
		assert.Error(t, err, "%v", args)
	}
}

// TestBarycenterCase: the barycenter case converges to a histogram of
// mass 1 and writes its figures.
func TestBarycenterCase(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"-out", dir, "-problem", "barycenter"}, &bytes.Buffer{})
	require.NoError(t, err)
	var stdout bytes.Buffer
	require.NoError(t, run(cfg, &stdout, &bytes.Buffer{}))
	var res Results
	require.NoError(t, report.ReadResults(dir, "", &res))
	require.NotNil(t, res.Barycenter)
	assert.InDelta(t, 1, res.Barycenter.Mass, 1e-9)
	assert.Positive(t, res.Barycenter.Iterations)
	assert.FileExists(t, filepath.Join(dir, "barycenter.png"))
}
