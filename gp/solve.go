package gp

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Axis is one dimension of a product grid: N uniform points on [Lo, Hi],
// both ends included.
type Axis struct {
	Lo, Hi float64
	N      int
}

// Points returns the grid points of the axis.
func (a Axis) Points() []float64 { return uniformGrid(a.Lo, a.Hi, a.N) }

// Op1D is the part of a separable operator that acts along one axis,
// A2·∂² + A1·∂ + A0.
type Op1D struct {
	A2, A1, A0 float64
}

// Problem is a PDE on a box (one or two axes) with a separable linear
// part and an optional pointwise nonlinearity,
//
//	Σ_d Ops[d] u + Nonlinear(u) = F  in the box,   u = G on the boundary.
//
// Poisson in 2D is Ops = {{A2: 1}, {A2: 1}}; the advection equation
// u_t + β·u_x = 0 on (x, t) is Ops = {{A1: β}, {A1: 1}}; Allen–Cahn
// u″ + u(u² − 1) = f has Nonlinear(u) = (u³ − u, 3u² − 1).
type Problem struct {
	Axes []Axis
	Ops  []Op1D
	// F is the right-hand side at a point of the box.
	F func(x []float64) float64
	// G gives the Dirichlet data at boundary points (it is only called
	// there).
	G func(x []float64) float64
	// Nonlinear, if not nil, returns n(u) and n′(u).
	Nonlinear func(u float64) (n, dn float64)
}

// Settings controls Solve. A nil *Settings, and every zero field, means
// the documented default.
type Settings struct {
	// EigTol keeps the eigenvectors of each kernel matrix whose
	// eigenvalue exceeds EigTol·λ_max; zero means 1e-15.
	EigTol float64
	// BoundaryWeight multiplies the boundary equations, scaled first to
	// the mean size of the operator equations; zero means 10.
	BoundaryWeight float64
	// GainCap drops the directions of the reduced basis on which the
	// operator's gain exceeds GainCap times its largest symbol on the grid
	// (kernel eigenvectors too rough for the grid); zero means 64, negative
	// keeps every direction.
	GainCap float64
	// MaxNewton bounds the Gauss–Newton steps for a nonlinear problem; zero
	// means 30.
	MaxNewton int
	// NewtonTol stops Gauss–Newton when the step is below NewtonTol times the
	// solution in the max norm; zero means 1e-12.
	NewtonTol float64
	// Dense solves the 2D linear system with the full (k₁k₂)×(k₁k₂)
	// matrix M₁ ⊗ I + I ⊗ M₂ and an LU factorisation instead of the
	// Sylvester solve: the reference the Kronecker path is checked
	// against. Linear problems with k₁k₂ ≤ 6000 only.
	Dense bool
	// Initial is the starting guess on the grid for Gauss–Newton (length Π N_d);
	// nil means the solution of the problem without the nonlinear term.
	Initial []float64
}

// Solution is a solved problem on a product grid.
type Solution struct {
	Axes []Axis
	// U holds the solution at the grid points, the first axis slowest.
	U []float64
	// Rank is the number of kernel eigenvectors kept per axis.
	Rank []int
	// Residual is ‖R‖/‖rhs‖ for the collocation equations R = 0: the
	// operator at every grid point and the weighted boundary equations.
	Residual float64
	// Newton is the number of Gauss–Newton steps taken (0 for linear
	// problems), Krylov the total LSQR iterations (2D only).
	Newton, Krylov int
	// Warnings lists conditions that make the answer doubtful.
	Warnings []string

	bases []*basis1D
	coef  *mat.Dense // r₁×r₂ (r×1 in 1D) coefficients in the kernel basis
}

// ErrProblem reports an ill-posed problem: fewer than 3 points on an
// axis, an empty interval, NaN coefficients, right-hand side or boundary
// values, mismatched numbers of axes, operators and kernels, or invalid
// settings.
var ErrProblem = errors.New("gp: invalid problem")

