package direct

import (
	"fmt"
	"math"
	"slices"

	"github.com/pdekit/pdekit/sparse"
)

// LU is the sparse factorization P·A·Q = L·U of a general square matrix:
// Q a fill-reducing column ordering (of A + Aᵀ's pattern), P the row
// permutation chosen by threshold partial pivoting, L unit lower and U
// upper triangular. It is the left-looking algorithm of Gilbert and
// Peierls (1988), as in CSparse's cs_lu (Davis 2006, §6.3): column k of
// L and U is one sparse triangular solve with the columns before it,
// whose pattern is found by a depth-first search in the graph of L.
//
// Zero and structurally missing diagonal entries are no obstacle: the
// pivot is then the largest entry of the column. A matrix whose diagonal
// pivots all pass the threshold test in the fill-reducing order (most
// discretised PDEs) is first tried on a faster supernodal path without
// interchanges, on the structure of the Cholesky factor of A + Aᵀ; at the
// first pivot that fails the test the pivoting algorithm takes over. A Cholesky-style
// symmetric ordering and the diagonal preference keep fill low on
// matrices whose pattern is nearly symmetric (PDE discretisations).
type LU struct {
	n      int
	q      []int // column order: q[k] is the column of A factored k-th
	pinv   []int // pinv[i]: the pivot step of row i of A
	lp, up []int
	li, ui []int32
	lx, ux []float64
	a      *sparse.CSR
	refine int
	o      Settings
	// The supernodal fast path, used while its pivots pass the
	// threshold test; nil when the pivoting factors above are in use.
	sn    *snLU
	snPat *sparse.CSR // the pattern sn was analysed for
}

// NewLU analyses and factors a with the settings s (nil means the
// defaults). A column without a nonzero pivot candidate is an error
// wrapping ErrSingular that names it.
func NewLU(a *sparse.CSR, s *Settings) (*LU, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	o := s.resolve()
	if err := checkMatrix("LU", a); err != nil {
		return nil, err
	}
	q, err := Order(a, o.Ordering)
	if err != nil {
		return nil, err
	}
	f := &LU{n: a.Dim(), q: q, refine: o.Refine, o: o}
	if err := f.Factor(a); err != nil {
		return nil, err
	}
	return f, nil
}

// trySupernodal factors a by the supernodal path without interchanges
// and reports whether every pivot passed the threshold test.
func (f *LU) trySupernodal(a *sparse.CSR) (bool, error) {
	if f.sn == nil || !samePattern(f.snPat, a) {
		sn, err := newSNLU(a, f.q, f.o.MaxNNZ)
		if err != nil {
			return false, err
		}
		f.sn, f.snPat = sn, &sparse.CSR{RowPtr: slices.Clone(a.RowPtr), ColIdx: slices.Clone(a.ColIdx)}
	}
	if err := f.sn.factor(a, f.o.PivotTol); err != nil {
		return false, nil
	}
	return true, nil
}

func samePattern(p, a *sparse.CSR) bool {
	return p != nil && slices.Equal(p.RowPtr, a.RowPtr) && slices.Equal(p.ColIdx, a.ColIdx)
}

