package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunPoisson: the poisson2d row with short training. The finite
// differences are second order on 301² nodes (error about h² = 1.1e-5),
// GP-HM is spectrally accurate, and the PINN must at least have learned
// the shape of the solution.
func TestRunPoisson(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"-out", dir, "-problem", "poisson2d", "-method", "fd,gp-hm,pinn", "-steps", "0.2"}, &bytes.Buffer{})
	require.NoError(t, err)
	var stdout bytes.Buffer
	require.NoError(t, run(cfg, &stdout, &bytes.Buffer{}))
	raw, err := os.ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	var res Results
	require.NoError(t, json.Unmarshal(raw, &res))
	require.Len(t, res.Rows, 3)
	got := map[string]Row{}
	for _, r := range res.Rows {
		assert.Empty(t, r.Error, r.Method)
		got[r.Method] = r
	}
	assert.Less(t, got["fd"].RelativeL2, 3e-5)
	assert.Less(t, got["gp-hm"].RelativeL2, 1e-6)
	assert.Less(t, got["pinn"].RelativeL2, 0.5)
	assert.Greater(t, got["pinn"].Parameters, 0)
	for _, f := range []string{"poisson2d-loss.png", "poisson2d-pinn-error.png", "poisson2d-gp-hm-error.png"} {
		_, err = os.Stat(filepath.Join(dir, f))
		assert.NoError(t, err, f)
	}
}

// TestRunLM: the flags that set the stages and the collocation points
// reach the training: the PINN row trained by 100 Adam steps then 30
// Levenberg–Marquardt steps instead of L-BFGS (measured 7.7e-3; the
// L-BFGS row of TestRunPoisson is only asked for 0.5) — neural's
// TestTrainLM holds LM against L-BFGS at equal steps.
func TestRunLM(t *testing.T) {
	r := runOne(t, "-problem", "poisson2d", "-method", "pinn", "-adam", "100", "-lbfgs", "0", "-lm", "30", "-points", "600")
	assert.Contains(t, r.Settings, "Levenberg–Marquardt 30")
	assert.Contains(t, r.Settings, "600 pts")
	assert.Less(t, r.RelativeL2, 2e-2)
}

// runOne runs the experiment with args for a single row and returns it
// from results.json, asserting that it carries no error.
func runOne(t *testing.T, args ...string) Row {
	t.Helper()
	dir := t.TempDir()
	cfg, err := parseFlags(append([]string{"-out", dir, "-no-figures"}, args...), &bytes.Buffer{})
	require.NoError(t, err)
	require.NoError(t, run(cfg, &bytes.Buffer{}, &bytes.Buffer{}))
	raw, err := os.ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	var res Results
	require.NoError(t, json.Unmarshal(raw, &res))
	require.Len(t, res.Rows, 1)
	r := res.Rows[0]
	assert.Empty(t, r.Error)
	t.Logf("relative L2 %.3g in %.1f s", r.RelativeL2, r.Seconds)
	return r
}

// TestRunGridLoss: -grid-loss collocates on an even grid (the point count
// rounded to a square) and trains on the residual preconditioned by the
// inverse discrete Laplacian; with the boundary weight lowered to 1 (the
// preconditioned residual is ≈ u − u*, much smaller than Δu − f) the PINN
// learns the 2D Poisson solution (with the default 100: 8.5e-2).
func TestRunGridLoss(t *testing.T) {
	r := runOne(t, "-problem", "poisson2d", "-method", "pinn", "-adam", "100", "-lbfgs", "0", "-lm", "30", "-points", "620", "-grid-loss", "-bweight", "1")
	assert.Contains(t, r.Settings, "625 pts")
	assert.Contains(t, r.Settings, "25×25 grid")
	assert.Contains(t, r.Settings, "boundary weight 1")
	assert.Less(t, r.RelativeL2, 2e-2)
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-problem", "nope"},
		{"-method", "transformer"},
		{"-steps", "0"},
		{"-gaussians", "-1"},
		{"-bweight", "-1"},
		{"-bweight", "NaN"},
		{"stray"},
	} {
		_, err := parseFlags(args, &bytes.Buffer{})
		assert.Error(t, err, "%v", args)
	}
}
