package linsolve

import (
	"fmt"
	"math"

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

// checkSquare returns an error unless a is square with finite entries.
func checkSquare(name string, a *sparse.CSR) error {
	r, c := a.Dims()
	if r != c {
		return fmt.Errorf("%w: %s needs a square matrix, got %d×%d", ErrDimension, name, r, c)
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
	d     []float64
	dpos  []int
	omega float64
}

// NewSSORPreconditioner returns the SSOR(ω) preconditioner of a, with
// ω = 1 (symmetric Gauss–Seidel) when omega is zero. It fails with
// ErrZeroDiagonal if a diagonal entry is not positive, and panics if ω is
// outside (0, 2).
func NewSSORPreconditioner(a *sparse.CSR, omega float64) (*SSORPreconditioner, error) {
	const name = "SSOR preconditioner"
	if omega == 0 {
		omega = 1
	}
	if !(omega > 0 && omega < 2) {
		panic(fmt.Sprintf("linsolve: SSOR preconditioner: omega = %v outside (0, 2)", omega))
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
	return &SSORPreconditioner{a: a, d: d, dpos: a.DiagIndex(), omega: omega}, nil
}

// Apply sets dst = M⁻¹·r by a forward and a backward triangular sweep.
func (p *SSORPreconditioner) Apply(dst, r []float64) {
	a, d, w := p.a, p.d, p.omega
	rp, ci, v := a.RowPtr, a.ColIdx, a.Val
	n := len(dst)
	// Forward: (D/ω + L) y = r.
	for i := range n {
		s := r[i]
		for k := rp[i]; k < p.dpos[i]; k++ {
			s -= v[k] * dst[ci[k]]
		}
		dst[i] = w * s / d[i]
	}
	// Backward: (D/ω + U) z = (D/ω) y, in place; then scale by (2−ω)/ω.
	for i := n - 1; i >= 0; i-- {
		var s float64
		for k := p.dpos[i] + 1; k < rp[i+1]; k++ {
			s += v[k] * dst[ci[k]]
		}
		dst[i] -= w * s / d[i]
	}
	scale(dst, (2-w)/w)
}

// IC0 is the zero fill-in incomplete Cholesky factorization A ≈ L·Lᵀ, with
// L restricted to the pattern of the lower triangle of A (Meijerink and van
// der Vorst 1977; Saad 2003, §10.3.5). It is the preconditioner of PETSc's
// PCICC with zero levels of fill.
type IC0 struct {
	l  *sparse.CSR // lower triangle, diagonal last in each row
	lt *sparse.CSR // its transpose, diagonal first in each row
}

// NewIC0 factors the symmetric positive definite a. Only the lower
// triangle of a is read. It fails with ErrPivot where a pivot is not
// positive (the matrix is not positive definite, or IC(0) breaks down on
// it, which can happen for SPD matrices that are not M-matrices), and with
// ErrZeroDiagonal where a row has no diagonal entry.
func NewIC0(a *sparse.CSR) (*IC0, error) {
	const name = "IC(0)"
	if err := checkSquare(name, a); err != nil {
		return nil, err
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
	val := make([]float64, rp[n])
	for i := range n {
		p := rp[i]
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			if int(a.ColIdx[k]) <= i {
				ci[p], val[p] = a.ColIdx[k], a.Val[k]
				p++
			}
		}
		if p == rp[i] || int(ci[p-1]) != i {
			return nil, fmt.Errorf("%w: %s: row %d has no diagonal entry", ErrZeroDiagonal, name, i)
		}
	}
	// Row-oriented factorization: for row i, each l_ik (k < i) is
	// (a_ik − Σ_{j<k} l_ij·l_kj)/l_kk over the shared pattern, then
	// l_ii = √(a_ii − Σ_{j<i} l_ij²).
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
			return nil, fmt.Errorf("%w: %s: pivot %d is %.3g ≤ 0 (A not positive definite, or IC(0) breakdown)", ErrPivot, name, i, s)
		}
		val[hi] = math.Sqrt(s)
	}
	l, err := sparse.NewCSR(n, n, rp, ci, val)
	if err != nil {
		panic("linsolve: IC(0) built an invalid factor: " + err.Error())
	}
	return &IC0{l: l, lt: l.T()}, nil
}

// Apply sets dst = (L·Lᵀ)⁻¹·r by forward and backward substitution.
func (p *IC0) Apply(dst, r []float64) {
	n := len(dst)
	l, lt := p.l, p.lt
	for i := range n {
		lo, hi := l.RowPtr[i], l.RowPtr[i+1]-1
		s := r[i]
		for k := lo; k < hi; k++ {
			s -= l.Val[k] * dst[l.ColIdx[k]]
		}
		dst[i] = s / l.Val[hi]
	}
	for i := n - 1; i >= 0; i-- {
		lo, hi := lt.RowPtr[i], lt.RowPtr[i+1]
		s := dst[i]
		for k := lo + 1; k < hi; k++ {
			s -= lt.Val[k] * dst[lt.ColIdx[k]]
		}
		dst[i] = s / lt.Val[lo]
	}
}

// ILU0 is the zero fill-in incomplete LU factorization A ≈ L·U with unit
// lower L and upper U on the pattern of A (Saad 2003, Alg. 10.4, the IKJ
// variant).
type ILU0 struct {
	lu   *sparse.CSR // L below the diagonal, U on and above it
	diag []int       // position of the diagonal in each row
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
	return &ILU0{lu: lu, diag: diag}, nil
}

// Apply sets dst = (L·U)⁻¹·r.
func (p *ILU0) Apply(dst, r []float64) {
	n := len(dst)
	rp, ci, v := p.lu.RowPtr, p.lu.ColIdx, p.lu.Val
	for i := range n {
		s := r[i]
		for k := rp[i]; k < p.diag[i]; k++ {
			s -= v[k] * dst[ci[k]]
		}
		dst[i] = s
	}
	for i := n - 1; i >= 0; i-- {
		s := dst[i]
		for k := p.diag[i] + 1; k < rp[i+1]; k++ {
			s -= v[k] * dst[ci[k]]
		}
		dst[i] = s / v[p.diag[i]]
	}
}
