package krylov

import "testing"

// BenchmarkCombine times one recycle-space update of GCRO-DR(40, 20) at
// n = 6400: 20 combinations of 40 vectors (see combiner).
func BenchmarkCombine(b *testing.B) {
	n, t, k := 6400, 40, 20
	var src, out block
	src.resize(n, t)
	for i := range src.data {
		src.data[i] = float64(i%11) - 5
	}
	coef := make([]float64, t*k)
	for i := range coef {
		coef[i] = float64(i%7) - 3
	}
	out.resize(n, k)
	var c combiner
	for b.Loop() {
		c.combine(&out, k, coef, k, part{src.first(t), 0})
	}
}
