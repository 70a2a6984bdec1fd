package krylov

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/internal/vec"
	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/pde"
	"github.com/pdekit/pdekit/sparse"
)

// convDiff returns the upwind convection–diffusion matrix −Δ + β·∇ on an
// s×s grid: nonsymmetric, with an M-matrix structure so ILU(0) exists.
func convDiff(t *testing.T, s int, beta float64) *sparse.CSR {
	g, err := pde.NewGrid(s, s)
	require.NoError(t, err)
	a, _, err := pde.ConvectionDiffusion(g, 1, []float64{beta, beta / 2}, pde.Upwind, nil)
	require.NoError(t, err)
	return a
}

// darcySKR returns the SKR paper's nonsymmetric Darcy matrix L·diag(a)
// for one seeded coefficient field.
func darcySKR(t *testing.T, s int) *sparse.CSR {
	f, err := pde.DarcyFamily(s, 1, 1, pde.DarcyOptions{Form: pde.DarcyNonsymmetric})
	require.NoError(t, err)
	p, err := f.Problem(0)
	require.NoError(t, err)
	return p.A
}

func poisson(t *testing.T, s int) *sparse.CSR {
	g, err := pde.NewGrid(s, s)
	require.NoError(t, err)
	a, _ := pde.Laplacian(g, nil)
	return a
}

func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// denseSolve solves a·x = b by LU, the reference for small systems.
func denseSolve(t *testing.T, a *sparse.CSR, b []float64) []float64 {
	var x mat.VecDense
	require.NoError(t, x.SolveVec(mat.NewDense(a.Dim(), a.Dim(), a.Dense()), mat.NewVecDense(len(b), append([]float64(nil), b...))))
	return x.RawVector().Data
}

func relErr(x, y []float64) float64 {
	var d, s float64
	for i := range x {
		d += (x[i] - y[i]) * (x[i] - y[i])
		s += y[i] * y[i]
	}
	return math.Sqrt(d / s)
}

func trueRel(a *sparse.CSR, x, b []float64) float64 {
	r := make([]float64, len(b))
	a.MulVecTo(r, x)
	var d, s float64
	for i := range r {
		d += (b[i] - r[i]) * (b[i] - r[i])
		s += b[i] * b[i]
	}
	return math.Sqrt(d / s)
}

// TestGCRODRWithoutRecyclingIsGMRES: with K < 0 GCRO-DR(m, 0) is GMRES(m)
// (Parks et al. 2006, §2.4), so the two must produce the same residual
// estimate at every iteration up to rounding.
func TestGCRODRWithoutRecyclingIsGMRES(t *testing.T) {
	a := convDiff(t, 20, 30)
	b := randVec(rand.New(rand.NewPCG(1, 1)), a.Dim())
	for _, pc := range []string{"none", "ilu0"} {
		t.Run(pc, func(t *testing.T) {
			p, err := linsolve.NewPreconditioner(pc, a, nil)
			require.NoError(t, err)
			var h1, h2 linsolve.History
			x1, x2 := make([]float64, len(b)), make([]float64, len(b))
			r1, err1 := (&linsolve.GMRES{Restart: 10}).Solve(x1, a, b, &linsolve.Settings{Preconditioner: p, Monitor: h1.Record})
			r2, err2 := (&GCRODR{M: 10, K: -1}).Solve(x2, a, b, &linsolve.Settings{Preconditioner: p, Monitor: h2.Record})
			require.NoError(t, err1)
			require.NoError(t, err2)
			assert.Equal(t, r1.Iterations, r2.Iterations)
			require.Equal(t, len(h1.Residuals), len(h2.Residuals))
			for i := range h1.Residuals {
				// The kernels differ only in summation order: 1e-9
				// relative after hundreds of rotations is generous.
				assert.InEpsilon(t, h1.Residuals[i], h2.Residuals[i], 1e-9, "iteration %d", i)
			}
			assert.Less(t, relErr(x2, x1), 1e-9)
		})
	}
}

// TestGCROTWithoutRecyclingIsGMRES: with no outer vectors the GCROT
// outer step is x += (cᵀr)·u = M⁻¹·V·y, GMRES's update (the least-squares
// residual is orthogonal to V·H̄·y), so the iterates agree.
func TestGCROTWithoutRecyclingIsGMRES(t *testing.T) {
	a := convDiff(t, 20, 30)
	b := randVec(rand.New(rand.NewPCG(11, 11)), a.Dim())
	for _, pc := range []string{"none", "ilu0"} {
		p, err := linsolve.NewPreconditioner(pc, a, nil)
		require.NoError(t, err)
		var h1, h2 linsolve.History
		x1, x2 := make([]float64, len(b)), make([]float64, len(b))
		r1, err := (&linsolve.GMRES{Restart: 10}).Solve(x1, a, b, &linsolve.Settings{Preconditioner: p, Monitor: h1.Record})
		require.NoError(t, err)
		r2, err := (&GCROT{M: 10, K: -1}).Solve(x2, a, b, &linsolve.Settings{Preconditioner: p, Monitor: h2.Record})
		require.NoError(t, err)
		assert.Equal(t, r1.Iterations, r2.Iterations, pc)
		// The update γ·u, γ = cᵀr, equals M⁻¹·V·y only up to rounding, on
		// the scale of the initial residual: relative to a residual that
		// has fallen by 10⁸ the two histories differ by up to 2.4e-7
		// (measured), in absolute terms by at most 3.2e-15 of ‖r₀‖.
		for i := range h1.Residuals {
			assert.InDelta(t, h1.Residuals[i], h2.Residuals[i], 1e-12*h1.Residuals[0], "%s iteration %d", pc, i)
		}
		assert.Less(t, relErr(x2, x1), 1e-12)
	}
}

