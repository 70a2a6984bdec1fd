package direct

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/pdekit/pdekit/sparse"
)

// snLU is the supernodal LU factorization P·A·Pᵀ = L·U without row
// interchanges, on the structure of the Cholesky factor of A + Aᵀ: the
// fast path for matrices whose pattern is (nearly) symmetric and whose
// diagonal pivots pass the threshold test (discretised PDEs, including
// convection–diffusion). Each supernode J holds two dense m × w blocks:
// lx with the full diagonal block (L11 unit lower and U11 upper) and L21
// below it, ux with U12ᵀ below an unused w × w square. A pivot failing
// |u_kk| ≥ PivotTol·max_i |l_ik| stops it with errPivotFallback, and
// NewLU then uses the pivoting Gilbert–Peierls algorithm.
type snLU struct {
	s      *Cholesky // the symbolic structure (and the ordering)
	lx, ux []float64
	apos   []int // position of each entry of A in lx (≥ 0) or ux (−1 − position)
	dirty  bool  // lx and ux hold an earlier factorization
}

var errPivotFallback = errors.New("direct: pivot below threshold")

// newSNLU analyses a: symmetric pattern, Cholesky structure, positions of
// A's entries in the blocks. It fails with ErrFillLimit when L and U
// would hold more than maxNNZ entries (maxNNZ > 0), before allocating
// them.
func newSNLU(a *sparse.CSR, perm []int, maxNNZ int) (*snLU, error) {
	n := a.Dim()
	// The pattern of A + Aᵀ (values unused).
	t := a.T()
	rp := make([]int, n+1)
	var ci []int32
	for i := range n {
		ci = append(ci, a.ColIdx[a.RowPtr[i]:a.RowPtr[i+1]]...)
		ci = append(ci, t.ColIdx[t.RowPtr[i]:t.RowPtr[i+1]]...)
		ci = append(ci, int32(i))
		row := ci[rp[i]:]
		slices.Sort(row)
		ci = ci[:rp[i]+len(slices.Compact(row))]
		rp[i+1] = len(ci)
	}
	sym, err := sparse.NewCSR(n, n, rp, ci, make([]float64, len(ci)))
	if err != nil {
		panic("direct: symmetrised pattern: " + err.Error())
	}
	c := analyse(sym, perm)
	if maxNNZ > 0 && 2*c.nnz > maxNNZ {
		return nil, fmt.Errorf("%w: LU needs %d nonzeros in L and U, more than the limit %d", ErrFillLimit, 2*c.nnz, maxNNZ)
	}
	f := &snLU{s: c, lx: c.lx, ux: make([]float64, len(c.lx))}
	c.lx = nil
	f.apos = make([]int, a.NNZ())
	for i := range n {
		pi := c.pinv[i]
		for q := a.RowPtr[i]; q < a.RowPtr[i+1]; q++ {
			pj := c.pinv[a.ColIdx[q]]
			// L part (pi ≥ pj): supernode of column pj, row pi. U part:
			// supernode of row pi, stored transposed at row pj.
			col, row := pj, pi
			if pi < pj {
				col, row = pi, pj
			}
			J := c.snode[col]
			rows := c.srows[c.srp[J]:c.srp[J+1]]
			r, ok := slices.BinarySearch(rows, int32(row))
			if !ok {
				panic("direct: entry outside the symbolic structure")
			}
			fc := c.sfirst[J]
			w := c.sfirst[J+1] - fc
			switch {
			case pi >= pj: // L, or the diagonal
				f.apos[q] = c.sxp[J] + r*w + pj - fc
			case r < w: // U inside the diagonal block: row pi, column pj
				f.apos[q] = c.sxp[J] + (pi-fc)*w + pj - fc
			default: // U12, stored transposed
				f.apos[q] = -1 - (c.sxp[J] + r*w + pi - fc)
			}
		}
	}
	return f, nil
}

