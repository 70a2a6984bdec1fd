package vec

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMultiKernelsAgreeWithLoops checks MDot and MAxpy against plain loops
// on every remainder of the 4-vector groups and the 8-element blocks, on
// both the AVX2 path (where the CPU has it) and gonum's.
func TestMultiKernelsAgreeWithLoops(t *testing.T) {
	paths := []bool{false}
	if useAVX {
		paths = append(paths, true)
	}
	defer func(u bool) { useAVX = u }(useAVX)
	rng := rand.New(rand.NewPCG(2, 3))
	for _, avx := range paths {
		useAVX = avx
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 100, 6401} {
			for _, k := range []int{0, 1, 3, 4, 5, 8, 9, 40} {
				name := fmt.Sprintf("avx=%v n=%d k=%d", avx, n, k)
				vs := make([][]float64, k+1) // one spare vector: MDot uses len(dst)
				for i := range vs {
					vs[i] = make([]float64, n)
					for j := range vs[i] {
						vs[i][j] = rng.NormFloat64()
					}
				}
				x := make([]float64, n)
				for j := range x {
					x[j] = rng.NormFloat64()
				}
				got := make([]float64, k)
				MDot(got, vs, x)
				for i := range k {
					var want, scale float64
					for j := range n {
						want += vs[i][j] * x[j]
						scale += vs[i][j]*vs[i][j] + x[j]*x[j]
					}
					// Summation orders differ: n·ε of the scale.
					assert.InDelta(t, want, got[i], 1e-15*float64(n+1)*scale, name)
				}
				alpha := make([]float64, k)
				for i := range alpha {
					alpha[i] = rng.NormFloat64()
				}
				y := append([]float64(nil), x...)
				MAxpy(y, alpha, vs)
				for j := range n {
					want, scale := x[j], 1.0
					for i := range k {
						want += alpha[i] * vs[i][j]
						scale += (alpha[i] * vs[i][j]) * (alpha[i] * vs[i][j])
					}
					assert.InDelta(t, want, y[j], 1e-15*float64(k+1)*(scale+want*want), name)
				}
			}
		}
	}
	assert.Panics(t, func() { MDot(make([]float64, 2), make([][]float64, 1), nil) })
	assert.Panics(t, func() { MAxpy(make([]float64, 2), make([]float64, 1), [][]float64{make([]float64, 3)}) })
	// A vector longer than x is a mismatch on every path, not a prefix.
	long := [][]float64{make([]float64, 9), make([]float64, 8), make([]float64, 8), make([]float64, 8)}
	assert.PanicsWithValue(t, "vec: length mismatch", func() { MDot(make([]float64, 4), long, make([]float64, 8)) })
	assert.PanicsWithValue(t, "vec: length mismatch", func() { MAxpy(make([]float64, 8), make([]float64, 4), long) })
}

func benchmarkMulti(b *testing.B, k, n int, avx bool) {
	if avx && !useAVX {
		b.Skip("no AVX2/FMA")
	}
	defer func(u bool) { useAVX = u }(useAVX)
	useAVX = avx
	vs, ws := make([][]float64, k), make([][]float64, k)
	for i := range vs {
		vs[i], ws[i] = make([]float64, n), make([]float64, n)
		for j := range vs[i] {
			vs[i][j], ws[i][j] = float64(j%7), float64(j%5)
		}
	}
	x, mu := make([]float64, n), make([]float64, k)
	for b.Loop() {
		MDot(mu, vs, x)
		MAxpy(x, mu, ws)
	}
}

// BenchmarkMulti times one deflation step of RCG (K dot products, then
// K axpys) at n = 6400: the AVX2 kernels against gonum's per-vector ones.
func BenchmarkMulti(b *testing.B) {
	for _, k := range []int{8, 20, 40} {
		for _, avx := range []bool{false, true} {
			b.Run(fmt.Sprintf("k=%d/avx=%v", k, avx), func(b *testing.B) { benchmarkMulti(b, k, 6400, avx) })
		}
	}
}

// BenchmarkAxpyDot times one modified Gram–Schmidt step at n = 6400.
func BenchmarkAxpyDot(b *testing.B) {
	for _, avx := range []bool{false, true} {
		b.Run(fmt.Sprintf("avx=%v", avx), func(b *testing.B) {
			if avx && !useAVX {
				b.Skip("no AVX2/FMA")
			}
			defer func(u bool) { useAVX = u }(useAVX)
			useAVX = avx
			x, y, z := make([]float64, 6400), make([]float64, 6400), make([]float64, 6400)
			for b.Loop() {
				AxpyDot(y, 1e-9, x, z)
			}
		})
	}
}