// TestAgainstDenseSolve checks both solvers against LU on small systems.
func TestAgainstDenseSolve(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	ns := convDiff(t, 12, 50)
	spd := poisson(t, 12)
	b := randVec(rng, ns.Dim())
	for _, tc := range []struct {
		name   string
		method linsolve.Method
		a      *sparse.CSR
	}{
		{"gcrodr", &GCRODR{M: 20, K: 8}, ns},
		{"gcrodr-spd", &GCRODR{M: 20, K: 8}, spd},
		{"gcrot", &GCROT{M: 15, K: 8}, ns},
		{"rcg", &RCG{K: 6, S: 15}, spd},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := denseSolve(t, tc.a, b)
			// Two solves: the second runs with the recycled space.
			for range 2 {
				x := make([]float64, len(b))
				res, err := tc.method.Solve(x, tc.a, b, &linsolve.Settings{RelTol: 1e-12})
				require.NoError(t, err)
				assert.LessOrEqual(t, res.RelativeResidual, 1e-12)
				assert.InDelta(t, trueRel(tc.a, x, b), res.RelativeResidual, 1e-14)
				// Forward error ≤ κ·relative residual; κ(A) < 1e3 here.
				assert.Less(t, relErr(x, want), 1e-9)
			}
		})
	}
}

// TestRecyclingRepeatedSystem: solving the same system again from zero
// with the recycled space needs far fewer iterations, because the space
// deflates the slow part of the spectrum (Parks et al. 2006, §4).
func TestRecyclingRepeatedSystem(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, tc := range []struct {
		name   string
		method linsolve.Method
		a      *sparse.CSR
		ratio  float64
	}{
		{"gcrodr", &GCRODR{M: 30, K: 10}, darcySKR(t, 40), 0.7},
		{"gcrot", &GCROT{M: 30, K: 10}, darcySKR(t, 40), 0.7},
		{"rcg", &RCG{K: 10, S: 40}, poisson(t, 40), 0.8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := randVec(rng, tc.a.Dim())
			x := make([]float64, len(b))
			var its []int
			for range 3 {
				res, err := tc.method.Solve(x, tc.a, b, nil)
				require.NoError(t, err)
				its = append(its, res.Iterations)
			}
			t.Logf("iterations %v", its)
			assert.Less(t, float64(its[2]), tc.ratio*float64(its[0]))
		})
	}
}

// TestRCGWithoutRecyclingIsCG: RCG with K < 0 is PCG.
func TestRCGWithoutRecyclingIsCG(t *testing.T) {
	a := poisson(t, 30)
	b := randVec(rand.New(rand.NewPCG(4, 4)), a.Dim())
	for _, pc := range []string{"none", "ic0"} {
		p, err := linsolve.NewPreconditioner(pc, a, nil)
		require.NoError(t, err)
		var h1, h2 linsolve.History
		x1, x2 := make([]float64, len(b)), make([]float64, len(b))
		r1, err := (&linsolve.CG{}).Solve(x1, a, b, &linsolve.Settings{Preconditioner: p, Monitor: h1.Record})
		require.NoError(t, err)
		r2, err := (&RCG{K: -1}).Solve(x2, a, b, &linsolve.Settings{Preconditioner: p, Monitor: h2.Record})
		require.NoError(t, err)
		assert.Equal(t, r1.Iterations, r2.Iterations, pc)
		for i := range h1.Residuals {
			assert.InEpsilon(t, h1.Residuals[i], h2.Residuals[i], 1e-8, "%s iteration %d", pc, i)
		}
	}
}

// TestRCGKeepsDirectionsDeflated: after the refresh, the recycled
// vectors are A-conjugate and orthonormal Ritz vectors (E = UᵀAU diagonal
// and UᵀU = I up to rounding; M = I here) and the stored A·U equals the
// product computed directly.
func TestRCGKeepsDirectionsDeflated(t *testing.T) {
	a := poisson(t, 20)
	b := randVec(rand.New(rand.NewPCG(5, 5)), a.Dim())
	m := &RCG{K: 5, S: 15}
	x := make([]float64, len(b))
	for range 4 {
		_, err := m.Solve(x, a, b, nil)
		require.NoError(t, err)
	}
	sp := m.Space
	k := sp.Dim()
	require.Equal(t, 5, k)
	w := make([]float64, a.Dim())
	for i := range k {
		a.MulVecTo(w, sp.u.row(i))
		assert.Less(t, relErr(sp.au.row(i), w), 1e-10)
		for j := range k {
			want := 0.0
			if i == j {
				want = 1
			} else {
				assert.Less(t, math.Abs(sp.e[i*k+j]), 1e-10*sp.e[i*k+i])
			}
			assert.InDelta(t, want, vec.Dot(sp.u.row(i), sp.u.row(j)), 1e-8, "uᵢᵀuⱼ, i=%d j=%d", i, j)
		}
	}
	// The smallest Ritz value is a Rayleigh quotient, so it lies above
	// λ_min = 8(n+1)²·sin²(π/(2(n+1))), and after four solves within a few
	// per cent of it.
	lmin := 8 * 21 * 21 * math.Pow(math.Sin(math.Pi/42), 2)
	theta := sp.e[0] / vec.Dot(sp.u.row(0), sp.u.row(0))
	assert.GreaterOrEqual(t, theta, lmin*(1-1e-12))
	assert.Less(t, theta, 1.05*lmin)
}

