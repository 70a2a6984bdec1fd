package gp

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/lapack"
	gonumlapack "gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/linsolve"
)

// colloc is the reduced collocation system in the coordinates Y of the
// kept right singular vectors of each axis (C = V₁·Y·V₂ᵀ in the kernel
// bases). The collocation equations are L(Y) = Ĝ on the padded grid with
// L(Y) = (ÂV)₁·Y·(B̂V)₂ᵀ + (B̂V)₁·Y·(ÂV)₂ᵀ in 2D and (ÂV)·Y in 1D.
type colloc struct {
	ax     []*axisSystem
	av, bv []*mat.Dense // per axis Â·V and B̂·V, (N+2)×k
	syl    *sylvester
	iters  int // LSQR iterations, summed
	failed bool
}

func newColloc(sys []*axisSystem) (*colloc, error) {
	c := &colloc{ax: sys}
	for _, a := range sys {
		av := new(mat.Dense)
		av.Mul(a.ahat, a.v)
		bv := mat.NewDense(a.n+2, a.k, nil)
		bv.Slice(0, a.n, 0, a.k).(*mat.Dense).Copy(a.qv)
		c.av = append(c.av, av)
		c.bv = append(c.bv, bv)
	}
	if len(sys) == 2 {
		s, err := newSylvester(sys[0].m, sys[1].m)
		if err != nil {
			return nil, err
		}
		c.syl = s
	}
	return c, nil
}

// test applies T = T₁ ⊗ T₂ to a padded residual-shaped matrix.
func (c *colloc) test(g *mat.Dense) *mat.Dense {
	return sandwich(c.ax[0].test, g, c.second(func(a *axisSystem) *mat.Dense { return a.test }))
}

// sandwich returns A·Y·Bᵀ, or A·Y in 1D (b nil).
func sandwich(a mat.Matrix, y *mat.Dense, b mat.Matrix) *mat.Dense {
	var t mat.Dense
	t.Mul(a, y)
	if b == nil {
		return &t
	}
	var out mat.Dense
	out.Mul(&t, b.T())
	return &out
}

// second returns the second axis's matrix from pick, or nil in 1D.
func (c *colloc) second(pick func(*axisSystem) *mat.Dense) mat.Matrix {
	if len(c.ax) == 1 {
		return nil
	}
	return pick(c.ax[1])
}

// coefficients returns C = V₁·Y·V₂ᵀ.
func (c *colloc) coefficients(y *mat.Dense) *mat.Dense {
	return sandwich(c.ax[0].v, y, c.second(func(a *axisSystem) *mat.Dense { return a.v }))
}

// gridMat returns the grid values Q₁V₁·Y·(Q₂V₂)ᵀ as a matrix.
func (c *colloc) gridMat(y *mat.Dense) *mat.Dense {
	return sandwich(c.ax[0].qv, y, c.second(func(a *axisSystem) *mat.Dense { return a.qv }))
}

func (c *colloc) grid(y *mat.Dense) []float64 { return denseData(c.gridMat(y)) }

// fromGrid returns the Y whose grid values are closest to u (QV has
// orthonormal columns).
func (c *colloc) fromGrid(u []float64) *mat.Dense {
	n0 := c.ax[0].n
	um := mat.NewDense(n0, len(u)/n0, append([]float64(nil), u...))
	var b mat.Matrix
	if len(c.ax) == 2 {
		b = c.ax[1].qv.T()
	}
	return sandwich(c.ax[0].qv.T(), um, b)
}

// apply returns L(Y) plus, when dn is not nil, pad(dn ∘ grid(Y)): the
// linear part, or the Gauss–Newton Jacobian, applied to Y.
func (c *colloc) apply(y, dn *mat.Dense) *mat.Dense {
	out := new(mat.Dense)
	if len(c.ax) == 1 {
		out.Mul(c.av[0], y)
	} else {
		var t, s mat.Dense
		t.Mul(c.av[0], y)
		out.Mul(&t, c.bv[1].T())
		t.Reset()
		t.Mul(c.bv[0], y)
		s.Mul(&t, c.av[1].T())
		out.Add(out, &s)
	}
	if dn != nil {
		u := c.gridMat(y)
		u.MulElem(u, dn)
		r, cc := u.Dims()
		g := out.Slice(0, r, 0, cc).(*mat.Dense)
		g.Add(g, u)
	}
	return out
}

