package sparse

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Errors returned for bad data.
var (
	// ErrNotFinite reports a NaN or ±Inf value in a matrix or vector.
	ErrNotFinite = errors.New("sparse: value is NaN or Inf")
	// ErrShape reports inconsistent dimensions or index ranges in data
	// supplied by the caller (as opposed to a programmer error in the use
	// of a product, which panics).
	ErrShape = errors.New("sparse: inconsistent shape")
)

// CSR is a real matrix in compressed sparse row form.
//
// Row i holds the entries Val[RowPtr[i]:RowPtr[i+1]] in the columns
// ColIdx[RowPtr[i]:RowPtr[i+1]], sorted increasingly and without repeats.
// The fields are exported for fast row sweeps; treat them as read-only.
type CSR struct {
	rows, cols int
	RowPtr     []int
	ColIdx     []int32
	Val        []float64
}

// NewCSR returns a CSR matrix of the given shape that takes ownership of
// rowPtr, colIdx and val. It checks that the arrays describe a valid matrix:
// len(rowPtr) == rows+1, rowPtr nondecreasing from 0 to len(colIdx),
// len(val) == len(colIdx), and column indices in [0, cols), strictly
// increasing within each row. It does not check the values for NaN; see
// CheckFinite.
func NewCSR(rows, cols int, rowPtr []int, colIdx []int32, val []float64) (*CSR, error) {
	if rows < 0 || cols < 0 || cols > math.MaxInt32 {
		return nil, fmt.Errorf("%w: %d×%d", ErrShape, rows, cols)
	}
	if len(rowPtr) != rows+1 {
		return nil, fmt.Errorf("%w: len(rowPtr) = %d, want rows+1 = %d", ErrShape, len(rowPtr), rows+1)
	}
	if len(val) != len(colIdx) {
		return nil, fmt.Errorf("%w: len(val) = %d, len(colIdx) = %d", ErrShape, len(val), len(colIdx))
	}
	if rowPtr[0] != 0 || rowPtr[rows] != len(colIdx) {
		return nil, fmt.Errorf("%w: rowPtr must run from 0 to nnz = %d", ErrShape, len(colIdx))
	}
	for i := 0; i < rows; i++ {
		lo, hi := rowPtr[i], rowPtr[i+1]
		if hi < lo {
			return nil, fmt.Errorf("%w: rowPtr decreases at row %d", ErrShape, i)
		}
		prev := int32(-1)
		for _, j := range colIdx[lo:hi] {
			if j < 0 || int(j) >= cols {
				return nil, fmt.Errorf("%w: column %d out of range [0, %d) in row %d", ErrShape, j, cols, i)
			}
			if j <= prev {
				return nil, fmt.Errorf("%w: columns not strictly increasing in row %d", ErrShape, i)
			}
			prev = j
		}
	}
	return &CSR{rows: rows, cols: cols, RowPtr: rowPtr, ColIdx: colIdx, Val: val}, nil
}

// Identity returns the n×n identity matrix.
func Identity(n int) *CSR {
	rp := make([]int, n+1)
	ci := make([]int32, n)
	v := make([]float64, n)
	for i := range n {
		rp[i+1] = i + 1
		ci[i] = int32(i)
		v[i] = 1
	}
	return &CSR{rows: n, cols: n, RowPtr: rp, ColIdx: ci, Val: v}
}

// Dims returns the number of rows and columns.
func (a *CSR) Dims() (rows, cols int) { return a.rows, a.cols }

// Dim returns the number of rows. Together with MulVecTo it makes a square
// CSR matrix a linsolve.Operator.
func (a *CSR) Dim() int { return a.rows }

// NNZ returns the number of stored entries.
func (a *CSR) NNZ() int { return len(a.Val) }

// At returns the entry (i, j), zero where nothing is stored. It panics if
// (i, j) is outside the matrix.
func (a *CSR) At(i, j int) float64 {
	if i < 0 || i >= a.rows || j < 0 || j >= a.cols {
		panic("sparse: index out of range")
	}
	lo, hi := a.RowPtr[i], a.RowPtr[i+1]
	if k, ok := slices.BinarySearch(a.ColIdx[lo:hi], int32(j)); ok {
		return a.Val[lo+k]
	}
	return 0
}

// Clone returns a deep copy of a.
func (a *CSR) Clone() *CSR {
	return &CSR{rows: a.rows, cols: a.cols,
		RowPtr: slices.Clone(a.RowPtr), ColIdx: slices.Clone(a.ColIdx), Val: slices.Clone(a.Val)}
}

