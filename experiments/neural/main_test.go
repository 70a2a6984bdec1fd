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

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-problem", "nope"},
		{"-method", "transformer"},
		{"-steps", "0"},
		{"stray"},
	} {
		_, err := parseFlags(args, &bytes.Buffer{})
		assert.Error(t, err, "%v", args)
	}
}
