package pde_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/floats"

	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/pde"
	"github.com/pdekit/pdekit/sparse"
)

// solve solves p with a tight tolerance so that the solver error is far
// below the discretisation error.
func solve(t *testing.T, p pde.Problem) []float64 {
	t.Helper()
	x := make([]float64, p.A.Dim())
	var m linsolve.Method = &linsolve.GMRES{Restart: 50}
	pc, err := linsolve.NewILU0(p.A)
	require.NoError(t, err)
	if p.A.IsSymmetric(0) {
		m = &linsolve.CG{}
	}
	_, err = m.Solve(x, p.A, p.B, &linsolve.Settings{RelTol: 1e-12, Preconditioner: pc})
	require.NoError(t, err)
	return x
}

// maxErr is the max-norm error against the exact solution.
func maxErr(x, exact []float64) float64 {
	var e float64
	for i := range x {
		e = math.Max(e, math.Abs(x[i]-exact[i]))
	}
	return e
}

// orders returns log2 of consecutive error ratios for grids with
// h = 1/(n+1), n = 2^k − 1 (so h halves exactly).
func orders(t *testing.T, ns []int, build func(n int) pde.Problem) []float64 {
	t.Helper()
	var errs, out []float64
	for _, n := range ns {
		p := build(n)
		errs = append(errs, maxErr(solve(t, p), p.Exact))
	}
	for i := 1; i < len(errs); i++ {
		out = append(out, math.Log2(errs[i-1]/errs[i]))
	}
	return out
}

func grid(t *testing.T, d, n int) pde.Grid {
	ns := make([]int, d)
	for i := range ns {
		ns[i] = n
	}
	g, err := pde.NewGrid(ns...)
	require.NoError(t, err)
	return g
}

// Second-order operators must show an observed order of 2 (within 0.15:
// the leading error term dominates already at these sizes, LeVeque 2007
// §2.16), first-order upwind an order of 1.
func TestOrderOfAccuracy(t *testing.T) {
	sizes := map[int][]int{1: {31, 63, 127}, 2: {15, 31, 63}, 3: {15, 31}}
	a := func(x []float64) float64 { return 1 + 0.5*math.Sin(2*x[0]) + x[len(x)-1]*x[len(x)-1] }
	gradA := func(x, g []float64) {
		clear(g)
		g[0] += math.Cos(2 * x[0])
		g[len(x)-1] += 2 * x[len(x)-1]
	}
	for d := 1; d <= 3; d++ {
		beta := []float64{3, -2, 1}[:d]
		cases := map[string]struct {
			build func(n int) pde.Problem
			order float64
		}{
			"poisson/poly-exp-sine": {func(n int) pde.Problem {
				p, err := pde.PoissonProblem(grid(t, d, n), pde.PolyExpSine(d))
				require.NoError(t, err)
				return p
			}, 2},
			"poisson/exp-linear (nonzero boundary)": {func(n int) pde.Problem {
				p, err := pde.PoissonProblem(grid(t, d, n), pde.ExpLinear([]float64{1, -0.5, 0.7}[:d]))
				require.NoError(t, err)
				return p
			}, 2},
			"diffusion": {func(n int) pde.Problem {
				p, err := pde.DiffusionProblem(grid(t, d, n), pde.ExpLinear([]float64{0.8, 0.3, -1}[:d]), a, gradA)
				require.NoError(t, err)
				return p
			}, 2},
			"helmholtz": {func(n int) pde.Problem {
				p, err := pde.HelmholtzProblem(grid(t, d, n), pde.PolyExpSine(d), 2)
				require.NoError(t, err)
				return p
			}, 2},
			"convdiff/central": {func(n int) pde.Problem {
				p, err := pde.ConvectionDiffusionProblem(grid(t, d, n), pde.PolyExpSine(d), 1, beta, pde.Central)
				require.NoError(t, err)
				return p
			}, 2},
			"convdiff/upwind": {func(n int) pde.Problem {
				// A smooth solution, so that the O(h) term dominates early.
				p, err := pde.ConvectionDiffusionProblem(grid(t, d, n), pde.ExpLinear([]float64{1, -0.5, 0.7}[:d]), 1, beta, pde.Upwind)
				require.NoError(t, err)
				return p
			}, 1},
		}
		for name, c := range cases {
			t.Run(name+"/"+string(rune('0'+d))+"d", func(t *testing.T) {
				for _, o := range orders(t, sizes[d], c.build) {
					assert.InDelta(t, c.order, o, 0.15)
				}
			})
		}
	}
}