// MulVecTo sets dst = A·x. It panics if len(x) != cols or len(dst) != rows.
// dst and x must not overlap.
func (a *CSR) MulVecTo(dst, x []float64) {
	if len(x) != a.cols || len(dst) != a.rows {
		panic("sparse: dimension mismatch in MulVecTo")
	}
	rp, ci, v := a.RowPtr, a.ColIdx, a.Val
	rp = rp[:len(dst)+1]
	lo := rp[0]
	for i := range dst {
		hi := rp[i+1]
		var s float64
		for k := lo; k < hi; k++ {
			s += v[k] * x[ci[k]]
		}
		dst[i] = s
		lo = hi
	}
}

// MulVecsTo sets dst[i] = A·x[i] for every i, the product with a block
// of vectors (a recycle space, a Krylov basis). Four vectors go through
// the matrix at once, so each stored entry and column index is loaded
// once per four products; every result is the one MulVecTo gives, bit
// for bit. It panics if len(dst) != len(x) or a vector has the wrong
// length. No dst[i] may overlap any x[j].
func (a *CSR) MulVecsTo(dst, x [][]float64) {
	if len(dst) != len(x) {
		panic("sparse: MulVecsTo: different numbers of results and vectors")
	}
	for i := range x {
		if len(x[i]) != a.cols || len(dst[i]) != a.rows {
			panic("sparse: dimension mismatch in MulVecsTo")
		}
	}
	i := 0
	for ; i+4 <= len(x); i += 4 {
		a.mulVecs4(dst[i:i+4], x[i:i+4])
	}
	for ; i < len(x); i++ {
		a.MulVecTo(dst[i], x[i])
	}
}

// mulVecs4 sets dst[q] = A·x[q] for q < 4; lengths are checked by the caller.
func (a *CSR) mulVecs4(dst, x [][]float64) {
	rp, ci, v := a.RowPtr, a.ColIdx, a.Val
	m := a.rows
	rp = rp[:m+1]
	d0, d1, d2, d3 := dst[0][:m], dst[1][:m], dst[2][:m], dst[3][:m]
	c := a.cols
	x0, x1, x2, x3 := x[0][:c], x[1][:c], x[2][:c], x[3][:c]
	lo := rp[0]
	for i := range d0 {
		hi := rp[i+1]
		var s0, s1, s2, s3 float64
		cs := ci[lo:hi]
		vs := v[lo:hi][:len(cs)]
		for k, j := range cs {
			w := vs[k]
			s0 += w * x0[j]
			s1 += w * x1[j]
			s2 += w * x2[j]
			s3 += w * x3[j]
		}
		d0[i], d1[i], d2[i], d3[i] = s0, s1, s2, s3
		lo = hi
	}
}

// MulVecDotTo sets dst = A·x and returns xᵀ·dst, the fused product and dot
// that a conjugate-gradient iteration needs (one pass over memory instead of
// two). A must be square.
func (a *CSR) MulVecDotTo(dst, x []float64) float64 {
	if a.rows != a.cols || len(x) != a.cols || len(dst) != a.rows {
		panic("sparse: dimension mismatch in MulVecDotTo")
	}
	rp, ci, v := a.RowPtr, a.ColIdx, a.Val
	rp = rp[:len(dst)+1]
	x = x[:len(dst)]
	var dot float64
	lo := rp[0]
	for i := range dst {
		hi := rp[i+1]
		var s float64
		for k := lo; k < hi; k++ {
			s += v[k] * x[ci[k]]
		}
		dst[i] = s
		dot += x[i] * s
		lo = hi
	}
	return dot
}

// MulVecTransTo sets dst = Aᵀ·x. It panics if len(x) != rows or
// len(dst) != cols.
func (a *CSR) MulVecTransTo(dst, x []float64) {
	if len(x) != a.rows || len(dst) != a.cols {
		panic("sparse: dimension mismatch in MulVecTransTo")
	}
	clear(dst)
	for i, xi := range x {
		lo, hi := a.RowPtr[i], a.RowPtr[i+1]
		for k := lo; k < hi; k++ {
			dst[a.ColIdx[k]] += a.Val[k] * xi
		}
	}
}

// T returns the transpose of a as a new CSR matrix.
func (a *CSR) T() *CSR {
	rp := make([]int, a.cols+1)
	for _, j := range a.ColIdx {
		rp[j+1]++
	}
	for j := range a.cols {
		rp[j+1] += rp[j]
	}
	next := slices.Clone(rp[:a.cols])
	ci := make([]int32, len(a.ColIdx))
	v := make([]float64, len(a.Val))
	for i := range a.rows {
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			j := a.ColIdx[k]
			p := next[j]
			ci[p] = int32(i)
			v[p] = a.Val[k]
			next[j]++
		}
	}
	// Rows of the transpose are filled in increasing i, so they are sorted.
	return &CSR{rows: a.cols, cols: a.rows, RowPtr: rp, ColIdx: ci, Val: v}
}

