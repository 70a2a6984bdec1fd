package sparse

import (
	"runtime"
	"slices"
	"sync"
)

// Mul returns the product a·b as a new CSR matrix, by Gustavson's
// row-by-row algorithm with a dense accumulator (Gustavson 1978; Davis,
// Direct Methods for Sparse Linear Systems, SIAM 2006, §2.8). Entries that
// cancel to zero are kept in the pattern. It panics if the inner
// dimensions differ.
//
// Products of at least parallelMulRows rows are split into row blocks
// computed concurrently, one per available CPU (GOMAXPROCS), and joined;
// the result is the same as the sequential product.
func Mul(a, b *CSR) *CSR {
	if a.cols != b.rows {
		panic("sparse: dimension mismatch in Mul")
	}
	workers := min(runtime.GOMAXPROCS(0), a.rows/parallelMulRows)
	if workers <= 1 {
		return mulRows(a, b, 0, a.rows)
	}
	parts := make([]*CSR, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*a.rows/workers, (w+1)*a.rows/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w] = mulRows(a, b, lo, hi)
		}()
	}
	wg.Wait()
	nnz := 0
	for _, p := range parts {
		nnz += p.NNZ()
	}
	c := &CSR{rows: a.rows, cols: b.cols, RowPtr: make([]int, a.rows+1),
		ColIdx: make([]int32, 0, nnz), Val: make([]float64, 0, nnz)}
	row := 0
	for _, p := range parts {
		base := len(c.ColIdx)
		for i := range p.rows {
			c.RowPtr[row+i+1] = base + p.RowPtr[i+1]
		}
		row += p.rows
		c.ColIdx = append(c.ColIdx, p.ColIdx...)
		c.Val = append(c.Val, p.Val...)
	}
	return c
}

// parallelMulRows is the number of rows per worker below which Mul stays
// sequential (measured: BenchmarkMul, 2 cores, gains from 2·10⁵ rows on).
const parallelMulRows = 1 << 16

// mulRows returns rows lo..hi−1 of a·b as a (hi−lo)×cols matrix.
func mulRows(a, b *CSR, lo, hi int) *CSR {
	m, n := hi-lo, b.cols
	acc := make([]float64, n)
	mark := make([]int32, n) // mark[j] = row+1 when column j is in row's pattern
	rp := make([]int, m+1)
	ci := make([]int32, 0, (a.RowPtr[hi]-a.RowPtr[lo])*2+m)
	v := make([]float64, 0, cap(ci))
	for i := range m {
		start := len(ci)
		for k := a.RowPtr[lo+i]; k < a.RowPtr[lo+i+1]; k++ {
			aik := a.Val[k]
			r := a.ColIdx[k]
			for t := b.RowPtr[r]; t < b.RowPtr[r+1]; t++ {
				j := b.ColIdx[t]
				if mark[j] != int32(i+1) {
					mark[j] = int32(i + 1)
					acc[j] = 0
					ci = append(ci, j)
				}
				acc[j] += aik * b.Val[t]
			}
		}
		row := ci[start:]
		insertionSort(row)
		for _, j := range row {
			v = append(v, acc[j])
		}
		rp[i+1] = len(ci)
	}
	return &CSR{rows: m, cols: n, RowPtr: rp, ColIdx: ci, Val: v}
}

// insertionSort sorts a short slice in place; rows of stencil products
// have a few dozen entries at most, where it beats a general sort.
func insertionSort(s []int32) {
	if len(s) > 64 {
		slices.Sort(s)
		return
	}
	for i := 1; i < len(s); i++ {
		x := s[i]
		j := i
		for j > 0 && s[j-1] > x {
			s[j] = s[j-1]
			j--
		}
		s[j] = x
	}
}
