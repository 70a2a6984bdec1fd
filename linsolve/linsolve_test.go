package linsolve

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/sparse"
)

// testProblem is a system with a reference solution.
type testProblem struct {
	name string
	a    *sparse.CSR
	b    []float64
	x    []float64 // reference solution (dense LU or exact)
	spd  bool      // symmetric positive definite
	grid []int     // structured-grid dimensions, nil for none
	// mMatrix: a symmetric M-matrix, for which IC(0) and ILU(0) exist
	// and are positive definite (Meijerink & van der Vorst 1977, Thm 2.3).
	mMatrix bool
	// diagDominant: weakly diagonally dominant and irreducible, so Jacobi
	// and Gauss–Seidel converge (Varga, Matrix Iterative Analysis, Thm 3.10).
	diagDominant bool
}

// laplace2D returns the 5-point −Δ_h on an N×N interior grid scaled by
// 1/h², optionally plus a first-order upwind convection term β·∇u.
func laplace2D(N int, beta [2]float64) *sparse.CSR {
	h := 1.0 / float64(N+1)
	t := sparse.NewTriplet(N*N, N*N, 5*N*N)
	for i := range N {
		for j := range N {
			r := i*N + j
			diag := 4 / (h * h)
			add := func(ii, jj int, v float64) {
				if ii >= 0 && ii < N && jj >= 0 && jj < N {
					t.Append(r, ii*N+jj, v)
				}
			}
			add(i-1, j, -1/(h*h))
			add(i+1, j, -1/(h*h))
			add(i, j-1, -1/(h*h))
			add(i, j+1, -1/(h*h))
			// Upwind: β>0 uses the backward difference.
			for d, bd := range beta {
				if bd == 0 {
					continue
				}
				diag += math.Abs(bd) / h
				di, dj := 0, 0
				if d == 0 {
					di = -1
				} else {
					dj = -1
				}
				if bd < 0 {
					di, dj = -di, -dj
				}
				add(i+di, j+dj, -math.Abs(bd)/h)
			}
			t.Append(r, r, diag)
		}
	}
	return t.ToCSR()
}

// denseSolve solves a·x = b with gonum's LU.
func denseSolve(t *testing.T, a *sparse.CSR, b []float64) []float64 {
	t.Helper()
	n := a.Dim()
	var x mat.VecDense
	require.NoError(t, x.SolveVec(mat.NewDense(n, n, a.Dense()), mat.NewVecDense(n, slices.Clone(b))))
	return x.RawVector().Data
}

func problems(t *testing.T) []testProblem {
	rng := rand.New(rand.NewPCG(1, 1))
	var ps []testProblem
	randVec := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	// 1D Laplacian, n = 50, with the exact solution of a random x.
	{
		n := 50
		tr := sparse.NewTriplet(n, n, 3*n)
		for i := range n {
			tr.Append(i, i, 2)
			if i > 0 {
				tr.Append(i, i-1, -1)
			}
			if i < n-1 {
				tr.Append(i, i+1, -1)
			}
		}
		a := tr.ToCSR()
		x := randVec(n)
		b := make([]float64, n)
		a.MulVecTo(b, x)
		ps = append(ps, testProblem{name: "laplace1d", a: a, b: b, x: x, spd: true, diagDominant: true, mMatrix: true, grid: []int{n}})
	}
	// 2D Poisson 12×12, smooth right-hand side, dense reference.
	{
		a := laplace2D(12, [2]float64{})
		b := make([]float64, a.Dim())
		for i := range b {
			b[i] = 1 + math.Sin(float64(i))
		}
		ps = append(ps, testProblem{name: "poisson2d", a: a, b: b, x: denseSolve(t, a, b), spd: true, diagDominant: true, mMatrix: true, grid: []int{12, 12}})
	}
	// Random sparse SPD: B·Bᵀ + 0.1·I (not diagonally dominant).
	{
		n := 40
		tr := sparse.NewTriplet(n, n, 0)
		for i := range n {
			tr.Append(i, i, 1)
			for range 3 {
				tr.Append(i, rng.IntN(n), rng.NormFloat64())
			}
		}
		bm := tr.ToCSR()
		bb := mat.NewDense(n, n, bm.Dense())
		var spd mat.Dense
		spd.Mul(bb, bb.T())
		st := sparse.NewTriplet(n, n, 0)
		for i := range n {
			for j := range n {
				if v := spd.At(i, j); v != 0 || i == j {
					if i == j {
						v += 0.1
					}
					st.Append(i, j, v)
				}
			}
		}
		a := st.ToCSR()
		b := randVec(n)
		ps = append(ps, testProblem{name: "random-spd", a: a, b: b, x: denseSolve(t, a, b), spd: true})
	}
	// Nonsymmetric convection–diffusion (upwind, Péclet number 10 per cell
	// at β = 100·(1, 0.5) on h = 1/11... ), an M-matrix.
	{
		a := laplace2D(10, [2]float64{100, -50})
		b := randVec(a.Dim())
		ps = append(ps, testProblem{name: "convdiff", a: a, b: b, x: denseSolve(t, a, b), diagDominant: true, grid: []int{10, 10}})
	}
	return ps
}