// TTo recomputes the values of dst = aᵀ in place, keeping dst's pattern:
// dst must have been made by a.T() from a matrix with a's pattern (the
// transposed restriction of algebraic multigrid on a sequence of matrices
// with one pattern). It allocates one index per column of a and panics if
// the dimensions or the pattern differ.
func (a *CSR) TTo(dst *CSR) {
	if dst.rows != a.cols || dst.cols != a.rows || len(dst.ColIdx) != len(a.ColIdx) {
		panic("sparse: dimension mismatch in TTo")
	}
	next := slices.Clone(dst.RowPtr[:a.cols])
	for i := range a.rows {
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			j := a.ColIdx[k]
			p := next[j]
			if p >= dst.RowPtr[j+1] || dst.ColIdx[p] != int32(i) {
				panic("sparse: TTo: dst does not have the pattern of aᵀ")
			}
			dst.Val[p] = a.Val[k]
			next[j]++
		}
	}
}

// DiagTo stores the main diagonal of a in dst (zero where nothing is
// stored) and returns dst. A nil dst is allocated; otherwise len(dst) must be
// min(rows, cols).
func (a *CSR) DiagTo(dst []float64) []float64 {
	m := min(a.rows, a.cols)
	if dst == nil {
		dst = make([]float64, m)
	}
	if len(dst) != m {
		panic("sparse: dimension mismatch in DiagTo")
	}
	for i := range m {
		dst[i] = 0
		lo, hi := a.RowPtr[i], a.RowPtr[i+1]
		if k, ok := slices.BinarySearch(a.ColIdx[lo:hi], int32(i)); ok {
			dst[i] = a.Val[lo+k]
		}
	}
	return dst
}

// DiagIndex returns, for each row i < min(rows, cols), the position k in
// ColIdx/Val of the diagonal entry (i, i), or -1 where the row stores none.
func (a *CSR) DiagIndex() []int {
	m := min(a.rows, a.cols)
	idx := make([]int, m)
	for i := range m {
		lo, hi := a.RowPtr[i], a.RowPtr[i+1]
		idx[i] = -1
		if k, ok := slices.BinarySearch(a.ColIdx[lo:hi], int32(i)); ok {
			idx[i] = lo + k
		}
	}
	return idx
}

// IsSymmetric reports whether a is square and |a_ij − a_ji| ≤
// tol·max(|a_ij|, |a_ji|) for every stored pair; an entry stored on one side
// only must be within tol of zero in that relative sense, that is, exactly
// zero when tol < 1. tol = 0 asks for exact symmetry. It allocates nothing
// and costs a binary search per off-diagonal entry.
func (a *CSR) IsSymmetric(tol float64) bool {
	_, _, ok := a.Asymmetry(tol)
	return ok
}

// Asymmetry returns the first position (i, j), in row order, where a fails
// IsSymmetric's test with tolerance tol, and ok = true when there is none.
// A rectangular a returns (−1, −1, false).
func (a *CSR) Asymmetry(tol float64) (i, j int, ok bool) {
	if a.rows != a.cols {
		return -1, -1, false
	}
	for i := range a.rows {
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			j := int(a.ColIdx[k])
			if j == i {
				continue
			}
			x := a.Val[k]
			var y float64
			lo, hi := a.RowPtr[j], a.RowPtr[j+1]
			if q, found := slices.BinarySearch(a.ColIdx[lo:hi], int32(i)); found {
				y = a.Val[lo+q]
			}
			if math.Abs(x-y) > tol*math.Max(math.Abs(x), math.Abs(y)) {
				return i, j, false
			}
		}
	}
	return -1, -1, true
}

// SymPermute returns P·A·Pᵀ for the square a: the entry a_ij moves to
// (to[i], to[j]). to must be a permutation of 0, …, n−1 (it is not
// checked here; callers taking one from outside check it).
func SymPermute(a *CSR, to []int) *CSR {
	n := a.Dim()
	t := NewTriplet(n, n, a.NNZ())
	for i := range n {
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			t.Append(to[i], to[a.ColIdx[k]], a.Val[k])
		}
	}
	return t.ToCSR()
}

// CheckFinite returns an error wrapping ErrNotFinite that names the first
// NaN or Inf entry of a, or nil if all entries are finite.
func (a *CSR) CheckFinite() error {
	for i := range a.rows {
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			if v := a.Val[k]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: A[%d, %d] = %v", ErrNotFinite, i, a.ColIdx[k], v)
			}
		}
	}
	return nil
}

