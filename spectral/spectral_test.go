package spectral

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// TestCheb: D differentiates polynomials of degree ≤ n exactly (to
// rounding) on a mapped interval, and the points are the mapped
// Chebyshev–Lobatto points in ascending order.
func TestCheb(t *testing.T) {
	x, d := Cheb(12, -1, 3)
	require.Len(t, x, 13)
	assert.Equal(t, -1.0, x[0])
	assert.Equal(t, 3.0, x[12])
	assert.InDelta(t, 1.0, x[6], 1e-15, "the midpoint")
	for j := 1; j <= 12; j++ {
		assert.Greater(t, x[j], x[j-1])
		assert.InDelta(t, 1-2*math.Cos(float64(j)*math.Pi/12), x[j], 1e-14)
	}
	u := make([]float64, 13)
	want := make([]float64, 13)
	for i, v := range x {
		u[i] = math.Pow(v, 7) - 3*v*v
		want[i] = 7*math.Pow(v, 6) - 6*v
	}
	var got mat.VecDense
	got.MulVec(d, mat.NewVecDense(13, u))
	for i := range want {
		assert.InDelta(t, want[i], got.AtVec(i), 1e-9*(1+math.Abs(want[i])), "x = %v", x[i])
	}
}

func sinPlusLine(x []float64) float64 { return math.Sin(3*x[0]) + x[0] }

// TestSolve1D: u″ = f on [−1, 2] with u = sin 3x + x converges
// spectrally (each doubling of N gains orders of magnitude) to rounding.
func TestSolve1D(t *testing.T) {
	p := Problem{Box: []Interval{{-1, 2}}, Ops: []Op{{A2: 1}},
		F: func(x []float64) float64 { return -9 * math.Sin(3*x[0]) },
		G: sinPlusLine}
	var errs []float64
	for _, n := range []int{8, 16, 32} {
		sol, err := Solve(p, &Settings{N: []int{n}})
		require.NoError(t, err)
		errs = append(errs, sol.RelativeL2(sinPlusLine, 200))
	}
	assert.Less(t, errs[1], 1e-3*errs[0])
	assert.Less(t, errs[2], 1e-12)
	// An unresolving N is not a failure: the error is reported as it is.
	sol, err := Solve(p, &Settings{N: []int{2}})
	require.NoError(t, err)
	assert.Greater(t, sol.RelativeL2(sinPlusLine, 200), 1e-2)
}

func allenCahn(u float64) (float64, float64) { return u*u*u - u, 3*u*u - 1 }

// TestAllenCahn1D: Newton converges quadratically to the collocation
// solution of u″ + u³ − u = f (manufactured from u = cos 5x on [0, 2]).
func TestAllenCahn1D(t *testing.T) {
	u := func(x []float64) float64 { return math.Cos(5 * x[0]) }
	p := Problem{Box: []Interval{{0, 2}}, Ops: []Op{{A2: 1}}, Nonlinear: allenCahn, G: u,
		F: func(x []float64) float64 { v := u(x); return -25*v + v*v*v - v }}
	sol, err := Solve(p, &Settings{N: []int{48}})
	require.NoError(t, err)
	assert.Less(t, sol.RelativeL2(u, 300), 1e-12)
	assert.LessOrEqual(t, sol.Newton, 8)
}

// TestSolve2D covers the three 2D paths against manufactured solutions:
// a Laplacian (both axes diagonalised), a convection–diffusion axis and
// space–time advection (complex modes, the inflow ends given) with either
// sign of the speed, and Allen–Cahn (Newton–GMRES).
func TestSolve2D(t *testing.T) {
	for _, c := range []struct {
		name string
		ops  []Op
		box  []Interval
		u    func(x, y float64) float64
		// L u for the exact u
		f   func(x, y float64) float64
		nl  bool
		n   []int
		tol float64
	}{
		{"laplace", []Op{{A2: 1}, {A2: 1}}, []Interval{{0, 1}, {-1, 2}},
			func(x, y float64) float64 { return math.Sin(2*x)*math.Cos(y) + x*y },
			func(x, y float64) float64 { return -5 * math.Sin(2*x) * math.Cos(y) }, false, []int{24, 30}, 1e-11},
		{"convection-diffusion", []Op{{A2: 0.5, A1: 2}, {A2: 1, A0: -1}}, []Interval{{0, 1}, {0, 1}},
			func(x, y float64) float64 { return math.Exp(x) * math.Sin(2*y) },
			func(x, y float64) float64 { return (0.5+2)*math.Exp(x)*math.Sin(2*y) - 5*math.Exp(x)*math.Sin(2*y) }, false, []int{20, 24}, 1e-11},
		{"advection", []Op{{A1: 3}, {A1: 1}}, []Interval{{0, 1}, {0, 2}},
			func(x, t float64) float64 { return math.Sin(x - 3*t) },
			func(x, t float64) float64 { return 0 }, false, []int{16, 32}, 1e-10},
		{"advection leftwards", []Op{{A1: -3}, {A1: 1}}, []Interval{{0, 1}, {0, 2}},
			func(x, t float64) float64 { return math.Sin(x + 3*t) },
			func(x, t float64) float64 { return 0 }, false, []int{16, 32}, 1e-10},
		{"allen-cahn", []Op{{A2: 1}, {A2: 1}}, []Interval{{0, 1}, {0, 1}},
			func(x, y float64) float64 { return math.Sin(3*x) * math.Cos(2*y) },
			func(x, y float64) float64 {
				v := math.Sin(3*x) * math.Cos(2*y)
				return -13*v + v*v*v - v
			}, true, []int{30, 30}, 1e-11},
	} {
		exact := func(x []float64) float64 { return c.u(x[0], x[1]) }
		p := Problem{Box: c.box, Ops: c.ops, G: exact, F: func(x []float64) float64 { return c.f(x[0], x[1]) }}
		if c.nl {
			p.Nonlinear = allenCahn
		}
		sol, err := Solve(p, &Settings{N: c.n})
		require.NoError(t, err, c.name)
		assert.Less(t, sol.RelativeL2(exact, 60), c.tol, c.name)
		assert.InDelta(t, c.u(0.3, 0.7), sol.At(0.3, 0.7), 1e-9, c.name)
	}
}

