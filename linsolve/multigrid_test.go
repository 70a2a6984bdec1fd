package linsolve

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pdekit/pdekit/sparse"
)

// laplaceND returns the (2d+1)-point −Δ_h on a grid with dims interior
// nodes (first dimension slowest), scaled by 1/h², h = 1/(N+1) per
// dimension, optionally with a variable coefficient a (face averages).
func laplaceND(dims []int, a func(idx int) float64) *sparse.CSR {
	n := 1
	for _, d := range dims {
		n *= d
	}
	strides := make([]int, len(dims))
	s := 1
	for k := len(dims) - 1; k >= 0; k-- {
		strides[k] = s
		s *= dims[k]
	}
	if a == nil {
		a = func(int) float64 { return 1 }
	}
	t := sparse.NewTriplet(n, n, (2*len(dims)+1)*n)
	ii := make([]int, len(dims))
	for i := range n {
		unravel(i, dims, ii)
		var diag float64
		for k, N := range dims {
			h := 1 / float64(N+1)
			for _, dlt := range []int{-1, 1} {
				j := ii[k] + dlt
				af := a(i)
				if j >= 0 && j < N {
					af = 0.5 * (a(i) + a(i+dlt*strides[k]))
					t.Append(i, i+dlt*strides[k], -af/(h*h))
				}
				diag += af / (h * h)
			}
		}
		t.Append(i, i, diag)
	}
	return t.ToCSR()
}

func onesRHS(n int) []float64 {
	b := make([]float64, n)
	for i := range b {
		b[i] = 1 + 0.3*math.Sin(float64(i))
	}
	return b
}

func mgpcg(t *testing.T, a *sparse.CSR, dims []int, opt *MultigridOptions) (Result, *Multigrid) {
	t.Helper()
	mg, err := NewMultigrid(a, dims, opt)
	require.NoError(t, err)
	x := make([]float64, a.Dim())
	res, err := (&CG{}).Solve(x, a, onesRHS(a.Dim()), &Settings{RelTol: 1e-8, Preconditioner: mg})
	require.NoError(t, err)
	return res, mg
}

// TestMultigridGridIndependent checks that MG-PCG iterations do not grow
// with the grid: the two-grid convergence factor of red–black Gauss–Seidel
// with linear interpolation is bounded independently of h (Trottenberg et
// al. 2001, §4.6), so PCG needs a bounded number of iterations; the target
// is at most 12 at rtol 1e-8. Sizes of both parities are used.
func TestMultigridGridIndependent(t *testing.T) {
	sizes := []int{31, 64, 127, 200, 255}
	if testing.Short() {
		sizes = []int{31, 64, 127}
	}
	for _, N := range sizes {
		for _, sm := range []Smoother{RedBlackGaussSeidel, WeightedJacobi, Chebyshev} {
			t.Run(fmt.Sprintf("N=%d/%v", N, sm), func(t *testing.T) {
				res, mg := mgpcg(t, laplaceND([]int{N, N}, nil), []int{N, N}, &MultigridOptions{Smoother: sm})
				limit := 12
				if sm != RedBlackGaussSeidel {
					limit = 16 // weaker smoothers; still h-independent
				}
				assert.LessOrEqual(t, res.Iterations, limit)
				assert.LessOrEqual(t, mg.OperatorComplexity(), 2.5)
				assert.LessOrEqual(t, mg.levels[len(mg.levels)-1].a.Dim(), 128)
			})
		}
	}
}

func TestMultigrid1D3DAndCycles(t *testing.T) {
	// The last grid has spacings 1/25, 1/18, 1/10: an anisotropic
	// operator (coefficient ratio 6), on which point smoothers weaken
	// (Trottenberg et al. 2001, §5.1), hence a looser bound.
	for _, tc := range []struct {
		dims  []int
		limit int
	}{{[]int{255}, 12}, {[]int{15, 15, 15}, 12}, {[]int{31, 31, 31}, 12}, {[]int{24, 17, 9}, 25}} {
		for _, c := range []Cycle{VCycle, WCycle, FCycle} {
			res, _ := mgpcg(t, laplaceND(tc.dims, nil), tc.dims, &MultigridOptions{Cycle: c})
			assert.LessOrEqual(t, res.Iterations, tc.limit, "%v %v", tc.dims, c)
		}
	}
}

