package direct

import (
	"fmt"
	"math"
	"slices"

	"github.com/pdekit/pdekit/sparse"
)

// Cholesky is the sparse Cholesky factorization P·A·Pᵀ = L·Lᵀ of a
// symmetric positive definite matrix, P a fill-reducing permutation. The
// symbolic analysis (ordering, elimination tree, column counts) is done
// once by NewCholesky; Factor refactors a matrix with the same pattern and
// new values at the cost of the numeric phase alone.
//
// The numeric phase is the up-looking algorithm (Davis 2006, §4.8): row k
// of L is the solution of a sparse triangular system whose pattern is the
// reach of row k of A in the elimination tree.
//
// A Cholesky is safe for concurrent SolveTo calls; Factor must not run
// concurrently with anything else.
type Cholesky struct {
	n      int
	perm   []int // perm[k]: the row of A eliminated k-th
	pinv   []int // its inverse
	parent []int // elimination tree of P·A·Pᵀ (−1 at roots)
	lp     []int // column pointers of L (diagonal first in each column)
	li     []int32
	lx     []float64
	// The lower triangle of P·A·Pᵀ by rows (columns ≤ the row), and for
	// each of its entries the position in A's value array it comes from.
	cp   []int
	ci   []int32
	amap []int
	annz int
	// The refinement settings and the matrix kept for it.
	a      *sparse.CSR
	refine int
	flops  float64
}

// NewCholesky analyses and factors the symmetric positive definite a with
// the settings s (nil means the defaults). Only the lower triangle is
// read for the factorization; the whole matrix is checked for symmetry
// unless s.SkipSymmetryCheck.
func NewCholesky(a *sparse.CSR, s *Settings) (*Cholesky, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	o := s.resolve()
	if err := checkMatrix("Cholesky", a); err != nil {
		return nil, err
	}
	if !o.SkipSymmetryCheck {
		if i, j, ok := a.Asymmetry(1e-10); !ok {
			return nil, fmt.Errorf("%w: Cholesky needs a symmetric matrix; A[%d, %d] = %v but A[%d, %d] = %v", ErrNotSymmetric, i, j, a.At(i, j), j, i, a.At(j, i))
		}
	}
	perm, err := Order(a, o.Ordering)
	if err != nil {
		return nil, err
	}
	c := &Cholesky{n: a.Dim(), perm: perm, refine: o.Refine}
	c.pinv = make([]int, c.n)
	for k, v := range perm {
		c.pinv[v] = k
	}
	c.permuteLower(a)
	c.symbolic()
	if o.MaxNNZ > 0 && len(c.li) > o.MaxNNZ {
		return nil, fmt.Errorf("%w: Cholesky needs %d nonzeros in L (ordering %v), more than the limit %d", ErrFillLimit, len(c.li), o.Ordering, o.MaxNNZ)
	}
	if err := c.Factor(a); err != nil {
		return nil, err
	}
	return c, nil
}

// permuteLower builds the row-wise lower triangle of P·A·Pᵀ and the map
// from its entries to a's.
func (c *Cholesky) permuteLower(a *sparse.CSR) {
	n := c.n
	c.cp = make([]int, n+1)
	for k := range n {
		i := c.perm[k]
		cnt := 0
		for q := a.RowPtr[i]; q < a.RowPtr[i+1]; q++ {
			if c.pinv[a.ColIdx[q]] <= k {
				cnt++
			}
		}
		c.cp[k+1] = c.cp[k] + cnt
	}
	c.ci = make([]int32, c.cp[n])
	c.amap = make([]int, c.cp[n])
	type entry struct {
		col int32
		src int
	}
	var row []entry
	for k := range n {
		i := c.perm[k]
		row = row[:0]
		for q := a.RowPtr[i]; q < a.RowPtr[i+1]; q++ {
			if j := c.pinv[a.ColIdx[q]]; j <= k {
				row = append(row, entry{int32(j), q})
			}
		}
		slices.SortFunc(row, func(x, y entry) int { return int(x.col) - int(y.col) })
		for t, e := range row {
			c.ci[c.cp[k]+t] = e.col
			c.amap[c.cp[k]+t] = e.src
		}
	}
	c.annz = a.NNZ()
}

// symbolic computes the elimination tree and the column counts of L, and
// allocates L.
func (c *Cholesky) symbolic() {
	n := c.n
	c.parent = make([]int, n)
	anc := make([]int, n)
	for k := range n {
		c.parent[k], anc[k] = -1, -1
		for q := c.cp[k]; q < c.cp[k+1]; q++ {
			for i := int(c.ci[q]); i != -1 && i < k; {
				nxt := anc[i]
				anc[i] = k // path compression
				if nxt == -1 {
					c.parent[i] = k
				}
				i = nxt
			}
		}
	}
	// Column counts: row k of L is the set of nodes on the tree paths
	// from the entries of row k of A up to k.
	counts := make([]int, n)
	mark := make([]int, n)
	for i := range mark {
		mark[i] = -1
	}
	for k := range n {
		mark[k] = k
		counts[k]++
		for q := c.cp[k]; q < c.cp[k+1]; q++ {
			for i := int(c.ci[q]); mark[i] != k; i = c.parent[i] {
				mark[i] = k
				counts[i]++
			}
		}
	}
	c.lp = make([]int, n+1)
	c.flops = 0
	for j, cnt := range counts {
		c.lp[j+1] = c.lp[j] + cnt
		c.flops += float64(cnt) * float64(cnt)
	}
	c.li = make([]int32, c.lp[n])
	c.lx = make([]float64, c.lp[n])
}