// CheckStructure returns an error wrapping ErrShape unless a's exported
// arrays describe a valid matrix: RowPtr has rows+1 nondecreasing entries
// from 0 to len(ColIdx) = len(Val), and every column index lies in
// [0, cols). Matrices built by this package are valid; the check is for
// arrays set or changed by hand, before code that trusts them (the fused
// assembly kernels of the Krylov solvers) reads them.
func (a *CSR) CheckStructure() error {
	if len(a.RowPtr) != a.rows+1 || len(a.ColIdx) != len(a.Val) {
		return fmt.Errorf("%w: %d row pointers for %d rows, %d column indices for %d values", ErrShape, len(a.RowPtr), a.rows, len(a.ColIdx), len(a.Val))
	}
	if a.RowPtr[0] != 0 || a.RowPtr[a.rows] != len(a.ColIdx) {
		return fmt.Errorf("%w: row pointers run from %d to %d, want 0 to %d", ErrShape, a.RowPtr[0], a.RowPtr[a.rows], len(a.ColIdx))
	}
	rp := a.RowPtr
	for i := 1; i < len(rp); i++ {
		if rp[i] < rp[i-1] {
			return fmt.Errorf("%w: row pointer %d decreases", ErrShape, i)
		}
	}
	// One unsigned comparison catches both j < 0 and j ≥ cols; the loop
	// only records the largest, in four independent chains, without
	// branches (BenchmarkCheckStructure).
	var h0, h1, h2, h3 uint32
	ci := a.ColIdx
	k := 0
	for ; k+4 <= len(ci); k += 4 {
		c := ci[k : k+4 : k+4]
		h0, h1 = max(h0, uint32(c[0])), max(h1, uint32(c[1]))
		h2, h3 = max(h2, uint32(c[2])), max(h3, uint32(c[3]))
	}
	for ; k < len(ci); k++ {
		h0 = max(h0, uint32(ci[k]))
	}
	hi := max(h0, h1, h2, h3)
	if len(a.ColIdx) > 0 && uint64(hi) >= uint64(a.cols) {
		for k, j := range a.ColIdx {
			if j < 0 || int(j) >= a.cols {
				return fmt.Errorf("%w: column index %d at entry %d outside [0, %d)", ErrShape, j, k, a.cols)
			}
		}
	}
	return nil
}

// CheckFiniteVec returns an error wrapping ErrNotFinite that names the first
// NaN or Inf entry of x (called name in the message), or nil.
func CheckFiniteVec(name string, x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: %s[%d] = %v", ErrNotFinite, name, i, v)
		}
	}
	return nil
}

// Add returns alpha·a + beta·b as a new matrix; a and b must have the same
// shape. The pattern is the union of both patterns.
func Add(alpha float64, a *CSR, beta float64, b *CSR) *CSR {
	if a.rows != b.rows || a.cols != b.cols {
		panic("sparse: dimension mismatch in Add")
	}
	rp := make([]int, a.rows+1)
	ci := make([]int32, 0, len(a.ColIdx)+len(b.ColIdx))
	v := make([]float64, 0, cap(ci))
	for i := range a.rows {
		p, pe := a.RowPtr[i], a.RowPtr[i+1]
		q, qe := b.RowPtr[i], b.RowPtr[i+1]
		for p < pe || q < qe {
			switch {
			case q >= qe || (p < pe && a.ColIdx[p] < b.ColIdx[q]):
				ci = append(ci, a.ColIdx[p])
				v = append(v, alpha*a.Val[p])
				p++
			case p >= pe || b.ColIdx[q] < a.ColIdx[p]:
				ci = append(ci, b.ColIdx[q])
				v = append(v, beta*b.Val[q])
				q++
			default:
				ci = append(ci, a.ColIdx[p])
				v = append(v, alpha*a.Val[p]+beta*b.Val[q])
				p++
				q++
			}
		}
		rp[i+1] = len(ci)
	}
	return &CSR{rows: a.rows, cols: a.cols, RowPtr: rp, ColIdx: ci, Val: v}
}

// ScaleCols returns a·diag(d), a new matrix with column j scaled by d[j].
func (a *CSR) ScaleCols(d []float64) *CSR {
	if len(d) != a.cols {
		panic("sparse: dimension mismatch in ScaleCols")
	}
	c := a.Clone()
	for k, j := range c.ColIdx {
		c.Val[k] *= d[j]
	}
	return c
}

// Dense returns the matrix as a row-major dense slice of rows·cols values;
// meant for small matrices in tests and reference solves.
func (a *CSR) Dense() []float64 {
	d := make([]float64, a.rows*a.cols)
	for i := range a.rows {
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			d[i*a.cols+int(a.ColIdx[k])] = a.Val[k]
		}
	}
	return d
}