func TestLaplacianStructure(t *testing.T) {
	for d, want := range map[int]int{1: 3, 2: 5, 3: 7} {
		g := grid(t, d, 6)
		a, bnd := pde.Laplacian(g, nil)
		assert.True(t, a.IsSymmetric(0))
		assert.Equal(t, make([]float64, g.Size()), bnd)
		// An interior row has the full stencil, and −Δ of a constant is
		// zero there.
		mid := 0 // node (3, 3, 3)[:d]
		for range d {
			mid = mid*6 + 3
		}
		assert.Equal(t, want, a.RowPtr[mid+1]-a.RowPtr[mid], "d=%d", d)
		one := g.Constant(1)
		y := make([]float64, g.Size())
		a.MulVecTo(y, one)
		assert.InDelta(t, 0, y[mid], 1e-9)
	}
	// Same matrix as shared/bench/ccg.c builds for N = 4 (x slowest).
	g := grid(t, 2, 4)
	a, _ := pde.Laplacian(g, nil)
	h2 := 1 / (0.2 * 0.2)
	assert.InDelta(t, 4*h2, a.At(5, 5), 1e-9)
	assert.InDelta(t, -h2, a.At(5, 1), 1e-9)
	assert.InDelta(t, -h2, a.At(5, 9), 1e-9)
	assert.InDelta(t, -h2, a.At(5, 4), 1e-9)
	assert.Equal(t, 0.0, a.At(3, 4), "no wrap-around between grid rows")
}

func TestDarcyForms(t *testing.T) {
	g := grid(t, 2, 9)
	rng := rand.New(rand.NewPCG(4, 4))
	field, err := pde.GRF{}.Sample(rng, g.N...)
	require.NoError(t, err)
	a := make([]float64, len(field))
	for i, v := range field {
		a[i] = math.Exp(v)
	}
	sym, _, err := pde.Diffusion(g, a, nil)
	require.NoError(t, err)
	assert.True(t, sym.IsSymmetric(1e-15))
	skr, _, err := pde.DarcySKR(g, a, nil)
	require.NoError(t, err)
	assert.False(t, skr.IsSymmetric(1e-6))
	lap, _ := pde.Laplacian(g, nil)
	assert.InDeltaSlice(t, lap.ScaleCols(a).Dense(), skr.Dense(), 1e-9, "DarcySKR = L·diag(a)")

	// Constant a reduces both to a·Laplacian.
	c := g.Constant(2.5)
	d1, _, _ := pde.Diffusion(g, c, nil)
	d2, _, _ := pde.DarcySKR(g, c, nil)
	scaled := sparse.Add(2.5, lap, 0, lap)
	assert.InDeltaSlice(t, scaled.Dense(), d1.Dense(), 1e-9)
	assert.InDeltaSlice(t, scaled.Dense(), d2.Dense(), 1e-9)

	// Bad coefficients.
	_, _, err = pde.Diffusion(g, a[:10], nil)
	assert.ErrorIs(t, err, pde.ErrGrid)
	bad := g.Constant(1)
	bad[3] = -1
	_, _, err = pde.Diffusion(g, bad, nil)
	assert.ErrorContains(t, err, "positive")
	bad[3] = math.NaN()
	_, _, err = pde.DarcySKR(g, bad, nil)
	assert.ErrorContains(t, err, "positive")
}

