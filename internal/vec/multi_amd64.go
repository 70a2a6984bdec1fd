//go:build amd64 && !noasm

package vec

// useAVX reports whether the CPU and the operating system support AVX2
// and FMA (CPUID leaves 1 and 7, and XCR0 saving the YMM state).
var useAVX = hasAVX2FMA()

func hasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, c1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if c1&fma == 0 || c1&osxsave == 0 || c1&avx == 0 {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 { // XMM and YMM state enabled
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<5) != 0 // AVX2
}

//go:noescape
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

//go:noescape
func xgetbv() (eax, edx uint32)

// dot4 sets dst[r] = Σ_{i<n} a_r[i]·x[i]; n must be a positive multiple
// of 8.
//
//go:noescape
func dot4(a0, a1, a2, a3, x *float64, n int, dst *[4]float64)

// axpy4 sets y[i] += Σ_r c[r]·a_r[i] for i < n; n must be a positive
// multiple of 8.
//
//go:noescape
func axpy4(c *[4]float64, a0, a1, a2, a3, y *float64, n int)

// axpyDot sets y[i] += alpha·x[i] for i < n and returns Σ z[i]·y[i] over
// the updated y; n must be a positive multiple of 8, and z may be y.
//
//go:noescape
func axpyDot(alpha float64, x, y, z *float64, n int) float64

// upperSolveDots is the fused backward substitution and 4q dot products
// of UpperSolveDots (trsv.go); 1 ≤ q ≤ 12.
//
//go:noescape
func upperSolveDots(rp *int, ci *int32, v, dinv, x, r *float64, n int, w *float64, q int, dots *float64)

// upperSweepDots is the fused SSOR backward sweep and 4q dot products of
// UpperSweepDots (trsv.go); 1 ≤ q ≤ 12.
//
//go:noescape
func upperSweepDots(rp, dpos *int, ci *int32, v, wd, x *float64, n int, w *float64, q int, dots *float64)

// mulDotSub is the fused product of MulVecDotSub (trsv.go); 1 ≤ qq ≤ 12.
//
//go:noescape
func mulDotSub(rp *int, ci *int32, v, x, q *float64, n int, w, c *float64, qq int) float64
