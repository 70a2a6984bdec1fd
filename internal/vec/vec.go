// Package vec holds the dense vector kernels the Krylov methods share:
// dot products and axpys on []float64, and their multi-vector forms MDot
// and MAxpy (PETSc's VecMDot and VecMAXPY, with AVX2+FMA assembly where
// the CPU has it; see multi.go). Dot and Axpy call gonum's assembly
// kernels (floats.Dot, floats.AddScaled), about 2.5× faster than a plain
// Go loop. AxpyDot, the modified Gram–Schmidt step, is one fused AVX2
// pass where the CPU has AVX2 and FMA (1.8× gonum's pair at n = 6400,
// BenchmarkAxpyDot); without them it calls gonum's pair below cacheLimit
// elements and, above it, a fused Go loop that reads each vector once,
// because the orthogonalisation is then memory-bound. UpperSolveDots and
// UpperSweepDots (trsv.go) are a sparse backward substitution and SSOR's
// backward sweep with dot products riding on their dependency chain, and
// MulVecDotSub a sparse product with a row-major low-rank correction:
// recycled CG's deflation folded into the preconditioner and the product.
package vec

import (
	"math"

	"gonum.org/v1/gonum/floats"
)

// cacheLimit is the length from which the fused memory-bound loops are
// used (measured on the development machine: assembly 3.1 µs vs fused
// 7.8 µs per axpy+dot at n = 6400; fused 1.54 ms vs 1.70 ms at n = 2²⁰).
const cacheLimit = 1 << 17

// Dot returns xᵀy.
func Dot(x, y []float64) float64 {
	if len(x) != len(y) {
		panic("vec: length mismatch")
	}
	return floats.Dot(x, y)
}

// Norm returns ‖x‖₂ (without scaling: the Krylov vectors it is used on are
// far from overflow).
func Norm(x []float64) float64 { return math.Sqrt(floats.Dot(x, x)) }

// Axpy sets y += alpha·x.
func Axpy(y []float64, alpha float64, x []float64) {
	if len(x) != len(y) {
		panic("vec: length mismatch")
	}
	floats.AddScaled(y, alpha, x)
}

// Scale sets x *= alpha.
func Scale(x []float64, alpha float64) { floats.Scale(alpha, x) }

// AxpyDot sets y += alpha·x and returns zᵀy (z may be y itself): the
// modified Gram–Schmidt step.
func AxpyDot(y []float64, alpha float64, x, z []float64) float64 {
	if len(x) != len(y) || len(z) != len(y) {
		panic("vec: length mismatch")
	}
	if n := len(y); useAVX && n >= 8 {
		// One fused AVX2 pass: reads x, y and z once.
		m := n &^ 7
		s := axpyDot(alpha, &x[0], &y[0], &z[0], m)
		for i := m; i < n; i++ {
			y[i] += alpha * x[i]
			s += z[i] * y[i]
		}
		return s
	}
	if len(y) < cacheLimit {
		floats.AddScaled(y, alpha, x)
		return floats.Dot(z, y)
	}
	var s float64
	for i, xi := range x {
		yi := y[i] + alpha*xi
		y[i] = yi
		s += z[i] * yi
	}
	return s
}

// CGUpdate is the conjugate-gradient step shared by CG, flexible CG and
// recycled CG: x += alpha·p, r −= alpha·q (q = A·p), in one pass, and
// returns ‖r‖₂² afterwards.
func CGUpdate(x, r []float64, alpha float64, p, q []float64) float64 {
	if len(p) != len(x) || len(q) != len(r) || len(r) != len(x) {
		panic("vec: length mismatch")
	}
	var rr float64
	for i, qi := range q {
		x[i] += alpha * p[i]
		ri := r[i] - alpha*qi
		r[i] = ri
		rr += ri * ri
	}
	return rr
}