// condTol is the solution tolerance implied by a residual tolerance:
// ‖x − x*‖/‖x*‖ ≤ κ(A)·‖r‖/‖b‖, with κ estimated densely.
func condTol(t *testing.T, a *sparse.CSR, relres float64) float64 {
	n := a.Dim()
	k := mat.Cond(mat.NewDense(n, n, a.Dense()), 2)
	return 2 * k * relres
}

func relDiff(x, y []float64) float64 {
	var d, s float64
	for i := range x {
		d += (x[i] - y[i]) * (x[i] - y[i])
		s += y[i] * y[i]
	}
	return math.Sqrt(d / s)
}

type methodCase struct {
	name   string
	method func() Method
	pc     string
	spd    bool // needs SPD
	dd     bool // needs diagonal dominance
}

func methodCases() []methodCase {
	var cs []methodCase
	for _, pc := range PreconditionerNames {
		cs = append(cs,
			methodCase{name: "cg/" + pc, method: func() Method { return &CG{} }, pc: pc, spd: true},
			methodCase{name: "fcg/" + pc, method: func() Method { return &FCG{} }, pc: pc, spd: true},
			methodCase{name: "gmres/" + pc, method: func() Method { return &GMRES{Restart: 20} }, pc: pc},
			methodCase{name: "bicgstab/" + pc, method: func() Method { return &BiCGStab{} }, pc: pc},
		)
	}
	cs = append(cs,
		methodCase{name: "jacobi", method: func() Method { return &Jacobi{} }, pc: "none", dd: true},
		methodCase{name: "gs", method: func() Method { return &GaussSeidel{} }, pc: "none", dd: true},
		methodCase{name: "sor", method: func() Method { return &SOR{Omega: 1.5} }, pc: "none", spd: true},
		methodCase{name: "ssor", method: func() Method { return &SSOR{Omega: 1.3} }, pc: "none", spd: true},
	)
	return cs
}

// TestSuite runs every method and preconditioner on every problem it
// applies to and checks the true residual, the error against the
// reference, that b, X0 and Settings are not modified, that the contents
// of dst on entry are ignored, and the iteration bound.
func TestSuite(t *testing.T) {
	for _, p := range problems(t) {
		for _, mc := range methodCases() {
			if mc.spd && !p.spd || mc.dd && !p.diagDominant {
				continue
			}
			if mc.pc == "ssor" && !p.spd {
				continue // SSOR(ω) as written assumes a positive diagonal
			}
			if mc.pc == "ic0" && !p.mMatrix || mc.pc == "ilu0" && mc.spd && !p.mMatrix {
				continue // IC(0) may break down off M-matrices (see TestIC0Breakdown)
			}
			if mc.pc == "mg" && p.grid == nil {
				continue // multigrid needs a grid
			}
			t.Run(p.name+"/"+mc.name, func(t *testing.T) {
				pc, err := NewPreconditioner(mc.pc, p.a, &PreconditionerOptions{Grid: p.grid})
				require.NoError(t, err)
				n := p.a.Dim()
				b := slices.Clone(p.b)
				x0 := make([]float64, n)
				for i := range x0 {
					x0[i] = 0.01 * float64(i%7)
				}
				x0c := slices.Clone(x0)
				s := &Settings{RelTol: 1e-10, X0: x0, Preconditioner: pc, MaxIter: 200000}
				sc := *s
				dst := make([]float64, n)
				for i := range dst {
					dst[i] = math.NaN()
				}
				var hist History
				s.Monitor = hist.Record
				res, err := mc.method().Solve(dst, p.a, b, s)
				require.NoError(t, err)
				assert.Equal(t, p.b, b, "b modified")
				assert.Equal(t, x0c, x0, "X0 modified")
				assert.Equal(t, sc.RelTol, s.RelTol)
				assert.Equal(t, sc.MaxIter, s.MaxIter)
				assert.True(t, res.Reason.Converged(), res.Reason.String())
				assert.LessOrEqual(t, res.Iterations, s.MaxIter)
				// True residual recomputed here, independently of the solver.
				r := make([]float64, n)
				p.a.MulVecTo(r, dst)
				for i := range r {
					r[i] = b[i] - r[i]
				}
				rel := norm(r) / norm(b)
				assert.LessOrEqual(t, rel, 1e-10*(1+1e-9))
				assert.InDelta(t, rel, res.RelativeResidual, 1e-12)
				assert.LessOrEqual(t, relDiff(dst, p.x), condTol(t, p.a, 1e-10)+1e-12)
				assert.NotEmpty(t, hist.Residuals)
			})
		}
	}
}