// TestDarcySKRAsPublished checks the published SKR matrix against the
// generator's own index arithmetic, written out literally: on the full
// (s+2)×(s+2) field "coef" with its boundary ring, build_darcy's diagonal
// at offset −s is −coef[:-2, 1:-1].flatten()[s-2:], so entry (j+s, j) is
// minus element j+s−2 of the flattened rows 0…s−1, columns 1…s.
func TestDarcySKRAsPublished(t *testing.T) {
	const s = 7
	g := grid(t, 2, s)
	rng := rand.New(rand.NewPCG(8, 8))
	full := make([]float64, (s+2)*(s+2))
	for i := range full {
		full[i] = math.Exp(0.5 * rng.NormFloat64())
	}
	coef := func(r, c int) float64 { return full[r*(s+2)+c] }
	pub, err := pde.DarcySKRAsPublished(g, full)
	require.NoError(t, err)
	skr, _, err := pde.DarcySKR(g, full, nil)
	require.NoError(t, err)
	ih2 := float64((s + 1) * (s + 1))
	n := s * s
	want := make([]float64, n*n)
	for r := range s {
		for c := range s {
			j := r*s + c
			want[j*n+j] = 4 * coef(r+1, c+1) * ih2
			if c > 0 {
				want[j*n+j-1] = -coef(r+1, c) * ih2
			}
			if c < s-1 {
				want[j*n+j+1] = -coef(r+1, c+2) * ih2
			}
			if r < s-1 {
				want[j*n+j+s] = -coef(r+2, c+1) * ih2
				k := j + s - 2 // flat index into coef[:-2, 1:-1]
				want[(j+s)*n+j] = -coef(k/s, k%s+1) * ih2
			}
		}
	}
	// The two entries whose published coefficient lies on the ring keep
	// DarcySKR's value.
	for _, j := range []int{0, 1} {
		want[(j+s)*n+j] = skr.At(j+s, j)
	}
	assert.InDeltaSlice(t, want, pub.Dense(), 1e-9)
	differ := 0
	for i, v := range skr.Dense() {
		if v != pub.Dense()[i] {
			differ++
		}
	}
	assert.Equal(t, s*(s-1)-2, differ, "only the couplings to the node below differ")

	// An interior-only field gives the same matrix as that field padded.
	inner := make([]float64, n)
	for r := range s {
		for c := range s {
			inner[r*s+c] = coef(r+1, c+1)
		}
	}
	pin, err := pde.DarcySKRAsPublished(g, inner)
	require.NoError(t, err)
	assert.InDeltaSlice(t, pub.Dense(), pin.Dense(), 1e-9)

	_, err = pde.DarcySKRAsPublished(grid(t, 1, 9), make([]float64, 9))
	assert.ErrorIs(t, err, pde.ErrGrid)
	_, err = pde.DarcySKRAsPublished(g, inner[:10])
	assert.ErrorIs(t, err, pde.ErrGrid)
	inner[4] = math.NaN()
	_, err = pde.DarcySKRAsPublished(g, inner)
	assert.ErrorContains(t, err, "positive")
	_, err = pde.DarcyFamily(8, 2, 1, pde.DarcyOptions{Form: 7})
	assert.ErrorContains(t, err, "unknown Darcy form")
}

func TestGridErrors(t *testing.T) {
	for _, n := range [][]int{{}, {0}, {3, -1}, {2, 2, 2, 2}} {
		_, err := pde.NewGrid(n...)
		assert.ErrorIs(t, err, pde.ErrGrid, "%v", n)
	}
	_, err := pde.NewBox([]float64{1}, []float64{1}, []int{3})
	assert.ErrorIs(t, err, pde.ErrGrid)
	g, err := pde.NewBox([]float64{-1, 0}, []float64{1, 3}, []int{3, 2})
	require.NoError(t, err)
	x := make([]float64, 2)
	g.Point(1*2+1, x) // node (1, 1)
	assert.InDeltaSlice(t, []float64{0, 2}, x, 1e-15)
	assert.Equal(t, 6, g.Size())
	assert.Equal(t, 20, g.FullSize())
	_, _, err = pde.ConvectionDiffusion(g, 1, []float64{1}, pde.Upwind, nil)
	assert.ErrorIs(t, err, pde.ErrGrid)
	_, _, err = pde.ConvectionDiffusion(g, 0, []float64{1, 1}, pde.Upwind, nil)
	assert.Error(t, err)
}