func TestBadInput(t *testing.T) {
	a := poisson(t, 6)
	n := a.Dim()
	b := make([]float64, n)
	b[0] = 1
	x := make([]float64, n)

	_, err := (&GCRODR{M: 10, K: 10}).Solve(x, a, b, nil)
	assert.ErrorIs(t, err, ErrRecycleDim)
	_, err = (&GCRODR{M: 5, K: 20}).Solve(x, a, b, nil)
	assert.ErrorIs(t, err, ErrRecycleDim)
	_, err = (&GCRODR{Target: 7}).Solve(x, a, b, nil)
	assert.ErrorContains(t, err, "unknown Target")

	for _, m := range []linsolve.Method{&GCRODR{}, &RCG{}, &GCROT{}} {
		_, err = m.Solve(x[:n-1], a, b, nil)
		assert.ErrorIs(t, err, linsolve.ErrDimension)
		bad := append([]float64(nil), b...)
		bad[3] = math.NaN()
		_, err = m.Solve(x, a, bad, nil)
		assert.ErrorIs(t, err, sparse.ErrNotFinite)
		_, err = m.Solve(x, a, b, &linsolve.Settings{X0: make([]float64, 3)})
		assert.ErrorIs(t, err, linsolve.ErrDimension)
		_, err = m.Solve(x, a, b, &linsolve.Settings{RelTol: math.NaN()})
		assert.ErrorIs(t, err, linsolve.ErrSettings)
		_, err = m.Solve(x, a, b, &linsolve.Settings{MaxIter: -1})
		assert.ErrorIs(t, err, linsolve.ErrSettings)
	}

	// A recycle space from one size used on another.
	g := &GCRODR{M: 10, K: 4}
	_, err = g.Solve(x, a, b, nil)
	require.NoError(t, err)
	big := poisson(t, 7)
	_, err = g.Solve(make([]float64, big.Dim()), big, make([]float64, big.Dim()), nil)
	assert.ErrorIs(t, err, ErrSpaceSize)
	g.Space.Reset()
	bb := make([]float64, big.Dim())
	bb[1] = 1
	_, err = g.Solve(make([]float64, big.Dim()), big, bb, nil)
	assert.NoError(t, err)

	r := &RCG{K: 3, S: 10}
	_, err = r.Solve(x, a, b, nil)
	require.NoError(t, err)
	_, err = r.Solve(make([]float64, big.Dim()), big, bb, nil)
	assert.ErrorIs(t, err, ErrSpaceSize)

	// A CSR whose arrays were broken by hand: an error, not a read past
	// them (RCG's fused product trusts checked arrays).
	broken := a.Clone()
	broken.ColIdx[7] = int32(n)
	tall := sparse.NewTriplet(n, n+1, 1)
	tall.Append(0, n, 1)
	for _, m := range []linsolve.Method{&GCRODR{}, &RCG{K: 4}, &GCROT{}} {
		_, err = m.Solve(x, broken, b, nil)
		assert.ErrorIs(t, err, sparse.ErrShape, "%T", m)
		_, err = m.Solve(x, tall.ToCSR(), b, nil)
		assert.ErrorIs(t, err, linsolve.ErrDimension, "%T", m)
	}
}

// TestRCGIndefinite: a symmetric indefinite matrix makes E indefinite, so
// the recycled space is dropped, and CG then stops with ErrIndefinite and
// the partial iterate; no panic, no NaN.
func TestRCGIndefinite(t *testing.T) {
	a := poisson(t, 10)
	b := randVec(rand.New(rand.NewPCG(6, 6)), a.Dim())
	m := &RCG{K: 4, S: 10}
	x := make([]float64, len(b))
	_, err := m.Solve(x, a, b, nil)
	require.NoError(t, err)
	require.Equal(t, 4, m.Space.Dim())
	shifted := pde.Shift(a, -500) // λ_min ≈ 19.6, so several negative eigenvalues
	res, err := m.Solve(x, shifted, b, nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, linsolve.ErrIndefinite)
	assert.Equal(t, linsolve.DivergedIndefiniteMat, res.Reason)
	for _, v := range x {
		require.False(t, math.IsNaN(v))
	}
}

// TestGCRODRDependentRecycleSpace: a recycle space whose image C = A·U is
// rank deficient (two equal vectors) loses the dependent vector in the QR
// step, and the solve still converges to the right answer.
func TestGCRODRDependentRecycleSpace(t *testing.T) {
	a := convDiff(t, 10, 10)
	n := a.Dim()
	b := randVec(rand.New(rand.NewPCG(7, 7)), n)
	g := &GCRODR{M: 12, K: 4}
	x := make([]float64, n)
	_, err := g.Solve(x, a, b, nil)
	require.NoError(t, err)
	sp := g.Space
	require.Equal(t, 4, sp.Dim())
	copy(sp.u.row(1), sp.u.row(0))
	sp.Invalidate()
	res, err := g.Solve(x, a, b, &linsolve.Settings{RelTol: 1e-10})
	require.NoError(t, err)
	assert.LessOrEqual(t, res.RelativeResidual, 1e-10)
	assert.Less(t, relErr(x, denseSolve(t, a, b)), 1e-8)
}