func TestDefaultsAreUsed(t *testing.T) {
	// The documented defaults: RelTol 1e-8, MaxIter max(10n, 1000).
	assert.Equal(t, 1000, DefaultMaxIter(10))
	assert.Equal(t, 20000, DefaultMaxIter(2000))
	s := resolve(nil, 10)
	assert.Equal(t, DefaultRelTol, s.RelTol)
	assert.Equal(t, DefaultDivTol, s.DivTol)
	assert.Equal(t, 0.0, s.AbsTol)
	assert.Equal(t, 1000, s.MaxIter)
	assert.Nil(t, s.X0)

	// A nil Settings solve stops at the default relative tolerance: the
	// residual just after the stopping iteration is below 1e-8 and the one
	// before it is above.
	a := laplace2D(20, [2]float64{})
	b := make([]float64, a.Dim())
	for i := range b {
		b[i] = float64(i % 5)
	}
	var hist History
	x := make([]float64, a.Dim())
	res, err := (&CG{}).Solve(x, a, b, &Settings{Monitor: hist.Record})
	require.NoError(t, err)
	bn := norm(b)
	k := res.Iterations
	assert.LessOrEqual(t, hist.Residuals[k], 1e-8*bn)
	assert.Greater(t, hist.Residuals[k-1], 1e-8*bn)
}

func TestZeroRHS(t *testing.T) {
	a := laplace2D(4, [2]float64{})
	for _, name := range MethodNames {
		m, err := NewMethod(name, 0, 0)
		require.NoError(t, err)
		x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
		res, err := m.Solve(x, a, make([]float64, 16), &Settings{X0: x})
		require.NoError(t, err, name)
		assert.Equal(t, ConvergedAbsTol, res.Reason, name)
		assert.Equal(t, make([]float64, 16), x, name)
	}
}

