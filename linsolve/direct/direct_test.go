package direct

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/sparse"
)

// grid returns the (2·d+1)-point Laplacian on the tensor grid dims with
// Dirichlet boundaries, plus a first-order upwind convection term of
// strength conv along the first axis (nonsymmetric when conv ≠ 0).
func grid(dims []int, conv float64) *sparse.CSR {
	n := 1
	for _, d := range dims {
		n *= d
	}
	t := sparse.NewTriplet(n, n, (2*len(dims)+1)*n)
	stride := 1
	strides := make([]int, len(dims))
	for k := len(dims) - 1; k >= 0; k-- {
		strides[k] = stride
		stride *= dims[k]
	}
	for i := range n {
		diag := 0.0
		for k, d := range dims {
			c := (i / strides[k]) % d
			for _, s := range []int{-1, 1} {
				v := -1.0
				if k == 0 {
					v -= conv * float64(max(s, 0)) // upwind: couple to the upstream side
				}
				diag -= v
				if c+s >= 0 && c+s < d {
					t.Append(i, i+s*strides[k], v)
				}
			}
		}
		t.Append(i, i, diag)
	}
	return t.ToCSR()
}

// permute returns Q·A·Qᵀ for a seeded random permutation Q.
func permute(a *sparse.CSR, seed uint64) *sparse.CSR {
	return sparse.SymPermute(a, rand.New(rand.NewPCG(seed, 1)).Perm(a.Dim()))
}

// rowPermute returns A with its rows permuted at random: the diagonal is
// structurally zero in most rows, as in circuit and chemical-process
// matrices.
func rowPermute(a *sparse.CSR, seed uint64) *sparse.CSR {
	n := a.Dim()
	perm := rand.New(rand.NewPCG(seed, 4)).Perm(n)
	t := sparse.NewTriplet(n, n, a.NNZ())
	for i := range n {
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			t.Append(perm[i], int(a.ColIdx[k]), a.Val[k])
		}
	}
	return t.ToCSR()
}

// randomSparse returns a random nonsymmetric matrix with about nnzRow
// entries per row and a zero diagonal, made nonsingular by a random
// permutation matrix scaled by 3.
func randomSparse(n, nnzRow int, seed uint64) *sparse.CSR {
	rng := rand.New(rand.NewPCG(seed, 5))
	t := sparse.NewTriplet(n, n, (nnzRow+1)*n)
	perm := rng.Perm(n)
	for i := range n {
		t.Append(i, perm[i], 3*(1+rng.Float64()))
		for range nnzRow {
			if j := rng.IntN(n); j != i {
				t.Append(i, j, rng.NormFloat64())
			}
		}
	}
	a := t.ToCSR()
	for _, k := range a.DiagIndex() {
		if k >= 0 {
			a.Val[k] = 0 // stored zeros on the diagonal
		}
	}
	return a
}

func relResidual(a *sparse.CSR, x, b []float64) float64 {
	r := make([]float64, len(b))
	a.MulVecTo(r, x)
	var rn, bn float64
	for i := range r {
		rn += (b[i] - r[i]) * (b[i] - r[i])
		bn += b[i] * b[i]
	}
	return math.Sqrt(rn / bn)
}

// backwardError returns the normwise backward error
// ‖b − A·x‖∞ / (‖A‖∞·‖x‖∞ + ‖b‖∞) (Higham 2002, Thm. 7.1): a backward-stable
// solve makes it a small multiple of the unit roundoff 1.1e-16, whatever
// the condition number.
func backwardError(a *sparse.CSR, x, b []float64) float64 {
	r := make([]float64, len(b))
	a.MulVecTo(r, x)
	var rn, an, xn, bn float64
	for i := range r {
		rn = math.Max(rn, math.Abs(b[i]-r[i]))
		xn = math.Max(xn, math.Abs(x[i]))
		bn = math.Max(bn, math.Abs(b[i]))
		var row float64
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			row += math.Abs(a.Val[k])
		}
		an = math.Max(an, row)
	}
	return rn / (an*xn + bn)
}

func rhs(n int) []float64 {
	b := make([]float64, n)
	for i := range b {
		b[i] = 1 + math.Sin(float64(3*i))
	}
	return b
}