func TestGCRODRMaxIter(t *testing.T) {
	a := convDiff(t, 20, 5)
	b := randVec(rand.New(rand.NewPCG(8, 8)), a.Dim())
	x := make([]float64, len(b))
	res, err := (&GCRODR{M: 10, K: 4}).Solve(x, a, b, &linsolve.Settings{MaxIter: 15})
	require.Error(t, err)
	assert.ErrorIs(t, err, linsolve.ErrMaxIter)
	assert.Equal(t, linsolve.DivergedMaxIter, res.Reason)
	assert.LessOrEqual(t, res.Iterations, 15)
	assert.Less(t, res.RelativeResidual, 1.0)
	assert.InDelta(t, trueRel(a, x, b), res.RelativeResidual, 1e-12)
}

func TestDefaultsAreUsed(t *testing.T) {
	m, k, err := (&GCRODR{}).dims(1000)
	require.NoError(t, err)
	assert.Equal(t, DefaultRestart, m)
	assert.Equal(t, DefaultRecycle, k)
	k, s, err := (&RCG{}).dims()
	require.NoError(t, err)
	assert.Equal(t, DefaultRCGRecycle, k)
	assert.Equal(t, DefaultRCGStore, s)
	// A system smaller than the restart length shrinks both.
	m, k, err = (&GCRODR{}).dims(8)
	require.NoError(t, err)
	assert.Equal(t, 8, m)
	assert.Equal(t, 7, k)
	// The defaults of linsolve.Settings apply: RelTol 1e-8.
	a := poisson(t, 8)
	b := randVec(rand.New(rand.NewPCG(9, 9)), a.Dim())
	res, err := (&GCRODR{}).Solve(make([]float64, len(b)), a, b, nil)
	require.NoError(t, err)
	assert.LessOrEqual(t, res.RelativeResidual, linsolve.DefaultRelTol)
}

func TestZeroRHS(t *testing.T) {
	a := poisson(t, 5)
	for _, m := range []linsolve.Method{&GCRODR{}, &RCG{}, &GCROT{}} {
		x := make([]float64, a.Dim())
		x[0] = 3
		res, err := m.Solve(x, a, make([]float64, a.Dim()), &linsolve.Settings{X0: x})
		require.NoError(t, err)
		assert.Equal(t, linsolve.ConvergedAbsTol, res.Reason)
		assert.Equal(t, 0.0, x[0])
	}
}

func TestSort(t *testing.T) {
	params := [][]float64{{0}, {10}, {1}, {9}, {2.5}}
	order, err := Sort(params, nil)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 2, 4, 3, 1}, order)
	assert.InDelta(t, 10.0, PathLength(params, order, nil), 1e-15)
	assert.InDelta(t, 10+9+8+6.5, PathLength(params, []int{0, 1, 2, 3, 4}, nil), 1e-15)
	_, err = Sort([][]float64{{1}, {math.NaN()}}, nil)
	assert.Error(t, err)
	_, err = Sort([][]float64{{1}, {}}, nil)
	assert.Error(t, err)
	order, err = Sort(nil, nil)
	require.NoError(t, err)
	assert.Empty(t, order)
	assert.InDelta(t, 5.0, Frobenius([]float64{3, 4}, nil), 1e-15)
	assert.InDelta(t, 5.0, Frobenius([]float64{0}, []float64{3, 4}), 1e-15)
}

func TestSequence(t *testing.T) {
	f, err := pde.DarcyFamily(12, 6, 1, pde.DarcyOptions{})
	require.NoError(t, err)
	var sys []System
	for p, err := range f.All() {
		require.NoError(t, err)
		sys = append(sys, System{A: p.A, B: p.B, Params: p.Params})
	}
	params := make([][]float64, len(sys))
	for i, s := range sys {
		params[i] = s.Params
	}
	order, err := Sort(params, nil)
	require.NoError(t, err)
	dst := make([][]float64, len(sys))
	q := Sequence{Method: &RCG{K: 4, S: 10}, WarmStart: true,
		NewPreconditioner: func(a *sparse.CSR) (linsolve.Preconditioner, error) {
			return linsolve.NewPreconditioner("ic0", a, nil)
		}}
	rep, err := q.Run(sys, order, dst)
	require.NoError(t, err)
	require.Len(t, rep.Systems, len(sys))
	for k, st := range rep.Systems {
		assert.Equal(t, order[k], st.Index)
		assert.LessOrEqual(t, st.RelativeResidual, linsolve.DefaultRelTol)
		assert.InDelta(t, trueRel(sys[st.Index].A.(*sparse.CSR), dst[st.Index], sys[st.Index].B), st.RelativeResidual, 1e-14)
		assert.Greater(t, st.SetupSeconds, 0.0) // every operator differs
	}
	assert.Equal(t, 0, rep.Failed)

	// Malformed sequences.
	_, err = q.Run(append(sys[:2:2], System{A: poisson(t, 5), B: make([]float64, 25)}), nil, nil)
	assert.ErrorIs(t, err, ErrSequence)
	_, err = q.Run(sys, []int{0, 1, 2, 3, 4, 4}, nil)
	assert.ErrorIs(t, err, ErrSequence)
	_, err = q.Run(sys, nil, make([][]float64, 2))
	assert.ErrorIs(t, err, ErrSequence)
	// The sequence sets X0 and the preconditioner: set in Settings, they
	// are an error, not silently replaced.
	bad := q
	bad.Settings.Preconditioner = plainPC{}
	_, err = bad.Run(sys, nil, nil)
	assert.ErrorIs(t, err, ErrSequence)
	bad = q
	bad.Settings.X0 = make([]float64, sys[0].A.Dim())
	_, err = bad.Run(sys, nil, nil)
	assert.ErrorIs(t, err, ErrSequence)
	// NaN in any right-hand side stops the run before the first solve.
	nan := slices.Clone(sys)
	nan[len(nan)-1].B = slices.Clone(nan[len(nan)-1].B)
	nan[len(nan)-1].B[0] = math.NaN()
	rep, err = q.Run(nan, nil, nil)
	assert.ErrorIs(t, err, sparse.ErrNotFinite)
	assert.Empty(t, rep.Systems)
	// NewPreconditioner needs the CSR matrix.
	hidden := []System{{A: plainOp{sys[0].A.(*sparse.CSR)}, B: sys[0].B}}
	_, err = q.Run(hidden, nil, nil)
	assert.ErrorIs(t, err, linsolve.ErrNeedsCSR)

	// A non-converging system is reported and the run goes on.
	q2 := Sequence{Method: &linsolve.CG{}, Settings: linsolve.Settings{MaxIter: 3}}
	rep, err = q2.Run(sys[:2], nil, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, linsolve.ErrMaxIter))
	assert.Equal(t, 2, rep.Failed)
	assert.Len(t, rep.Systems, 2)
}

