package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunTiny(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"-out", dir, "-grid", "15,31,63"}, &bytes.Buffer{})
	require.NoError(t, err)
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(cfg, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "| grid")
	assert.Contains(t, stdout.String(), "observed order")

	raw, err := os.ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	var res struct {
		Runs  []map[string]any `json:"runs"`
		Order []Order          `json:"order"`
	}
	require.NoError(t, json.Unmarshal(raw, &res))
	// Every method with every admissible preconditioner on each grid:
	// cg×6 (no ilu0, ilut) + gmres×8 + bicgstab×8 + 4 relaxation + direct
	// = 27 per grid.
	require.Equal(t, 3*27, len(res.Runs))
	// The timings are in timings.json, under each run's JSON path.
	raw, err = os.ReadFile(filepath.Join(dir, "timings.json"))
	require.NoError(t, err)
	var tm map[string]float64
	require.NoError(t, json.Unmarshal(raw, &tm))
	for i, r := range res.Runs {
		for _, k := range []string{"grid", "n", "method", "preconditioner", "iterations", "relative_residual", "relative_error"} {
			assert.Contains(t, r, k)
		}
		assert.NotContains(t, r, "seconds", "timings stay out of results.json")
		assert.Contains(t, tm, fmt.Sprintf(".runs[%d].seconds", i))
		// The target: every run reaches 1e-8 on the true residual.
		assert.Equal(t, true, r["converged"], "%v", r)
		assert.LessOrEqual(t, r["relative_residual"].(float64), 1e-8, "%v", r)
	}
	// O(h²): the observed order between h = 1/16, 1/32, 1/64 is 2 ± 0.1.
	require.Len(t, res.Order, 3)
	for _, o := range res.Order[1:] {
		assert.InDelta(t, 2, o.Order, 0.1)
	}
	for _, f := range []string{"convergence.png", "error_vs_h.png", "solution.png", "error.png"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
}

func TestFiltersSelectOneRow(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"-out", dir, "-grid", "31", "-method", "cg", "-pc", "ic0", "-no-figures"}, &bytes.Buffer{})
	require.NoError(t, err)
	var stdout bytes.Buffer
	require.NoError(t, run(cfg, &stdout, &bytes.Buffer{}))
	var res Results
	require.NoError(t, report.ReadResults(dir, "", &res))
	require.Len(t, res.Runs, 1)
	assert.Equal(t, "cg", res.Runs[0].Method)
	assert.Equal(t, "ic0", res.Runs[0].Preconditioner)
	assert.Equal(t, 31*31, res.Runs[0].N)
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-grid", "0"}, {"-grid", "a"}, {"-method", "lsqr"}, {"-pc", "frob"},
		{"-rtol", "2"}, {"-omega", "2.5"}, {"-restart", "0"}, {"extra"},
		{"-problem", "heat"}, {"-dim", "4"},
	} {
		_, err := parseFlags(args, &bytes.Buffer{})
		assert.Error(t, err, "%v", args)
	}
	cfg, err := parseFlags([]string{"-method", "sor", "-pc", "ic0"}, &bytes.Buffer{})
	require.NoError(t, err)
	assert.ErrorContains(t, run(cfg, &bytes.Buffer{}, &bytes.Buffer{}), "no method/preconditioner")
}

func TestDarcy3DWithMultigrid(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"-out", dir, "-problem", "darcy", "-dim", "3", "-grid", "8,16",
		"-method", "cg", "-pc", "mg,ic0", "-seed", "3"}, &bytes.Buffer{})
	require.NoError(t, err)
	var stdout bytes.Buffer
	require.NoError(t, run(cfg, &stdout, &bytes.Buffer{}))
	assert.Contains(t, stdout.String(), "3D Darcy")
	assert.Contains(t, stdout.String(), "16³")
	var res Results
	require.NoError(t, report.ReadResults(dir, "", &res))
	require.Len(t, res.Runs, 4)
	for _, r := range res.Runs {
		assert.True(t, r.Converged, "%+v", r)
		assert.Nil(t, r.RelativeError, "Darcy has no exact solution")
		if r.Preconditioner == "mg" {
			assert.LessOrEqual(t, r.Iterations, 20) // the Darcy target
		}
	}
	assert.Empty(t, res.Order)
}
