package linsolve

import (
	"fmt"
	"math"
	"slices"

	"github.com/pdekit/pdekit/internal/vec"
	"github.com/pdekit/pdekit/sparse"
)

// Compile-time checks that the preconditioners satisfy the interface.
var (
	_ Preconditioner = (*JacobiPreconditioner)(nil)
	_ Preconditioner = (*SSORPreconditioner)(nil)
	_ Preconditioner = (*IC0)(nil)
	_ Preconditioner = (*ILU0)(nil)
	_ Operator       = (*sparse.CSR)(nil)
)

// checkShape returns an error unless a is square and well formed (its
// exported arrays consistent, see sparse.CSR.CheckStructure).
func checkShape(name string, a *sparse.CSR) error {
	r, c := a.Dims()
	if r != c {
		return fmt.Errorf("%w: %s needs a square matrix, got %d×%d", ErrDimension, name, r, c)
	}
	if err := a.CheckStructure(); err != nil {
		return fmt.Errorf("linsolve: %s: %w", name, err)
	}
	return nil
}

// checkSquare returns an error unless a is square, well formed and
// finite.
func checkSquare(name string, a *sparse.CSR) error {
	if err := checkShape(name, a); err != nil {
		return err
	}
	if err := a.CheckFinite(); err != nil {
		return fmt.Errorf("linsolve: %s: %w", name, err)
	}
	return nil
}

// JacobiPreconditioner is M = diag(A).
type JacobiPreconditioner struct {
	inv []float64
}

// NewJacobiPreconditioner returns M = diag(A). It fails with
// ErrZeroDiagonal where a diagonal entry is zero.
func NewJacobiPreconditioner(a *sparse.CSR) (*JacobiPreconditioner, error) {
	const name = "Jacobi preconditioner"
	if err := checkSquare(name, a); err != nil {
		return nil, err
	}
	d := a.DiagTo(nil)
	if err := diagOf(name, a, d); err != nil {
		return nil, err
	}
	for i, v := range d {
		d[i] = 1 / v
	}
	return &JacobiPreconditioner{inv: d}, nil
}

// Apply sets dst = D⁻¹·r.
func (p *JacobiPreconditioner) Apply(dst, r []float64) {
	inv := p.inv[:len(dst)]
	r = r[:len(dst)]
	for i, v := range inv {
		dst[i] = v * r[i]
	}
}

// SSORPreconditioner is the symmetric SOR preconditioner
// M = ω/(2−ω) · (D/ω + L)(D/ω)⁻¹(D/ω + U), A = L + D + U (Saad 2003,
// §10.2). For symmetric positive definite A and 0 < ω < 2 it is symmetric
// positive definite, so it may be used with CG.
type SSORPreconditioner struct {
	a     *sparse.CSR
	wd    []float64 // ω/a_ii
	dpos  []int
	omega float64
}

// NewSSORPreconditioner returns the SSOR(ω) preconditioner of a, with
// ω = 1 (symmetric Gauss–Seidel) when omega is zero. It fails with
// ErrZeroDiagonal if a diagonal entry is not positive, and with
// ErrSettings if ω is outside (0, 2).
func NewSSORPreconditioner(a *sparse.CSR, omega float64) (*SSORPreconditioner, error) {
	const name = "SSOR preconditioner"
	if omega == 0 {
		omega = 1
	}
	if !(omega > 0 && omega < 2) {
		return nil, fmt.Errorf("%w: %s: omega = %v outside (0, 2)", ErrSettings, name, omega)
	}
	if err := checkSquare(name, a); err != nil {
		return nil, err
	}
	d := a.DiagTo(nil)
	for i, v := range d {
		if !(v > 0) {
			return nil, fmt.Errorf("%w: %s needs a positive diagonal, A[%d, %d] = %v", ErrZeroDiagonal, name, i, i, v)
		}
	}
	for i, v := range d {
		d[i] = omega / v
	}
	return &SSORPreconditioner{a: a, wd: d, dpos: a.DiagIndex(), omega: omega}, nil
}

// Apply sets dst = M⁻¹·r by a forward and a backward triangular sweep.
func (p *SSORPreconditioner) Apply(dst, r []float64) {
	p.forward(dst, r)
	p.backward(dst)
	scale(dst, (2-p.omega)/p.omega)
}

