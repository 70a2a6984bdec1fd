package spectral

import (
	"errors"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"
)

// Errors returned by Solve.
var (
	// ErrProblem reports a problem Solve cannot take: no axes or more
	// than two (only boxes are supported), an empty or infinite interval,
	// a missing F or G, an operator without derivative terms, NaN or
	// infinite data, or too few or too many points.
	ErrProblem = errors.New("spectral: invalid problem")
	// ErrSingular reports a collocation system that cannot be solved.
	ErrSingular = errors.New("spectral: singular collocation system")
	// ErrNewton reports a nonlinear solve whose Newton iteration did not
	// converge; the Solution returned beside it holds the last iterate.
	ErrNewton = errors.New("spectral: Newton's method did not converge")
	// ErrUnresolved reports an adaptive solve that reached its largest
	// degree before the solution was resolved; the Solution returned
	// beside it is the last one, with its coefficient tails.
	ErrUnresolved = errors.New("spectral: solution not resolved at the largest degree")
)

// Interval is one axis of the box.
type Interval struct{ Lo, Hi float64 }

// Op is the part of a separable operator that acts along one axis,
// A2·∂² + A1·∂ + A0.
type Op struct{ A2, A1, A0 float64 }

// Problem is a PDE on a box of one or two axes,
//
//	Σ_d Ops[d] u + Nonlinear(u) = F  inside,   u = G  on the boundary,
//
// the shape of package gp's Problem. For a first-order axis (A2 = 0, as
// the time axis of a space–time advection problem) G is imposed at both
// of its ends, as for the others; the data must then be consistent (the
// exact solution's values), as they are for the GP and finite-difference
// solvers given the same problem.
type Problem struct {
	Box []Interval
	Ops []Op
	// F is the right-hand side at a point of the box.
	F func(x []float64) float64
	// G gives the Dirichlet data at boundary points (only called there).
	G func(x []float64) float64
	// Nonlinear, if not nil, returns n(u) and n′(u).
	Nonlinear func(u float64) (n, dn float64)
	// Periodic marks the axes on which u is periodic (nil: none). They
	// use Fourier collocation on equispaced points and take no boundary
	// data; G may be nil when every axis is periodic.
	Periodic []bool
}

// periodic reports whether axis d is periodic.
func (p Problem) periodic(d int) bool { return d < len(p.Periodic) && p.Periodic[d] }

// Limits of Settings.N.
const (
	MinPoints = 2    // the smallest degree: one interior point
	MaxPoints = 4096 // 1D: a dense 4 095² system (128 MiB); 2D: per axis
)

// Settings controls Solve. A nil *Settings, and every zero field, means
// the documented default.
type Settings struct {
	// N is the polynomial degree per axis (N+1 Chebyshev–Lobatto points,
	// N−1 of them interior), or on a periodic axis the number of Fourier
	// points (even, at least 4); zero means 64.
	N []int
	// MaxNewton bounds the Newton steps of a nonlinear problem; zero
	// means 30.
	MaxNewton int
	// NewtonTol stops Newton's method when the step is below NewtonTol
	// times the solution in the max norm; zero means 1e-13. The
	// iteration also stops, converged, when the step has reached the
	// rounding floor of the collocation matrix (below 1e-9 of the solution
	// and no longer shrinking by a factor 4): the condition number of the
	// second-derivative matrix grows as N⁴.
	NewtonTol float64
}

// Solution is the collocation solution: its values at the Chebyshev–
// Lobatto points (first axis slowest), which define the interpolating
// polynomial everywhere in the box.
type Solution struct {
	Nodes [][]float64 // points per axis, ascending (a periodic axis without its right end)
	Box   []Interval
	// Periodic marks the Fourier axes, evaluated by trigonometric
	// interpolation.
	Periodic []bool
	U        []float64 // values at the tensor grid of Nodes
	// Newton counts the Newton steps of a nonlinear problem.
	Newton int
	// Tail is, per axis, the largest trailing Chebyshev coefficient
	// relative to the largest (set by SolveAdaptive): about the relative
	// accuracy the degree resolves.
	Tail []float64
	// Solves counts the solves SolveAdaptive made.
	Solves int
	// Runtime is the wall time of Solve.
	Runtime time.Duration
}

