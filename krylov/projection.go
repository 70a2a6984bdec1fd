package krylov

import (
	"fmt"
	"time"

	"github.com/pdekit/pdekit/internal/vec"
	"github.com/pdekit/pdekit/linsolve"
)

// DefaultProjection is the number of previous solutions Projection keeps
// when L is zero.
const DefaultProjection = 30

// Projection wraps a solver for sequences with one fixed operator and
// changing right-hand sides: before each solve it takes the initial guess
// that minimises ‖b − A·x₀‖ over the span of the previous solutions, and
// after it adds the new solution to that span (Fischer 1998, "Projection
// techniques for iterative solution of Ax = b with successive right-hand
// sides"; the minimal-residual form, which needs no symmetry). It keeps
// W = A·X with orthonormal columns, so the guess costs L dot products
// and L axpys, and adding a solution one product with A and 4L vector
// operations.
//
// When the right-hand sides of a family span a space of small dimension
// d (a Chebyshev expansion of fixed degree, say), every solve after the
// first d starts from the exact solution up to rounding and needs no
// iteration: the gain then measures the family, not the inner solver,
// and is reported as such. A new operator (by identity) empties the
// span; Settings.X0 is ignored while the span is not empty.
type Projection struct {
	// Method is the inner solver; nil means linsolve.CG.
	Method linsolve.Method
	// L is the number of solutions kept; zero means DefaultProjection.
	// When the span is full its newer half is dropped: the basis is
	// orthonormalised in the order the solutions came, so the older
	// half holds the span of the first solutions whole, while each later
	// vector holds only what its solution added.
	L int

	x, w  block // X and W = A·X, W orthonormal
	dim   int
	op    linsolve.Operator
	x0, r []float64
}

var _ linsolve.Method = (*Projection)(nil)

// Dim returns the number of solutions in the span.
func (p *Projection) Dim() int { return p.dim }

// Reset empties the span.
func (p *Projection) Reset() { p.dim, p.op = 0, nil }

// Solve solves A·x = b into dst with the inner method, starting from the
// projection of b on the previous solutions. The returned Result counts
// the inner solve and the products of the projection.
func (p *Projection) Solve(dst []float64, a linsolve.Operator, b []float64, set *linsolve.Settings) (linsolve.Result, error) {
	start := time.Now()
	n := a.Dim()
	l := p.L
	if l == 0 {
		l = DefaultProjection
	}
	if l < 0 {
		return linsolve.Result{}, fmt.Errorf("%w: Projection: L = %d, want ≥ 0", linsolve.ErrSettings, p.L)
	}
	if p.Method == nil {
		p.Method = new(linsolve.CG)
	}
	if p.dim > 0 && (!same(p.op, a) || p.x.n != n) {
		p.Reset()
	}
	if len(b) != n || len(dst) != n {
		// Let the inner method report the mismatch.
		return p.Method.Solve(dst, a, b, set)
	}
	var s linsolve.Settings
	if set != nil {
		s = *set
	}
	p.x0 = grow(p.x0, n)
	p.r = grow(p.r, n)
	if p.dim > 0 {
		clear(p.x0)
		for i := range p.dim {
			vec.Axpy(p.x0, vec.Dot(p.w.row(i), b), p.x.row(i))
		}
		s.X0 = p.x0
	}
	res, err := p.Method.Solve(dst, a, b, &s)
	if err == nil && l > 0 {
		p.add(a, dst, l, &res)
	}
	res.Stats.Runtime = time.Since(start)
	return res, err
}

// add appends the solution x to the span: w = A·x orthogonalised against
// W (twice), with the same combination applied to x. What a solution
// adds may be no more than the error of an earlier solve; kept, it makes
// later projections more accurate than any one solve.
func (p *Projection) add(a linsolve.Operator, x []float64, l int, res *linsolve.Result) {
	n := len(x)
	if p.dim == l {
		// Keep the older half (rows 0…h−1 stay where they are and stay
		// orthonormal).
		p.dim = (l + 1) / 2
	}
	p.x.reserve(n, l)
	p.w.reserve(n, l)
	p.x.n, p.w.n = n, n
	xi, wi := p.x.row(p.dim), p.w.row(p.dim)
	copy(xi, x)
	a.MulVecTo(wi, xi)
	res.Stats.MatVecs++
	norm0 := vec.Norm(wi)
	if norm0 == 0 || isBad(norm0) {
		return
	}
	for range 2 {
		for j := range p.dim {
			h := vec.Dot(p.w.row(j), wi)
			vec.Axpy(wi, -h, p.w.row(j))
			vec.Axpy(xi, -h, p.x.row(j))
		}
	}
	nrm := vec.Norm(wi)
	if nrm <= 1e-10*norm0 {
		return // x is (numerically) in the span already
	}
	vec.Scale(wi, 1/nrm)
	vec.Scale(xi, 1/nrm)
	p.dim++
	p.op = a
}