// NyquistWarning returns a warning when the kernel's highest significant
// frequency (components with weight ≥ 1e-6 of the largest) exceeds the
// Nyquist frequency (N−1)/(2·(Hi−Lo)) of the grid: fewer than two points
// per period cannot resolve it (GP-HM: sin(6x)cos(100x) fails on 200
// points of [0, 2π] and succeeds on 300). It returns "" when the grid is
// fine.
func NyquistWarning(k *Mixture, lo, hi float64, n int) string {
	ny := float64(n-1) / (2 * (hi - lo))
	if f := k.MaxFrequency(1e-6); f > ny {
		return fmt.Sprintf("kernel frequency %.4g exceeds the grid's Nyquist frequency %.4g (%d points on [%g, %g]); refine the grid to at least %d points",
			f, ny, n, lo, hi, int(math.Ceil(2*f*(hi-lo)))+1)
	}
	return ""
}

// ErrNewton reports a nonlinear solve that did not converge; the Solution
// returned with it holds the last iterate.
var ErrNewton = errors.New("gp: Newton iteration did not converge")

// ErrNumerical reports a dense factorization that failed or produced NaN
// (an eigendecomposition, SVD or Schur form of a kernel or collocation
// matrix), usually from kernel scales far from the data's.
var ErrNumerical = errors.New("gp: numerical failure")

// axisSystem is the per-axis part of the collocation system: the
// operator and weighted boundary rows Â = [L·Q; w·Q_ends] with its thin
// SVD Â = U·Σ·Vᵀ (singular values below rounding dropped), the test map
// T = Σ⁻¹·Uᵀ, and M = T·B̂ restricted to V, with B̂ = [Q; 0].
type axisSystem struct {
	bs    *basis1D
	n, r  int
	k     int        // kept singular values
	sigma []float64  // the kept singular values
	w     float64    // boundary weight
	ahat  *mat.Dense // (N+2)×r
	test  *mat.Dense // k×(N+2): Σ⁻¹Uᵀ
	v     *mat.Dense // r×k
	m     *mat.Dense // k×k: Σ⁻¹·Uᵀ·B̂·V
	qv    *mat.Dense // N×k: Q·V, grid values of the reduced basis
}

