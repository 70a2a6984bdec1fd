package ot

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/sparse"
)

// SinkhornNewtonSparse is the Sinkhorn–Newton–Sparse method of Tang et al.
// (ICLR 2024): Settings.SinkhornIters stabilised Sinkhorn iterations as a
// warm start (log-domain ones if those lose precision), then Newton steps on the concave dual f. The Hessian
// ∇²f = −η·[[diag(P·1), P], [Pᵀ, diag(Pᵀ·1)]] is sparsified by keeping
// its diagonal and the ⌈λ·n·m⌉ largest entries of P (λ = Settings.Density,
// default 2/max(n, m), doubled whenever a Newton step cuts the marginal
// error by less than 4×, up to a quarter of the entries); the sparsified
// matrix stays positive semidefinite
// (diagonally dominant), and the Newton system is solved by
// Jacobi-preconditioned CG from linsolve. The step is accepted by
// backtracking (Armijo) line search on f; if no step length increases f,
// a Sinkhorn iteration is taken instead. Each Newton step costs one pass
// of n·m exponentials per line-search trial (the trial's plan is the next
// step's plan) and a selection over the n·m entries.
func SinkhornNewtonSparse(p *Problem, settings *Settings) (*Result, error) {
	start := time.Now()
	s, err := resolveSettings(settings)
	if err != nil {
		return nil, err
	}
	n, m := p.Dims()
	eta := s.Eta
	r := &Result{X: make([]float64, n), Y: make([]float64, m), Eta: s.Eta, monitor: s.Monitor}
	la, lb := logOf(p.A), logOf(p.B)
	w := newWork(n, m)
	done := func(err error) (*Result, error) { return r.finish(start, err) }
	// Warm start with the stabilised Sinkhorn, whose scaling updates need
	// no exponentials (a log-domain iteration costs 2·n·m of them: 47% of
	// SNS's time on the 28×28 image pair at η = 1200); if it loses
	// precision, start again in the log domain.
	iters := min(s.SinkhornIters, s.MaxIter)
	ws, err := StabilizedSinkhorn(p, &Settings{Eta: eta, Tol: s.Tol, MaxIter: iters, Monitor: s.Monitor})
	if ws != nil && (err == nil || errors.Is(err, ErrMaxIter)) {
		copy(r.X, ws.X)
		copy(r.Y, ws.Y)
		r.Iterations, r.SinkhornIterations = ws.Iterations, ws.SinkhornIterations
		r.MarginalError, r.History = ws.MarginalError, ws.History
	} else {
		clear(r.X)
		clear(r.Y)
		err = logSinkhornIters(p, eta, la, lb, r, w, iters, s.Tol, start)
		if err != nil && !errors.Is(err, ErrMaxIter) {
			return done(err)
		}
	}
	if err == nil && r.MarginalError <= s.Tol {
		return done(nil)
	}
	lambda := s.Density
	if lambda == 0 {
		lambda = 2 / float64(max(n, m))
	}
	keep := min(n*m, int(math.Ceil(lambda*float64(n*m))))
	P, Pt := make([]float64, n*m), make([]float64, n*m)
	scratch := make([]float64, n*m)
	rs, cs, rst, cst := make([]float64, n), make([]float64, m), make([]float64, n), make([]float64, m)
	g := make([]float64, n+m)
	dz := make([]float64, n+m)
	xt, yt := make([]float64, n), make([]float64, m)
	var cg linsolve.CG
	f := p.planDual(eta, r.X, r.Y, P, rs, cs)
	prevErr := math.Inf(1)
	for r.Iterations < s.MaxIter {
		// Gradient and marginal error of the current potentials.
		var e float64
		for i := range n {
			g[i] = p.A[i] - rs[i]
			e += math.Abs(g[i])
		}
		for j := range m {
			g[n+j] = p.B[j] - cs[j]
			e += math.Abs(g[n+j])
		}
		r.MarginalError = e
		if r.NewtonIterations > 0 {
			r.record(r.Iterations, start, e)
		}
		if math.IsNaN(e) || math.IsInf(e, 0) {
			return done(fmt.Errorf("%w: marginal error %v (η = %v)", ErrPrecision, e, eta))
		}
		if e <= s.Tol {
			return done(nil)
		}
		// Adaptive density: a Newton step that did not cut the error by 4
		// means the sparsified Hessian misses too much of P (spread plans
		// at moderate η); keep twice as many entries from then on.
		if r.NewtonIterations > 0 && e > prevErr/4 && keep < n*m/4 {
			keep = min(n*m/4, 2*keep)
		}
		prevErr = e
		// The sparsified Hessian is singular along (1, −1) when nothing is
		// dropped and nearly so otherwise: shift it by min(e, 10⁻³)/100 times
		// its mean diagonal (a Levenberg–Marquardt term, as regot does; the
		// factor 1/100 was measured: 27 → 11 Newton steps on the 28×28 L2
		// image pair at η = 1200, 21 → 17 on random assignment n = 200),
		// which vanishes as the marginal error does, and solve to a relative
		// tolerance proportional to e (an inexact Newton forcing term that
		// keeps the local convergence quadratic; Dembo, Eisenstat and
		// Steihaug 1982).
		h := sparsified(P, rs, cs, n, m, keep, scratch, math.Min(e, 1e-3)/100)
		r.HessianNNZ = h.NNZ()
		for k := range h.Val {
			h.Val[k] *= eta
		}
		pc, err := linsolve.NewJacobiPreconditioner(h)
		if err != nil {
			return done(fmt.Errorf("%w: Newton system: %w", ErrPrecision, err))
		}
		res, err := cg.Solve(dz, h, g, &linsolve.Settings{RelTol: math.Max(1e-12, math.Min(1e-2, e)),
			MaxIter: 4 * (n + m), DivTol: 1e300, Preconditioner: pc})
		r.CGIterations += res.Iterations
		cgFailed := err != nil && !errors.Is(err, linsolve.ErrMaxIter)
		slope := 0.0
		for k, v := range g {
			slope += v * dz[k]
		}
		accepted := false
		if slope > 0 && !cgFailed { // a failed CG (rounding made the system indefinite) falls back to Sinkhorn
			for alpha, tries := 1.0, 0; tries < 30; alpha, tries = alpha/2, tries+1 {
				for i := range n {
					xt[i] = r.X[i] + alpha*dz[i]
				}
				for j := range m {
					yt[j] = r.Y[j] + alpha*dz[n+j]
				}
				ft := p.planDual(eta, xt, yt, Pt, rst, cst)
				// Armijo, with a rounding allowance for steps taken where f
				// is flat to machine precision.
				if ft >= f+1e-4*alpha*slope-1e-15*math.Abs(f) {
					copy(r.X, xt)
					copy(r.Y, yt)
					P, Pt = Pt, P
					rs, rst = rst, rs
					cs, cst = cst, cs
					f = ft
					accepted = true
					break
				}
			}
		}
		r.Iterations++
		if accepted {
			r.NewtonIterations++
			continue
		}
		// Fallback: one Sinkhorn iteration (always increases f).
		if err := logSinkhornIters(p, eta, la, lb, r, w, 1, -1, start); err != nil {
			return done(err)
		}
		r.Iterations-- // logSinkhornIters counted it already
		f = p.planDual(eta, r.X, r.Y, P, rs, cs)
	}
	return done(fmt.Errorf("%w: marginal error %.3g after %d iterations", ErrMaxIter, r.MarginalError, r.Iterations))
}