// forward solves (D/ω + L)·y = r into dst.
func (p *SSORPreconditioner) forward(dst, r []float64) {
	rp, ci, v := p.a.RowPtr, p.a.ColIdx, p.a.Val
	n := len(dst)
	wd := p.wd[:n]
	dpos := p.dpos[:n]
	for i := range n {
		s := r[i]
		for k := rp[i]; k < dpos[i]; k++ {
			s -= v[k] * dst[ci[k]]
		}
		dst[i] = wd[i] * s
	}
}

// backward solves (D/ω + U)·z = (D/ω)·y in place (z before the final
// scaling by (2−ω)/ω).
func (p *SSORPreconditioner) backward(dst []float64) {
	rp, ci, v := p.a.RowPtr, p.a.ColIdx, p.a.Val
	n := len(dst)
	wd := p.wd[:n]
	dpos := p.dpos[:n]
	for i := n - 1; i >= 0; i-- {
		var s float64
		for k := dpos[i] + 1; k < rp[i+1]; k++ {
			s += v[k] * dst[ci[k]]
		}
		dst[i] -= wd[i] * s
	}
}

// FusesDots reports whether ApplyDots with k dot products runs its
// backward sweep as one fused kernel on this machine (see IC0.FusesDots).
func (p *SSORPreconditioner) FusesDots(k int) bool { return vec.FusedDotsOK(k) }

// ApplyDots sets dst = M⁻¹·r, as Apply does (bit for bit), and dots[l] =
// Σ_i w[i·k+l]·dst_i for the row-major n×k block w (see IC0.ApplyDots):
// where FusesDots(k), the products are accumulated during the backward
// sweep and scaled with it. It panics if len(w) ≠ len(dst)·k.
func (p *SSORPreconditioner) ApplyDots(dst, r, w, dots []float64) {
	checkBlock("SSORPreconditioner", dst, w, dots)
	p.forward(dst, r)
	c := (2 - p.omega) / p.omega
	if vec.FusedDotsOK(len(dots)) {
		vec.UpperSweepDots(p.a.RowPtr, p.dpos, p.a.ColIdx, p.a.Val, p.wd, dst, w, dots)
		scale(dst, c)
		scale(dots, c)
		return
	}
	p.backward(dst)
	scale(dst, c)
	rowDots(dots, w, dst)
}

// checkBlock panics unless w holds len(dst)·len(dots) values.
func checkBlock(name string, dst, w, dots []float64) {
	if len(w) != len(dst)*len(dots) {
		panic("linsolve: " + name + ".ApplyDots: block length is not len(dst)·len(dots)")
	}
}

// rowDots sets dots[l] = Σ_i w[i·k+l]·x_i (k = len(dots)), the two-pass
// form of ApplyDots, summed from the last row as the fused kernels do.
func rowDots(dots, w, x []float64) {
	k := len(dots)
	clear(dots)
	for i := len(x) - 1; i >= 0; i-- {
		xi := x[i]
		for l, wl := range w[i*k : (i+1)*k] {
			dots[l] += wl * xi
		}
	}
}

// IC0 is the zero fill-in incomplete Cholesky factorization A ≈ L·Lᵀ, with
// L restricted to the pattern of the lower triangle of A (Meijerink and van
// der Vorst 1977; Saad 2003, §10.3.5). It is the preconditioner of PETSc's
// PCICC with zero levels of fill, and like PETSc's it shifts the diagonal
// when a pivot is not positive (see IC0Settings).
type IC0 struct {
	l    *sparse.CSR // strictly lower part of L
	lt   *sparse.CSR // its transpose (strictly upper part of Lᵀ)
	dinv []float64   // 1/l_ii: the substitutions multiply, so that no
	// division sits on their sequential dependency chain
	shift float64
}