func newAxisSystem(bs *basis1D, op Op1D, weight, capFactor float64) (*axisSystem, error) {
	n, r := bs.n, bs.r
	as := &axisSystem{bs: bs, n: n, r: r}
	l := mat.NewDense(n, r, nil)
	for i := range n {
		for j := range r {
			l.Set(i, j, op.A2*bs.q2.At(i, j)+op.A1*bs.q1.At(i, j)+op.A0*bs.q.At(i, j))
		}
	}
	var opNorm float64
	for i := range n {
		opNorm += mat.Norm(l.RowView(i), 2)
	}
	opNorm /= float64(n)
	bNorm := 0.5 * (mat.Norm(bs.q.RowView(0), 2) + mat.Norm(bs.q.RowView(n-1), 2))
	as.w = weight
	if bNorm > 0 && opNorm > 0 {
		as.w *= opNorm / bNorm
	}
	as.ahat = mat.NewDense(n+2, r, nil)
	as.ahat.Slice(0, n, 0, r).(*mat.Dense).Copy(l)
	for j := range r {
		as.ahat.Set(n, j, as.w*bs.q.At(0, j))
		as.ahat.Set(n+1, j, as.w*bs.q.At(n-1, j))
	}
	var svd mat.SVD
	if !svd.Factorize(as.ahat, mat.SVDThin) {
		return nil, fmt.Errorf("%w: SVD of the collocation matrix failed", ErrNumerical)
	}
	sv := svd.Values(nil)
	// Keep the directions the grid can resolve: an operator gain above
	// capFactor times the largest symbol of the operator on the grid,
	// |A2|·(π/h)² + |A1|·π/h + |A0|, belongs to a kernel eigenvector too
	// rough for the grid (its closed-form derivatives are amplified
	// rounding), and so does a gain below rounding.
	h := bs.x[1] - bs.x[0]
	nyq := math.Pi / h
	gainCap := capFactor * (math.Abs(op.A2)*nyq*nyq + math.Abs(op.A1)*nyq + math.Abs(op.A0))
	var keep []int
	for i, s := range sv {
		if s > sv[0]*1e-15*float64(n) && (capFactor <= 0 || s <= gainCap) {
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("%w: no resolvable direction in the collocation matrix (all operator coefficients zero, or the kernel too rough for the grid)", ErrProblem)
	}
	k := len(keep)
	as.k = k
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	as.v = mat.NewDense(r, k, nil)
	as.test = mat.NewDense(k, n+2, nil)
	for c, i := range keep {
		as.sigma = append(as.sigma, sv[i])
		for j := range r {
			as.v.Set(j, c, v.At(j, i))
		}
		for j := range n + 2 {
			as.test.Set(c, j, u.At(j, i)/sv[i])
		}
	}
	as.qv = new(mat.Dense)
	as.qv.Mul(bs.q, as.v)
	// M = T·B̂·V = T[:, :n]·Q·V.
	as.m = new(mat.Dense)
	as.m.Mul(as.test.Slice(0, k, 0, n), as.qv)
	return as, nil
}

// Solve solves p by kernel collocation with the fixed kernels (one per
// axis; a product kernel on the product grid). The solution is expanded
// in each kernel's truncated eigenbasis (the eigenvectors of K with
// eigenvalue above EigTol·λ_max, with derivatives in closed form), and the
// collocation equations — the operator at every grid point and the
// weighted Dirichlet equations on the boundary — are solved in the
// least-squares sense. In 1D that is the SVD of the (N+2)×r collocation
// matrix. In 2D the operator is L(Y) = Â₁·Y·B̂₂ᵀ + B̂₁·Y·Â₂ᵀ on the
// padded grid, applied in O(N·Σ r_d) without forming it; LSQR with
// columns scaled by √(σ₁ᵢ² + σ₂ⱼ²) (the singular values of the 1D
// matrices, which bound the normal equations' cross terms) solves it in
// a few tens of iterations for elliptic operators, started from the
// Petrov–Galerkin solution of the Sylvester equation M₁·Y + Y·M₂ᵀ = H
// (Bartels–Stewart). With the per-axis eigendecompositions the cost is
// O(Σ N_d³ + iterations·N·Σ r_d). A nonlinear term is handled by
// Gauss–Newton: each step solves the linearised least-squares problem the
// same way. The result carries ErrNewton (and the last iterate) if
// Gauss–Newton does not converge within MaxNewton steps.
//
// With the kernel hyperparameters fixed this is the maximum a posteriori
// estimate of GP-HM in the limit of exact observations, with the prior
// term replaced by the spectral truncation.
func Solve(p Problem, kernels []*Mixture, set *Settings) (*Solution, error) {
	d := len(p.Axes)
	if d < 1 || d > 2 {
		return nil, fmt.Errorf("%w: %d axes (1 or 2 supported)", ErrProblem, d)
	}
	if len(p.Ops) != d || len(kernels) != d {
		return nil, fmt.Errorf("%w: %d axes, %d operators, %d kernels", ErrProblem, d, len(p.Ops), len(kernels))
	}
	if p.F == nil || p.G == nil {
		return nil, fmt.Errorf("%w: F and G are required", ErrProblem)
	}
	var s Settings
	if set != nil {
		s = *set
	}
	if s.EigTol == 0 {
		s.EigTol = 1e-15
	}
	if s.BoundaryWeight == 0 {
		s.BoundaryWeight = 10
	}
	if s.MaxNewton == 0 {
		s.MaxNewton = 30
	}
	if s.GainCap == 0 {
		s.GainCap = 64
	}
	if s.NewtonTol == 0 {
		s.NewtonTol = 1e-12
	}
	if !(s.EigTol > 0 && s.EigTol < 1) || !(s.BoundaryWeight > 0) || s.MaxNewton < 0 || !(s.NewtonTol > 0) {
		return nil, fmt.Errorf("%w: EigTol must be in (0, 1), BoundaryWeight and NewtonTol positive", ErrProblem)
	}
	sol := &Solution{Axes: append([]Axis(nil), p.Axes...)}
	total := 1
	var sys []*axisSystem
	for i, ax := range p.Axes {
		if ax.N < 3 || !(ax.Hi > ax.Lo) || math.IsInf(ax.Hi-ax.Lo, 0) {
			return nil, fmt.Errorf("%w: axis %d needs N ≥ 3 points on a finite interval Lo < Hi", ErrProblem, i)
		}
		op := p.Ops[i]
		for _, v := range []float64{op.A2, op.A1, op.A0} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: NaN or infinite operator coefficient on axis %d", ErrProblem, i)
			}
		}
		if err := kernels[i].Check(); err != nil {
			return nil, err
		}
		if w := NyquistWarning(kernels[i], ax.Lo, ax.Hi, ax.N); w != "" {
			sol.Warnings = append(sol.Warnings, fmt.Sprintf("axis %d: %s", i, w))
		}
		bs, err := newBasis1D(ax.Points(), kernels[i], s.EigTol)
		if err != nil {
			return nil, err
		}
		as, err := newAxisSystem(bs, op, s.BoundaryWeight, s.GainCap)
		if err != nil {
			return nil, err
		}
		sys = append(sys, as)
		sol.bases = append(sol.bases, bs)
		sol.Rank = append(sol.Rank, bs.r)
		total *= ax.N
	}
	if s.Initial != nil && len(s.Initial) != total {
		return nil, fmt.Errorf("%w: initial guess of length %d for %d grid points", ErrProblem, len(s.Initial), total)
	}
	rhs, err := rightHandSide(p, sys)
	if err != nil {
		return nil, err
	}
	c, err := newColloc(sys)
	if err != nil {
		return nil, err
	}
	var y *mat.Dense
	switch {
	case p.Nonlinear != nil && s.Initial != nil:
		y = c.fromGrid(s.Initial)
	case d == 1:
		y, err = c.solveLS(rhs, nil, nil, 0, 0)
	case s.Dense:
		if p.Nonlinear != nil {
			return nil, fmt.Errorf("%w: the dense path is for linear problems", ErrProblem)
		}
		y, err = c.denseLS(rhs)
	default:
		// The Petrov–Galerkin solution of the Sylvester equation is a
		// cheap first guess; LSQR then solves the least-squares problem.
		y0 := c.syl.solve(c.test(rhs))
		if r := c.residual(y0, nil, rhs); !(mat.Norm(r, 2) < mat.Norm(rhs, 2)) {
			y0 = nil
		}
		y, err = c.solveLS(rhs, nil, y0, 1e-15, 2000)
	}
	if err != nil {
		return nil, err
	}
	if p.Nonlinear != nil {
		var nerr error
		y, nerr = c.gaussNewton(p.Nonlinear, rhs, y, &s, sol)
		if nerr != nil {
			err = nerr
		}
	}
	sol.Krylov = c.iters
	if c.failed {
		sol.Warnings = append(sol.Warnings, "LSQR stopped at its iteration limit before its tolerance")
	}
	sol.coef = c.coefficients(y)
	sol.U = c.grid(y)
	res := c.residual(y, p.Nonlinear, rhs)
	sol.Residual = mat.Norm(res, 2) / math.Max(mat.Norm(rhs, 2), math.SmallestNonzeroFloat64)
	for _, v := range sol.U {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: collocation produced NaN (check the kernel scales)", ErrNumerical)
		}
	}
	return sol, err
}