// planDual fills P with the plan of (x, y), rs and cs with its row and
// column sums, and returns the dual objective f(x, y).
func (p *Problem) planDual(eta float64, x, y, P, rs, cs []float64) float64 {
	n, m := p.Dims()
	clear(cs)
	var total float64
	for i := range n {
		row := p.C[i*m : (i+1)*m]
		prow := P[i*m : (i+1)*m]
		xi := eta*x[i] - 1
		var s float64
		for j, c := range row {
			v := math.Exp(xi + eta*(y[j]-c))
			prow[j] = v
			s += v
			cs[j] += v
		}
		rs[i] = s
		total += s
	}
	f := -total / eta
	for i, v := range x {
		f += p.A[i] * v
	}
	for j, v := range y {
		f += p.B[j] * v
	}
	return f
}

// sparsified returns [[diag(rs), P̃], [P̃ᵀ, diag(cs)]] + δ·d̄·I, with P̃
// the entries of P at least as large as the keep-th largest and d̄ the
// mean of the diagonal.
func sparsified(P, rs, cs []float64, n, m, keep int, scratch []float64, delta float64) *sparse.CSR {
	copy(scratch, P)
	thr := kthLargest(scratch, keep)
	var mean float64
	for _, v := range rs {
		mean += v
	}
	for _, v := range cs {
		mean += v
	}
	shift := delta * mean / float64(n+m)
	t := sparse.NewTriplet(n+m, n+m, n+m+2*keep+16)
	for i := range n {
		t.Append(i, i, rs[i]+shift)
		for j, v := range P[i*m : (i+1)*m] {
			if v >= thr && v > 0 {
				t.Append(i, n+j, v)
				t.Append(n+j, i, v)
			}
		}
	}
	for j := range m {
		t.Append(n+j, n+j, cs[j]+shift)
	}
	return t.ToCSR()
}

// kthLargest returns the k-th largest value of x (1 ≤ k ≤ len(x)),
// reordering x, by quickselect with median-of-three pivots.
func kthLargest(x []float64, k int) float64 {
	lo, hi := 0, len(x)-1
	target := k - 1 // index in descending order
	for lo < hi {
		mid := lo + (hi-lo)/2
		// Median of three as pivot.
		a, b, c := x[lo], x[mid], x[hi]
		pivot := math.Max(math.Min(a, b), math.Min(math.Max(a, b), c))
		i, j := lo, hi
		for i <= j {
			for x[i] > pivot {
				i++
			}
			for x[j] < pivot {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		switch {
		case target <= j:
			hi = j
		case target >= i:
			lo = i
		default:
			return x[target]
		}
	}
	return x[target]
}