// denseSolve solves with gonum's dense LU and returns the solution and
// the tolerance a backward-stable solver's forward error meets,
// κ(A)·10⁻¹⁴.
func denseSolve(t *testing.T, a *sparse.CSR, b []float64) ([]float64, float64) {
	n := a.Dim()
	d := mat.NewDense(n, n, a.Dense())
	var x mat.VecDense
	require.NoError(t, x.SolveVec(d, mat.NewVecDense(n, slices.Clone(b))))
	return x.RawVector().Data, math.Max(mat.Cond(d, 1)*1e-14, 1e-12)
}

func relDiff(x, y []float64) float64 {
	var d, s float64
	for i := range x {
		d += (x[i] - y[i]) * (x[i] - y[i])
		s += y[i] * y[i]
	}
	return math.Sqrt(d / s)
}

func TestOrderingsArePermutations(t *testing.T) {
	// Two components, an isolated vertex, a 2D and a 3D grid.
	two := sparse.NewTriplet(7, 7, 0)
	for _, e := range [][2]int{{0, 1}, {1, 2}, {4, 5}, {5, 6}, {6, 4}} {
		two.Append(e[0], e[1], 1)
		two.Append(e[1], e[0], 1)
	}
	for i := range 7 {
		two.Append(i, i, 4)
	}
	mats := []*sparse.CSR{two.ToCSR(), grid([]int{37, 23}, 0), permute(grid([]int{9, 8, 7}, 0), 3), randomSparse(300, 3, 1), sparse.Identity(1)}
	for _, a := range mats {
		for o := range Ordering(len(orderingNames)) {
			perm, err := Order(a, o)
			require.NoError(t, err)
			seen := make([]bool, a.Dim())
			for _, v := range perm {
				require.False(t, seen[v], "%v repeats %d", o, v)
				seen[v] = true
			}
			assert.Len(t, perm, a.Dim(), "%v", o)
		}
	}
	for _, name := range []string{"nd", "md", "amd", "rcm", "natural"} {
		_, err := ParseOrdering(name)
		assert.NoError(t, err)
	}
	_, err := ParseOrdering("metis")
	assert.ErrorContains(t, err, "unknown ordering")
}

// TestCholesky solves SPD systems to a relative residual of 1e-12 (one
// refinement step) with every ordering and checks the solution against
// dense LU; nested dissection and minimum degree fill less than the
// natural order on a grid (George 1973: O(n log n) against O(n^{3/2})).
func TestCholesky(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	cases := map[string]*sparse.CSR{
		"poisson 2D 30²":    grid([]int{30, 30}, 0),
		"poisson 3D 10³":    grid([]int{10, 10, 10}, 0),
		"permuted 2D 25²":   permute(grid([]int{25, 25}, 0), 7),
		"random coef 2D":    randomCoef(grid([]int{20, 20}, 0), rng),
		"one by one":        sparse.Identity(1),
		"disconnected diag": sparse.Add(2, sparse.Identity(5), 0, sparse.Identity(5)),
	}
	for name, a := range cases {
		b := rhs(a.Dim())
		want, tol := denseSolve(t, a, b)
		for o := range Ordering(len(orderingNames)) {
			c, err := NewCholesky(a, &Settings{Ordering: o})
			require.NoError(t, err, "%s %v", name, o)
			x := make([]float64, a.Dim())
			require.NoError(t, c.SolveTo(x, b))
			assert.LessOrEqual(t, backwardError(a, x, b), 1e-15, "%s %v", name, o)
			if tol <= 1e-12 { // well conditioned: the residual is small too
				assert.LessOrEqual(t, relResidual(a, x, b), 1e-12, "%s %v", name, o)
			}
			assert.LessOrEqual(t, relDiff(x, want), tol, "%s %v", name, o)
			t.Logf("%s %v: backward error %.2g, residual %.2g, forward %.2g (tol %.2g)", name, o, backwardError(a, x, b), relResidual(a, x, b), relDiff(x, want), tol)
		}
	}
	a := grid([]int{64, 64}, 0)
	fill := map[Ordering]int{}
	for o := range Ordering(len(orderingNames)) {
		c, err := NewCholesky(a, &Settings{Ordering: o})
		require.NoError(t, err)
		fill[o] = c.NNZ()
		t.Logf("64² Poisson, %v: nnz(L) = %d, flops %.3g", o, c.NNZ(), c.Flops())
	}
	assert.Less(t, fill[NestedDissection], fill[Natural]*2/3)
	assert.Less(t, fill[MinimumDegree], fill[Natural]*2/3)
	assert.Less(t, fill[RCM], fill[Natural]*11/10)
}

