package gp

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// basis1D is a kernel's truncated eigenbasis on a uniform grid: the
// functions q_j(x) = Σ_i (Q_r·Λ_r⁻¹)_{ij}·k(x − x_i) whose grid values are
// the eigenvectors of K = [k(x_i − x_j)] with eigenvalues above
// eigTol·λ_max (orthonormal on the grid), their first and second
// derivatives in closed form from k′ and k″.
type basis1D struct {
	x    []float64
	kern *Mixture
	n, r int
	// Values (orthonormal columns), first and second derivatives and
	// kernel weights, N×r.
	q, q1, q2, qw *mat.Dense
}

func uniformGrid(lo, hi float64, n int) []float64 {
	x := make([]float64, n)
	h := (hi - lo) / float64(n-1)
	for i := range x {
		x[i] = lo + h*float64(i)
	}
	x[n-1] = hi
	return x
}

// newBasis1D builds the basis of k on x.
func newBasis1D(x []float64, k *Mixture, eigTol float64) (*basis1D, error) {
	n := len(x)
	kd := mat.NewSymDense(n, nil)
	k1 := mat.NewDense(n, n, nil)
	k2 := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			kv, dk, d2k := k.Eval(x[i] - x[j])
			if j >= i {
				kd.SetSym(i, j, kv)
			}
			k1.Set(i, j, dk)
			k2.Set(i, j, d2k)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(kd, true) {
		return nil, fmt.Errorf("%w: eigendecomposition of the kernel matrix failed", ErrNumerical)
	}
	lam := eig.Values(nil)
	lmax := lam[n-1]
	if !(lmax > 0) {
		return nil, fmt.Errorf("%w: largest eigenvalue %g", ErrNotPositiveDefinite, lmax)
	}
	r := 0
	for _, l := range lam {
		if l > eigTol*lmax {
			r++
		}
	}
	if r < 3 {
		return nil, fmt.Errorf("%w: only %d eigenvalues of the kernel matrix above %g·λ_max; the kernel is too smooth for the grid", ErrNotPositiveDefinite, r, eigTol)
	}
	var qall mat.Dense
	eig.VectorsTo(&qall)
	bs := &basis1D{x: x, kern: k.Clone(), n: n, r: r}
	bs.q = mat.DenseCopyOf(qall.Slice(0, n, n-r, n))
	bs.qw = mat.DenseCopyOf(bs.q)
	for j := range r {
		s := 1 / lam[n-r+j]
		for i := range n {
			bs.qw.Set(i, j, bs.qw.At(i, j)*s)
		}
	}
	bs.q1 = new(mat.Dense)
	bs.q1.Mul(k1, bs.qw)
	bs.q2 = new(mat.Dense)
	bs.q2.Mul(k2, bs.qw)

	return bs, nil
}

// evalMatrix returns the kernel cross matrix [k(t_i − x_j)] times w:
// the values at the points t of the functions with kernel weights w.
func (bs *basis1D) evalMatrix(t []float64, w *mat.Dense) *mat.Dense {
	e, _, _ := bs.evalDerivs(t, w, false)
	return e
}

// evalDerivs returns [k(t_i − x_j)]·w and, if derivs, [k′]·w and [k″]·w:
// the values and derivatives at t of the functions with kernel weights w.
func (bs *basis1D) evalDerivs(t []float64, w *mat.Dense, derivs bool) (e0, e1, e2 *mat.Dense) {
	k0 := mat.NewDense(len(t), bs.n, nil)
	var k1, k2 *mat.Dense
	if derivs {
		k1 = mat.NewDense(len(t), bs.n, nil)
		k2 = mat.NewDense(len(t), bs.n, nil)
	}
	for i, ti := range t {
		r0 := k0.RawRowView(i)
		if !derivs {
			for j, xj := range bs.x {
				r0[j], _, _ = bs.kern.Eval(ti - xj)
			}
			continue
		}
		r1, r2 := k1.RawRowView(i), k2.RawRowView(i)
		for j, xj := range bs.x {
			r0[j], r1[j], r2[j] = bs.kern.Eval(ti - xj)
		}
	}
	e0 = new(mat.Dense)
	e0.Mul(k0, w)
	if derivs {
		e1, e2 = new(mat.Dense), new(mat.Dense)
		e1.Mul(k1, w)
		e2.Mul(k2, w)
	}
	return e0, e1, e2
}
