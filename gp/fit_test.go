package gp

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPeaks: the periodogram finds the frequencies of a two-tone signal
// to a small fraction of the resolution 1/(hi − lo) = 1.
func TestPeaks(t *testing.T) {
	n := 400
	row := make([]float64, n)
	for i := range row {
		x := float64(i) / float64(n-1)
		row[i] = math.Sin(2*math.Pi*7.3*x) + 0.1*math.Sin(2*math.Pi*20*x+0.3)
	}
	freq, power := Periodogram([][]float64{row}, 0, 1)
	pk := Peaks(freq, power, 1e-3, 4, 4)
	require.Len(t, pk, 2)
	assert.InDelta(t, 7.3, pk[0].Freq, 0.05)
	assert.InDelta(t, 20, pk[1].Freq, 0.05)
	assert.Greater(t, pk[0].Power, pk[1].Power)
}

// TestInitKernels: the advection problem has F = 0, so the frequency of
// its solution sin(x − 200t) along t, 200/(2π) ≈ 31.8, must come from
// the boundary data.
func TestInitKernels(t *testing.T) {
	p := Problem{Axes: []Axis{{0, 1, 200}, {0, 1, 200}}, Ops: []Op1D{{A1: 200}, {A1: 1}},
		F: func(x []float64) float64 { return 0 },
		G: func(x []float64) float64 { return math.Sin(x[0] - 200*x[1]) }}
	ks := InitKernels(p, Matern52, nil)
	require.Len(t, ks, 2)
	assert.Equal(t, Matern52, ks[1].Family)
	found := false
	for _, mu := range ks[1].Mu {
		if math.Abs(mu-200/(2*math.Pi)) < 0.1 {
			found = true
		}
	}
	assert.True(t, found, "t-axis frequencies %v", ks[1].Mu)
	// Along x the solution has less than one period: only the
	// zero-frequency component.
	assert.Equal(t, []float64{0}, ks[0].Mu)
}

// TestFit: from a kernel whose scale is far too small for the problem,
// the fit must find one that solves it, and its criterion must not exceed
// the criterion of the starting kernel.
func TestFit(t *testing.T) {
	u := func(x []float64) float64 { return math.Sin(3*x[0]) + 0.3*math.Cos(7*x[0]) }
	p := Problem{Axes: []Axis{{0, 2, 60}}, Ops: []Op1D{{A2: 1}},
		F: func(x []float64) float64 { return -9*math.Sin(3*x[0]) - 0.3*49*math.Cos(7*x[0]) }, G: u}
	init := []*Mixture{NewSE(1, 0.3)}
	start, err := Solve(p, init, nil)
	require.NoError(t, err)
	c0 := start.ValidationResidual(p)
	fr, err := Fit(p, init, &FitSettings{Scan: []float64{1, 4, 16}, MaxEvaluations: 12})
	require.NoError(t, err)
	e := fr.Solution.RelativeL2(u, 300)
	t.Logf("criterion %.3g → %.3g, error %.3g → %.3g, %d solves, %s", c0, fr.Criterion, start.RelativeL2(u, 300), e, fr.Evaluations, fr.Status)
	assert.LessOrEqual(t, fr.Criterion, c0)
	assert.Less(t, e, 1e-6)
	assert.LessOrEqual(t, fr.Evaluations, 3+12)
	assert.Contains(t, []FitReason{FitConverged, FitIterationLimit, FitBudget}, fr.Reason, fr.Status)
	assert.NoError(t, fr.Err())
	assert.Positive(t, fr.Runtime)
	var counts []int
	best := math.Inf(1)
	scan, err := Fit(p, init, &FitSettings{Scan: []float64{1, 4, 16}, MaxIter: -1,
		Monitor: func(k int, c float64) { counts = append(counts, k); best = math.Min(best, c) }})
	require.NoError(t, err)
	assert.Equal(t, FitScanOnly, scan.Reason)
	// The monitor saw each of the three scan solves, and the best
	// criterion it saw is the one returned.
	assert.Equal(t, []int{1, 2, 3}, counts)
	assert.Equal(t, scan.Criterion, best)
	assert.Positive(t, scan.Runtime)
	stopped := &FitResult{Reason: FitStopped, cause: ErrFit}
	assert.ErrorIs(t, stopped.Err(), ErrFitStopped)
	assert.ErrorIs(t, stopped.Err(), ErrFit)
	// The criterion tracks the error: the starting kernel is far worse.
	assert.Greater(t, start.RelativeL2(u, 300), 100*e)
}

// TestFitNaN: NaN parameters stop the fit; the best state is kept.
func TestFitNaN(t *testing.T) {
	u := func(x []float64) float64 { return math.Sin(3 * x[0]) }
	p := Problem{Axes: []Axis{{0, 2, 40}}, Ops: []Op1D{{A2: 1}},
		F: func(x []float64) float64 { return -9 * math.Sin(3*x[0]) }, G: u}
	init := []*Mixture{NewSE(1, 3)}
	f := &fitter{p: p, budget: -1, res: &FitResult{Criterion: math.Inf(1)},
		build: func(x []float64) []*Mixture { k := init[0].Clone(); k.LogScale[0] += x[0]; return []*Mixture{k} }}
	v := f.eval([]float64{0})
	require.False(t, math.IsNaN(v))
	best := f.res.Criterion
	assert.True(t, math.IsNaN(f.eval([]float64{math.NaN()})))
	require.Error(t, f.stop)
	assert.Equal(t, best, f.res.Criterion)
	assert.NotNil(t, f.res.Solution)
	// Later evaluations are refused.
	assert.True(t, math.IsNaN(f.eval([]float64{0})))
	assert.Equal(t, 1, f.res.Evaluations)
	// Bad settings.
	_, err := Fit(p, init, &FitSettings{Scan: []float64{-1}})
	assert.ErrorIs(t, err, ErrProblem)
	_, err = Fit(p, nil, nil)
	assert.ErrorIs(t, err, ErrProblem)
}