// applyT is the adjoint of apply.
func (c *colloc) applyT(r, dn *mat.Dense) *mat.Dense {
	out := new(mat.Dense)
	if len(c.ax) == 1 {
		out.Mul(c.av[0].T(), r)
	} else {
		var t, s mat.Dense
		t.Mul(c.av[0].T(), r)
		out.Mul(&t, c.bv[1])
		t.Reset()
		t.Mul(c.bv[0].T(), r)
		s.Mul(&t, c.av[1])
		out.Add(out, &s)
	}
	if dn != nil {
		rows, cols := dn.Dims()
		g := mat.DenseCopyOf(r.Slice(0, rows, 0, cols))
		g.MulElem(g, dn)
		var t, s mat.Dense
		t.Mul(c.ax[0].qv.T(), g)
		if len(c.ax) == 1 {
			out.Add(out, &t)
		} else {
			s.Mul(&t, c.ax[1].qv)
			out.Add(out, &s)
		}
	}
	return out
}

// residual returns R̂ = L(Y) + pad(n(u)) − Ĝ.
func (c *colloc) residual(y *mat.Dense, nl func(float64) (float64, float64), rhs *mat.Dense) *mat.Dense {
	var u *mat.Dense
	if nl != nil {
		u = c.gridMat(y)
	}
	return c.residualAt(y, u, nl, rhs)
}

// residualAt is residual with the grid values u = grid(Y) already known.
func (c *colloc) residualAt(y, u *mat.Dense, nl func(float64) (float64, float64), rhs *mat.Dense) *mat.Dense {
	r := c.apply(y, nil)
	r.Sub(r, rhs)
	if nl != nil {
		rows, cols := u.Dims()
		for i := range rows {
			for j := range cols {
				v, _ := nl(u.At(i, j))
				r.Set(i, j, r.At(i, j)+v)
			}
		}
	}
	return r
}

// solveLS returns the Y minimising ‖apply(Y, dn) − g‖₂, starting from y0
// (nil: zero). In 1D the problem is small and dense: the SVD solution
// T·g when dn is nil, Householder QR otherwise. In 2D it is LSQR with the
// columns scaled to unit norm estimates, √(σ₁ᵢ² + σ₂ⱼ² + mean(dn²)) — the
// cross terms of the normal equations are bounded by these, so the scaled
// problem is well conditioned for elliptic operators.
func (c *colloc) solveLS(g, dn, y0 *mat.Dense, tol float64, maxIter int) (*mat.Dense, error) {
	if len(c.ax) == 1 {
		a := c.ax[0]
		if dn == nil {
			var y mat.Dense
			y.Mul(a.test, g)
			return &y, nil
		}
		j := mat.DenseCopyOf(c.av[0])
		for i := range a.n {
			for l := range a.k {
				j.Set(i, l, j.At(i, l)+dn.At(i, 0)*a.qv.At(i, l))
			}
		}
		var y mat.Dense
		if err := y.Solve(j, g); err != nil {
			var cond mat.Condition
			if !errors.As(err, &cond) {
				return nil, fmt.Errorf("gp: Gauss–Newton least squares: %w", err)
			}
		}
		return &y, nil
	}
	k0, k1 := c.ax[0].k, c.ax[1].k
	sv := [2][]float64{c.ax[0].sigma, c.ax[1].sigma}
	var extra float64
	if dn != nil {
		r, cc := dn.Dims()
		extra = mat.Norm(dn, 2) * mat.Norm(dn, 2) / float64(r*cc)
	}
	scale := make([]float64, k0*k1)
	for i := range k0 {
		for j := range k1 {
			scale[i*k1+j] = math.Sqrt(sv[0][i]*sv[0][i] + sv[1][j]*sv[1][j] + extra)
		}
	}
	gr, gc := g.Dims()
	mul := func(dst, z []float64) {
		y := mat.NewDense(k0, k1, nil)
		yd := y.RawMatrix().Data
		for i, v := range z {
			yd[i] = v / scale[i]
		}
		copy(dst, denseData(c.apply(y, dn)))
	}
	mulT := func(dst, r []float64) {
		out := c.applyT(mat.NewDense(gr, gc, r), dn)
		for i, v := range denseData(out) {
			dst[i] = v / scale[i]
		}
	}
	z := make([]float64, k0*k1)
	if y0 != nil {
		for i, v := range denseData(y0) {
			z[i] = v * scale[i]
		}
	}
	res, err := linsolve.LSQR(z, funcRect{gr * gc, k0 * k1, mul, mulT}, denseData(g), &linsolve.LSQRSettings{ATol: tol, BTol: tol, MaxIter: maxIter, X0: z})
	c.iters += res.Iterations
	if err != nil {
		if !errors.Is(err, linsolve.ErrMaxIter) {
			return nil, fmt.Errorf("gp: LSQR: %w", err)
		}
		c.failed = true
	}
	y := mat.NewDense(k0, k1, nil)
	yd := y.RawMatrix().Data
	for i, v := range z {
		if math.IsNaN(v) {
			return nil, fmt.Errorf("%w: LSQR produced NaN", ErrNumerical)
		}
		yd[i] = v / scale[i]
	}
	return y, nil
}