func TestBadInput(t *testing.T) {
	a := laplace2D(5, [2]float64{})
	n := a.Dim()
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	for _, name := range MethodNames {
		m, _ := NewMethod(name, 0, 0)
		_, err := m.Solve(make([]float64, n), a, ones[:n-1], nil)
		assert.ErrorIs(t, err, ErrDimension, name)
		_, err = m.Solve(make([]float64, n-1), a, ones, nil)
		assert.ErrorIs(t, err, ErrDimension, name)
		_, err = m.Solve(make([]float64, n), a, ones, &Settings{X0: ones[:3]})
		assert.ErrorIs(t, err, ErrDimension, name)
		bad := slices.Clone(ones)
		bad[3] = math.NaN()
		_, err = m.Solve(make([]float64, n), a, bad, nil)
		assert.ErrorIs(t, err, sparse.ErrNotFinite, name)
		bad[3] = math.Inf(-1)
		_, err = m.Solve(make([]float64, n), a, ones, &Settings{X0: bad})
		assert.ErrorIs(t, err, sparse.ErrNotFinite, name)
	}
	// A CSR broken by hand (a column index past the last column, row
	// pointers out of order) or a non-square one: an error for every
	// method, never an index panic in the first product.
	badCol := a.Clone()
	badCol.ColIdx[9] = int32(n)
	badRow := a.Clone()
	badRow.RowPtr[3], badRow.RowPtr[4] = badRow.RowPtr[4], badRow.RowPtr[3]
	tall := sparse.NewTriplet(n, n+1, 1)
	tall.Append(0, n, 1)
	for _, name := range MethodNames {
		m, _ := NewMethod(name, 0, 0)
		for _, broken := range []*sparse.CSR{badCol, badRow} {
			_, err := m.Solve(make([]float64, n), broken, ones, nil)
			assert.ErrorIs(t, err, sparse.ErrShape, name)
		}
		_, err := m.Solve(make([]float64, n), tall.ToCSR(), ones, nil)
		assert.ErrorIs(t, err, ErrDimension, name)
	}
	// NaN in A: surfaces as DivergedNaN, with an error, never a silent answer.
	an := a.Clone()
	an.Val[7] = math.NaN()
	for _, name := range MethodNames {
		m, _ := NewMethod(name, 0, 0)
		res, err := m.Solve(make([]float64, n), an, ones, nil)
		require.Error(t, err, name)
		if name == "direct" {
			assert.ErrorIs(t, err, sparse.ErrNotFinite) // refused before factoring
			continue
		}
		if IsStationary(name) && errors.Is(err, ErrZeroDiagonal) {
			continue // the NaN sits on the diagonal for this method
		}
		assert.ErrorIs(t, err, ErrNaN, name)
		assert.Equal(t, DivergedNaN, res.Reason, name)
	}
	// Preconditioners reject NaN/Inf in A.
	for _, pc := range PreconditionerNames[1:] {
		_, err := NewPreconditioner(pc, an, &PreconditionerOptions{Grid: []int{5, 5}})
		assert.ErrorIs(t, err, sparse.ErrNotFinite, pc)
	}
	_, err := NewPreconditioner("mg", a, nil)
	assert.ErrorIs(t, err, ErrDimension, "mg without a grid")
	// Zero diagonal.
	az := a.Clone()
	az.Val[az.DiagIndex()[4]] = 0
	for _, name := range []string{"jacobi", "gs", "sor", "ssor"} {
		m, _ := NewMethod(name, 0, 0)
		_, err := m.Solve(make([]float64, n), az, ones, nil)
		assert.ErrorIs(t, err, ErrZeroDiagonal, name)
	}
	for _, pc := range []string{"jacobi", "ssor"} {
		_, err := NewPreconditioner(pc, az, nil)
		assert.ErrorIs(t, err, ErrZeroDiagonal, pc)
	}
	// A negative diagonal: IC(0) and SSOR refuse.
	neg := sparse.Add(-1, a, 0, a)
	_, err = NewIC0(neg, nil)
	assert.ErrorIs(t, err, ErrZeroDiagonal)
	_, err = NewSSORPreconditioner(neg, 1)
	assert.ErrorIs(t, err, ErrZeroDiagonal)
	// ILU(0) zero pivot: [[0 1][1 0]] has no diagonal stored → error.
	tr := sparse.NewTriplet(2, 2, 2)
	tr.Append(0, 1, 1)
	tr.Append(1, 0, 1)
	_, err = NewILU0(tr.ToCSR())
	assert.ErrorIs(t, err, ErrZeroDiagonal)
	tr.Append(0, 0, 0)
	tr.Append(1, 1, 0)
	_, err = NewILU0(tr.ToCSR())
	assert.ErrorIs(t, err, ErrPivot)
	// Non-square.
	_, err = NewIC0(sparse.NewTriplet(2, 3, 0).ToCSR(), nil)
	assert.ErrorIs(t, err, ErrDimension)
}

// randomSPD returns B·Bᵀ + 10⁻³·I for a sparse random B with unit
// diagonal and four normal entries per row: SPD, not an M-matrix.
func randomSPD(n int, seed uint64) *sparse.CSR {
	rng := rand.New(rand.NewPCG(seed, 9))
	tr := sparse.NewTriplet(n, n, 4*n)
	for i := range n {
		tr.Append(i, i, 1)
		for range 4 {
			tr.Append(i, rng.IntN(n), rng.NormFloat64())
		}
	}
	bm := tr.ToCSR()
	a := sparse.Mul(bm, bm.T())
	return sparse.Add(1, a, 1e-3, sparse.Identity(n))
}

