package spectral

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/linsolve"
)

func solve2D(p Problem, axes []axis, maxNewton int, tol float64) (*Solution, error) {
	ax0, ax1 := axes[0], axes[1]
	x0, x1 := ax0.x, ax1.x
	n0, n1 := len(x0)-1, len(x1)-1
	m0, m1 := ax0.f1-ax0.f0, ax1.f1-ax1.f0
	full := mat.NewDense(n0+1, n1+1, nil) // G on the boundary, then U
	pt := make([]float64, 2)
	for i := 0; i <= n0; i++ {
		for j := 0; j <= n1; j++ {
			if ax0.free(i) && ax1.free(j) {
				continue
			}
			pt[0], pt[1] = x0[i], x1[j]
			g, err := evalAt("G", p.G, pt)
			if err != nil {
				return nil, err
			}
			full.Set(i, j, g)
		}
	}
	// The boundary's contribution L0·G + G·L1ᵀ, moved to the right side.
	var bc, t mat.Dense
	bc.Mul(axes[0].l, full)
	t.Mul(full, axes[1].l.T())
	bc.Add(&bc, &t)
	rhs := make([]float64, m0*m1)
	for i := ax0.f0; i < ax0.f1; i++ {
		for j := ax1.f0; j < ax1.f1; j++ {
			pt[0], pt[1] = x0[i], x1[j]
			f, err := evalAt("F", p.F, pt)
			if err != nil {
				return nil, err
			}
			rhs[(i-ax0.f0)*m1+j-ax1.f0] = f - bc.At(i, j)
		}
	}
	a, b := axes[0].interior(), axes[1].interior()
	realSpectra := ax0.op.A1 == 0 && ax1.op.A1 == 0 && ax0.op.A2 != 0 && ax1.op.A2 != 0
	syl, err := newSylvester(a, b, realSpectra)
	if err != nil {
		return nil, err
	}
	u := make([]float64, m0*m1)
	syl.solve(u, rhs)
	sol := &Solution{Nodes: [][]float64{x0, x1}}
	fill := func() {
		for i := ax0.f0; i < ax0.f1; i++ {
			for j := ax1.f0; j < ax1.f1; j++ {
				full.Set(i, j, u[(i-ax0.f0)*m1+j-ax1.f0])
			}
		}
		sol.U = append(sol.U[:0], full.RawMatrix().Data...)
	}
	fill()
	if !allFinite(u) {
		return sol, fmt.Errorf("%w: the solve produced non-finite values", ErrSingular)
	}
	if p.Nonlinear == nil {
		return sol, nil
	}
	// Newton on A·U + U·Bᵀ + n(U) = R, each step by GMRES on the
	// Jacobian J = L + diag(n′(u)) preconditioned by L⁻¹ (the fast solver):
	// J·L⁻¹ = I + diag(n′)·L⁻¹ is the identity plus a compact term, so
	// few iterations are needed.
	op := &jacobian{a: a, b: b, m: m0, n: m1, dn: make([]float64, m0*m1)}
	pc := preconditioner{syl}
	res := make([]float64, m0*m1)
	step := make([]float64, m0*m1)
	var gm linsolve.GMRES
	gm.Restart = 60
	prev := math.Inf(1)
	for it := 1; it <= maxNewton; it++ {
		op.apply(res, u, false)
		for k, v := range u {
			nv, dn := p.Nonlinear(v)
			if !finite(nv) || !finite(dn) {
				fill()
				return sol, fmt.Errorf("%w: n(u) is not finite at u = %v (step %d)", ErrNewton, v, it)
			}
			res[k] += nv - rhs[k]
			op.dn[k] = dn
		}
		clear(step)
		r, err := gm.Solve(step, op, res, &linsolve.Settings{Preconditioner: pc, RelTol: 1e-13, MaxIter: 600})
		// A step that reached the iteration limit or broke down (a happy
		// breakdown at rounding level) is used if it reduced the residual.
		if err != nil && !(r.RelativeResidual < 1e-6) {
			fill()
			return sol, fmt.Errorf("%w: step %d: %w", ErrNewton, it, err)
		}
		var smax, umax float64
		for k := range u {
			u[k] -= step[k]
			smax = max(smax, math.Abs(step[k]))
			umax = max(umax, math.Abs(u[k]))
		}
		sol.Newton = it
		if newtonDone(smax, umax, &prev, tol) {
			fill()
			return sol, nil
		}
	}
	fill()
	return sol, fmt.Errorf("%w in %d steps", ErrNewton, maxNewton)
}

func allFinite(v []float64) bool {
	for _, x := range v {
		if !finite(x) {
			return false
		}
	}
	return true
}

// jacobian applies A·U + U·Bᵀ (+ diag(dn)·U): the 2D collocation operator
// on the interior, as a linsolve.Operator.
type jacobian struct {
	a, b *mat.Dense
	m, n int
	dn   []float64
	tmp  mat.Dense
}

func (j *jacobian) Dim() int { return j.m * j.n }

func (j *jacobian) MulVecTo(dst, x []float64) { j.apply(dst, x, true) }

func (j *jacobian) apply(dst, x []float64, withDiag bool) {
	xm, dm := mat.NewDense(j.m, j.n, x), mat.NewDense(j.m, j.n, dst)
	dm.Mul(j.a, xm)
	j.tmp.Mul(xm, j.b.T())
	dm.Add(dm, &j.tmp)
	if withDiag {
		for k, v := range x {
			dst[k] += j.dn[k] * v
		}
	}
}

// preconditioner applies the inverse of the linear part.
type preconditioner struct{ s *sylvester }

func (p preconditioner) Apply(dst, r []float64) { p.s.solve(dst, r) }