func TestMultigridVariableCoefficient(t *testing.T) {
	// A smooth coefficient with contrast e² ≈ 7.4, like exp(GRF).
	N := 127
	a := func(idx int) float64 {
		x := float64(idx/N+1) / float64(N+1)
		y := float64(idx%N+1) / float64(N+1)
		return math.Exp(math.Sin(6*x) * math.Cos(5*y))
	}
	res, _ := mgpcg(t, laplaceND([]int{N, N}, a), []int{N, N}, nil)
	assert.LessOrEqual(t, res.Iterations, 20)
}

func TestMultigridStandalone(t *testing.T) {
	N := 63
	a := laplaceND([]int{N, N}, nil)
	mg, err := NewMultigrid(a, []int{N, N}, nil)
	require.NoError(t, err)
	b := onesRHS(a.Dim())
	x := make([]float64, a.Dim())
	var hist History
	res, err := mg.Solve(x, a, b, &Settings{RelTol: 1e-10, Monitor: hist.Record})
	require.NoError(t, err)
	// The two-grid factor of red–black GS V(1,1) with full weighting and
	// linear interpolation on the 5-point Laplacian is 0.074 (Trottenberg
	// et al. 2001, Table 4.1); demand a reduction of at least 8× per cycle.
	assert.LessOrEqual(t, res.Iterations, 12)
	for k := 2; k < len(hist.Residuals); k++ {
		assert.Less(t, hist.Residuals[k], hist.Residuals[k-1]/8, "cycle %d", k)
	}
	// The solution agrees with a CG solve.
	y := make([]float64, a.Dim())
	_, err = (&CG{}).Solve(y, a, b, &Settings{RelTol: 1e-12})
	require.NoError(t, err)
	assert.Less(t, relDiff(x, y), 1e-8)
}

// TestMultigridIsSymmetric checks that the preconditioner is a symmetric
// operator, as PCG requires: uᵀM⁻¹v = vᵀM⁻¹u.
func TestMultigridIsSymmetric(t *testing.T) {
	for _, sm := range []Smoother{RedBlackGaussSeidel, WeightedJacobi, Chebyshev} {
		dims := []int{20, 13}
		a := laplaceND(dims, nil)
		mg, err := NewMultigrid(a, dims, &MultigridOptions{Smoother: sm, Cycle: WCycle, PreSmooth: 2, PostSmooth: 2})
		require.NoError(t, err)
		n := a.Dim()
		u, v := make([]float64, n), make([]float64, n)
		for i := range u {
			u[i] = math.Sin(float64(i))
			v[i] = math.Cos(float64(3 * i))
		}
		mu, mv := make([]float64, n), make([]float64, n)
		mg.Apply(mu, u)
		mg.Apply(mv, v)
		assert.InEpsilon(t, dot(v, mu), dot(u, mv), 1e-10, "%v", sm)
	}
}

func TestMultigridBadInput(t *testing.T) {
	a := laplaceND([]int{8, 8}, nil)
	_, err := NewMultigrid(a, []int{8, 7}, nil)
	assert.ErrorIs(t, err, ErrDimension)
	_, err = NewMultigrid(a, []int{64}, nil)
	assert.ErrorIs(t, err, ErrNotGrid, "a 2D matrix is not a 1D grid")
	_, err = NewMultigrid(a, []int{4, 4, 4}, nil)
	assert.ErrorIs(t, err, ErrNotGrid)
	_, err = NewMultigrid(a, nil, nil)
	assert.ErrorIs(t, err, ErrDimension)
	bad := a.Clone()
	bad.Val[0] = math.NaN()
	_, err = NewMultigrid(bad, []int{8, 8}, nil)
	assert.ErrorIs(t, err, sparse.ErrNotFinite)
	neg := sparse.Add(-1, a, 0, a)
	_, err = NewMultigrid(neg, []int{8, 8}, nil)
	assert.ErrorIs(t, err, ErrZeroDiagonal)
	_, err = NewMultigrid(a, []int{8, 8}, &MultigridOptions{PreSmooth: -1})
	assert.ErrorIs(t, err, ErrSettings)
}