// Factor refactors a matrix of the same order with new values (and
// possibly another pattern), keeping the column ordering; pivots are
// chosen afresh.
func (f *LU) Factor(a *sparse.CSR) error {
	if err := checkMatrix("LU", a); err != nil {
		return err
	}
	if a.Dim() != f.n {
		return fmt.Errorf("%w: LU of order %d given a matrix of order %d", ErrDimension, f.n, a.Dim())
	}
	f.a = nil
	if ok, err := f.trySupernodal(a); err != nil {
		return err
	} else if ok {
		f.a = a
		return nil
	}
	f.sn, f.snPat = nil, nil
	n := f.n
	at := a.T() // rows of Aᵀ are the columns of A
	tol := f.o.PivotTol
	est := 4*a.NNZ() + n
	lp := make([]int, n+1)
	up := make([]int, n+1)
	li := make([]int32, 0, est)
	ui := make([]int32, 0, est)
	lx := make([]float64, 0, est)
	ux := make([]float64, 0, est)
	pinv := make([]int, n)
	for i := range pinv {
		pinv[i] = -1
	}
	x := make([]float64, n)
	xi := make([]int32, n)    // the pattern of column k, in topological order in xi[top:]
	stack := make([]int32, n) // DFS stack of nodes
	pstack := make([]int, n)  // and of positions in their adjacency
	mark := make([]int32, n)  // visited stamp: k+1
	for k := range n {
		col := f.q[k]
		stamp := int32(k + 1)
		// Depth-first search from each entry of A(:, col) in the graph of
		// L: the reach is the pattern of x = L \ A(:, col).
		top := n
		for p := at.RowPtr[col]; p < at.RowPtr[col+1]; p++ {
			j := at.ColIdx[p]
			if mark[j] == stamp {
				continue
			}
			head := 0
			stack[0] = j
			for head >= 0 {
				v := stack[head]
				jv := pinv[v]
				if mark[v] != stamp {
					mark[v] = stamp
					if jv >= 0 {
						pstack[head] = lp[jv] + 1 // skip L's unit diagonal
					}
				}
				done := true
				if jv >= 0 {
					end := lp[jv+1]
					for t := pstack[head]; t < end; t++ {
						w := li[t]
						if mark[w] != stamp {
							pstack[head] = t + 1
							head++
							stack[head] = w
							done = false
							break
						}
					}
				}
				if done {
					head--
					top--
					xi[top] = v
				}
			}
		}
		// Numeric solve: x = L \ A(:, col).
		for p := at.RowPtr[col]; p < at.RowPtr[col+1]; p++ {
			x[at.ColIdx[p]] = at.Val[p]
		}
		for _, j := range xi[top:] {
			jj := pinv[j]
			if jj < 0 {
				continue
			}
			xj := x[j]
			if xj == 0 {
				continue
			}
			for t := lp[jj] + 1; t < lp[jj+1]; t++ {
				x[li[t]] -= lx[t] * xj
			}
		}
		// The pivot: the diagonal row if it is large enough, else the
		// largest candidate.
		ipiv, amax := -1, -1.0
		up[k] = len(ui)
		for _, i := range xi[top:] {
			if pinv[i] < 0 {
				if v := math.Abs(x[i]); v > amax {
					amax, ipiv = v, int(i)
				}
			} else {
				ui = append(ui, int32(pinv[i]))
				ux = append(ux, x[i])
			}
		}
		if ipiv < 0 || !(amax > 0) {
			for _, i := range xi[top:] {
				x[i] = 0
			}
			if ipiv < 0 {
				return fmt.Errorf("%w: column %d (elimination step %d) has no entry in the rows not yet pivotal (structurally singular)", ErrSingular, col, k)
			}
			return fmt.Errorf("%w: column %d (elimination step %d) has a zero pivot (numerically singular)", ErrSingular, col, k)
		}
		if pinv[col] < 0 && math.Abs(x[col]) >= tol*amax {
			ipiv = col
		}
		pivot := x[ipiv]
		ui = append(ui, int32(k))
		ux = append(ux, pivot)
		pinv[ipiv] = k
		lp[k] = len(li)
		li = append(li, int32(ipiv))
		lx = append(lx, 1)
		for _, i := range xi[top:] {
			if pinv[i] < 0 {
				li = append(li, i)
				lx = append(lx, x[i]/pivot)
			}
			x[i] = 0
		}
		lp[k+1] = len(li)
		if f.o.MaxNNZ > 0 && len(li)+len(ui) > f.o.MaxNNZ {
			return fmt.Errorf("%w: LU passed %d nonzeros at column %d of %d (ordering %v)", ErrFillLimit, f.o.MaxNNZ, k, n, f.o.Ordering)
		}
	}
	up[n] = len(ui)
	// Row indices of L in pivot order.
	for t, i := range li {
		li[t] = int32(pinv[i])
	}
	f.pinv, f.lp, f.up, f.li, f.ui, f.lx, f.ux, f.a = pinv, lp, up, li, ui, lx, ux, a
	return nil
}

// SolveTo solves A·x = b into dst with the refinement steps of the
// settings (one by default).
func (f *LU) SolveTo(dst, b []float64) error {
	if len(dst) != f.n || len(b) != f.n {
		return fmt.Errorf("%w: LU of order %d, len(b) = %d, len(dst) = %d", ErrDimension, f.n, len(b), len(dst))
	}
	if err := sparse.CheckFiniteVec("b", b); err != nil {
		return fmt.Errorf("direct: %w", err)
	}
	if f.a == nil {
		return fmt.Errorf("%w: the last Factor failed", ErrSingular)
	}
	return refineSolve(dst, b, f.a, f.n, f.refine, f.solveOnce)
}

// solveOnce sets dst = A⁻¹·b with the factors (y is scratch).
func (f *LU) solveOnce(dst, b, y []float64) {
	if f.sn != nil {
		f.sn.solve(dst, b, y)
		return
	}
	for i, k := range f.pinv {
		y[k] = b[i]
	}
	// L (unit, by columns, diagonal first).
	for j := range f.n {
		yj := y[j]
		if yj == 0 {
			continue
		}
		for t := f.lp[j] + 1; t < f.lp[j+1]; t++ {
			y[f.li[t]] -= f.lx[t] * yj
		}
	}
	// U (by columns, diagonal last).
	for j := f.n - 1; j >= 0; j-- {
		d := f.up[j+1] - 1
		yj := y[j] / f.ux[d]
		y[j] = yj
		if yj == 0 {
			continue
		}
		for t := f.up[j]; t < d; t++ {
			y[f.ui[t]] -= f.ux[t] * yj
		}
	}
	for k, c := range f.q {
		dst[c] = y[k]
	}
}

// Apply sets dst = A⁻¹·r without refinement.
func (f *LU) Apply(dst, r []float64) {
	y := make([]float64, f.n)
	f.solveOnce(dst, r, y)
}

// ApplyWith is Apply with the caller's scratch y (length n): it does not
// allocate, and calls with different scratch may run at once.
func (f *LU) ApplyWith(dst, r, y []float64) { f.solveOnce(dst, r, y) }

// NNZ returns the nonzeros of L and U (L's unit diagonal included).
func (f *LU) NNZ() int {
	if f.sn != nil {
		return f.sn.nnz()
	}
	return len(f.li) + len(f.ui)
}

// Pivoting reports whether the last factorization took the pivoting
// path: false means the supernodal path without interchanges (every
// diagonal pivot passed the threshold test).
func (f *LU) Pivoting() bool { return f.sn == nil }