// gaussNewton minimises ‖R̂(Y)‖₂ from y by Gauss–Newton: each step solves
// the linearised least-squares problem min ‖J·δ + R̂‖ with
// J = L + pad(diag(n′(u))·(Q₁V₁ ⊗ Q₂V₂)).
func (c *colloc) gaussNewton(nl func(float64) (float64, float64), rhs, y *mat.Dense, s *Settings, sol *Solution) (*mat.Dense, error) {
	for it := 0; it < s.MaxNewton; it++ {
		u := c.gridMat(y)
		r := c.residualAt(y, u, nl, rhs)
		r.Scale(-1, r)
		rows, cols := u.Dims()
		dn := mat.NewDense(rows, cols, nil)
		for i := range rows {
			for j := range cols {
				_, d := nl(u.At(i, j))
				dn.Set(i, j, d)
			}
		}
		delta, err := c.solveLS(r, dn, nil, 1e-13, 2000)
		if err != nil {
			return y, fmt.Errorf("%w: %w", ErrNewton, err)
		}
		y.Add(y, delta)
		sol.Newton = it + 1
		step := mat.Norm(c.gridMat(delta), math.Inf(1))
		size := mat.Norm(c.gridMat(y), math.Inf(1))
		if math.IsNaN(step) {
			return y, fmt.Errorf("%w: NaN at step %d", ErrNewton, it)
		}
		if step <= s.NewtonTol*math.Max(size, 1) {
			return y, nil
		}
	}
	return y, fmt.Errorf("%w in %d steps", ErrNewton, s.MaxNewton)
}

// sylvester solves M₁·Y + Y·M₂ᵀ = H by the Bartels–Stewart method: the
// real Schur forms M_d = Z_d·T_d·Z_dᵀ (orthogonal Z_d, quasi-upper-
// triangular T_d, LAPACK's Dgehrd/Dorghr/Dhseqr in gonum), then
// T₁·X + X·T₂ᵀ = Z₁ᵀ·H·Z₂ by block back-substitution with 1×1 and 2×2
// blocks (Dlasy2), and Y = Z₁·X·Z₂ᵀ. Only orthogonal transformations are
// involved, so the solve is backward stable; diagonalising M_d instead
// loses accuracy with the condition number of its eigenvectors.
type sylvester struct {
	z, t   [2]*mat.Dense
	blocks [2][]int // start of each diagonal block of T_d, plus the end
}

