package linsolve

import (
	"fmt"

	"github.com/pdekit/pdekit/sparse"
)

// Reordered applies a preconditioner built for the symmetrically permuted
// matrix P·A·Pᵀ to the original system: Apply(dst, r) = Pᵀ·M⁻¹·P·r. With
// a reverse Cuthill–McKee permutation (direct.Order with direct.RCM) it
// gives IC(0), ILU(0) and ILUT the banded numbering they work best in
// when a matrix arrives randomly numbered (an unstructured mesh, a
// permuted grid). Apply is safe for concurrent use when the inner
// preconditioner's is.
type Reordered struct {
	perm  []int // perm[k]: the row of A in position k
	inner Preconditioner
	pool  *workPool[[]float64]
}

// NewReordered permutes a by perm (perm[k] is the row and column of a
// placed k-th) and builds the inner preconditioner on the result with
// build.
func NewReordered(a *sparse.CSR, perm []int, build func(*sparse.CSR) (Preconditioner, error)) (*Reordered, error) {
	n := a.Dim()
	if r, c := a.Dims(); r != c || len(perm) != n {
		return nil, fmt.Errorf("%w: reordering a %d×%d matrix with a permutation of length %d", ErrDimension, r, c, len(perm))
	}
	pinv := make([]int, n)
	for i := range pinv {
		pinv[i] = -1
	}
	for k, v := range perm {
		if v < 0 || v >= n || pinv[v] >= 0 {
			return nil, fmt.Errorf("%w: perm is not a permutation (entry %d = %d)", ErrDimension, k, v)
		}
		pinv[v] = k
	}
	inner, err := build(sparse.SymPermute(a, pinv))
	if err != nil {
		return nil, err
	}
	r := &Reordered{perm: perm, inner: inner}
	r.pool = newWorkPool(func() *[]float64 { s := make([]float64, 2*n); return &s })
	return r, nil
}

// Apply sets dst = Pᵀ·M⁻¹·P·r.
func (p *Reordered) Apply(dst, r []float64) {
	wp := p.pool.get()
	n := len(p.perm)
	x, y := (*wp)[:n], (*wp)[n:]
	for k, v := range p.perm {
		x[k] = r[v]
	}
	p.inner.Apply(y, x)
	for k, v := range p.perm {
		dst[v] = y[k]
	}
	p.pool.put(wp)
}

// Inner returns the preconditioner of the permuted matrix.
func (p *Reordered) Inner() Preconditioner { return p.inner }
