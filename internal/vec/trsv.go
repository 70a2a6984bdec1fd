package vec

// MaxFusedDots is the largest number of dot products (or coefficients)
// the fused kernels below take: twelve YMM registers' worth.
const MaxFusedDots = 48

// FusedDotsOK reports whether the fused kernels below (UpperSolveDots,
// UpperSweepDots, MulVecDotSub) run for k dot products or coefficients on
// this machine: with AVX2 and FMA, and k a positive multiple of 4 up to
// MaxFusedDots.
func FusedDotsOK(k int) bool {
	return useAVX && k > 0 && k%4 == 0 && k <= MaxFusedDots
}

// UpperSolveDots is a backward substitution fused with dot products: it
// sets
//
//	x_i = dinv_i·(r_i − Σ_{p ∈ row i} v_p·x_{ci_p})   for i = n−1, …, 0
//
// over the strictly upper triangular rows rp/ci/v (CSR, n = len(x)), and
// dots[l] = Σ_i w[i·k+l]·x_i for l < k = len(dots), w being an n×k
// row-major block. The substitution is a chain of dependent operations;
// the dot products, independent of it, run in its shadow, so they cost
// little beyond it (an IC(0) application that returns the deflation
// coefficients of recycled CG). Each x_i is summed in row order with a
// multiply and a subtraction, as a plain Go loop would, so x is the same
// bit for bit; dots is summed from i = n−1 down with fused multiply–adds.
// x and r may be the same slice.
//
// The rows must be a valid strictly upper triangular pattern of n rows
// (rp[0] ≥ 0, rp nondecreasing, rp[n] ≤ len(ci), i < ci_p < n), as a
// factorization builds it: the kernel does not check every index. It
// panics unless FusedDotsOK(len(dots)) and the lengths agree.
func UpperSolveDots(rp []int, ci []int32, v, dinv, x, r, w, dots []float64) {
	n, k := len(x), len(dots)
	if !FusedDotsOK(k) {
		panic("vec: UpperSolveDots: no fused kernel for this count on this machine")
	}
	if len(rp) != n+1 || len(dinv) != n || len(r) != n || len(w) != n*k || len(ci) != len(v) || (n > 0 && (rp[0] < 0 || rp[n] > len(ci))) {
		panic("vec: UpperSolveDots: length mismatch")
	}
	if n == 0 {
		clear(dots)
		return
	}
	ci0, v0 := entries(ci, v)
	upperSolveDots(&rp[0], ci0, v0, &dinv[0], &x[0], &r[0], n, &w[0], k/4, &dots[0])
}

// UpperSweepDots is SSOR's backward sweep fused with dot products, as
// UpperSolveDots is IC(0)'s substitution: it sets
//
//	x_i −= wd_i·Σ_{dpos_i < p < rp_{i+1}} v_p·x_{ci_p}   for i = n−1, …, 0
//
// over the entries right of the diagonal of each row of the n×n CSR
// matrix rp/ci/v (dpos_i is the position of row i's diagonal entry,
// n = len(x)), each sum started from zero, multiplied and added in row
// order as a plain Go loop would (x is the same bit for bit), and
// dots[l] = Σ_i w[i·k+l]·x_i for the row-major n×k block w. The pattern
// must be valid (rp nondecreasing from rp[0] ≥ 0 to rp[n] ≤ len(ci),
// rp_i ≤ dpos_i < rp_{i+1}, i < ci_p < n right of the diagonal): the
// kernel does not check every index. It panics unless
// FusedDotsOK(len(dots)) and the lengths agree.
func UpperSweepDots(rp, dpos []int, ci []int32, v, wd, x, w, dots []float64) {
	n, k := len(x), len(dots)
	if !FusedDotsOK(k) {
		panic("vec: UpperSweepDots: no fused kernel for this count on this machine")
	}
	if len(rp) != n+1 || len(dpos) != n || len(wd) != n || len(w) != n*k || len(ci) != len(v) || len(ci) < n || (n > 0 && (rp[0] < 0 || rp[n] > len(ci))) {
		panic("vec: UpperSweepDots: length mismatch")
	}
	if n == 0 {
		clear(dots)
		return
	}
	upperSweepDots(&rp[0], &dpos[0], &ci[0], &v[0], &wd[0], &x[0], n, &w[0], k/4, &dots[0])
}

// MulVecDotSub is a sparse product with a low-rank correction and a dot
// product in one pass: it sets q = A·x − W·c and returns xᵀq, for the
// square CSR matrix rp/ci/v (n = len(x) rows), the row-major n×k block W
// and k = len(c) coefficients — recycled CG's q = A·p with p = p̂ − U·c
// and W = A·U. Each (A·x)_i is summed in row order with a multiply and an
// add, as sparse.CSR.MulVecTo does; the rows are independent, so the row
// of W·c is computed while the next rows' gathers are under way. The
// pattern must be valid (rp nondecreasing from rp[0] ≥ 0 to rp[n] ≤
// len(ci), 0 ≤ ci_p < n): the kernel does not check every index. It
// panics unless FusedDotsOK(len(c)) and the lengths agree.
func MulVecDotSub(rp []int, ci []int32, v, x, q, w, c []float64) float64 {
	n, k := len(x), len(c)
	if !FusedDotsOK(k) {
		panic("vec: MulVecDotSub: no fused kernel for this count on this machine")
	}
	if len(rp) != n+1 || len(q) != n || len(w) != n*k || len(ci) != len(v) || (n > 0 && (rp[0] < 0 || rp[n] > len(ci))) {
		panic("vec: MulVecDotSub: length mismatch")
	}
	if n == 0 {
		return 0
	}
	ci0, v0 := entries(ci, v)
	return mulDotSub(&rp[0], ci0, v0, &x[0], &q[0], n, &w[0], &c[0], k/4)
}

// entries returns the first column index and value of a CSR pattern, nil
// for a pattern without entries (the kernels then read neither).
func entries(ci []int32, v []float64) (*int32, *float64) {
	if len(ci) == 0 {
		return nil, nil
	}
	return &ci[0], &v[0]
}