// TestIC0Shift checks the automatic shift of IC(0): on SPD matrices that
// are not M-matrices, where the unshifted factorization breaks down (a
// clear ErrPivot with NoShift), the shifted one never fails and
// preconditions CG to a true relative residual of 1e-8; on an M-matrix
// the shift is 0 and the factor is the unshifted one.
func TestIC0Shift(t *testing.T) {
	breakdowns := 0
	for seed := range uint64(20) {
		a := randomSPD(60, seed)
		_, errNo := NewIC0(a, &IC0Settings{NoShift: true})
		ic, err := NewIC0(a, nil)
		require.NoError(t, err, "seed %d", seed)
		if errNo != nil {
			require.ErrorIs(t, errNo, ErrPivot)
			assert.Contains(t, errNo.Error(), "pivot")
			assert.Greater(t, ic.Shift(), 0.0)
			breakdowns++
		} else {
			assert.Equal(t, 0.0, ic.Shift())
		}
		b := onesRHS(a.Dim())
		x := make([]float64, a.Dim())
		_, err = (&CG{}).Solve(x, a, b, &Settings{Preconditioner: ic})
		require.NoError(t, err, "seed %d", seed)
		r := make([]float64, len(b))
		assert.LessOrEqual(t, TrueResidual(r, a, x, b)/norm(b), 1e-8)
	}
	assert.Greater(t, breakdowns, 5, "the family should break unshifted IC(0)")
	a := laplaceND([]int{20, 20}, nil)
	ic, err := NewIC0(a, nil)
	require.NoError(t, err)
	assert.Equal(t, 0.0, ic.Shift())
	ic2, err := NewIC0(a, &IC0Settings{NoShift: true})
	require.NoError(t, err)
	assert.Equal(t, ic2.l.Val, ic.l.Val)
}

// TestSymmetryCheck: CG, FCG and IC(0) refuse a nonsymmetric matrix with
// ErrNotSymmetric naming the entry, before iterating; the check can be
// skipped. Invalid Settings are errors, not panics.
func TestSymmetryCheck(t *testing.T) {
	a := laplace2D(10, [2]float64{100, -50})
	b := onesRHS(a.Dim())
	x := make([]float64, a.Dim())
	for _, m := range []Method{&CG{}, &FCG{}} {
		res, err := m.Solve(x, a, b, nil)
		require.ErrorIs(t, err, ErrNotSymmetric)
		assert.Contains(t, err.Error(), "A[")
		assert.Equal(t, 0, res.Iterations)
		res, err = m.Solve(x, a, b, &Settings{SkipSymmetryCheck: true, MaxIter: 3})
		assert.Equal(t, 3, res.Iterations)
		assert.ErrorIs(t, err, ErrMaxIter)
	}
	_, err := NewIC0(a, nil)
	assert.ErrorIs(t, err, ErrNotSymmetric)
	_, err = NewIC0(a, &IC0Settings{SkipSymmetryCheck: true})
	assert.NoError(t, err)
	_, err = NewPreconditioner("ic0", a, nil)
	assert.ErrorIs(t, err, ErrNotSymmetric)

	spd := laplaceND([]int{8, 8}, nil)
	for _, s := range []Settings{{RelTol: math.NaN()}, {AbsTol: -1}, {DivTol: math.Inf(1)}, {MaxIter: -2}} {
		for _, name := range MethodNames {
			m, err := NewMethod(name, 0, 0)
			require.NoError(t, err)
			_, err = m.Solve(make([]float64, spd.Dim()), spd, onesRHS(spd.Dim()), &s)
			assert.ErrorIs(t, err, ErrSettings, "%s %+v", name, s)
		}
	}
}

func TestIndefinite(t *testing.T) {
	// diag(1, −1, 2, 3): CG must stop with DivergedIndefiniteMat, not
	// return a wrong answer. b = (1, 1, 1, 1) gives p₀ᵀAp₀ = 5 > 0 first,
	// so use b = (0, 1, 0, 0) to make the first curvature negative.
	tr := sparse.NewTriplet(4, 4, 4)
	for i, v := range []float64{1, -1, 2, 3} {
		tr.Append(i, i, v)
	}
	a := tr.ToCSR()
	x := make([]float64, 4)
	res, err := (&CG{}).Solve(x, a, []float64{0, 1, 0, 0}, nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrIndefinite)
	assert.Equal(t, DivergedIndefiniteMat, res.Reason)
	var ce *ConvergenceError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, res, ce.Result)

	// Symmetric indefinite 2D: −Δ − 300·I on 10×10 (several negative
	// eigenvalues); a generic b meets negative curvature.
	lap := laplace2D(10, [2]float64{})
	shift := sparse.Add(1, lap, -300*121.0/10, sparse.Identity(100))
	b := make([]float64, 100)
	for i := range b {
		b[i] = math.Cos(float64(3 * i))
	}
	_, err = (&CG{}).Solve(make([]float64, 100), shift, b, nil)
	assert.ErrorIs(t, err, ErrIndefinite)

	// An indefinite preconditioner: Jacobi of a matrix with a negative
	// diagonal entry, used for a positive definite system.
	neg := a.Clone()
	neg.Val[0] = -1
	pc, err := NewJacobiPreconditioner(neg)
	require.NoError(t, err)
	spd := laplace2D(2, [2]float64{})
	_, err = (&CG{}).Solve(make([]float64, 4), spd, []float64{1, 0, 0, 0}, &Settings{Preconditioner: pc})
	assert.ErrorIs(t, err, ErrIndefinitePC)
}

