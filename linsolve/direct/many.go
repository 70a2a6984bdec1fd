package direct

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/sparse"
)

// SolveManyTo solves A·X = B for the k columns of b (n×k) into dst (n×k),
// with the refinement steps of the settings. The substitutions act on all
// columns at once: each supernode's triangular solves and updates are
// matrix–matrix products (Dtrsm, Dgemm), which for many right-hand sides
// run several times faster than as many SolveTo calls.
func (c *Cholesky) SolveManyTo(dst, b *mat.Dense) error {
	if c.a == nil {
		return fmt.Errorf("%w: the last Factor failed", ErrNotPositiveDefinite)
	}
	return solveMany(dst, b, c.a, c.n, c.refine, func(y []float64, k int) { c.substituteMany(y, k, c.lx, c.lx, false) })
}

// SolveManyTo solves A·X = B for the k columns of b (n×k) into dst (n×k),
// with the refinement steps of the settings; blocked as Cholesky's when
// the factors are supernodal (no pivoting was needed), one column at a
// time otherwise.
func (f *LU) SolveManyTo(dst, b *mat.Dense) error {
	if f.a == nil {
		return fmt.Errorf("%w: the last Factor failed", ErrSingular)
	}
	if f.sn != nil {
		return solveMany(dst, b, f.a, f.n, f.refine, func(y []float64, k int) { f.sn.s.substituteMany(y, k, f.sn.lx, f.sn.ux, true) })
	}
	col, out, work := make([]float64, f.n), make([]float64, f.n), make([]float64, f.n)
	return solveMany(dst, b, f.a, f.n, f.refine, func(y []float64, k int) {
		for j := range k {
			for i := range f.n {
				col[i] = y[i*k+j]
			}
			f.solveOnce(out, col, work)
			for i := range f.n {
				y[i*k+j] = out[i]
			}
		}
	})
}

// solveMany checks the shapes and values of b, solves with subst (which
// overwrites an n×k row-major y with A⁻¹·y) and refines steps times
// with the residual of every column.
func solveMany(dst, b *mat.Dense, a *sparse.CSR, n, steps int, subst func(y []float64, k int)) error {
	br, k := b.Dims()
	dr, dc := dst.Dims()
	if br != n || dr != n || dc != k {
		return fmt.Errorf("%w: order %d, b is %d×%d, dst is %d×%d", ErrDimension, n, br, k, dr, dc)
	}
	y := make([]float64, n*k)
	braw := b.RawMatrix()
	for i := range n {
		copy(y[i*k:(i+1)*k], braw.Data[i*braw.Stride:])
	}
	for p, v := range y {
		if v != v || v-v != 0 {
			return fmt.Errorf("direct: %w: b[%d, %d] = %v", sparse.ErrNotFinite, p/k, p%k, v)
		}
	}
	x := make([]float64, n*k)
	copy(x, y)
	subst(x, k)
	if steps > 0 {
		r := make([]float64, n*k)
		for range steps {
			// r = b − A·x, row by row of A.
			for i := range n {
				ri := r[i*k : (i+1)*k]
				copy(ri, y[i*k:(i+1)*k])
				for p := a.RowPtr[i]; p < a.RowPtr[i+1]; p++ {
					v, xj := a.Val[p], x[int(a.ColIdx[p])*k:]
					for j := range ri {
						ri[j] -= v * xj[j]
					}
				}
			}
			subst(r, k)
			for i, d := range r {
				x[i] += d
			}
		}
	}
	for p, v := range x {
		if v != v || v-v != 0 {
			return fmt.Errorf("%w: solution entry (%d, %d) is %v (the matrix is numerically singular)", ErrSingular, p/k, p%k, v)
		}
	}
	draw := dst.RawMatrix()
	for i := range n {
		copy(draw.Data[i*draw.Stride:i*draw.Stride+k], x[i*k:(i+1)*k])
	}
	return nil
}

// substituteMany is substitute for the k columns of the n×k row-major y,
// in place: the permutation, then per supernode a triangular solve with
// the diagonal block and one product for the rows below it, forward and
// backward.
func (c *Cholesky) substituteMany(y []float64, k int, lb, ub []float64, unit bool) {
	n := c.n
	py := make([]float64, n*k)
	for r, v := range c.perm {
		copy(py[r*k:(r+1)*k], y[v*k:(v+1)*k])
	}
	impl := gonum.Implementation{}
	diag := blas.NonUnit
	if unit {
		diag = blas.Unit
	}
	var t []float64 // (rows below) × k scratch
	ns := len(c.sfirst) - 1
	for J := range ns {
		f, l := c.sfirst[J], c.sfirst[J+1]
		w := l - f
		rows := c.srows[c.srp[J]:c.srp[J+1]]
		blk := lb[c.sxp[J]:c.sxp[J+1]]
		yj := py[f*k : l*k]
		impl.Dtrsm(blas.Left, blas.Lower, blas.NoTrans, diag, w, k, 1, blk, w, yj, k)
		m := len(rows) - w
		if m == 0 {
			continue
		}
		if cap(t) < m*k {
			t = make([]float64, m*k)
		}
		t = t[:m*k]
		impl.Dgemm(blas.NoTrans, blas.NoTrans, m, k, w, 1, blk[w*w:], w, yj, k, 0, t, k)
		for i, row := range rows[w:] {
			dstRow, ti := py[int(row)*k:int(row)*k+k], t[i*k:(i+1)*k]
			for j := range dstRow {
				dstRow[j] -= ti[j]
			}
		}
	}
	for J := ns - 1; J >= 0; J-- {
		f, l := c.sfirst[J], c.sfirst[J+1]
		w := l - f
		rows := c.srows[c.srp[J]:c.srp[J+1]]
		blk := lb[c.sxp[J]:c.sxp[J+1]]
		ublk := ub[c.sxp[J]:c.sxp[J+1]]
		yj := py[f*k : l*k]
		if m := len(rows) - w; m > 0 {
			if cap(t) < m*k {
				t = make([]float64, m*k)
			}
			t = t[:m*k]
			for i, row := range rows[w:] {
				copy(t[i*k:(i+1)*k], py[int(row)*k:int(row)*k+k])
			}
			impl.Dgemm(blas.Trans, blas.NoTrans, w, k, m, -1, ublk[w*w:], w, t, k, 1, yj, k)
		}
		if unit { // U11: the upper triangle of the diagonal block
			impl.Dtrsm(blas.Left, blas.Upper, blas.NoTrans, blas.NonUnit, w, k, 1, blk, w, yj, k)
			continue
		}
		impl.Dtrsm(blas.Left, blas.Lower, blas.Trans, blas.NonUnit, w, k, 1, blk, w, yj, k) // L11ᵀ
	}
	for r, v := range c.perm {
		copy(y[v*k:(v+1)*k], py[r*k:(r+1)*k])
	}
}
