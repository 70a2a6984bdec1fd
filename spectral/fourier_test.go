package spectral

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// TestFourier: the Fourier matrices differentiate trigonometric
// polynomials of degree < m/2 exactly (to rounding) on a mapped period,
// and the trigonometric interpolant reproduces them between the points.
func TestFourier(t *testing.T) {
	lo, hi := 1.0, 4.0
	w := 2 * math.Pi / (hi - lo)
	x, d1, d2 := Fourier(16, lo, hi)
	u := make([]float64, len(x))
	du := make([]float64, len(x))
	ddu := make([]float64, len(x))
	for i, v := range x {
		u[i] = math.Sin(3*w*v) + math.Cos(2*w*v)
		du[i] = 3*w*math.Cos(3*w*v) - 2*w*math.Sin(2*w*v)
		ddu[i] = -9*w*w*math.Sin(3*w*v) - 4*w*w*math.Cos(2*w*v)
	}
	var g1, g2 mat.VecDense
	g1.MulVec(d1, mat.NewVecDense(len(u), u))
	g2.MulVec(d2, mat.NewVecDense(len(u), u))
	for i := range u {
		assert.InDelta(t, du[i], g1.AtVec(i), 1e-12)
		assert.InDelta(t, ddu[i], g2.AtVec(i), 1e-11)
	}
	ts := []float64{1.1, 2.5, 3.99, lo, x[5]}
	im := fourierInterp(x, hi-lo, ts)
	var got mat.VecDense
	got.MulVec(im, mat.NewVecDense(len(u), u))
	for k, v := range ts {
		assert.InDelta(t, math.Sin(3*w*v)+math.Cos(2*w*v), got.AtVec(k), 1e-13, "t = %v", v)
	}
}

// TestPeriodic: Fourier collocation on a periodic axis, alone (with a
// zero-order term) and beside a Chebyshev axis, converges to rounding;
// the adaptive solve keeps an even point count; a periodic problem
// without a zero-order term is singular.
func TestPeriodic(t *testing.T) {
	u1 := func(x []float64) float64 { return math.Exp(math.Sin(2 * math.Pi * x[0])) }
	f1 := func(x []float64) float64 {
		s, c := math.Sin(2*math.Pi*x[0]), math.Cos(2*math.Pi*x[0])
		w := 2 * math.Pi
		return math.Exp(s)*w*w*(c*c-s) - math.Exp(s)
	}
	p := Problem{Box: []Interval{{0, 1}}, Ops: []Op{{A2: 1, A0: -1}}, F: f1, Periodic: []bool{true}}
	sol, err := Solve(p, &Settings{N: []int{56}})
	require.NoError(t, err)
	assert.Less(t, sol.RelativeL2(u1, 200), 1e-11)
	ad, err := SolveAdaptive(p, nil)
	require.NoError(t, err)
	assert.Zero(t, len(ad.Nodes[0])%2)
	assert.Less(t, ad.RelativeL2(u1, 200), 1e-10)

	u2 := func(x []float64) float64 { return math.Cos(2*x[0]) * math.Sin(math.Pi*x[1]/2+0.3) }
	p2 := Problem{Box: []Interval{{0, 2 * math.Pi}, {-1, 1}}, Ops: []Op{{A2: 1}, {A2: 1}}, G: u2,
		F: func(x []float64) float64 { return -(4 + math.Pi*math.Pi/4) * u2(x) }, Periodic: []bool{true, false}}
	sol, err = Solve(p2, &Settings{N: []int{16, 24}})
	require.NoError(t, err)
	assert.Less(t, sol.RelativeL2(u2, 60), 1e-11)
	assert.InDelta(t, u2([]float64{6, 0.2}), sol.At(6, 0.2), 1e-11)

	_, err = Solve(Problem{Box: p.Box, Ops: []Op{{A2: 1}}, F: f1, Periodic: []bool{true}}, nil)
	assert.ErrorIs(t, err, ErrSingular)
	_, err = Solve(p, &Settings{N: []int{15}})
	assert.ErrorIs(t, err, ErrProblem)
	_, err = Solve(Problem{Box: p.Box, Ops: p.Ops, F: f1}, nil)
	assert.ErrorIs(t, err, ErrProblem, "G is required on a Chebyshev axis")
}