// TestSequenceTimeSteps: a Crank–Nicolson trajectory as a sequence whose
// right-hand sides come from the step before (System.RHS) gives, step by
// step, the trajectory of a plain loop of solves to the solver's
// tolerance; Each sees every system in order, and its error stops the run.
func TestSequenceTimeSteps(t *testing.T) {
	g, err := pde.NewGrid(15, 15)
	require.NoError(t, err)
	hs, err := pde.NewHeatStep(g, g.Constant(1), 1e-3, pde.CrankNicolson, nil)
	require.NoError(t, err)
	n := hs.LHS.Dim()
	u0 := randVec(rand.New(rand.NewPCG(3, 3)), n)
	const steps = 5
	sys := make([]System, steps)
	b0 := make([]float64, n)
	hs.RHSTo(b0, u0, nil, nil)
	sys[0] = System{A: hs.LHS, B: b0, X0: u0}
	for k := 1; k < steps; k++ {
		sys[k] = System{A: hs.LHS, RHS: func(dst, prev []float64) { hs.RHSTo(dst, prev, nil, nil) }}
	}
	var seen []int
	q := Sequence{Method: &linsolve.CG{}, Settings: linsolve.Settings{RelTol: 1e-12},
		Each: func(i int, x []float64, st SystemStats) error {
			seen = append(seen, i)
			assert.LessOrEqual(t, st.RelativeResidual, 1e-12)
			return nil
		}}
	dst := make([][]float64, steps)
	rep, err := q.Run(sys, nil, dst)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2, 3, 4}, seen)
	assert.Equal(t, 0, rep.Failed)

	// The same trajectory by hand.
	u, b := slices.Clone(u0), make([]float64, n)
	for k := range steps {
		hs.RHSTo(b, u, nil, nil)
		next := make([]float64, n)
		_, err := (&linsolve.CG{}).Solve(next, hs.LHS, b, &linsolve.Settings{RelTol: 1e-12, X0: u})
		require.NoError(t, err)
		u = next
		for i := range u {
			assert.InDelta(t, u[i], dst[k][i], 1e-9, "step %d", k)
		}
	}

	// Each's error stops the run after that system.
	stop := errors.New("enough")
	q.Each = func(i int, _ []float64, _ SystemStats) error {
		if i == 2 {
			return stop
		}
		return nil
	}
	rep, err = q.Run(sys, nil, nil)
	assert.ErrorIs(t, err, stop)
	assert.Len(t, rep.Systems, 3)

	// A computed right-hand side cannot come first, nor sit beside B; an
	// X0 of the wrong length or with NaN is refused before any solve.
	q.Each = nil
	_, err = q.Run(sys, []int{1, 0, 2, 3, 4}, nil)
	assert.ErrorIs(t, err, ErrSequence)
	both := slices.Clone(sys)
	both[1].B = b0
	_, err = q.Run(both, nil, nil)
	assert.ErrorIs(t, err, ErrSequence)
	short := slices.Clone(sys)
	short[0].X0 = u0[:3]
	_, err = q.Run(short, nil, nil)
	assert.ErrorIs(t, err, ErrSequence)
	nanX := slices.Clone(sys)
	nanX[0].X0 = slices.Clone(u0)
	nanX[0].X0[4] = math.NaN()
	rep, err = q.Run(nanX, nil, nil)
	assert.ErrorIs(t, err, sparse.ErrNotFinite)
	assert.Empty(t, rep.Systems)
	// A computed right-hand side with NaN stops before its solve.
	bad := slices.Clone(sys)
	bad[2].RHS = func(dst, prev []float64) { dst[0] = math.NaN() }
	rep, err = q.Run(bad, nil, nil)
	assert.ErrorIs(t, err, sparse.ErrNotFinite)
	assert.Len(t, rep.Systems, 2)
}