// IC0Settings configures NewIC0. The zero value (or nil) is the default:
// the symmetry test on, the automatic shift on.
type IC0Settings struct {
	// NoShift makes a non-positive pivot an error wrapping ErrPivot. By
	// default IC(0) is retried on A + α·diag(A) with α = 10⁻³, 2·10⁻³,
	// 4·10⁻³, … (Manteuffel 1980; PETSc's MAT_SHIFT_POSITIVE_DEFINITE
	// shifts too), up to the α at which the shifted matrix is diagonally
	// dominant, where IC(0) always exists: on a matrix with a positive
	// diagonal the factorization never fails. IC0.Shift reports α, which
	// is 0 when no pivot went bad.
	NoShift bool
	// SkipSymmetryCheck turns off the symmetry test (IC(0) reads only the
	// lower triangle; a nonsymmetric matrix is otherwise an error wrapping
	// ErrNotSymmetric).
	SkipSymmetryCheck bool
}

// NewIC0 factors the symmetric positive definite a; a nil s means the
// defaults. It fails with ErrZeroDiagonal where a diagonal entry is
// missing, zero or negative (a cannot be positive definite), with
// ErrNotSymmetric for a nonsymmetric a, and, with s.NoShift, with ErrPivot
// where a pivot is not positive (IC(0) breaks down on SPD matrices that
// are not M-matrices).
func NewIC0(a *sparse.CSR, s *IC0Settings) (*IC0, error) {
	const name = "IC(0)"
	var o IC0Settings
	if s != nil {
		o = *s
	}
	if err := checkSquare(name, a); err != nil {
		return nil, err
	}
	if !o.SkipSymmetryCheck {
		if err := checkSymmetric(name, a, &settings{}); err != nil {
			return nil, err
		}
	}
	n := a.Dim()
	// Copy the lower triangle (diagonal last).
	rp := make([]int, n+1)
	for i := range n {
		cnt := 0
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			if int(a.ColIdx[k]) <= i {
				cnt++
			}
		}
		rp[i+1] = rp[i] + cnt
	}
	ci := make([]int32, rp[n])
	orig := make([]float64, rp[n])
	for i := range n {
		p := rp[i]
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			if int(a.ColIdx[k]) <= i {
				ci[p], orig[p] = a.ColIdx[k], a.Val[k]
				p++
			}
		}
		if p == rp[i] || int(ci[p-1]) != i {
			return nil, fmt.Errorf("%w: %s: row %d has no diagonal entry", ErrZeroDiagonal, name, i)
		}
		if !(orig[p-1] > 0) {
			return nil, fmt.Errorf("%w: %s: diagonal entry %d is %v ≤ 0 (A is not positive definite)", ErrZeroDiagonal, name, i, orig[p-1])
		}
	}
	// The shift at which A + α·diag(A) is diagonally dominant: the largest
	// scaled off-diagonal row sum Σ_j |a_ij|/√(a_ii·a_jj) (both triangles).
	var alphaCap float64
	if !o.NoShift {
		rowSum := make([]float64, n)
		for i := range n {
			di := orig[rp[i+1]-1]
			for p := rp[i]; p < rp[i+1]-1; p++ {
				j := int(ci[p])
				v := math.Abs(orig[p]) / math.Sqrt(di*orig[rp[j+1]-1])
				rowSum[i] += v
				rowSum[j] += v
			}
		}
		// D^{-1/2}(A + α·D)D^{-1/2} has diagonal 1 + α: strictly
		// dominant once α > max row sum − 1.
		alphaCap = max(slices.Max(append(rowSum, 0))-1, 0)*(1+1e-8) + 1e-8
	}
	val := make([]float64, len(orig))
	alpha := 0.0
	for {
		copy(val, orig)
		if alpha > 0 {
			for i := range n {
				val[rp[i+1]-1] *= 1 + alpha
			}
		}
		bad, piv := ic0Factor(rp, ci, val)
		if bad < 0 {
			break
		}
		if o.NoShift {
			return nil, fmt.Errorf("%w: %s: pivot %d is %.3g ≤ 0 (A not positive definite, or IC(0) breakdown; the default shift avoids it)", ErrPivot, name, bad, piv)
		}
		if alpha >= alphaCap {
			// Unreachable for a finite matrix with a positive diagonal.
			return nil, fmt.Errorf("%w: %s: pivot %d is %.3g ≤ 0 with shift %g", ErrPivot, name, bad, piv, alpha)
		}
		alpha = min(max(2*alpha, 1e-3), alphaCap)
	}
	// Split off the diagonal: strictly lower rows, and 1/l_ii.
	dinv := make([]float64, n)
	srp := make([]int, n+1)
	sci := ci[:0]
	sval := val[:0]
	for i := range n {
		lo, hi := rp[i], rp[i+1]-1
		dinv[i] = 1 / val[hi]
		sci = append(sci, ci[lo:hi]...)
		sval = append(sval, val[lo:hi]...)
		srp[i+1] = len(sci)
	}
	l, err := sparse.NewCSR(n, n, srp, sci, sval)
	if err != nil {
		panic("linsolve: IC(0) built an invalid factor: " + err.Error())
	}
	return &IC0{l: l, lt: l.T(), dinv: dinv, shift: alpha}, nil
}

