package gp

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Linear1D is a linear second-order problem on an interval,
// A2·u″ + A1·u′ + A0·u = F on [Lo, Hi] with u(Lo) = Left, u(Hi) = Right,
// discretised on N uniform points including both ends (Poisson: A2 = 1).
type Linear1D struct {
	Lo, Hi      float64
	N           int
	A2, A1, A0  float64
	F           func(x float64) float64
	Left, Right float64
}

// CollocationSettings controls Solve1D. The zero value means the
// documented defaults.
type CollocationSettings struct {
	// EigTol keeps the eigenvectors of the kernel matrix K whose
	// eigenvalue exceeds EigTol·λ_max; zero means 1e-15. Smaller keeps
	// more of the (ill-conditioned) basis; 1e-15 is about the rounding
	// level of K's eigenvalues.
	EigTol float64
	// BoundaryWeight multiplies the boundary rows, scaled first to the
	// mean size of the operator rows; zero means 10.
	BoundaryWeight float64
}

// Solution1D is a solved problem: the grid, the solution values on it and
// the kernel expansion u(x) = Σ_j α_j·k(x − x_j), which Predict evaluates
// anywhere.
type Solution1D struct {
	X, U   []float64
	Alpha  []float64
	Kernel *Mixture
	// Rank is the number of eigenvectors of K kept.
	Rank int
	// Residual is the relative least-squares residual of the collocation
	// equations (operator and boundary rows).
	Residual float64
	// Warnings lists conditions that make the answer doubtful, such as a
	// kernel frequency above the grid's Nyquist frequency.
	Warnings []string
}

// ErrProblem reports an ill-posed problem: fewer than 3 points, an empty
// interval, NaN coefficients or right-hand side values.
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