// TestProjection: right-hand sides from a 3-dimensional space; after
// three solves the projected initial guess is the solution (Fischer 1998),
// so the fourth solve needs no iteration, and a new operator empties the
// span.
func TestProjection(t *testing.T) {
	a := poisson(t, 15)
	n := a.Dim()
	rng := rand.New(rand.NewPCG(10, 10))
	basis := [][]float64{randVec(rng, n), randVec(rng, n), randVec(rng, n)}
	p := &Projection{Method: &RCG{K: 4, S: 10}, L: 8}
	for i := range 5 {
		b := make([]float64, n)
		for _, v := range basis {
			c := rng.NormFloat64()
			for j := range b {
				b[j] += c * v[j]
			}
		}
		x := make([]float64, n)
		// The first solves are tight, so that the projection of a later b
		// meets the default tolerance 1e-8 by itself.
		set := &linsolve.Settings{RelTol: 1e-11}
		if i >= 3 {
			set = nil
		}
		res, err := p.Solve(x, a, b, set)
		require.NoError(t, err)
		assert.LessOrEqual(t, trueRel(a, x, b), linsolve.DefaultRelTol)
		if i < 3 {
			assert.Greater(t, res.Iterations, 10, "solve %d", i)
			assert.Equal(t, i+1, p.Dim())
		} else {
			assert.Equal(t, 0, res.Iterations, "solve %d", i)
			assert.Equal(t, 3, p.Dim(), "a solution already in the span is not added")
		}
	}
	other := pde.Shift(a, 1)
	b := randVec(rng, n)
	x := make([]float64, n)
	res, err := p.Solve(x, other, b, nil)
	require.NoError(t, err)
	assert.Greater(t, res.Iterations, 10)
	assert.Equal(t, 1, p.Dim())
	// A full span keeps its older half.
	q := &Projection{L: 4}
	for range 5 {
		_, err := q.Solve(x, a, randVec(rng, n), nil)
		require.NoError(t, err)
	}
	assert.Equal(t, 3, q.Dim())
}

// TestProjectionKeepsItsSpanWhenFull: a span of 4 holds two solutions
// whose right-hand sides span the family, then two unrelated ones; a
// fifth unrelated solution cuts it to its older half, which must still
// hold the family, so that the next right-hand side from the family
// starts at its solution. The basis is orthonormalised in arrival order,
// so its newer half holds only what the later solutions added.
func TestProjectionKeepsItsSpanWhenFull(t *testing.T) {
	a := poisson(t, 15)
	n := a.Dim()
	rng := rand.New(rand.NewPCG(12, 12))
	v1, v2 := randVec(rng, n), randVec(rng, n)
	family := func() []float64 {
		b := make([]float64, n)
		vec.Axpy(b, rng.NormFloat64(), v1)
		vec.Axpy(b, rng.NormFloat64(), v2)
		return b
	}
	p := &Projection{L: 4}
	set := &linsolve.Settings{RelTol: 1e-11}
	x := make([]float64, n)
	for i, b := range [][]float64{family(), family(), randVec(rng, n), randVec(rng, n), randVec(rng, n)} {
		_, err := p.Solve(x, a, b, set)
		require.NoError(t, err)
		want := i + 1
		if i == 4 {
			want = 3 // cut to 2, then the fifth added
		}
		require.Equal(t, want, p.Dim(), "solve %d", i)
	}
	b := family()
	res, err := p.Solve(x, a, b, nil)
	require.NoError(t, err)
	assert.LessOrEqual(t, trueRel(a, x, b), linsolve.DefaultRelTol)
	assert.Equal(t, 0, res.Iterations, "the family's directions were cut from the span")
}

// TestGCROTSequence: across systems with different matrices and with the
// outer space full (so that the oldest pair is dropped every cycle), the
// kept pairs satisfy A·u = c for the current matrix, C stays orthonormal,
// and every system converges.
func TestGCROTSequence(t *testing.T) {
	f, err := pde.DarcyFamily(12, 4, 1, pde.DarcyOptions{Form: pde.DarcyNonsymmetric})
	require.NoError(t, err)
	g := &GCROT{M: 10, K: 4}
	for p, err := range f.All() {
		require.NoError(t, err)
		x := make([]float64, len(p.B))
		res, err := g.Solve(x, p.A, p.B, &linsolve.Settings{MaxIter: 500})
		require.NoError(t, err)
		assert.LessOrEqual(t, trueRel(p.A, x, p.B), linsolve.DefaultRelTol)
		sp := g.Space
		require.Equal(t, 4, sp.Dim())
		w := make([]float64, len(x))
		for j := range sp.Dim() {
			p.A.MulVecTo(w, sp.u.row(j))
			assert.Less(t, relErr(w, sp.c.row(j)), 1e-8, "A·u_%d = c_%d after %d iterations", j, j, res.Iterations)
			for l := range sp.Dim() {
				want := 0.0
				if l == j {
					want = 1
				}
				var d float64
				for q := range w {
					d += sp.c.row(j)[q] * sp.c.row(l)[q]
				}
				assert.InDelta(t, want, d, 1e-10)
			}
		}
	}
}