// Solve computes the Chebyshev collocation solution of p with s.N[d]+1
// points on axis d. Errors wrap ErrProblem, ErrSingular or ErrNewton
// (the last with the partial Solution).
func Solve(p Problem, s *Settings) (*Solution, error) {
	start := time.Now()
	ns, err := check(p, s)
	if err != nil {
		return nil, err
	}
	maxNewton, tol := 30, 1e-13
	if s != nil && s.MaxNewton > 0 {
		maxNewton = s.MaxNewton
	}
	if s != nil && s.NewtonTol > 0 {
		tol = s.NewtonTol
	}
	axes := make([]axis, len(p.Box))
	for d := range axes {
		axes[d] = newAxis(ns[d], p.Box[d], p.Ops[d], p.periodic(d))
	}
	var sol *Solution
	if len(axes) == 1 {
		sol, err = solve1D(p, axes[0], maxNewton, tol)
	} else {
		sol, err = solve2D(p, axes, maxNewton, tol)
	}
	if sol != nil {
		sol.Runtime = time.Since(start)
		sol.Box = append([]Interval(nil), p.Box...)
		sol.Periodic = make([]bool, len(p.Box))
		for d := range sol.Periodic {
			sol.Periodic[d] = p.periodic(d)
		}
	}
	return sol, err
}

func check(p Problem, s *Settings) ([]int, error) {
	nd := len(p.Box)
	if nd < 1 || nd > 2 {
		return nil, fmt.Errorf("%w: %d axes; Solve takes an interval or a rectangle", ErrProblem, nd)
	}
	if len(p.Ops) != nd {
		return nil, fmt.Errorf("%w: %d operators for %d axes", ErrProblem, len(p.Ops), nd)
	}
	allPeriodic := true
	var a0 float64
	for d := range nd {
		allPeriodic = allPeriodic && p.periodic(d)
		if d < len(p.Ops) {
			a0 += p.Ops[d].A0
		}
	}
	if len(p.Periodic) > nd {
		return nil, fmt.Errorf("%w: Periodic has %d entries for %d axes", ErrProblem, len(p.Periodic), nd)
	}
	if p.F == nil || (p.G == nil && !allPeriodic) {
		return nil, fmt.Errorf("%w: F and G are required (G may be nil only when every axis is periodic)", ErrProblem)
	}
	for d, b := range p.Box {
		if !(b.Hi > b.Lo) || math.IsInf(b.Hi-b.Lo, 0) {
			return nil, fmt.Errorf("%w: axis %d is [%v, %v]", ErrProblem, d, b.Lo, b.Hi)
		}
		o := p.Ops[d]
		if !finite(o.A2) || !finite(o.A1) || !finite(o.A0) || (o.A2 == 0 && o.A1 == 0) {
			return nil, fmt.Errorf("%w: axis %d has operator %+v (it needs a finite first- or second-derivative term)", ErrProblem, d, o)
		}
	}
	ns := make([]int, nd)
	for d := range ns {
		ns[d] = 64
		if s != nil && d < len(s.N) && s.N[d] != 0 {
			ns[d] = s.N[d]
		}
		if ns[d] < MinPoints || ns[d] > MaxPoints {
			return nil, fmt.Errorf("%w: degree %d on axis %d, want %d…%d", ErrProblem, ns[d], d, MinPoints, MaxPoints)
		}
		if p.periodic(d) && (ns[d] < 4 || ns[d]%2 != 0) {
			return nil, fmt.Errorf("%w: %d Fourier points on periodic axis %d, want an even number ≥ 4", ErrProblem, ns[d], d)
		}
	}
	if allPeriodic && a0 == 0 {
		// The constants are in the kernel of every periodic operator
		// without a zero-order term.
		return nil, fmt.Errorf("%w: every axis is periodic and Σ A0 = 0, so u is determined only up to a constant (add a zero-order term or a Dirichlet axis)", ErrSingular)
	}
	if s != nil && (s.MaxNewton < 0 || s.NewtonTol < 0 || math.IsNaN(s.NewtonTol)) {
		return nil, fmt.Errorf("%w: MaxNewton = %d, NewtonTol = %v", ErrProblem, s.MaxNewton, s.NewtonTol)
	}
	return ns, nil
}