func TestProlongationIsLinearInterpolation(t *testing.T) {
	// P maps the coarse samples of a linear function that vanishes at
	// the left boundary to its fine samples (exact for linear data) for
	// odd N; for even N the last fine node is a coarse node and the rest
	// interpolate.
	for _, N := range []int{7, 8} {
		c, _ := coarsen([]int{N})
		fs, cs := newGridShape([]int{N}), newGridShape(c)
		p := prolongation(&fs, &cs)
		h := 1 / float64(N+1)
		xc := make([]float64, c[0])
		for i := range xc {
			xc[i] = float64(2*i+2) * h // fine index 2i+1 sits at (2i+2)h
		}
		xf := make([]float64, N)
		p.MulVecTo(xf, xc)
		for j := 0; j < N-1; j++ { // all but the right boundary neighbour
			assert.InDelta(t, float64(j+1)*h, xf[j], 1e-14, "N=%d j=%d", N, j)
		}
	}
}

func TestMultigridAllocatesNothing(t *testing.T) {
	for _, N := range []int{63, 255} { // 255²: the parallel kernels too
		multigridAllocs(t, []int{N, N})
	}
}

func multigridAllocs(t *testing.T, dims []int) {
	a := laplaceND(dims, nil)
	mg, err := NewMultigrid(a, dims, nil)
	require.NoError(t, err)
	b := onesRHS(a.Dim())
	x := make([]float64, a.Dim())
	allocs := testing.AllocsPerRun(5, func() { mg.Apply(x, b) })
	assert.Equal(t, 0.0, allocs)
	var cg CG
	s := &Settings{Preconditioner: mg}
	_, err = cg.Solve(x, a, b, s)
	require.NoError(t, err)
	allocs = testing.AllocsPerRun(3, func() { cg.Solve(x, a, b, s) })
	assert.Equal(t, 0.0, allocs)
}

// TestTransferMatchesMatrix checks the matrix-free prolongation and
// restriction against the explicit P and Pᵀ.
func TestTransferMatchesMatrix(t *testing.T) {
	for _, dims := range [][]int{{9}, {10}, {7, 8}, {5, 6, 7}, {2, 9}, {300, 301}, {40, 41, 42}} {
		fine := newGridShape(dims)
		cd, _ := coarsen(dims)
		coarse := newGridShape(cd)
		p := prolongation(&fine, &coarse)
		tr := newTransfer(fine, coarse)
		xc := make([]float64, coarse.size())
		for i := range xc {
			xc[i] = math.Sin(float64(i) + 1)
		}
		want := make([]float64, fine.size())
		p.MulVecTo(want, xc)
		got := make([]float64, fine.size())
		var k kernels
		t1, t2 := make([]float64, fine.size()), make([]float64, fine.size())
		k.transfer(plan(tr.passes(true, t1, t2), got, xc))
		assert.InDeltaSlice(t, want, got, 1e-14, "%v", dims)
		r := make([]float64, fine.size())
		for i := range r {
			r[i] = math.Cos(float64(i))
		}
		wantC := make([]float64, coarse.size())
		p.T().MulVecTo(wantC, r)
		gotC := make([]float64, coarse.size())
		k.transfer(plan(tr.passes(false, t1, t2), gotC, r))
		assert.InDeltaSlice(t, wantC, gotC, 1e-14, "%v", dims)
	}
}