// TestHeatTimeOrder checks the temporal order on the discrete eigenvector
// v = sin(πx)sin(πy): with L·v = λ_h·v the semi-discrete solution is
// e^{−λ_h t}·v exactly, so the error is purely temporal. Backward Euler is
// first order, Crank–Nicolson second (LeVeque 2007, §9.3–9.5).
func TestHeatTimeOrder(t *testing.T) {
	g := grid(t, 2, 15)
	h := g.H(0)
	lam := 2 * 4 / (h * h) * math.Pow(math.Sin(math.Pi*h/2), 2)
	v := g.Sample(pde.SineProduct(2).U)
	const T = 0.05
	for scheme, want := range map[pde.TimeScheme]float64{pde.BackwardEuler: 1, pde.CrankNicolson: 2} {
		var errs []float64
		for _, steps := range []int{10, 20, 40} {
			dt := T / float64(steps)
			hs, err := pde.NewHeatStep(g, g.Constant(1), dt, scheme, nil)
			require.NoError(t, err)
			assert.True(t, hs.LHS.IsSymmetric(1e-14))
			u := append([]float64(nil), v...)
			rhs := make([]float64, len(u))
			for range steps {
				hs.RHSTo(rhs, u, nil, nil)
				_, err := (&linsolve.CG{}).Solve(u, hs.LHS, rhs, &linsolve.Settings{RelTol: 1e-13})
				require.NoError(t, err)
			}
			exact := math.Exp(-lam * T)
			var e float64
			for i := range u {
				e = math.Max(e, math.Abs(u[i]-exact*v[i]))
			}
			errs = append(errs, e)
		}
		for i := 1; i < len(errs); i++ {
			assert.InDelta(t, want, math.Log2(errs[i-1]/errs[i]), 0.1, "%v", scheme)
		}
	}
	_, err := pde.NewHeatStep(g, g.Constant(1), 0, pde.BackwardEuler, nil)
	assert.Error(t, err)
}

func TestGRF(t *testing.T) {
	f := pde.GRF{}
	rng := rand.New(rand.NewPCG(7, 7))
	for _, shape := range [][]int{{64}, {32, 32}, {8, 9, 10}} {
		want := f.Variance(shape...)
		var sum, sumsq float64
		var count int
		const draws = 200
		for range draws {
			u, err := f.Sample(rng, shape...)
			require.NoError(t, err)
			var m float64
			for _, v := range u {
				m += v
				sumsq += v * v
			}
			// The k = 0 mode is removed, so each draw has zero mean.
			assert.InDelta(t, 0, m/float64(len(u)), 1e-12)
			sum += m
			count += len(u)
		}
		// Empirical variance within 15% of Σλ/N² (200 draws; the field has
		// few effective degrees of freedom, so the spread is several %).
		assert.InEpsilon(t, want, sumsq/float64(count), 0.15, "%v", shape)
	}
	// α = 2.5, τ = 7 in 2D: a pointwise standard deviation of 0.185 with
	// the CN(0, 1) draw of the SKR generator (torch.randn, complex dtype);
	// drawing both parts N(0, 1) would give √2 more, 0.262. The sum over
	// the spectrum barely depends on the grid size.
	for _, s := range []int{50, 64, 80, 100} {
		assert.InDelta(t, 0.185, math.Sqrt(f.Variance(s, s)), 0.001, "s = %d", s)
	}
	// Reproducible.
	u1, _ := f.Sample(rand.New(rand.NewPCG(1, 2)), 16, 16)
	u2, _ := f.Sample(rand.New(rand.NewPCG(1, 2)), 16, 16)
	assert.Equal(t, u1, u2)
	_, err := f.Sample(rng)
	assert.ErrorIs(t, err, pde.ErrGrid)
	_, err = pde.GRF{Tau: -1}.Sample(rng, 4)
	assert.Error(t, err)
}