// rightHandSide returns the padded right-hand side Ĝ ((N₁+2)×(N₂+2) in
// 2D, (N+2)×1 in 1D): F at the grid points, w·G on the boundary rows and
// columns, zero in the corner block.
func rightHandSide(p Problem, sys []*axisSystem) (*mat.Dense, error) {
	pt := make([]float64, len(sys))
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	if len(sys) == 1 {
		a := sys[0]
		x := a.bs.x
		g := mat.NewDense(a.n+2, 1, nil)
		for i, xi := range x {
			pt[0] = xi
			if v := p.F(pt); bad(v) {
				return nil, fmt.Errorf("%w: F(%g) = %v", ErrProblem, xi, v)
			} else {
				g.Set(i, 0, v)
			}
		}
		for c, xi := range []float64{x[0], x[a.n-1]} {
			pt[0] = xi
			v := p.G(pt)
			if bad(v) {
				return nil, fmt.Errorf("%w: G(%g) = %v", ErrProblem, xi, v)
			}
			g.Set(a.n+c, 0, a.w*v)
		}
		return g, nil
	}
	a, b := sys[0], sys[1]
	x, y := a.bs.x, b.bs.x
	g := mat.NewDense(a.n+2, b.n+2, nil)
	for i, xi := range x {
		for j, yj := range y {
			pt[0], pt[1] = xi, yj
			v := p.F(pt)
			if bad(v) {
				return nil, fmt.Errorf("%w: F(%g, %g) = %v", ErrProblem, xi, yj, v)
			}
			g.Set(i, j, v)
		}
	}
	for c, xi := range []float64{x[0], x[a.n-1]} {
		for j, yj := range y {
			pt[0], pt[1] = xi, yj
			v := p.G(pt)
			if bad(v) {
				return nil, fmt.Errorf("%w: G(%g, %g) = %v", ErrProblem, xi, yj, v)
			}
			g.Set(a.n+c, j, a.w*v)
		}
	}
	for c, yj := range []float64{y[0], y[b.n-1]} {
		for i, xi := range x {
			pt[0], pt[1] = xi, yj
			v := p.G(pt)
			if bad(v) {
				return nil, fmt.Errorf("%w: G(%g, %g) = %v", ErrProblem, xi, yj, v)
			}
			g.Set(i, b.n+c, b.w*v)
		}
	}
	return g, nil
}