func TestMaxIterReturnsPartialResult(t *testing.T) {
	a := laplace2D(30, [2]float64{})
	b := make([]float64, a.Dim())
	for i := range b {
		b[i] = 1
	}
	for _, name := range MethodNames {
		if name == "direct" {
			continue // converges in one refinement step; see TestDirect
		}
		m, _ := NewMethod(name, 1.5, 10)
		x := make([]float64, a.Dim())
		res, err := m.Solve(x, a, b, &Settings{MaxIter: 7})
		require.Error(t, err, name)
		assert.ErrorIs(t, err, ErrMaxIter, name)
		assert.Equal(t, DivergedMaxIter, res.Reason, name)
		assert.LessOrEqual(t, res.Iterations, 7, name)
		assert.Greater(t, res.Iterations, 0, name)
		// Partial result: GMRES minimises the residual, so it is below ‖b‖;
		// for every method the reported residual is the true one.
		if name == "gmres" {
			assert.Less(t, res.RelativeResidual, 1.0, name)
		}
		assert.Contains(t, err.Error(), fmt.Sprintf("after %d iterations", res.Iterations))
		r := make([]float64, a.Dim())
		a.MulVecTo(r, x)
		for i := range r {
			r[i] = b[i] - r[i]
		}
		assert.InDelta(t, norm(r)/norm(b), res.RelativeResidual, 1e-12, name)
	}
}

func TestDivergenceGuard(t *testing.T) {
	// Jacobi diverges on a matrix that is not diagonally dominant:
	// [[1 2][2 1]] has ρ(D⁻¹(L+U)) = 2.
	tr := sparse.NewTriplet(2, 2, 4)
	tr.Append(0, 0, 1)
	tr.Append(0, 1, 2)
	tr.Append(1, 0, 2)
	tr.Append(1, 1, 1)
	res, err := (&Jacobi{}).Solve(make([]float64, 2), tr.ToCSR(), []float64{1, 0}, nil)
	assert.ErrorIs(t, err, ErrDivergence)
	assert.Equal(t, DivergedDivTol, res.Reason)
	// Guard fires within log2(1e5)+2 ≈ 19 iterations (residual doubles).
	assert.LessOrEqual(t, res.Iterations, 19)
}

// TestCGIterationBound checks CG's iteration count against the classical
// bound k ≤ ⌈½·√κ·ln(2/ε)⌉ (Saad 2003, Thm 6.29) for the 2D Laplacian,
// whose condition number is known in closed form.
func TestCGIterationBound(t *testing.T) {
	for _, N := range []int{16, 32, 64} {
		a := laplace2D(N, [2]float64{})
		h := 1.0 / float64(N+1)
		lmin := 8 / (h * h) * math.Pow(math.Sin(math.Pi*h/2), 2)
		lmax := 8 / (h * h) * math.Pow(math.Cos(math.Pi*h/2), 2)
		kappa := lmax / lmin
		b := make([]float64, a.Dim())
		for i := range b {
			b[i] = math.Sin(float64(i)) + 1
		}
		x := make([]float64, a.Dim())
		res, err := (&CG{}).Solve(x, a, b, &Settings{RelTol: 1e-8})
		require.NoError(t, err)
		// The bound is in the A-norm of the error; ‖r‖₂/‖b‖₂ ≤ √κ·‖e‖_A/‖e₀‖_A,
		// so ε = 1e-8/√κ.
		eps := 1e-8 / math.Sqrt(kappa)
		bound := math.Ceil(0.5 * math.Sqrt(kappa) * math.Log(2/eps))
		assert.LessOrEqual(t, float64(res.Iterations), bound, "N=%d", N)
	}
}