func randomCoef(a *sparse.CSR, rng *rand.Rand) *sparse.CSR {
	// Scale symmetric pairs by random factors and restore diagonal
	// dominance: still SPD, entries over 6 orders of magnitude.
	n := a.Dim()
	t := sparse.NewTriplet(n, n, a.NNZ())
	diag := make([]float64, n)
	for i := range n {
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			j := int(a.ColIdx[k])
			if j < i {
				v := a.Val[k] * math.Pow(10, 6*rng.Float64()-3)
				t.Append(i, j, v)
				t.Append(j, i, v)
				diag[i] -= v
				diag[j] -= v
			}
		}
	}
	for i, d := range diag {
		t.Append(i, i, d+1e-3)
	}
	return t.ToCSR()
}

// TestCholeskyFactor refactors new values of one pattern.
func TestCholeskyFactor(t *testing.T) {
	a := grid([]int{20, 20}, 0)
	c, err := NewCholesky(a, nil)
	require.NoError(t, err)
	a2 := a.Clone()
	for i, k := range a2.DiagIndex() {
		a2.Val[k] += float64(i % 7)
	}
	require.NoError(t, c.Factor(a2))
	b := rhs(a.Dim())
	x := make([]float64, a.Dim())
	require.NoError(t, c.SolveTo(x, b))
	assert.LessOrEqual(t, relResidual(a2, x, b), 1e-12)
	// Apply (no refinement) is the same solve to rounding.
	y := make([]float64, a.Dim())
	c.Apply(y, b)
	assert.LessOrEqual(t, relDiff(y, x), 1e-12)
	assert.ErrorIs(t, c.Factor(grid([]int{20, 21}, 0)), ErrDimension)
}

// TestLU solves nonsymmetric systems — convection–diffusion, rows
// permuted so that the diagonal is structurally zero, random sparse with
// a stored zero diagonal — to 1e-12 and against dense LU.
func TestLU(t *testing.T) {
	cases := map[string]*sparse.CSR{
		"convdiff 2D 30²":      grid([]int{30, 30}, 50),
		"convdiff 3D 8³":       grid([]int{8, 8, 8}, 5),
		"rows permuted 20²":    rowPermute(grid([]int{20, 20}, 3), 2),
		"random zero diagonal": randomSparse(400, 3, 3),
		"symmetric poisson":    grid([]int{15, 15}, 0),
	}
	for name, a := range cases {
		b := rhs(a.Dim())
		want, tol := denseSolve(t, a, b)
		for o := range Ordering(len(orderingNames)) {
			f, err := NewLU(a, &Settings{Ordering: o})
			require.NoError(t, err, "%s %v", name, o)
			// The supernodal path without interchanges where the diagonal
			// pivots pass the threshold, the pivoting one otherwise.
			wantPivoting := name == "random zero diagonal" || name == "rows permuted 20²"
			assert.Equal(t, wantPivoting, f.Pivoting(), "%s %v", name, o)
			x := make([]float64, a.Dim())
			require.NoError(t, f.SolveTo(x, b))
			assert.LessOrEqual(t, backwardError(a, x, b), 1e-15, "%s %v", name, o)
			if tol <= 1e-12 { // well conditioned: the residual is small too
				assert.LessOrEqual(t, relResidual(a, x, b), 1e-12, "%s %v", name, o)
			}
			assert.LessOrEqual(t, relDiff(x, want), tol, "%s %v", name, o)
			t.Logf("%s %v: backward error %.2g, residual %.2g, forward %.2g (tol %.2g)", name, o, backwardError(a, x, b), relResidual(a, x, b), relDiff(x, want), tol)
		}
	}
}

// TestFactor picks Cholesky for SPD and LU otherwise, including a
// symmetric indefinite matrix.
func TestFactor(t *testing.T) {
	spd := grid([]int{12, 12}, 0)
	f, err := Factor(spd, nil)
	require.NoError(t, err)
	assert.IsType(t, &Cholesky{}, f)
	indef := sparse.Add(1, spd, -3.3, sparse.Identity(spd.Dim())) // shifted into the spectrum
	f, err = Factor(indef, nil)
	require.NoError(t, err)
	assert.IsType(t, &LU{}, f)
	b := rhs(spd.Dim())
	x := make([]float64, len(b))
	require.NoError(t, f.SolveTo(x, b))
	assert.LessOrEqual(t, relResidual(indef, x, b), 1e-12)
	f, err = Factor(grid([]int{12, 12}, 4), nil)
	require.NoError(t, err)
	assert.IsType(t, &LU{}, f)
}