// TestShrinkingRecycleSpace: a solver whose K is lowered after a solve,
// or that is handed a larger space, keeps only K pairs and still
// converges (a space of K ≥ M pairs would leave no Arnoldi step).
func TestShrinkingRecycleSpace(t *testing.T) {
	a := darcySKR(t, 30)
	b := randVec(rand.New(rand.NewPCG(12, 12)), a.Dim())
	x := make([]float64, len(b))
	g := &GCROT{M: 10, K: 12}
	_, err := g.Solve(x, a, b, nil)
	require.NoError(t, err)
	require.Greater(t, g.Space.Dim(), 6)
	d := &GCRODR{M: 10, K: 6, Space: g.Space}
	res, err := d.Solve(x, a, b, &linsolve.Settings{MaxIter: 2000})
	require.NoError(t, err)
	assert.LessOrEqual(t, res.RelativeResidual, linsolve.DefaultRelTol)
	assert.LessOrEqual(t, d.Space.Dim(), 6)
}

// TestGCROTRecoversFromDriftedPairs: pairs that no longer satisfy
// A·u = c (here: U overwritten, C kept and still marked valid) make an
// outer step raise the residual; GCROT then undoes the step, rebuilds
// C = A·U and converges instead of diverging.
func TestGCROTRecoversFromDriftedPairs(t *testing.T) {
	a := darcySKR(t, 20)
	for _, name := range []string{"gcrot", "gcrodr"} {
		rng := rand.New(rand.NewPCG(13, 13))
		b := randVec(rng, a.Dim())
		x := make([]float64, len(b))
		var m linsolve.Method
		var sp *Space
		if name == "gcrot" {
			g := &GCROT{M: 10, K: 6}
			_, err := g.Solve(x, a, b, nil)
			require.NoError(t, err)
			m, sp = g, g.Space
		} else {
			g := &GCRODR{M: 10, K: 6}
			_, err := g.Solve(x, a, b, nil)
			require.NoError(t, err)
			m, sp = g, g.Space
		}
		require.Greater(t, sp.Dim(), 2, name)
		for i := range sp.Dim() {
			copy(sp.u.row(i), randVec(rng, a.Dim()))
		}
		b2 := randVec(rng, a.Dim())
		res, err := m.Solve(x, a, b2, &linsolve.Settings{MaxIter: 3000})
		require.NoError(t, err, name)
		assert.LessOrEqual(t, trueRel(a, x, b2), linsolve.DefaultRelTol, name)
		assert.LessOrEqual(t, res.RelativeResidual, linsolve.DefaultRelTol, name)
	}
}

// TestGCRODRStalePairProjection: if U is changed behind the solver's back
// (here scaled by 10⁶ and scrambled) while the operator stays the same,
// the stored C no longer equals A·U and the first projection of the next
// solve raises the residual by orders of magnitude — past the divergence
// limit. A valid pair cannot do that (x += U·Cᵀr is the minimal-residual
// correction in span C), so GCRODR undoes the projection, rebuilds C and
// projects again, and the solve converges.
func TestGCRODRStalePairProjection(t *testing.T) {
	a := darcySKR(t, 16)
	rng := rand.New(rand.NewPCG(5, 5))
	g := &GCRODR{M: 12, K: 6}
	x := make([]float64, a.Dim())
	_, err := g.Solve(x, a, randVec(rng, a.Dim()), nil)
	require.NoError(t, err)
	require.Greater(t, g.Space.Dim(), 2)
	for i := range g.Space.Dim() {
		for j, v := range randVec(rng, a.Dim()) {
			g.Space.u.row(i)[j] = 1e6 * v
		}
	}
	b := randVec(rng, a.Dim())
	clear(x)
	res, err := g.Solve(x, a, b, nil)
	require.NoError(t, err)
	assert.Equal(t, linsolve.ConvergedRelTol, res.Reason)
	assert.LessOrEqual(t, trueRel(a, x, b), linsolve.DefaultRelTol)
}

