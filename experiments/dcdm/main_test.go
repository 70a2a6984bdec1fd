package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pdekit/pdekit/experiments/internal/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/floats"
)

// runWith runs the experiment with args and its output under dir.
func runWith(t *testing.T, dir string, args ...string) {
	t.Helper()
	cfg, err := parseFlags(append([]string{"-out", dir}, args...), &bytes.Buffer{})
	require.NoError(t, err)
	require.NoError(t, run(cfg, &bytes.Buffer{}, &bytes.Buffer{}))
}

func readResults(t *testing.T, dir, prefix string) Results {
	t.Helper()
	var res Results
	require.NoError(t, report.ReadResults(dir, prefix, &res))
	return res
}

// TestCommittedModel: the committed 64² network, on an unseen right-hand
// side of the training grid, meets the target — at most a quarter of
// CG's iterations and no more than IC(0)-PCG — and, extended to 128²
// without retraining (one more level, the repeated level chosen by a
// short calibration solve), needs less than 1.5× its 64² iterations (the target growth
// bar, from the paper's claim of near size-independence); every solver
// reaches the tolerance.
func TestCommittedModel(t *testing.T) {
	dir := t.TempDir()
	runWith(t, dir, "-grid", "64,128", "-rhs", "1", "-no-figures")
	res := readResults(t, dir, "")
	require.Len(t, res.Runs, 8)
	its := map[string]float64{}
	for _, r := range res.Runs {
		assert.Empty(t, r.Error, r.Solver)
		assert.LessOrEqual(t, r.RelativeResidual, 1e-6, r.Solver)
		assert.Equal(t, 64, r.TrainGrid)
		its[fmt.Sprint(r.Solver, r.Grid)] = r.Iterations
		if r.Solver == "dcdm" && r.Grid == 128 {
			require.NotNil(t, r.Calibration)
			assert.Equal(t, 1, r.Calibration.Extra)
			assert.Equal(t, floats.MinIdx(r.Calibration.Scores), r.Calibration.Level)
		} else {
			assert.Nil(t, r.Calibration)
		}
	}
	assert.LessOrEqual(t, its["dcdm64"], its["cg64"]/4)
	assert.LessOrEqual(t, its["dcdm64"], its["ic064"])
	assert.Less(t, its["dcdm128"], 1.5*its["dcdm64"])
	assert.Equal(t, "committed", res.Training.Source)
}

// TestCommittedModel256: the growth bar over two doublings — the committed
// 64² network extended to 256² needs fewer than 1.5² times its 64²
// iterations (measured 21 against 14). About a minute (the level choice
// runs 5 × 20 network applications at 256²), so skipped with -short.
func TestCommittedModel256(t *testing.T) {
	if testing.Short() {
		t.Skip("256² solves take about a minute")
	}
	dir := t.TempDir()
	runWith(t, dir, "-grid", "64,256", "-method", "dcdm", "-rhs", "1", "-no-figures")
	res := readResults(t, dir, "")
	require.Len(t, res.Runs, 2)
	its := map[int]float64{}
	for _, r := range res.Runs {
		assert.Empty(t, r.Error)
		assert.LessOrEqual(t, r.RelativeResidual, 1e-6)
		its[r.Grid] = r.Iterations
	}
	require.NotNil(t, res.Runs[1].Calibration)
	assert.Equal(t, 2, res.Runs[1].Calibration.Extra)
	assert.Less(t, its[256], 1.5*1.5*its[64])
}

// TestTrainSmall: -train on a 16² grid for a few steps runs end to end,
// saves a model that -model loads back, and the flexible iteration with
// the barely trained network still converges (with fallbacks if needed).
func TestTrainSmall(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-train", "-train-grid", "16", "-steps", "3", "-batch", "2", "-ritz", "20", "-grid", "16", "-rhs", "1", "-method", "cg,dcdm"}
	runWith(t, dir, args...)
	res := readResults(t, dir, "")
	assert.Equal(t, "trained", res.Training.Source)
	assert.Len(t, res.Runs, 2)
	for _, r := range res.Runs {
		assert.LessOrEqual(t, r.RelativeResidual, 1e-6, r.Solver)
	}
	for _, f := range []string{modelFile16, "history-16.png", "training-loss.png"} {
		_, err := os.Stat(filepath.Join(dir, f))
		assert.NoError(t, err, f)
	}
	// Training is reproducible: the same flags give the same model file.
	again := t.TempDir()
	runWith(t, again, append(args, "-no-solve")...)
	m1, err := os.ReadFile(filepath.Join(dir, modelFile16))
	require.NoError(t, err)
	m2, err := os.ReadFile(filepath.Join(again, modelFile16))
	require.NoError(t, err)
	assert.Equal(t, m1, m2, "retraining with the same flags changed the model")
	runWith(t, t.TempDir(), "-model", filepath.Join(dir, modelFile16), "-train-grid", "16", "-grid", "16", "-rhs", "1", "-method", "dcdm", "-no-figures")
	// Another architecture does not load the file.
	cfg, err := parseFlags([]string{"-model", filepath.Join(dir, modelFile16), "-channels", "4", "-grid", "16"}, &bytes.Buffer{})
	require.NoError(t, err)
	assert.ErrorContains(t, run(cfg, &bytes.Buffer{}, &bytes.Buffer{}), "size mismatch")
}

const modelFile16 = "model-poisson16.json"

// TestDarcy: the committed Poisson network on unseen Darcy fields (a
// cross-problem test; only convergence is asserted), and a short -train
// on a Darcy field, which writes its own files beside the Poisson ones.
func TestDarcy(t *testing.T) {
	dir := t.TempDir()
	runWith(t, dir, "-problem", "darcy", "-grid", "32", "-rhs", "2", "-method", "cg,dcdm")
	res := readResults(t, dir, "darcy-")
	require.Len(t, res.Runs, 2)
	for _, r := range res.Runs {
		assert.Equal(t, "darcy", r.Problem)
		assert.LessOrEqual(t, r.RelativeResidual, 1e-6, r.Solver)
	}
	assert.Equal(t, "poisson", res.Training.Problem)
	runWith(t, dir, "-problem", "darcy", "-train", "-train-grid", "16", "-steps", "2", "-batch", "2", "-ritz", "10", "-grid", "16", "-rhs", "1", "-method", "dcdm")
	for _, f := range []string{"model-darcy16.json", "darcy-history-16.png", "darcy-training-loss.png"} {
		_, err := os.Stat(filepath.Join(dir, f))
		assert.NoError(t, err, f)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-method", "amg"},
		{"-grid", "0"},
		{"-train", "-model", "x.json"},
		{"-no-solve"},
		{"-channels", "4"}, // no committed model of that width
		{"-act", "sigmoid"},
		{"-noise", "2", "-train"},
		{"-rtol", "1"},
		{"-problem", "stokes"},
		{"stray"},
	} {
		_, err := parseFlags(args, &bytes.Buffer{})
		assert.Error(t, err, "%v", args)
	}
}