// Shift returns the α of the factorization of A + α·diag(A): 0 unless a
// pivot of A's own factorization was not positive.
func (p *IC0) Shift() float64 { return p.shift }

// ic0Factor factors in place the lower triangle rp, ci, val (diagonal
// last in each row). Row-oriented: for row i, each l_ik (k < i) is
// (a_ik − Σ_{j<k} l_ij·l_kj)/l_kk over the shared pattern, then
// l_ii = √(a_ii − Σ_{j<i} l_ij²). It returns the first row whose pivot is
// not positive and that pivot, or −1.
func ic0Factor(rp []int, ci []int32, val []float64) (int, float64) {
	n := len(rp) - 1
	for i := range n {
		lo, hi := rp[i], rp[i+1]-1 // hi is the diagonal position
		for p := lo; p < hi; p++ {
			k := int(ci[p])
			// Sparse dot of row i (cols < k) with row k (cols < k).
			s := val[p]
			q, qe := rp[k], rp[k+1]-1
			for t := lo; t < p && q < qe; {
				switch {
				case ci[t] < ci[q]:
					t++
				case ci[t] > ci[q]:
					q++
				default:
					s -= val[t] * val[q]
					t++
					q++
				}
			}
			val[p] = s / val[rp[k+1]-1]
		}
		s := val[hi]
		for p := lo; p < hi; p++ {
			s -= val[p] * val[p]
		}
		if !(s > 0) {
			return i, s
		}
		val[hi] = math.Sqrt(s)
	}
	return -1, 0
}

// Apply sets dst = (L·Lᵀ)⁻¹·r by forward and backward substitution.
func (p *IC0) Apply(dst, r []float64) {
	lowerSolve(dst, r, p.l, p.dinv)
	upperSolve(dst, dst, p.lt, p.dinv)
}

// FusesDots reports whether ApplyDots with k dot products runs as one
// fused kernel on this machine (AVX2 and FMA, k a positive multiple of 4
// up to 48); otherwise it applies and dots in two passes.
func (p *IC0) FusesDots(k int) bool { return vec.FusedDotsOK(k) }

// ApplyDots sets dst = M⁻¹·r, as Apply does (bit for bit), and dots[l] =
// Σ_i w[i·k+l]·dst_i for l < k = len(dots), the products of dst with the
// columns of the row-major n×k block w: recycled CG's (A·U)ᵀz. Where
// FusesDots(k), the products are accumulated while the backward
// substitution produces dst and cost little beyond it; the substitution
// is a chain of dependent operations that leaves the core idle between
// them. It panics if len(w) ≠ len(dst)·k.
func (p *IC0) ApplyDots(dst, r, w, dots []float64) {
	checkBlock("IC0", dst, w, dots)
	lowerSolve(dst, r, p.l, p.dinv)
	if vec.FusedDotsOK(len(dots)) {
		vec.UpperSolveDots(p.lt.RowPtr, p.lt.ColIdx, p.lt.Val, p.dinv, dst, dst, w, dots)
		return
	}
	upperSolve(dst, dst, p.lt, p.dinv)
	rowDots(dots, w, dst)
}

// lowerSolve sets dst_i = dinv_i·(r_i − Σ_{j<i} l_ij·dst_j) for the
// strictly lower rows l, in row order.
func lowerSolve(dst, r []float64, l *sparse.CSR, dinv []float64) {
	rp, ci, v := l.RowPtr, l.ColIdx, l.Val
	rp = rp[:len(dst)+1]
	r = r[:len(dst)]
	dinv = dinv[:len(dst)]
	lo := rp[0]
	for i := range dst {
		hi := rp[i+1]
		s := r[i]
		for k := lo; k < hi; k++ {
			s -= v[k] * dst[ci[k]]
		}
		dst[i] = s * dinv[i]
		lo = hi
	}
}

