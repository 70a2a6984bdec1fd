package sparse

import (
	"runtime"
	"slices"
	"sync"
)

// Mul returns the product a·b as a new CSR matrix, by Gustavson's
// row-by-row algorithm with a dense accumulator, in one pass: each row's
// columns are gathered as they first appear, sorted, and their values
// read from the accumulator (Gustavson 1978; Davis, Direct Methods for
// Sparse Linear Systems, SIAM 2006, §2.8). Entries that cancel to zero
// are kept in the pattern. It panics if the inner dimensions differ.
//
// Products of at least 2·parallelMulRows rows run on row blocks
// concurrently, one per available CPU (GOMAXPROCS), each filling its own
// arrays, joined afterwards; the result does not depend on the number of
// blocks.
func Mul(a, b *CSR) *CSR {
	if a.cols != b.rows {
		panic("sparse: dimension mismatch in Mul")
	}
	m, n := a.rows, b.cols
	workers := max(1, min(runtime.GOMAXPROCS(0), m/parallelMulRows))
	rp := make([]int, m+1)
	type block struct {
		ci []int32
		v  []float64
	}
	blocks := make([]block, workers)
	forBlocksIndexed(m, workers, func(w, lo, hi int) {
		acc := make([]float64, n)
		mark := make([]int32, n)
		// The block's result starts at the size of its rows of a and
		// grows by append.
		guess := a.RowPtr[hi] - a.RowPtr[lo]
		ci := make([]int32, 0, guess)
		v := make([]float64, 0, guess)
		for i := lo; i < hi; i++ {
			start := len(ci)
			for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
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
			rp[i+1] = len(ci) // within the block; offset below
		}
		blocks[w] = block{ci, v}
	})
	ci, v := blocks[0].ci, blocks[0].v
	if workers > 1 {
		total := 0
		for _, bl := range blocks {
			total += len(bl.ci)
		}
		ci, v = make([]int32, 0, total), make([]float64, 0, total)
		for w, bl := range blocks {
			lo, hi := w*m/workers, (w+1)*m/workers
			off := len(ci)
			for i := lo; i < hi; i++ {
				rp[i+1] += off
			}
			ci = append(ci, bl.ci...)
			v = append(v, bl.v...)
		}
	}
	return &CSR{rows: m, cols: n, RowPtr: rp, ColIdx: ci, Val: v}
}

// MulTo recomputes the values of dst = a·b in place, keeping dst's
// pattern: the numeric pass of Mul alone, for a product whose factors have
// new values but the patterns they had when dst was made by Mul(a, b)
// (algebraic multigrid's Galerkin products on a sequence of matrices with
// one pattern). Positions of dst's pattern that the product does not reach
// are set to zero. It panics if the dimensions differ or if a product
// entry falls outside dst's pattern.
func MulTo(dst, a, b *CSR) {
	if a.cols != b.rows || dst.rows != a.rows || dst.cols != b.cols {
		panic("sparse: dimension mismatch in MulTo")
	}
	m, n := a.rows, b.cols
	workers := max(1, min(runtime.GOMAXPROCS(0), m/parallelMulToRows))
	var bad sync.Once
	outside := false
	forBlocks(m, workers, func(lo, hi int) {
		// pos[j] is the position of column j in the current row of dst
		// plus one, zero where the row has no such column.
		pos := make([]int, n)
		for i := lo; i < hi; i++ {
			rlo, rhi := dst.RowPtr[i], dst.RowPtr[i+1]
			for p := rlo; p < rhi; p++ {
				pos[dst.ColIdx[p]] = p + 1
				dst.Val[p] = 0
			}
			for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
				aik := a.Val[k]
				r := a.ColIdx[k]
				for t := b.RowPtr[r]; t < b.RowPtr[r+1]; t++ {
					p := pos[b.ColIdx[t]]
					if p == 0 {
						bad.Do(func() { outside = true })
						continue
					}
					dst.Val[p-1] += aik * b.Val[t]
				}
			}
			for p := rlo; p < rhi; p++ {
				pos[dst.ColIdx[p]] = 0
			}
		}
	})
	if outside {
		panic("sparse: MulTo: product entry outside dst's pattern")
	}
}

// parallelMulRows is the number of rows per block below which Mul stays
// sequential; parallelMulToRows the same for MulTo, whose blocks share
// dst's arrays and allocate only their position maps, so that smaller
// blocks pay (AMG's re-setup at 65 536 unknowns: Galerkin products on two
// blocks from 16 384 rows).
const (
	parallelMulRows   = 1 << 16
	parallelMulToRows = 1 << 13
)

// forBlocks calls f on `workers` contiguous row blocks of [0, m), each on
// its own goroutine when workers > 1, and waits for all.
func forBlocks(m, workers int, f func(lo, hi int)) {
	forBlocksIndexed(m, workers, func(_, lo, hi int) { f(lo, hi) })
}

// forBlocksIndexed is forBlocks with the block's index passed to f.
func forBlocksIndexed(m, workers int, f func(w, lo, hi int)) {
	if workers <= 1 {
		f(0, 0, m)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { f(w, w*m/workers, (w+1)*m/workers) })
	}
	wg.Wait()
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
