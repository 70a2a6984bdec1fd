//go:build !amd64 || noasm

package vec

var useAVX = false

func dot4(a0, a1, a2, a3, x *float64, n int, dst *[4]float64) {
	panic("vec: dot4 without AVX2")
}

func axpy4(c *[4]float64, a0, a1, a2, a3, y *float64, n int) {
	panic("vec: axpy4 without AVX2")
}

func axpyDot(alpha float64, x, y, z *float64, n int) float64 {
	panic("vec: axpyDot without AVX2")
}

func upperSolveDots(rp *int, ci *int32, v, dinv, x, r *float64, n int, w *float64, q int, dots *float64) {
	panic("vec: upperSolveDots without AVX2")
}

func upperSweepDots(rp, dpos *int, ci *int32, v, wd, x *float64, n int, w *float64, q int, dots *float64) {
	panic("vec: upperSweepDots without AVX2")
}

func mulDotSub(rp *int, ci *int32, v, x, q *float64, n int, w, c *float64, qq int) float64 {
	panic("vec: mulDotSub without AVX2")
}