// Predict returns the solution at the points of the tensor grid
// t[0] × t[1] × … (first axis slowest), one slice of coordinates per axis.
func (s *Solution) Predict(t ...[]float64) []float64 {
	if len(t) != len(s.bases) {
		panic(fmt.Sprintf("gp: Predict with %d coordinate slices for %d axes", len(t), len(s.bases)))
	}
	e0 := s.bases[0].evalMatrix(t[0], s.bases[0].qw)
	var out mat.Dense
	if len(t) == 1 {
		out.Mul(e0, s.coef)
		return out.RawMatrix().Data
	}
	e1 := s.bases[1].evalMatrix(t[1], s.bases[1].qw)
	var tmp mat.Dense
	tmp.Mul(e0, s.coef)
	out.Mul(&tmp, e1.T())
	return denseData(&out)
}

// RelativeL2 returns ‖u − exact‖₂/‖exact‖₂ over the tensor grid of m
// uniform points per axis (both ends included): GP-HM's measure with
// m = 300.
func (s *Solution) RelativeL2(exact func(x []float64) float64, m int) float64 {
	t := make([][]float64, len(s.Axes))
	for i, ax := range s.Axes {
		t[i] = uniformGrid(ax.Lo, ax.Hi, m)
	}
	u := s.Predict(t...)
	var num, den float64
	pt := make([]float64, len(t))
	idx := 0
	var walk func(d int)
	walk = func(d int) {
		if d == len(t) {
			e := exact(pt)
			num += (u[idx] - e) * (u[idx] - e)
			den += e * e
			idx++
			return
		}
		for _, v := range t[d] {
			pt[d] = v
			walk(d + 1)
		}
	}
	walk(0)
	return math.Sqrt(num / den)
}

func denseData(m *mat.Dense) []float64 {
	r, c := m.Dims()
	raw := m.RawMatrix()
	if raw.Stride == c {
		return raw.Data[:r*c]
	}
	out := make([]float64, 0, r*c)
	for i := range r {
		out = append(out, raw.Data[i*raw.Stride:i*raw.Stride+c]...)
	}
	return out
}

// denseLS solves the 2D least-squares problem with the explicit matrix
// (ÂV)₁ ⊗ (B̂V)₂ + (B̂V)₁ ⊗ (ÂV)₂ and Householder QR: the reference the
// Kronecker path is checked against.
func (c *colloc) denseLS(g *mat.Dense) (*mat.Dense, error) {
	k0, k1 := c.ax[0].k, c.ax[1].k
	rows, cols := g.Dims()
	if k0*k1 > 3000 || rows*cols*k0*k1 > 2e7 {
		return nil, fmt.Errorf("%w: dense path with %d unknowns and %d equations is too large", ErrProblem, k0*k1, rows*cols)
	}
	var big, t mat.Dense
	big.Kronecker(c.av[0], c.bv[1])
	t.Kronecker(c.bv[0], c.av[1])
	big.Add(&big, &t)
	var y mat.VecDense
	if err := y.SolveVec(&big, mat.NewVecDense(rows*cols, denseData(g))); err != nil {
		var cond mat.Condition
		if !errors.As(err, &cond) {
			return nil, fmt.Errorf("gp: dense collocation solve: %w", err)
		}
	}
	return mat.NewDense(k0, k1, y.RawVector().Data), nil
}