// factor computes the numeric factorization of a (the analysed pattern).
func (f *snLU) factor(a *sparse.CSR, tol float64) error {
	c := f.s
	if f.dirty {
		clear(f.lx)
		clear(f.ux)
	}
	f.dirty = true
	for q, p := range f.apos {
		if p >= 0 {
			f.lx[p] += a.Val[q]
		} else {
			f.ux[-1-p] += a.Val[q]
		}
	}
	ns := len(c.sfirst) - 1
	relpos := make([]int32, c.n)
	u := c.newUpdateLists()
	var work []float64
	impl := gonum.Implementation{}
	for J := range ns {
		fc, l := c.sfirst[J], c.sfirst[J+1]
		w := l - fc
		rows := c.srows[c.srp[J]:c.srp[J+1]]
		m := len(rows)
		lb := f.lx[c.sxp[J]:c.sxp[J+1]]
		ub := f.ux[c.sxp[J]:c.sxp[J+1]]
		for i, r := range rows {
			relpos[r] = int32(i)
		}
		for K := u.head[J]; K >= 0; {
			nextK := u.next[K]
			krows := c.srows[c.srp[K]:c.srp[K+1]]
			kw := c.sfirst[K+1] - c.sfirst[K]
			kl := f.lx[c.sxp[K]:c.sxp[K+1]]
			ku := f.ux[c.sxp[K]:c.sxp[K+1]]
			i1, i2 := u.span(K, krows, l)
			mk, nc := len(krows)-i1, i2-i1
			// L_J(rows, cols) −= L_K(i1:, :)·U_K(:, i1:i2), U_K stored
			// transposed in ku; U_Jᵀ(rows ≥ l, cols) −= U_Kᵀ(i2:, :)·L_K(i1:i2, :)ᵀ.
			if cap(work) < mk*nc {
				work = make([]float64, mk*nc)
			}
			cw := work[:mk*nc]
			gemmNT(impl, mk, nc, kw, kl[i1*kw:], ku[i1*kw:], cw)
			for r := range mk {
				base := int(relpos[krows[i1+r]])*w - fc
				for cc, v := range cw[r*nc : (r+1)*nc] {
					lb[base+int(krows[i1+cc])] -= v
				}
			}
			if mu := mk - nc; mu > 0 {
				cu := work[:mu*nc]
				gemmNT(impl, mu, nc, kw, ku[i2*kw:], kl[i1*kw:], cu)
				for r := range mu {
					base := int(relpos[krows[i2+r]])*w - fc
					for cc, v := range cu[r*nc : (r+1)*nc] {
						ub[base+int(krows[i1+cc])] -= v
					}
				}
			}
			u.link(K, krows, i2)
			K = nextK
		}
		// Factor the m × w panel of L without interchanges, checking each
		// pivot against its column.
		for k := range w {
			piv := lb[k*w+k]
			var colmax float64
			for i := k + 1; i < m; i++ {
				colmax = math.Max(colmax, math.Abs(lb[i*w+k]))
			}
			if piv == 0 || math.Abs(piv) < tol*colmax || math.IsNaN(piv) {
				return errPivotFallback
			}
			inv := 1 / piv
			urow := lb[k*w+k+1 : k*w+w]
			for i := k + 1; i < m; i++ {
				row := lb[i*w : i*w+w]
				lik := row[k] * inv
				row[k] = lik
				if lik != 0 {
					for j, u := range urow {
						row[k+1+j] -= lik * u
					}
				}
			}
		}
		if m > w {
			// U12ᵀ = F12ᵀ·L11⁻ᵀ (L11 unit lower).
			impl.Dtrsm(blas.Right, blas.Lower, blas.Trans, blas.Unit, m-w, w, 1, lb, w, ub[w*w:], w)
			u.link(int32(J), rows, w)
		}
	}
	return nil
}

// gemmNT sets c (m × n) = a (m × k, stride k) · b (n × k, stride k)ᵀ, by
// Dgemm when the product is large enough to pay for the call.
func gemmNT(impl gonum.Implementation, m, n, k int, a, b, c []float64) {
	if m*n*k >= 4096 {
		impl.Dgemm(blas.NoTrans, blas.Trans, m, n, k, 1, a, k, b, k, 0, c, n)
		return
	}
	for r := range m {
		ar := a[r*k : (r+1)*k]
		for cc := range n {
			bc := b[cc*k : (cc+1)*k]
			var d float64
			for t, v := range ar {
				d += v * bc[t]
			}
			c[r*n+cc] = d
		}
	}
}

// solve sets dst = A⁻¹·b (y is scratch of length n).
func (f *snLU) solve(dst, b, y []float64) {
	f.s.substitute(dst, b, y, f.lx, f.ux, true)
}

// nnz returns the nonzeros of L and U (the unit diagonal of L counted).
func (f *snLU) nnz() int { return 2 * f.s.nnz }