// upperSolve sets dst_i = dinv_i·(r_i − Σ_{j>i} u_ij·dst_j) for the
// strictly upper rows u, in reverse row order. dst and r may be the same.
func upperSolve(dst, r []float64, u *sparse.CSR, dinv []float64) {
	rp, ci, v := u.RowPtr, u.ColIdx, u.Val
	rp = rp[:len(dst)+1]
	r = r[:len(dst)]
	dinv = dinv[:len(dst)]
	hi := rp[len(dst)]
	for i := len(dst) - 1; i >= 0; i-- {
		lo := rp[i]
		s := r[i]
		for k := lo; k < hi; k++ {
			s -= v[k] * dst[ci[k]]
		}
		dst[i] = s * dinv[i]
		hi = lo
	}
}

// ILU0 is the zero fill-in incomplete LU factorization A ≈ L·U with unit
// lower L and upper U on the pattern of A (Saad 2003, Alg. 10.4, the IKJ
// variant).
type ILU0 struct {
	l, u *sparse.CSR // strictly lower (unit L) and strictly upper parts
	dinv []float64   // 1/u_ii
	ones []float64   // the unit diagonal of L
}

// NewILU0 factors a. It fails with ErrZeroDiagonal where a row has no
// diagonal entry, and with ErrPivot where a pivot becomes zero.
func NewILU0(a *sparse.CSR) (*ILU0, error) {
	const name = "ILU(0)"
	if err := checkSquare(name, a); err != nil {
		return nil, err
	}
	n := a.Dim()
	lu := a.Clone()
	diag := lu.DiagIndex()
	for i, k := range diag {
		if k < 0 {
			return nil, fmt.Errorf("%w: %s: row %d has no diagonal entry", ErrZeroDiagonal, name, i)
		}
	}
	pos := make([]int, n) // column → position in the current row, −1 if absent
	for i := range pos {
		pos[i] = -1
	}
	rp, ci, v := lu.RowPtr, lu.ColIdx, lu.Val
	for i := range n {
		for k := rp[i]; k < rp[i+1]; k++ {
			pos[ci[k]] = k
		}
		for k := rp[i]; k < diag[i]; k++ {
			c := int(ci[k])
			piv := v[diag[c]]
			if piv == 0 {
				return nil, fmt.Errorf("%w: %s: zero pivot at row %d", ErrPivot, name, c)
			}
			v[k] /= piv
			lik := v[k]
			for t := diag[c] + 1; t < rp[c+1]; t++ {
				if q := pos[ci[t]]; q >= 0 {
					v[q] -= lik * v[t]
				}
			}
		}
		if v[diag[i]] == 0 || isBad(v[diag[i]]) {
			return nil, fmt.Errorf("%w: %s: pivot %d is %v", ErrPivot, name, i, v[diag[i]])
		}
		for k := rp[i]; k < rp[i+1]; k++ {
			pos[ci[k]] = -1
		}
	}
	lt := sparse.NewTriplet(n, n, diag[n-1]+1)
	ut := sparse.NewTriplet(n, n, len(v)-diag[n-1])
	dinv := make([]float64, n)
	ones := make([]float64, n)
	for i := range n {
		for k := rp[i]; k < rp[i+1]; k++ {
			switch {
			case k < diag[i]:
				lt.Append(i, int(ci[k]), v[k])
			case k > diag[i]:
				ut.Append(i, int(ci[k]), v[k])
			}
		}
		dinv[i] = 1 / v[diag[i]]
		ones[i] = 1
	}
	return &ILU0{l: lt.ToCSR(), u: ut.ToCSR(), dinv: dinv, ones: ones}, nil
}

// Apply sets dst = (L·U)⁻¹·r.
func (p *ILU0) Apply(dst, r []float64) {
	lowerSolve(dst, r, p.l, p.ones)
	upperSolve(dst, dst, p.u, p.dinv)
}