// TestGCRODRTarget: on A = diag(−60, −45, −30, 4, 5, …, 200), restarted
// GMRES's trouble is the three eigenvalues left of the origin. With
// Target SmallestReal the recycle space converges to their eigenvectors
// e₀, e₁, e₂; with SmallestMagnitude it holds e₃, e₄, e₅ (λ = 4, 5, 6)
// and misses the negative ones, so a second solve with the same matrix
// takes more iterations.
func TestGCRODRTarget(t *testing.T) {
	const n = 200
	lam := make([]float64, n)
	copy(lam, []float64{-60, -45, -30})
	for i := 3; i < n; i++ {
		lam[i] = float64(i + 1)
	}
	tr := sparse.NewTriplet(n, n, n)
	for i, l := range lam {
		tr.Append(i, i, l)
	}
	a := tr.ToCSR()
	b := make([]float64, n)
	for i := range b {
		b[i] = 1
	}
	// dist returns the distance of e_i from span U.
	dist := func(sp *Space, i int) float64 {
		k := sp.Dim()
		u := mat.NewDense(n, k, nil)
		for l := range k {
			u.SetCol(l, sp.u.row(l))
		}
		var qr mat.QR
		qr.Factorize(u)
		var q mat.Dense
		qr.QTo(&q)
		e := mat.NewVecDense(n, nil)
		e.SetVec(i, 1)
		var p, r mat.VecDense
		p.MulVec(q.Slice(0, n, 0, k).T(), e)
		r.MulVec(q.Slice(0, n, 0, k), &p)
		r.SubVec(e, &r)
		return r.Norm(2)
	}
	its := map[Target][2]int{}
	for _, target := range []Target{SmallestMagnitude, SmallestReal} {
		m := &GCRODR{M: 15, K: 3, Target: target}
		var first int
		for rep := range 2 {
			x := make([]float64, n)
			res, err := m.Solve(x, a, b, &linsolve.Settings{RelTol: 1e-10, MaxIter: 5000})
			require.NoError(t, err, "target %d", target)
			for i := range x {
				require.InDelta(t, 1/lam[i], x[i], 1e-8)
			}
			if rep == 0 {
				first = res.Iterations
			} else {
				its[target] = [2]int{first, res.Iterations}
			}
		}
		require.Equal(t, 3, m.Space.Dim())
		for i := range 6 {
			d := dist(m.Space, i)
			switch {
			case target == SmallestReal && i < 3:
				assert.Less(t, d, 1e-4, "target %d: e_%d should be recycled", target, i)
			case target == SmallestMagnitude && i >= 3:
				// λ = 4, 5, 6 are close together: converged less far.
				assert.Less(t, d, 0.05, "target %d: e_%d should be recycled", target, i)
			default:
				assert.Greater(t, d, 0.9, "target %d: e_%d should not be recycled", target, i)
			}
		}
	}
	t.Logf("iterations (first, repeat): smallest magnitude %v, smallest real %v", its[SmallestMagnitude], its[SmallestReal])
	assert.Less(t, its[SmallestReal][1], its[SmallestMagnitude][1])
}

// plainPC hides a preconditioner's fused ApplyDots, so RCG gets (A·U)ᵀz
// in a second pass.
type plainPC struct{ linsolve.Preconditioner }

// plainOp hides the CSR behind an operator, so RCG forms q = A·p̂ − A·U·c
// with MulVecTo and a pass over A·U instead of vec.MulVecDotSub.
type plainOp struct{ a *sparse.CSR }

func (o plainOp) Dim() int                  { return o.a.Dim() }
func (o plainOp) MulVecTo(dst, x []float64) { o.a.MulVecTo(dst, x) }

// TestRCGFusedDeflation runs RCG with IC(0) and with SSOR on a fixed
// operator and several right-hand sides four ways — with the deflation
// products fused into the preconditioner (ApplyDots) and into the sparse
// product (vec.MulVecDotSub) where the machine has the kernels, and with
// either or both done in separate passes — and checks that all reach the
// tolerance with the same iterations to within one per system (the
// fused products are summed in another order).
func TestRCGFusedDeflation(t *testing.T) {
	a := poisson(t, 24)
	ic, err := linsolve.NewIC0(a, nil)
	require.NoError(t, err)
	ssor, err := linsolve.NewSSORPreconditioner(a, 1.5)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(9, 2))
	bs := make([][]float64, 6)
	for i := range bs {
		bs[i] = randVec(rng, a.Dim())
	}
	its := func(op linsolve.Operator, pc linsolve.Preconditioner) []int {
		m := &RCG{K: 8, S: 30}
		var out []int
		for _, b := range bs {
			x := make([]float64, len(b))
			res, err := m.Solve(x, op, b, &linsolve.Settings{Preconditioner: pc})
			require.NoError(t, err)
			assert.LessOrEqual(t, trueRel(a, x, b), linsolve.DefaultRelTol)
			out = append(out, res.Iterations)
		}
		return out
	}
	for _, pc := range []linsolve.Preconditioner{ic, ssor} {
		fused := its(a, pc)
		assert.Less(t, fused[len(fused)-1], fused[0], "%T: recycling cuts the iterations", pc)
		for name, other := range map[string][]int{
			"two-pass preconditioner": its(a, plainPC{pc}),
			"two-pass product":        its(plainOp{a}, pc),
			"no fused kernel":         its(plainOp{a}, plainPC{pc}),
		} {
			t.Logf("%T: fused %v, %s %v", pc, fused, name, other)
			for i := range fused {
				assert.InDelta(t, other[i], fused[i], 1, "%T, %s, system %d", pc, name, i)
			}
		}
	}
}

// TestNewMethod: every registered name builds a method that solves a
// symmetric positive definite system (the recycling ones included), with
// the options reaching the methods; an unknown name is an error listing
// the names.
func TestNewMethod(t *testing.T) {
	a := poisson(t, 12)
	b := make([]float64, a.Dim())
	for i := range b {
		b[i] = float64(i%7) - 3
	}
	for _, name := range MethodNames {
		m, err := NewMethod(name, &MethodOptions{Omega: 1.5, Restart: 25, Recycle: 5})
		require.NoError(t, err, name)
		x := make([]float64, a.Dim())
		res, err := m.Solve(x, a, b, &linsolve.Settings{MaxIter: 5000})
		require.NoError(t, err, name)
		assert.LessOrEqual(t, res.RelativeResidual, linsolve.DefaultRelTol, name)
	}
	m, err := NewMethod("gcrodr", &MethodOptions{Restart: 25, Recycle: 5})
	require.NoError(t, err)
	assert.Equal(t, 25, m.(*GCRODR).M)
	assert.Equal(t, 5, m.(*GCRODR).K)
	_, err = NewMethod("frob", nil)
	assert.ErrorContains(t, err, "gcrot")
}
