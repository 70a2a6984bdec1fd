package vec

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestKernelsAgreeWithLoops runs every path: the AVX2 kernels (where the
// CPU has them), gonum's below cacheLimit and the fused loop above it.
func TestKernelsAgreeWithLoops(t *testing.T) {
	paths := []bool{false}
	if useAVX {
		paths = append(paths, true)
	}
	defer func(u bool) { useAVX = u }(useAVX)
	for _, avx := range paths {
		useAVX = avx
		testKernels(t)
	}
	assert.Panics(t, func() { Dot(make([]float64, 2), make([]float64, 3)) })
}

func testKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{0, 1, 7, 8, 9, 1000, 1003, cacheLimit + 3} {
		x, y, z := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], y[i], z[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		}
		want := make([]float64, n)
		var wantDot, scale float64
		for i := range y {
			want[i] = y[i] + 0.5*x[i]
			wantDot += z[i] * want[i]
			scale += z[i]*z[i] + want[i]*want[i]
		}
		got := AxpyDot(y, 0.5, x, z)
		// Summation order differs between the kernels: allow n·ε of the scale.
		assert.InDelta(t, wantDot, got, 1e-15*float64(n+1)*scale, "n=%d", n)
		assert.InDeltaSlice(t, want, y, 1e-14, "n=%d", n)
		assert.InDelta(t, wantDot, Dot(z, y), 1e-15*float64(n+1)*scale)
		Axpy(y, -0.5, x)
		Scale(y, 2)
		if n > 0 {
			assert.InDelta(t, 2*(want[0]-0.5*x[0]), y[0], 1e-14)
		}
		// z = y: the last step of modified Gram–Schmidt returns ‖y‖².
		var wantSq float64
		for i := range y {
			want[i] = y[i] - 0.25*x[i]
			wantSq += want[i] * want[i]
		}
		got = AxpyDot(y, -0.25, x, y)
		assert.InDelta(t, wantSq, got, 1e-15*float64(n+1)*wantSq, "z = y, n=%d", n)
		assert.InDeltaSlice(t, want, y, 1e-14, "z = y, n=%d", n)
	}
}

// TestCGUpdate: x and r move by ±alpha times p and q, and the returned
// value is ‖r‖² of the updated r.
func TestCGUpdate(t *testing.T) {
	x, r := []float64{1, 2, 3}, []float64{4, -5, 6}
	p, q := []float64{1, 0, -1}, []float64{2, 1, 0}
	rr := CGUpdate(x, r, 0.5, p, q)
	assert.Equal(t, []float64{1.5, 2, 2.5}, x)
	assert.Equal(t, []float64{3, -5.5, 6}, r)
	assert.Equal(t, 9+30.25+36.0, rr)
	assert.Panics(t, func() { CGUpdate(x, r, 1, p[:2], q) })
}