func newSylvester(m1, m2 *mat.Dense) (*sylvester, error) {
	s := &sylvester{}
	impl := gonumlapack.Implementation{}
	for d, m := range []*mat.Dense{m1, m2} {
		n, _ := m.Dims()
		h := mat.DenseCopyOf(m)
		raw := h.RawMatrix()
		tau := make([]float64, max(n-1, 1))
		work := make([]float64, 1)
		impl.Dgehrd(n, 0, n-1, raw.Data, raw.Stride, tau, work, -1)
		work = make([]float64, max(int(work[0]), n))
		impl.Dgehrd(n, 0, n-1, raw.Data, raw.Stride, tau, work, len(work))
		z := mat.DenseCopyOf(h)
		zr := z.RawMatrix()
		impl.Dorghr(n, 0, n-1, zr.Data, zr.Stride, tau, work, -1)
		if int(work[0]) > len(work) {
			work = make([]float64, int(work[0]))
		}
		impl.Dorghr(n, 0, n-1, zr.Data, zr.Stride, tau, work, len(work))
		for i := range n {
			for j := 0; j+1 < i; j++ {
				raw.Data[i*raw.Stride+j] = 0
			}
		}
		wr, wi := make([]float64, n), make([]float64, n)
		impl.Dhseqr(lapack.EigenvaluesAndSchur, lapack.SchurOrig, n, 0, n-1, raw.Data, raw.Stride, wr, wi, zr.Data, zr.Stride, work, -1)
		if int(work[0]) > len(work) {
			work = make([]float64, int(work[0]))
		}
		if unconv := impl.Dhseqr(lapack.EigenvaluesAndSchur, lapack.SchurOrig, n, 0, n-1, raw.Data, raw.Stride, wr, wi, zr.Data, zr.Stride, work, len(work)); unconv > 0 {
			return nil, fmt.Errorf("%w: Schur decomposition of the reduced operator did not converge", ErrNumerical)
		}
		s.z[d], s.t[d] = z, h
		for i := 0; i < n; {
			s.blocks[d] = append(s.blocks[d], i)
			if i+1 < n && h.At(i+1, i) != 0 {
				i += 2
			} else {
				i++
			}
		}
		s.blocks[d] = append(s.blocks[d], n)
	}
	return s, nil
}

func (s *sylvester) solve(h *mat.Dense) *mat.Dense {
	var t, c mat.Dense
	t.Mul(s.z[0].T(), h)
	c.Mul(&t, s.z[1])
	s.solveQuasi(&c)
	var y mat.Dense
	t.Reset()
	t.Mul(s.z[0], &c)
	y.Mul(&t, s.z[1].T())
	return &y
}

// solveQuasi overwrites c with the X of T₁·X + X·T₂ᵀ = c. Column blocks J
// of X are found from the last to the first: X[:, J] couples only to the
// columns after it, through T₂[J, L] for L > J; within a column block the
// row blocks are found from the last up.
func (s *sylvester) solveQuasi(c *mat.Dense) {
	impl := gonumlapack.Implementation{}
	t1, t2 := s.t[0].RawMatrix(), s.t[1].RawMatrix()
	cr := c.RawMatrix()
	b1, b2 := s.blocks[0], s.blocks[1]
	var rhs, x [4]float64
	for jb := len(b2) - 2; jb >= 0; jb-- {
		j0, j1 := b2[jb], b2[jb+1]
		q := j1 - j0
		for ib := len(b1) - 2; ib >= 0; ib-- {
			i0, i1 := b1[ib], b1[ib+1]
			p := i1 - i0
			for i := range p {
				for j := range q {
					rhs[i*2+j] = cr.Data[(i0+i)*cr.Stride+j0+j]
				}
			}
			scale, _, _ := impl.Dlasy2(false, true, 1, p, q,
				t1.Data[i0*t1.Stride+i0:], t1.Stride, t2.Data[j0*t2.Stride+j0:], t2.Stride, rhs[:], 2, x[:], 2)
			for i := range p {
				for j := range q {
					v := x[i*2+j]
					if scale != 1 && scale != 0 {
						v /= scale
					}
					cr.Data[(i0+i)*cr.Stride+j0+j] = v
				}
			}
			// C[:i0, J] −= T₁[:i0, I]·X[I, J].
			for r := range i0 {
				row := t1.Data[r*t1.Stride:]
				for j := range q {
					var acc float64
					for i := range p {
						acc += row[i0+i] * cr.Data[(i0+i)*cr.Stride+j0+j]
					}
					cr.Data[r*cr.Stride+j0+j] -= acc
				}
			}
		}
		// C[:, :j0] −= X[:, J]·T₂[:j0, J]ᵀ.
		if j0 > 0 {
			for r := range c.RawMatrix().Rows {
				crow := cr.Data[r*cr.Stride:]
				for l := range j0 {
					var acc float64
					for j := range q {
						acc += crow[j0+j] * t2.Data[l*t2.Stride+j0+j]
					}
					crow[l] -= acc
				}
			}
		}
	}
}

// funcRect is a rectangular operator given by its products, for
// linsolve.LSQR.
type funcRect struct {
	m, n      int
	mul, mulT func(dst, x []float64)
}

func (f funcRect) Dims() (int, int)               { return f.m, f.n }
func (f funcRect) MulVecTo(dst, x []float64)      { f.mul(dst, x) }
func (f funcRect) MulVecTransTo(dst, y []float64) { f.mulT(dst, y) }