// TestBadInput: clear errors naming the culprit, never a panic.
func TestBadInput(t *testing.T) {
	a := grid([]int{6, 6}, 0)
	// Structurally singular: an empty column.
	tr := sparse.NewTriplet(3, 3, 0)
	tr.Append(0, 0, 1)
	tr.Append(1, 0, 1)
	tr.Append(2, 2, 1)
	_, err := NewLU(tr.ToCSR(), nil)
	require.ErrorIs(t, err, ErrSingular)
	assert.Contains(t, err.Error(), "column 1")
	// Numerically singular: two equal rows.
	tr = sparse.NewTriplet(3, 3, 0)
	for _, e := range [][3]float64{{0, 0, 1}, {0, 1, 2}, {1, 0, 1}, {1, 1, 2}, {2, 2, 1}} {
		tr.Append(int(e[0]), int(e[1]), e[2])
	}
	_, err = NewLU(tr.ToCSR(), &Settings{Ordering: Natural})
	require.ErrorIs(t, err, ErrSingular)
	assert.Contains(t, err.Error(), "zero pivot")
	// Indefinite to Cholesky.
	_, err = NewCholesky(sparse.Add(1, a, -10, sparse.Identity(a.Dim())), nil)
	require.ErrorIs(t, err, ErrNotPositiveDefinite)
	// Nonsymmetric to Cholesky.
	_, err = NewCholesky(grid([]int{6, 6}, 2), nil)
	require.ErrorIs(t, err, ErrNotSymmetric)
	// NaN.
	bad := a.Clone()
	bad.Val[5] = math.NaN()
	_, err = NewCholesky(bad, nil)
	assert.ErrorIs(t, err, sparse.ErrNotFinite)
	_, err = NewLU(bad, nil)
	assert.ErrorIs(t, err, sparse.ErrNotFinite)
	// Rectangular.
	_, err = NewLU(sparse.NewTriplet(2, 3, 0).ToCSR(), nil)
	assert.ErrorIs(t, err, ErrDimension)
	// Fill limit: refused before L is allocated (Cholesky), or as soon
	// as passed (LU).
	big := grid([]int{30, 30}, 0)
	_, err = NewCholesky(big, &Settings{MaxNNZ: 5000})
	assert.ErrorIs(t, err, ErrFillLimit)
	_, err = NewLU(big, &Settings{MaxNNZ: 5000})
	assert.ErrorIs(t, err, ErrFillLimit)
	// Settings out of range.
	for _, s := range []Settings{{PivotTol: 2}, {PivotTol: math.NaN()}, {MaxNNZ: -1}, {Ordering: 9}} {
		_, err = NewLU(a, &s)
		assert.Error(t, err, "%+v", s)
		_, err = Factor(a, &s)
		assert.Error(t, err, "%+v", s)
	}
	// Solve sizes and NaN right-hand sides.
	c, err := NewCholesky(a, nil)
	require.NoError(t, err)
	assert.ErrorIs(t, c.SolveTo(make([]float64, 3), rhs(a.Dim())), ErrDimension)
	nb := rhs(a.Dim())
	nb[2] = math.Inf(1)
	assert.ErrorIs(t, c.SolveTo(make([]float64, a.Dim()), nb), sparse.ErrNotFinite)
}

// TestLUFactor refactors new values of one pattern: a zeroed diagonal
// entry sends the factorization to the pivoting path, the original values
// back to the supernodal one, each solve to the rounding level.
func TestLUFactor(t *testing.T) {
	a := grid([]int{20, 20}, 5)
	f, err := NewLU(a, nil)
	require.NoError(t, err)
	require.False(t, f.Pivoting())
	z := a.Clone()
	z.Val[z.DiagIndex()[f.q[0]]] = 0 // the first pivot: zero, no update can fix it
	b := rhs(a.Dim())
	x := make([]float64, a.Dim())
	for _, tc := range []struct {
		m        *sparse.CSR
		pivoting bool
	}{{z, true}, {a, false}} {
		require.NoError(t, f.Factor(tc.m))
		assert.Equal(t, tc.pivoting, f.Pivoting())
		require.NoError(t, f.SolveTo(x, b))
		assert.LessOrEqual(t, backwardError(tc.m, x, b), 1e-15)
	}
	assert.ErrorIs(t, f.Factor(grid([]int{20, 21}, 0)), ErrDimension)
}