// TestSolveAdaptive: without N, the degrees grow until the coefficient
// tails meet Tol; the error then meets it too (the tail estimates it),
// anisotropic problems keep the smooth axis small, and an unreachable
// target is ErrUnresolved with the last solution.
func TestSolveAdaptive(t *testing.T) {
	u := func(x []float64) float64 { return math.Sin(40 * x[0]) }
	p := Problem{Box: []Interval{{0, 1}}, Ops: []Op{{A2: 1}}, G: u,
		F: func(x []float64) float64 { return -1600 * math.Sin(40*x[0]) }}
	for _, start := range []int{0, 16} {
		// Start 0: the first degree comes from F and is close to the end
		// of the search; Start 16: the degrees grow from there.
		sol, err := SolveAdaptive(p, &AdaptiveSettings{Start: start})
		require.NoError(t, err)
		assert.LessOrEqual(t, sol.Tail[0], 1e-10)
		assert.Less(t, sol.RelativeL2(u, 300), 1e-10)
		if start == 0 {
			assert.LessOrEqual(t, sol.Solves, 2)
		} else {
			assert.Greater(t, sol.Solves, 3)
		}
	}

	adv := func(x []float64) float64 { return math.Sin(x[0] - 60*x[1]) }
	pa := Problem{Box: []Interval{{0, 1}, {0, 1}}, Ops: []Op{{A1: 60}, {A1: 1}}, G: adv,
		F: func(x []float64) float64 { return 0 }}
	sol, err := SolveAdaptive(pa, nil)
	require.NoError(t, err)
	assert.Less(t, sol.RelativeL2(adv, 100), 1e-9)
	assert.Less(t, len(sol.Nodes[0]), len(sol.Nodes[1])/2, "x is smooth, t oscillates")

	sol, err = SolveAdaptive(p, &AdaptiveSettings{Max: 24})
	assert.ErrorIs(t, err, ErrUnresolved)
	require.NotNil(t, sol)
	assert.Greater(t, sol.Tail[0], 1e-10)
}

func TestBadInput(t *testing.T) {
	one := func(x []float64) float64 { return 1 }
	ok := Problem{Box: []Interval{{0, 1}}, Ops: []Op{{A2: 1}}, F: one, G: one}
	for name, c := range map[string]struct {
		p   Problem
		s   *Settings
		msg string
	}{
		"three axes":   {Problem{Box: make([]Interval, 3), Ops: make([]Op, 3), F: one, G: one}, nil, "interval or a rectangle"},
		"no axes":      {Problem{F: one, G: one}, nil, "0 axes"},
		"ops mismatch": {Problem{Box: []Interval{{0, 1}}, F: one, G: one}, nil, "0 operators"},
		"no F":         {Problem{Box: ok.Box, Ops: ok.Ops, G: one}, nil, "F and G"},
		"empty":        {Problem{Box: []Interval{{1, 1}}, Ops: ok.Ops, F: one, G: one}, nil, "axis 0"},
		"infinite":     {Problem{Box: []Interval{{0, math.Inf(1)}}, Ops: ok.Ops, F: one, G: one}, nil, "axis 0"},
		"zero op":      {Problem{Box: ok.Box, Ops: []Op{{A0: 1}}, F: one, G: one}, nil, "derivative term"},
		"NaN op":       {Problem{Box: ok.Box, Ops: []Op{{A2: math.NaN()}}, F: one, G: one}, nil, "derivative term"},
		"N too small":  {ok, &Settings{N: []int{1}}, "degree 1"},
		"N too large":  {ok, &Settings{N: []int{MaxPoints + 1}}, "degree"},
		"NaN in F":     {Problem{Box: ok.Box, Ops: ok.Ops, F: func(x []float64) float64 { return math.NaN() }, G: one}, nil, "F is NaN"},
		"Inf in G":     {Problem{Box: ok.Box, Ops: ok.Ops, F: one, G: func(x []float64) float64 { return math.Inf(1) }}, nil, "G is +Inf"},
	} {
		_, err := Solve(c.p, c.s)
		assert.ErrorIs(t, err, ErrProblem, name)
		assert.ErrorContains(t, err, c.msg, name)
	}
	_, err := SolveAdaptive(ok, &AdaptiveSettings{Tol: math.NaN()})
	assert.ErrorIs(t, err, ErrProblem)
}
