package sparse

import "slices"

// Mul returns the product a·b as a new CSR matrix, by Gustavson's
// row-by-row algorithm with a dense accumulator (Gustavson 1978; Davis,
// Direct Methods for Sparse Linear Systems, SIAM 2006, §2.8). Entries that
// cancel to zero are kept in the pattern. It panics if the inner
// dimensions differ.
func Mul(a, b *CSR) *CSR {
	if a.cols != b.rows {
		panic("sparse: dimension mismatch in Mul")
	}
	m, n := a.rows, b.cols
	acc := make([]float64, n)
	mark := make([]int32, n) // mark[j] = row+1 when column j is in row's pattern
	rp := make([]int, m+1)
	ci := make([]int32, 0, a.NNZ()+b.NNZ())
	v := make([]float64, 0, cap(ci))
	for i := range m {
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
		slices.Sort(row)
		for _, j := range row {
			v = append(v, acc[j])
		}
		rp[i+1] = len(ci)
	}
	return &CSR{rows: m, cols: n, RowPtr: rp, ColIdx: ci, Val: v}
}