func TestPreconditionersReduceIterations(t *testing.T) {
	// On the 2D Laplacian IC(0) and SSOR must cut CG iterations (for IC(0)
	// the condition number drops by a constant factor, Meijerink & van der
	// Vorst 1977; SSOR with a good ω improves it from O(h⁻²) to O(h⁻¹),
	// Axelsson & Barker 1984).
	a := laplace2D(64, [2]float64{})
	b := make([]float64, a.Dim())
	for i := range b {
		b[i] = 1
	}
	iters := map[string]int{}
	for _, pc := range []string{"none", "ic0", "ssor"} {
		p, err := NewPreconditioner(pc, a, &PreconditionerOptions{Omega: 1.8})
		require.NoError(t, err)
		res, err := (&CG{}).Solve(make([]float64, a.Dim()), a, b, &Settings{Preconditioner: p})
		require.NoError(t, err)
		iters[pc] = res.Iterations
	}
	assert.Less(t, float64(iters["ic0"]), 0.5*float64(iters["none"]), "%v", iters)
	assert.Less(t, float64(iters["ssor"]), 0.5*float64(iters["none"]), "%v", iters)
}

func TestIC0ExactOnTridiagonal(t *testing.T) {
	// For a tridiagonal SPD matrix IC(0) has no dropped fill, so it is the
	// exact Cholesky factor and PCG converges in one iteration.
	n := 30
	tr := sparse.NewTriplet(n, n, 3*n)
	for i := range n {
		tr.Append(i, i, 2.5)
		if i > 0 {
			tr.Append(i, i-1, -1)
			tr.Append(i-1, i, -1)
		}
	}
	a := tr.ToCSR()
	b := make([]float64, n)
	for i := range b {
		b[i] = float64(i)
	}
	for _, pc := range []string{"ic0", "ilu0"} {
		p, err := NewPreconditioner(pc, a, nil)
		require.NoError(t, err)
		method := Method(&CG{})
		if pc == "ilu0" {
			method = &GMRES{}
		}
		res, err := method.Solve(make([]float64, n), a, b, &Settings{Preconditioner: p, RelTol: 1e-12})
		require.NoError(t, err)
		assert.Equal(t, 1, res.Iterations, pc)
	}
}

func TestOptimalSOROmega(t *testing.T) {
	// Young's formula with ρ_J = cos(πh) gives 2/(1+sin(πh)).
	h := 1.0 / 33
	assert.InDelta(t, 2/(1+math.Sin(math.Pi*h)), OptimalSOROmega(math.Cos(math.Pi*h)), 1e-14)
	// And SOR with it beats Gauss–Seidel by far on the 2D Laplacian.
	a := laplace2D(32, [2]float64{})
	b := make([]float64, a.Dim())
	for i := range b {
		b[i] = 1
	}
	gs, err := (&GaussSeidel{}).Solve(make([]float64, a.Dim()), a, b, nil)
	require.NoError(t, err)
	sor, err := (&SOR{Omega: OptimalSOROmega(math.Cos(math.Pi * h))}).Solve(make([]float64, a.Dim()), a, b, nil)
	require.NoError(t, err)
	// Asymptotic rates: GS ≈ 1 − π²h², SOR(ω*) ≈ 1 − 2πh, a ratio of
	// 2/(πh) ≈ 21 in iterations; demand at least 8×.
	assert.Less(t, 8*sor.Iterations, gs.Iterations, "gs %d sor %d", gs.Iterations, sor.Iterations)
}

func TestNames(t *testing.T) {
	for _, n := range MethodNames {
		_, err := NewMethod(n, 0, 0)
		assert.NoError(t, err)
	}
	_, err := NewMethod("lsqr", 0, 0)
	assert.ErrorContains(t, err, "unknown method")
	a := laplace2D(3, [2]float64{})
	for _, n := range PreconditionerNames {
		p, err := NewPreconditioner(n, a, &PreconditionerOptions{Grid: []int{3, 3}})
		require.NoError(t, err)
		assert.Equal(t, n == "none", p == nil, n)
	}
	_, err = NewPreconditioner("frob", a, nil)
	assert.ErrorContains(t, err, "unknown preconditioner")
	assert.Equal(t, "DIVERGED_INDEFINITE_MAT", DivergedIndefiniteMat.String())
	assert.Equal(t, "CONVERGED_RTOL", ConvergedRelTol.String())
	assert.Equal(t, "Reason(42)", Reason(42).String())
}

