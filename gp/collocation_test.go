package gp

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSolve1DLowFrequency: the low-frequency Poisson problem
// u = sin 2x + cos(x)/2 on [0, 1] solved to 1e-8 with a squared-exponential
// kernel (measured 9.6e-10).
func TestSolve1DLowFrequency(t *testing.T) {
	u := func(x float64) float64 { return math.Sin(2*x) + 0.5*math.Cos(x) }
	p := Linear1D{Lo: 0, Hi: 1, N: 80, A2: 1, F: func(x float64) float64 { return -4*math.Sin(2*x) - 0.5*math.Cos(x) },
		Left: u(0), Right: u(1)}
	sol, err := Solve1D(p, NewSE(1, 5), nil)
	require.NoError(t, err)
	e := sol.RelativeL2(u, 0, 1, 300)
	t.Logf("rank %d, relative L2 %.3g, residual %.3g", sol.Rank, e, sol.Residual)
	assert.Less(t, e, 1e-8)
	// The grid values agree with the predictor at the grid points.
	assert.InDeltaSlice(t, sol.U, sol.Predict(sol.X), 1e-10)
}

// TestSolve1DConvection: u″ + 2u′ + u = f with u = e^x·sin πx exercises
// the first- and zeroth-order terms. The squared-exponential basis,
// truncated at EigTol, floors near 2e-8 here (flat-kernel
// ill-conditioning), so the bound is 1e-7.
func TestSolve1DConvection(t *testing.T) {
	u := func(x float64) float64 { return math.Sin(math.Pi*x) * math.Exp(x) }
	// u′ = e^x(π cos πx + sin πx), u″ = e^x((1 − π²) sin πx + 2π cos πx).
	f := func(x float64) float64 {
		s, c := math.Sin(math.Pi*x), math.Cos(math.Pi*x)
		e := math.Exp(x)
		u2 := e * ((1-math.Pi*math.Pi)*s + 2*math.Pi*c)
		u1 := e * (math.Pi*c + s)
		return u2 + 2*u1 + u(x)
	}
	p := Linear1D{Lo: 0, Hi: 1, N: 80, A2: 1, A1: 2, A0: 1, F: f, Left: u(0), Right: u(1)}
	sol, err := Solve1D(p, NewSE(1, 6), nil)
	require.NoError(t, err)
	e := sol.RelativeL2(u, 0, 1, 300)
	t.Logf("rank %d, relative L2 %.3g", sol.Rank, e)
	assert.Less(t, e, 1e-7)
}

// TestSolve1DHighFrequency: GP-HM's first row, u = sin(100x) on [0, 2π]
// with 400 points, u″ = f. With one Gaussian-mixture component at the
// solution's frequency the error must beat the paper's logged 4.0e-7.
func TestSolve1DHighFrequency(t *testing.T) {
	u := func(x float64) float64 { return math.Sin(100 * x) }
	p := Linear1D{Lo: 0, Hi: 2 * math.Pi, N: 400, A2: 1,
		F: func(x float64) float64 { return -1e4 * math.Sin(100*x) }, Left: u(0), Right: u(2 * math.Pi)}
	k := &Mixture{Family: Gaussian, LogW: []float64{0, -2}, LogScale: []float64{math.Log(3), math.Log(3)}, Mu: []float64{100 / (2 * math.Pi), 0}}
	sol, err := Solve1D(p, k, nil)
	require.NoError(t, err)
	for _, w := range sol.Warnings {
		assert.NotContains(t, w, "Nyquist")
	}
	e := sol.RelativeL2(u, 0, 2*math.Pi, 300)
	t.Logf("rank %d, relative L2 %.3g", sol.Rank, e)
	assert.Less(t, e, 4e-7)
	// The same kernel on 100 points is below Nyquist: a warning, and a
	// useless answer.
	p.N = 100
	sol, err = Solve1D(p, k, nil)
	require.NoError(t, err)
	require.NotEmpty(t, sol.Warnings)
	assert.Contains(t, sol.Warnings[0], "Nyquist")
}

func TestSolve1DBadInput(t *testing.T) {
	f := func(x float64) float64 { return 1 }
	k := NewSE(1, 1)
	for _, p := range []Linear1D{
		{Lo: 0, Hi: 1, N: 2, A2: 1, F: f},
		{Lo: 1, Hi: 1, N: 10, A2: 1, F: f},
		{Lo: 0, Hi: 1, N: 10, A2: math.NaN(), F: f},
		{Lo: 0, Hi: 1, N: 10, A2: 1},
		{Lo: 0, Hi: 1, N: 10, A2: 1, F: func(x float64) float64 { return math.NaN() }},
	} {
		_, err := Solve1D(p, k, nil)
		assert.ErrorIs(t, err, ErrProblem)
	}
	bad := NewSE(1, 1)
	bad.Mu[0] = math.Inf(1)
	_, err := Solve1D(Linear1D{Lo: 0, Hi: 1, N: 10, A2: 1, F: f}, bad, nil)
	assert.ErrorIs(t, err, ErrKernel)
	_, err = Solve1D(Linear1D{Lo: 0, Hi: 1, N: 10, A2: 1, F: f}, k, &CollocationSettings{EigTol: 2})
	assert.ErrorIs(t, err, ErrProblem)
}
