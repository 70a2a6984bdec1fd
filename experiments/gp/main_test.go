package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunRows: two rows of the table at their paper sizes. GP-HM must
// reach the authors' logged GM error (the target) and beat the
// second-order finite differences on the same grid by orders of
// magnitude.
func TestRunRows(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"-out", dir, "-problem", "poisson1d-sin100x,poisson1d-sin500x", "-method", "gp-hm-gm,fd"}, &bytes.Buffer{})
	require.NoError(t, err)
	var stdout bytes.Buffer
	require.NoError(t, run(cfg, &stdout, &bytes.Buffer{}))
	var res Results
	require.NoError(t, report.ReadResults(dir, "", &res))
	require.Len(t, res.Rows, 4)
	errs := map[string]float64{}
	for _, r := range res.Rows {
		assert.Empty(t, r.Error)
		errs[r.Problem+"/"+r.Method] = r.RelativeL2
		if r.Method == "gp-hm-gm" {
			assert.LessOrEqual(t, r.RelativeL2, r.Paper, r.Problem)
			assert.Equal(t, 3, r.Evaluations)
		}
	}
	for _, p := range []string{"poisson1d-sin100x", "poisson1d-sin500x"} {
		assert.Less(t, 1e3*errs[p+"/gp-hm-gm"], errs[p+"/fd"], p)
		for _, f := range []string{p + "-error.png", p + "-spectrum.png"} {
			_, err := os.Stat(filepath.Join(dir, f))
			assert.NoError(t, err, f)
		}
	}
}

// TestFD: the finite-difference baseline is second order: halving h
// divides the error by about 4 on a smooth 1D and 2D problem.
func TestFD(t *testing.T) {
	for _, name := range []string{"poisson1d-multiscale", "poisson2d-sin6xcos20x"} {
		var p problem
		for _, q := range problems() {
			if q.name == name {
				p = q
			}
		}
		n := p.p.Axes[0].N
		var errs []float64
		for _, m := range []int{n / 2, n} {
			q := p.p
			q.Axes = append(q.Axes[:0:0], q.Axes...)
			for i := range q.Axes {
				q.Axes[i].N = m
			}
			s, err := solveFD(q)
			require.NoError(t, err)
			errs = append(errs, s.relativeL2(p.u, 300))
		}
		ratio := errs[0] / errs[1]
		t.Logf("%s: errors %.3g, %.3g, ratio %.2f", name, errs[0], errs[1], ratio)
		assert.InDelta(t, 4, ratio, 1, name)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-problem", "nope"},
		{"-method", "pinn"},
		{"-test-points", "1"},
		{"-fit-evals", "-1"},
		{"stray"},
	} {
		_, err := parseFlags(args, &bytes.Buffer{})
		assert.Error(t, err, "%v", args)
	}
}

// TestSpectralRows: the spectral row reaches the 1e-10 target on the
// quick rows (1D and 2D Poisson, Allen–Cahn, advection), below the
// finite-difference error on the same problem, and the convergence figure
// is written.
func TestSpectralRows(t *testing.T) {
	dir := t.TempDir()
	probs := "poisson1d-sin100x,allencahn1d-sin100x,poisson2d-sin6xcos20x,advection"
	cfg, err := parseFlags([]string{"-out", dir, "-problem", probs, "-method", "spectral,fd"}, &bytes.Buffer{})
	require.NoError(t, err)
	require.NoError(t, run(cfg, &bytes.Buffer{}, &bytes.Buffer{}))
	var res Results
	require.NoError(t, report.ReadResults(dir, "", &res))
	fd := map[string]float64{}
	for _, r := range res.Rows {
		if r.Method == "fd" {
			fd[r.Problem] = r.RelativeL2
		}
	}
	n := 0
	for _, r := range res.Rows {
		if r.Method != "spectral" {
			continue
		}
		n++
		assert.Empty(t, r.Error, r.Problem)
		assert.LessOrEqual(t, r.RelativeL2, 1e-10, r.Problem)
		if e, ok := fd[r.Problem]; ok && !math.IsNaN(e) {
			assert.Less(t, r.RelativeL2, e, r.Problem)
		}
		assert.FileExists(t, filepath.Join(dir, r.Problem+"-convergence.png"))
	}
	assert.Equal(t, 4, n)
}