// Factor recomputes the numeric factorization for a matrix a with the
// pattern of the one given to NewCholesky and new values. It fails with
// an error wrapping ErrNotPositiveDefinite at the first non-positive
// pivot, leaving the Cholesky unusable until a successful Factor.
func (c *Cholesky) Factor(a *sparse.CSR) error {
	if a.Dim() != c.n || a.NNZ() != c.annz {
		return fmt.Errorf("%w: Factor needs the pattern of the analysed matrix (%d×%d, %d nonzeros), got %d nonzeros, n = %d", ErrDimension, c.n, c.n, c.annz, a.NNZ(), a.Dim())
	}
	if err := checkMatrix("Cholesky", a); err != nil {
		return err
	}
	n := c.n
	x := make([]float64, n)
	stack := make([]int, n)
	mark := make([]int, n)
	for i := range mark {
		mark[i] = -1
	}
	next := make([]int, n) // next free slot of each column of L
	copy(next, c.lp[:n])
	lp, li, lx := c.lp, c.li, c.lx
	for k := range n {
		// The pattern of row k: the reach of row k's entries in the tree,
		// in topological order in stack[top:].
		top := n
		mark[k] = k
		for q := c.cp[k]; q < c.cp[k+1]; q++ {
			j := int(c.ci[q])
			x[j] = a.Val[c.amap[q]]
			length := 0
			for i := j; mark[i] != k; i = c.parent[i] {
				stack[length] = i
				length++
				mark[i] = k
			}
			for length > 0 {
				length--
				top--
				stack[top] = stack[length]
			}
		}
		d := x[k]
		x[k] = 0
		for _, i := range stack[top:n] {
			lki := x[i] / lx[lp[i]]
			x[i] = 0
			end := next[i]
			rows := li[lp[i]+1 : end]
			vals := lx[lp[i]+1 : end]
			for t, r := range rows {
				x[r] -= vals[t] * lki
			}
			d -= lki * lki
			li[end] = int32(k)
			lx[end] = lki
			next[i]++
		}
		if !(d > 0) {
			return fmt.Errorf("%w: pivot %d (row %d of A) is %.3g", ErrNotPositiveDefinite, k, c.perm[k], d)
		}
		li[next[k]] = int32(k)
		lx[next[k]] = math.Sqrt(d)
		next[k]++
	}
	c.a = a
	return nil
}

// SolveTo solves A·x = b into dst, with the iterative refinement steps of
// the settings (one by default: x += A⁻¹(b − A·x), which brings the
// backward error to the rounding level).
func (c *Cholesky) SolveTo(dst, b []float64) error {
	if len(dst) != c.n || len(b) != c.n {
		return fmt.Errorf("%w: Cholesky of order %d, len(b) = %d, len(dst) = %d", ErrDimension, c.n, len(b), len(dst))
	}
	if err := sparse.CheckFiniteVec("b", b); err != nil {
		return fmt.Errorf("direct: %w", err)
	}
	return refineSolve(dst, b, c.a, c.n, c.refine, c.solveOnce)
}

// solveOnce sets dst = A⁻¹·b with the factor alone (dst and b may not
// alias; work has length n).
func (c *Cholesky) solveOnce(dst, b, y []float64) {
	for k, v := range c.perm {
		y[k] = b[v]
	}
	lp, li, lx := c.lp, c.li, c.lx
	for j := range c.n {
		yj := y[j] / lx[lp[j]]
		y[j] = yj
		for p := lp[j] + 1; p < lp[j+1]; p++ {
			y[li[p]] -= lx[p] * yj
		}
	}
	for j := c.n - 1; j >= 0; j-- {
		s := y[j]
		for p := lp[j] + 1; p < lp[j+1]; p++ {
			s -= lx[p] * y[li[p]]
		}
		y[j] = s / lx[lp[j]]
	}
	for k, v := range c.perm {
		dst[v] = y[k]
	}
}

// NNZ returns the number of nonzeros of L (diagonal included).
func (c *Cholesky) NNZ() int { return len(c.li) }

// Flops returns Σ_j c_j², c_j the count of column j of L: the
// multiply–add count of the numeric factorization, up to lower-order
// terms.
func (c *Cholesky) Flops() float64 { return c.flops }

// Perm returns the fill-reducing permutation (perm[k] is the row of A
// eliminated k-th). The slice must not be modified.
func (c *Cholesky) Perm() []int { return c.perm }

// Apply sets dst = A⁻¹·r without refinement, so that a Cholesky serves as
// an exact preconditioner or coarse solver.
func (c *Cholesky) Apply(dst, r []float64) {
	y := make([]float64, c.n)
	c.solveOnce(dst, r, y)
}
