package sparse

import (
	"fmt"
	"math"
	"slices"
)

// Triplet assembles a sparse matrix from (i, j, v) entries. Repeated
// entries are summed when the matrix is built. The zero value is not usable;
// call NewTriplet.
type Triplet struct {
	rows, cols int
	i, j       []int32
	v          []float64
}

// NewTriplet returns an empty rows×cols builder with room for nnzHint
// entries. It panics if a dimension is negative or exceeds the int32 range.
func NewTriplet(rows, cols, nnzHint int) *Triplet {
	if rows < 0 || cols < 0 || rows > math.MaxInt32 || cols > math.MaxInt32 {
		panic("sparse: invalid dimensions for NewTriplet")
	}
	return &Triplet{rows: rows, cols: cols,
		i: make([]int32, 0, nnzHint), j: make([]int32, 0, nnzHint), v: make([]float64, 0, nnzHint)}
}

// Dims returns the shape of the matrix being built.
func (t *Triplet) Dims() (rows, cols int) { return t.rows, t.cols }

// Len returns the number of entries appended so far (duplicates counted).
func (t *Triplet) Len() int { return len(t.v) }

// Append adds v at (i, j). It panics if (i, j) is outside the matrix: an
// assembly loop that writes out of range is a programmer error. Use
// AppendChecked for indices that come from data.
func (t *Triplet) Append(i, j int, v float64) {
	if i < 0 || i >= t.rows || j < 0 || j >= t.cols {
		panic("sparse: Triplet index out of range")
	}
	t.i = append(t.i, int32(i))
	t.j = append(t.j, int32(j))
	t.v = append(t.v, v)
}

// AppendChecked is Append for indices read from data: it returns an error
// wrapping ErrShape instead of panicking.
func (t *Triplet) AppendChecked(i, j int, v float64) error {
	if i < 0 || i >= t.rows || j < 0 || j >= t.cols {
		return fmt.Errorf("%w: entry (%d, %d) outside a %d×%d matrix", ErrShape, i, j, t.rows, t.cols)
	}
	t.Append(i, j, v)
	return nil
}

// ToCSR builds the CSR matrix: rows sorted by column, repeated (i, j)
// entries summed. Explicit zeros are kept (they are part of the pattern, as
// in Matrix Market files). The builder may be reused afterwards.
func (t *Triplet) ToCSR() *CSR {
	n := len(t.v)
	// Counting sort by row, then sort each row by column.
	rp := make([]int, t.rows+1)
	for _, i := range t.i {
		rp[i+1]++
	}
	for i := range t.rows {
		rp[i+1] += rp[i]
	}
	next := slices.Clone(rp[:t.rows])
	ci := make([]int32, n)
	v := make([]float64, n)
	for k := range n {
		p := next[t.i[k]]
		ci[p] = t.j[k]
		v[p] = t.v[k]
		next[t.i[k]]++
	}
	type entry struct {
		j int32
		v float64
	}
	var buf []entry
	out := 0
	newRP := make([]int, t.rows+1)
	for i := range t.rows {
		lo, hi := rp[i], rp[i+1]
		buf = buf[:0]
		sorted := true
		for k := lo; k < hi; k++ {
			buf = append(buf, entry{ci[k], v[k]})
			if k > lo && ci[k] <= ci[k-1] {
				sorted = false
			}
		}
		if !sorted {
			slices.SortStableFunc(buf, func(a, b entry) int { return int(a.j) - int(b.j) })
		}
		for k, e := range buf {
			if k > 0 && e.j == ci[out-1] {
				v[out-1] += e.v
				continue
			}
			ci[out] = e.j
			v[out] = e.v
			out++
		}
		newRP[i+1] = out
	}
	return &CSR{rows: t.rows, cols: t.cols, RowPtr: newRP, ColIdx: ci[:out:out], Val: v[:out:out]}
}