func TestFamilies(t *testing.T) {
	sym, err := pde.DarcyFamily(12, 5, 42, pde.DarcyOptions{})
	require.NoError(t, err)
	skr, err := pde.DarcyFamily(12, 5, 42, pde.DarcyOptions{Form: pde.DarcyNonsymmetric})
	require.NoError(t, err)
	p3, err := sym.Problem(3)
	require.NoError(t, err)
	q3, err := skr.Problem(3)
	require.NoError(t, err)
	// Same seed → same coefficient field for both forms; order-independent.
	assert.Equal(t, p3.Params, q3.Params)
	again, _ := sym.Problem(3)
	assert.Equal(t, p3.Params, again.Params)
	p2, _ := sym.Problem(2)
	assert.NotEqual(t, p2.Params, p3.Params)
	assert.True(t, p3.A.IsSymmetric(1e-15))
	assert.False(t, q3.A.IsSymmetric(1e-6))
	assert.Len(t, p3.Params, 144)
	n := 0
	for p, err := range sym.All() {
		require.NoError(t, err)
		assert.Equal(t, 144, p.A.Dim())
		n++
	}
	assert.Equal(t, 5, n)
	_, err = sym.Problem(5)
	assert.Error(t, err)

	h, err := pde.HelmholtzFamily(10, 3, 1, 1, pde.DarcyOptions{Form: pde.DarcyNonsymmetric})
	require.NoError(t, err)
	hp, err := h.Problem(0)
	require.NoError(t, err)
	k := hp.Params[len(hp.Params)-1]
	assert.GreaterOrEqual(t, k, 0.0)
	assert.Less(t, k, 1.0)
	base, _, _ := pde.DarcySKR(h.Grid, hp.Params[:100], nil)
	assert.InDelta(t, base.At(7, 7)-k*k, hp.A.At(7, 7), 1e-9)
	assert.Equal(t, "helmholtz", h.Name)

	pub, err := pde.HelmholtzFamily(10, 3, 1, 1, pde.DarcyOptions{Form: pde.DarcyAsPublished})
	require.NoError(t, err)
	assert.Equal(t, "helmholtz-pub", pub.Name)
	pp, err := pub.Problem(0)
	require.NoError(t, err)
	assert.Equal(t, hp.Params, pp.Params, "same fields and k as the nonsymmetric form")
	basePub, _ := pde.DarcySKRAsPublished(h.Grid, hp.Params[:100])
	assert.InDeltaSlice(t, pde.Shift(basePub, -k*k).Dense(), pp.A.Dense(), 1e-9)
	dp, err := pde.DarcyFamily(12, 5, 42, pde.DarcyOptions{Form: pde.DarcyAsPublished})
	require.NoError(t, err)
	assert.Equal(t, "darcy-skr-pub", dp.Name)
	assert.Equal(t, "darcy-skr", skr.Name)

	pr, err := pde.PoissonRHSFamily(10, 4, 3, 4)
	require.NoError(t, err)
	a0, _ := pr.Problem(0)
	a1, _ := pr.Problem(1)
	assert.Same(t, a0.A, a1.A, "fixed A is shared")
	assert.NotEqual(t, a0.B, a1.B)
	assert.Len(t, a0.Params, 16)
}

// TestGraphLaplacian: symmetric, zero row sums (L·1 = 0), non-positive
// off-diagonal entries, about π·r²·n neighbours per vertex, and the same
// matrix from the same seed.
func TestGraphLaplacian(t *testing.T) {
	n, r := 2000, 0.05
	a := pde.GraphLaplacian(n, r, rand.New(rand.NewPCG(3, 4)))
	assert.True(t, a.IsSymmetric(0))
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	y := make([]float64, n)
	a.MulVecTo(y, ones)
	for _, v := range y {
		require.Equal(t, 0.0, v)
	}
	for i := range n {
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			if int(a.ColIdx[k]) != i {
				require.Less(t, a.Val[k], 0.0)
			}
		}
	}
	deg := float64(a.NNZ()-n) / float64(n)
	assert.InDelta(t, math.Pi*r*r*float64(n)+2, deg, 3)
	b := pde.GraphLaplacian(n, r, rand.New(rand.NewPCG(3, 4)))
	assert.Equal(t, a.Val, b.Val)
}

// TestFNODarcyFamily: a takes the values 3 and 12 only, both in
// comparable proportions (g is centred), on all s² nodes; the matrix is
// the SPD diffusion operator on the (s−2)² interior nodes with f = 1; the
// same seed gives the same field; the field is smooth (a changes value
// across few node pairs: (−Δ + 9I)⁻² fields are Hölder-smooth).
func TestFNODarcyFamily(t *testing.T) {
	s := 61
	fam, err := pde.FNODarcyFamily(s, 4, 7)
	require.NoError(t, err)
	var twelve, jumps, pairs int
	for i := range 4 {
		p, err := fam.Problem(i)
		require.NoError(t, err)
		require.Len(t, p.Params, s*s)
		assert.Equal(t, (s-2)*(s-2), p.A.Dim())
		assert.True(t, p.A.IsSymmetric(1e-14))
		for _, v := range p.B {
			require.Equal(t, 1.0, v)
		}
		for k, v := range p.Params {
			require.True(t, v == 3 || v == 12, "a = %v", v)
			if v == 12 {
				twelve++
			}
			if k%s < s-1 {
				pairs++
				if p.Params[k+1] != v {
					jumps++
				}
			}
		}
	}
	frac := float64(twelve) / float64(4*s*s)
	assert.InDelta(t, 0.5, frac, 0.35)
	assert.Less(t, float64(jumps)/float64(pairs), 0.2)
	p0, _ := fam.Problem(2)
	p1, _ := fam.Problem(2)
	assert.Equal(t, p0.Params, p1.Params)
	_, err = pde.FNODarcyFamily(3, 1, 1)
	assert.Error(t, err)
}

