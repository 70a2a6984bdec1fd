package krylov

import (
	"testing"

	"github.com/pdekit/pdekit/internal/vec"
)

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

// BenchmarkBlockDot times GCRO-DR(40, 20)'s V_{j+1}ᵀU at n = 6400 (21
// vectors against 20): one vec.MDot per row on the calling goroutine, and
// blockDotter's rows on two goroutines.
func BenchmarkBlockDot(b *testing.B) {
	n, a, k := 6400, 21, 20
	var x, y block
	x.resize(n, a)
	y.resize(n, k)
	for i := range x.data {
		x.data[i] = float64(i%11) - 5
	}
	for i := range y.data {
		y.data[i] = float64(i%7) - 3
	}
	dst := make([]float64, a*k)
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			ys := y.vecs(k)
			for i := range a {
				vec.MDot(dst[i*k:(i+1)*k], ys, x.row(i))
			}
		}
	})
	b.Run("two", func(b *testing.B) {
		var d blockDotter
		for b.Loop() {
			d.dots(dst, x.vecs(a), y.vecs(k))
		}
	})
}