// newtonDone applies the stopping rule of Settings.NewtonTol; prev holds
// the previous step's size.
func newtonDone(smax, umax float64, prev *float64, tol float64) bool {
	scale := max(1, umax)
	done := smax <= tol*scale || (smax <= 1e-9*scale && smax > *prev/4)
	*prev = smax
	return done
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// axis holds one axis's points, its full operator matrix
// L = A2·D² + A1·D + A0·I on all n+1 points, and the range [f0, f1) of
// the points where u is unknown and the PDE is collocated: the interior
// for a second-order axis; for a first-order one every point but the
// inflow end (lo when A1 > 0, hi when A1 < 0), the standard
// characteristic boundary condition (Boyd 2001, §6.3).
type axis struct {
	x        []float64
	l        *mat.Dense
	op       Op
	f0, f1   int
	periodic bool
}

func newAxis(n int, b Interval, op Op, periodic bool) axis {
	if periodic {
		x, d1, d2 := Fourier(n, b.Lo, b.Hi)
		l := mat.NewDense(n, n, nil)
		l.Scale(op.A2, d2)
		var t mat.Dense
		t.Scale(op.A1, d1)
		l.Add(l, &t)
		for i := range n {
			l.Set(i, i, l.At(i, i)+op.A0)
		}
		return axis{x: x, l: l, op: op, f0: 0, f1: n, periodic: true}
	}
	x, d := Cheb(n, b.Lo, b.Hi)
	l := mat.NewDense(n+1, n+1, nil)
	if op.A2 != 0 {
		l.Scale(op.A2, cheb2(n, b.Lo, b.Hi, d))
	}
	if op.A1 != 0 {
		var t mat.Dense
		t.Scale(op.A1, d)
		l.Add(l, &t)
	}
	for i := 0; i <= n; i++ {
		l.Set(i, i, l.At(i, i)+op.A0)
	}
	ax := axis{x: x, l: l, op: op, f0: 1, f1: n}
	switch {
	case op.A2 == 0 && op.A1 > 0:
		ax.f1 = n + 1
	case op.A2 == 0:
		ax.f0 = 0
	}
	return ax
}

// free reports whether point i carries an unknown.
func (a axis) free(i int) bool { return i >= a.f0 && i < a.f1 }

// interior returns the block of L on the unknowns as a new matrix.
func (a axis) interior() *mat.Dense {
	var m mat.Dense
	m.CloneFrom(a.l.Slice(a.f0, a.f1, a.f0, a.f1))
	return &m
}

// evalData returns f at the interior points (1D) after checking it.
func evalAt(name string, f func([]float64) float64, pt []float64) (float64, error) {
	v := f(pt)
	if !finite(v) {
		return 0, fmt.Errorf("%w: %s is %v at %v", ErrProblem, name, v, pt)
	}
	return v, nil
}

func solve1D(p Problem, ax axis, maxNewton int, tol float64) (*Solution, error) {
	n := len(ax.x) - 1
	m := ax.f1 - ax.f0
	pt := make([]float64, 1)
	u := make([]float64, n+1)
	var err error
	var fixed []int
	for j := 0; j <= n; j++ {
		if ax.free(j) {
			continue
		}
		fixed = append(fixed, j)
		pt[0] = ax.x[j]
		if u[j], err = evalAt("G", p.G, pt); err != nil {
			return nil, err
		}
	}
	rhs := make([]float64, m)
	for i := ax.f0; i < ax.f1; i++ {
		pt[0] = ax.x[i]
		f, err := evalAt("F", p.F, pt)
		if err != nil {
			return nil, err
		}
		for _, j := range fixed {
			f -= ax.l.At(i, j) * u[j]
		}
		rhs[i-ax.f0] = f
	}
	a := ax.interior()
	var lu mat.LU
	lu.Factorize(a)
	if lu.Det() == 0 || math.IsInf(lu.Cond(), 1) {
		return nil, fmt.Errorf("%w: the %d×%d interior system", ErrSingular, m, m)
	}
	ui := mat.NewVecDense(m, nil)
	if err := lu.SolveVecTo(ui, false, mat.NewVecDense(m, rhs)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSingular, err)
	}
	sol := &Solution{Nodes: [][]float64{ax.x}, U: u}
	copy(u[ax.f0:ax.f1], ui.RawVector().Data)
	if p.Nonlinear == nil {
		return sol, nil
	}
	// Newton: A·u + n(u) = rhs on the interior.
	j := mat.NewDense(m, m, nil)
	r := mat.NewVecDense(m, nil)
	step := mat.NewVecDense(m, nil)
	x := u[ax.f0:ax.f1]
	prev := math.Inf(1)
	for it := 1; it <= maxNewton; it++ {
		r.MulVec(a, mat.NewVecDense(m, x))
		j.Copy(a)
		for i := range x {
			nv, dn := p.Nonlinear(x[i])
			if !finite(nv) || !finite(dn) {
				return sol, fmt.Errorf("%w: n(u) is not finite at u = %v (step %d)", ErrNewton, x[i], it)
			}
			r.SetVec(i, r.AtVec(i)+nv-rhs[i])
			j.Set(i, i, j.At(i, i)+dn)
		}
		lu.Factorize(j)
		if err := lu.SolveVecTo(step, false, r); err != nil {
			return sol, fmt.Errorf("%w: singular Jacobian at step %d", ErrNewton, it)
		}
		var smax, umax float64
		for i := range x {
			x[i] -= step.AtVec(i)
			smax = max(smax, math.Abs(step.AtVec(i)))
			umax = max(umax, math.Abs(x[i]))
		}
		sol.Newton = it
		if newtonDone(smax, umax, &prev, tol) {
			return sol, nil
		}
	}
	return sol, fmt.Errorf("%w in %d steps", ErrNewton, maxNewton)
}