// TestHeatFamily: every problem shares the step matrix, u₀ depends only
// on (seed, i), B is the first step's right-hand side, and Crank–Nicolson
// steps of u_t = Δu never grow the 2-norm (the amplification factors
// (1 − Δtλ/2)/(1 + Δtλ/2) of the symmetric positive L lie in (−1, 1]).
func TestHeatFamily(t *testing.T) {
	f, step, err := pde.HeatFamily(15, 4, 3, 1e-3, pde.GRF{})
	require.NoError(t, err)
	p1, err := f.Problem(1)
	require.NoError(t, err)
	p3, err := f.Problem(3)
	require.NoError(t, err)
	assert.Same(t, p1.A, p3.A)
	again, _ := f.Problem(1)
	assert.Equal(t, p1.Params, again.Params)
	assert.NotEqual(t, p1.Params, p3.Params)
	b := make([]float64, len(p1.B))
	step.RHSTo(b, p1.Params, nil, nil)
	assert.Equal(t, b, p1.B)
	u := slices.Clone(p1.Params)
	prev := floats.Norm(u, 2)
	for range 5 {
		var cg linsolve.CG
		step.RHSTo(b, u, nil, nil)
		_, err := cg.Solve(u, step.LHS, b, &linsolve.Settings{RelTol: 1e-12})
		require.NoError(t, err)
		now := floats.Norm(u, 2)
		assert.LessOrEqual(t, now, prev*(1+1e-10))
		prev = now
	}
	_, _, err = pde.HeatFamily(15, 4, 3, 0, pde.GRF{})
	assert.Error(t, err)
}

// TestRotatedQ1 checks the bilinear-element stiffness matrix: with K = I
// an interior row is the Q1 Laplacian stencil (8/3 in the centre, −1/3 at
// the eight neighbours), and for any rotation and ε it is symmetric and
// positive definite (uᵀAu > 0 on random u), with the positive
// off-diagonal entries that make it no M-matrix under strong rotated
// anisotropy.
func TestRotatedQ1(t *testing.T) {
	const n = 5
	a := pde.RotatedQ1(n, 0, 1)
	centre := 2*n + 2
	want := map[int]float64{centre: 8.0 / 3}
	for _, di := range []int{-1, 0, 1} {
		for _, dj := range []int{-1, 0, 1} {
			if di != 0 || dj != 0 {
				want[centre+di*n+dj] = -1.0 / 3
			}
		}
	}
	for k := a.RowPtr[centre]; k < a.RowPtr[centre+1]; k++ {
		j := int(a.ColIdx[k])
		assert.InDelta(t, want[j], a.Val[k], 1e-14, "entry (%d, %d)", centre, j)
		delete(want, j)
	}
	assert.Empty(t, want, "stencil entries missing")
	r := pde.RotatedQ1(12, math.Pi/6, 1e-3)
	assert.True(t, r.IsSymmetric(1e-14))
	positive := 0
	for i := range r.Dim() {
		for k := r.RowPtr[i]; k < r.RowPtr[i+1]; k++ {
			if int(r.ColIdx[k]) != i && r.Val[k] > 0 {
				positive++
			}
		}
	}
	assert.Positive(t, positive)
	rng := rand.New(rand.NewPCG(4, 4))
	u, au := make([]float64, r.Dim()), make([]float64, r.Dim())
	for range 5 {
		for i := range u {
			u[i] = rng.NormFloat64()
		}
		r.MulVecTo(au, u)
		assert.Positive(t, floats.Dot(u, au))
	}
}

// TestCheckerboard: the corners of the four blocks around the centre of a
// 2×2 board alternate between 1 and the contrast.
func TestCheckerboard(t *testing.T) {
	c := pde.Checkerboard(4, 2, 100)
	assert.Equal(t, []float64{1, 1, 100, 100, 1, 1, 100, 100, 100, 100, 1, 1, 100, 100, 1, 1}, c)
}