// TestMultigridUpdate: a hierarchy updated to new values of one pattern
// applies the same preconditioner as one built for them afresh (to
// rounding), in 2D and 3D; another pattern is refused.
func TestMultigridUpdate(t *testing.T) {
	for _, dims := range [][]int{{33, 30}, {12, 11, 10}} {
		a1 := laplaceND(dims, func(i int) float64 { return 1 + 0.5*math.Sin(float64(i)) })
		a2 := laplaceND(dims, func(i int) float64 { return math.Exp(2 * math.Cos(0.37*float64(i))) })
		m, err := NewMultigrid(a1, dims, nil)
		require.NoError(t, err)
		require.NoError(t, m.Update(a2))
		fresh, err := NewMultigrid(a2, dims, nil)
		require.NoError(t, err)
		r := onesRHS(a2.Dim())
		y1, y2 := make([]float64, len(r)), make([]float64, len(r))
		m.Apply(y1, r)
		fresh.Apply(y2, r)
		assert.InDeltaSlice(t, y2, y1, 1e-12*norm(y2), "%v", dims)
		x := make([]float64, len(r))
		res, err := (&CG{}).Solve(x, a2, r, &Settings{Preconditioner: m})
		require.NoError(t, err)
		assert.LessOrEqual(t, res.Iterations, 20) // 16 in 3D: contrast e^{±2} between neighbours
	}
	m, err := NewMultigrid(laplaceND([]int{9, 9}, nil), []int{9, 9}, nil)
	require.NoError(t, err)
	assert.ErrorIs(t, m.Update(laplaceND([]int{9, 10}, nil)), ErrDimension)
	bad := laplaceND([]int{9, 9}, nil)
	bad.Val[bad.DiagIndex()[4]] = -1
	assert.ErrorIs(t, m.Update(bad), ErrZeroDiagonal)
}

// TestMultigridConcurrentApply: two CG solvers sharing one Multigrid (each
// smoother, a grid large enough for the two-goroutine kernels) and Solve
// on it from several goroutines give exactly the results of lone calls
// (run with -race to check the memory accesses too).
func TestMultigridConcurrentApply(t *testing.T) {
	dims := []int{190, 190}
	if testing.Short() {
		dims = []int{60, 60}
	}
	a := laplaceND(dims, func(i int) float64 { return 1 + 0.5*math.Sin(float64(i)) })
	n := a.Dim()
	b := onesRHS(n)
	for _, sm := range []Smoother{RedBlackGaussSeidel, WeightedJacobi, Chebyshev} {
		mg, err := NewMultigrid(a, dims, &MultigridOptions{Smoother: sm})
		require.NoError(t, err)
		s := &Settings{Preconditioner: mg, RelTol: 1e-10}
		want := make([]float64, n)
		var cg CG
		_, err = cg.Solve(want, a, b, s)
		require.NoError(t, err)
		wantMG := make([]float64, n)
		_, err = mg.Solve(wantMG, a, b, &Settings{RelTol: 1e-10})
		require.NoError(t, err)
		got := make([][]float64, 4)
		errs := make([]error, len(got))
		var wg sync.WaitGroup
		for g := range got {
			got[g] = make([]float64, n)
			wg.Go(func() {
				if g%2 == 0 {
					var cg CG // its own method value, the shared preconditioner
					_, errs[g] = cg.Solve(got[g], a, b, s)
				} else {
					_, errs[g] = mg.Solve(got[g], a, b, &Settings{RelTol: 1e-10})
				}
			})
		}
		wg.Wait()
		for g := range got {
			require.NoError(t, errs[g])
			if g%2 == 0 {
				assert.Equal(t, want, got[g], "%v CG goroutine %d", sm, g)
			} else {
				assert.Equal(t, wantMG, got[g], "%v Multigrid.Solve goroutine %d", sm, g)
			}
		}
	}
}

// TestMultigridBadOptions: options out of range are an ErrSettings error.
func TestMultigridBadOptions(t *testing.T) {
	a := laplaceND([]int{9, 9}, nil)
	for _, o := range []MultigridOptions{{PreSmooth: -1}, {JacobiWeight: math.NaN()}, {Smoother: 7}, {Cycle: -1}, {CoarseSize: -2}, {PostSmooth: MaxSmoothingSteps + 1}} {
		_, err := NewMultigrid(a, []int{9, 9}, &o)
		assert.ErrorIs(t, err, ErrSettings, "%+v", o)
	}
}