// Solve1D solves p by kernel collocation with the fixed kernel k: the
// solution is u = Σ_j α_j·k(· − x_j) over the grid points, α is restricted
// to the span of the eigenvectors of K = [k(x_i − x_j)] with eigenvalues
// above EigTol·λ_max, and the operator equations at every grid point and
// the two boundary conditions are solved in the least-squares sense (QR).
// This is the maximum a posteriori solution of GP-HM in the limit of
// noise-free observations, with the prior term replaced by the spectral
// truncation, which keeps the ill-conditioned K out of every solve.
func Solve1D(p Linear1D, k *Mixture, set *CollocationSettings) (*Solution1D, error) {
	if err := k.Check(); err != nil {
		return nil, err
	}
	if p.N < 3 || !(p.Hi > p.Lo) || math.IsInf(p.Hi-p.Lo, 0) || p.F == nil {
		return nil, fmt.Errorf("%w: need N ≥ 3 points on a finite interval Lo < Hi and a right-hand side", ErrProblem)
	}
	for _, v := range []float64{p.A2, p.A1, p.A0, p.Left, p.Right} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: NaN or infinite coefficient or boundary value", ErrProblem)
		}
	}
	var s CollocationSettings
	if set != nil {
		s = *set
	}
	if s.EigTol == 0 {
		s.EigTol = 1e-15
	}
	if s.BoundaryWeight == 0 {
		s.BoundaryWeight = 10
	}
	if !(s.EigTol > 0 && s.EigTol < 1) || !(s.BoundaryWeight > 0) {
		return nil, fmt.Errorf("%w: EigTol must be in (0, 1) and BoundaryWeight positive", ErrProblem)
	}
	n := p.N
	sol := &Solution1D{X: make([]float64, n), Kernel: k.Clone()}
	h := (p.Hi - p.Lo) / float64(n-1)
	for i := range n {
		sol.X[i] = p.Lo + h*float64(i)
	}
	if w := NyquistWarning(k, p.Lo, p.Hi, n); w != "" {
		sol.Warnings = append(sol.Warnings, w)
	}
	f := make([]float64, n)
	for i, x := range sol.X {
		f[i] = p.F(x)
		if math.IsNaN(f[i]) || math.IsInf(f[i], 0) {
			return nil, fmt.Errorf("%w: F(%g) = %v", ErrProblem, x, f[i])
		}
	}
	// K and the operator applied to the kernel's first argument,
	// (L k)(x_i − x_j) = A2·k″ + A1·k′ + A0·k.
	kd := mat.NewSymDense(n, nil)
	lk := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			kv, dk, d2k := k.Eval(sol.X[i] - sol.X[j])
			if j >= i {
				kd.SetSym(i, j, kv)
			}
			lk.Set(i, j, p.A2*d2k+p.A1*dk+p.A0*kv)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(kd, true) {
		return nil, errors.New("gp: eigendecomposition of the kernel matrix failed")
	}
	lam := eig.Values(nil)
	lmax := lam[n-1]
	if !(lmax > 0) {
		return nil, fmt.Errorf("%w: largest eigenvalue %g", ErrNotPositiveDefinite, lmax)
	}
	r := 0
	for _, l := range lam {
		if l > s.EigTol*lmax {
			r++
		}
	}
	var q mat.Dense
	eig.VectorsTo(&q)
	qr := q.Slice(0, n, n-r, n)
	var lq, kq mat.Dense
	lq.Mul(lk, qr)
	kq.Mul(kd, qr)
	// Boundary rows scaled to the mean operator row, times the weight.
	var opNorm, bNorm float64
	for i := range n {
		opNorm += mat.Norm(lq.RowView(i), 2)
	}
	opNorm /= float64(n)
	bNorm = 0.5 * (mat.Norm(kq.RowView(0), 2) + mat.Norm(kq.RowView(n-1), 2))
	wb := s.BoundaryWeight
	if bNorm > 0 {
		wb *= opNorm / bNorm
	}
	a := mat.NewDense(n+2, r, nil)
	b := mat.NewVecDense(n+2, nil)
	a.Slice(0, n, 0, r).(*mat.Dense).Copy(&lq)
	for i := range n {
		b.SetVec(i, f[i])
	}
	for c, row := range []int{0, n - 1} {
		for j := range r {
			a.Set(n+c, j, wb*kq.At(row, j))
		}
	}
	b.SetVec(n, wb*p.Left)
	b.SetVec(n+1, wb*p.Right)
	var beta mat.VecDense
	if err := beta.SolveVec(a, b); err != nil {
		// A Condition error still comes with the least-squares solution:
		// the truncated basis is ill-conditioned by design, and the
		// residual and the error below say whether it matters.
		var cond mat.Condition
		if !errors.As(err, &cond) {
			return nil, fmt.Errorf("gp: collocation least squares: %w", err)
		}
		sol.Warnings = append(sol.Warnings, fmt.Sprintf("least-squares matrix condition number %.3g", float64(cond)))
	}
	var res mat.VecDense
	res.MulVec(a, &beta)
	res.SubVec(&res, b)
	sol.Residual = mat.Norm(&res, 2) / mat.Norm(b, 2)
	var alpha, u mat.VecDense
	alpha.MulVec(qr, &beta)
	u.MulVec(kd, &alpha)
	sol.Alpha = alpha.RawVector().Data
	sol.U = u.RawVector().Data
	sol.Rank = r
	for _, v := range sol.U {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.New("gp: collocation produced NaN (check the kernel scales)")
		}
	}
	return sol, nil
}

// Predict returns u at the points x.
func (s *Solution1D) Predict(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, xi := range x {
		var v float64
		for j, xj := range s.X {
			kv, _, _ := s.Kernel.Eval(xi - xj)
			v += s.Alpha[j] * kv
		}
		out[i] = v
	}
	return out
}

// RelativeL2 returns ‖u − exact‖₂/‖exact‖₂ over m uniform test points of
// [lo, hi] (both ends included), the error measure of GP-HM (m = 300).
func (s *Solution1D) RelativeL2(exact func(float64) float64, lo, hi float64, m int) float64 {
	x := make([]float64, m)
	for i := range x {
		x[i] = lo + (hi-lo)*float64(i)/float64(m-1)
	}
	u := s.Predict(x)
	var num, den float64
	for i, xi := range x {
		e := exact(xi)
		num += (u[i] - e) * (u[i] - e)
		den += e * e
	}
	return math.Sqrt(num / den)
}