func TestCGAllocatesNothing(t *testing.T) {
	a := laplace2D(40, [2]float64{})
	b := make([]float64, a.Dim())
	for i := range b {
		b[i] = 1
	}
	x := make([]float64, a.Dim())
	pc, err := NewIC0(a, nil)
	require.NoError(t, err)
	for _, s := range []*Settings{nil, {Preconditioner: pc}} {
		var cg CG
		_, err := cg.Solve(x, a, b, s)
		require.NoError(t, err)
		allocs := testing.AllocsPerRun(5, func() {
			if _, err := cg.Solve(x, a, b, s); err != nil {
				t.Fatal(err)
			}
		})
		assert.Equal(t, 0.0, allocs)
	}
	// Large enough for the two-goroutine kernels (parallelRows): still
	// nothing allocated once the job exists.
	big := laplace2D(256, [2]float64{})
	bb := onesRHS(big.Dim())
	xb := make([]float64, big.Dim())
	var cg CG
	sb := &Settings{RelTol: 1e-3}
	_, err = cg.Solve(xb, big, bb, sb)
	require.NoError(t, err)
	assert.Equal(t, 0.0, testing.AllocsPerRun(3, func() {
		if _, err := cg.Solve(xb, big, bb, sb); err != nil {
			t.Fatal(err)
		}
	}))
	for _, m := range []Method{&GMRES{}, &BiCGStab{}, &FCG{}, &SOR{Omega: 1.8}, &SSOR{Omega: 1.5}, &Jacobi{}, &GaussSeidel{}} {
		set := &Settings{MaxIter: 20000}
		_, err := m.Solve(x, a, b, set)
		require.NoError(t, err)
		allocs := testing.AllocsPerRun(3, func() {
			if _, err := m.Solve(x, a, b, set); err != nil {
				t.Fatal(err)
			}
		})
		assert.Equal(t, 0.0, allocs, "%T", m)
	}
}

// TestApplyDots checks that IC(0)'s and SSOR's ApplyDots precondition
// exactly as Apply does and return the products with the columns of the
// block, on the fused path (k a multiple of 4, where the machine has it)
// and the two-pass one (k = 6).
func TestApplyDots(t *testing.T) {
	a := laplace2D(20, [2]float64{0.3, -0.2})
	n := a.Dim()
	ic, err := NewIC0(a, &IC0Settings{SkipSymmetryCheck: true})
	require.NoError(t, err)
	ssor, err := NewSSORPreconditioner(a, 1.3)
	require.NoError(t, err)
	type dotsPC interface {
		Preconditioner
		FusesDots(k int) bool
		ApplyDots(dst, r, w, dots []float64)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	r := make([]float64, n)
	for i := range r {
		r[i] = rng.NormFloat64()
	}
	for _, c := range []struct {
		name string
		p    dotsPC
	}{{"IC0", ic}, {"SSORPreconditioner", ssor}} {
		name, p := c.name, c.p
		want := make([]float64, n)
		p.Apply(want, r)
		assert.False(t, p.FusesDots(6), name)
		for _, k := range []int{4, 6, 40} {
			w := make([]float64, n*k)
			for i := range w {
				w[i] = rng.NormFloat64()
			}
			dst, dots := make([]float64, n), make([]float64, k)
			p.ApplyDots(dst, r, w, dots)
			assert.Equal(t, want, dst, "%s k = %d", name, k)
			for l := range k {
				var d, scale float64
				for i := range n {
					d += w[i*k+l] * want[i]
					scale += math.Abs(w[i*k+l] * want[i])
				}
				assert.InDelta(t, d, dots[l], 1e-14*scale, "%s k = %d, l = %d", name, k, l)
			}
		}
		assert.PanicsWithValue(t, "linsolve: "+name+".ApplyDots: block length is not len(dst)·len(dots)",
			func() { p.ApplyDots(make([]float64, n), r, make([]float64, n*4-1), make([]float64, 4)) })
	}
}

// TestPreconditionersCheckStructure: a matrix whose exported arrays were
// broken by hand is an error wrapping sparse.ErrShape, not a panic or a
// read past the arrays (IC(0)'s and SSOR's fused kernels trust them).
func TestPreconditionersCheckStructure(t *testing.T) {
	broken := laplace2D(5, [2]float64{})
	broken.RowPtr[3], broken.RowPtr[4] = broken.RowPtr[4], broken.RowPtr[3]
	_, err := NewJacobiPreconditioner(broken)
	assert.ErrorIs(t, err, sparse.ErrShape)
	_, err = NewSSORPreconditioner(broken, 1)
	assert.ErrorIs(t, err, sparse.ErrShape)
	_, err = NewIC0(broken, nil)
	assert.ErrorIs(t, err, sparse.ErrShape)
	_, err = NewILU0(broken)
	assert.ErrorIs(t, err, sparse.ErrShape)
}
