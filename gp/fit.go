package gp

import (
	"errors"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// ValidationResidual measures how well the solution satisfies p away from
// the collocation points, with no knowledge of the exact solution: the
// operator residual at the cell midpoints, relative to the sizes of the
// operator's terms and of F there, plus the relative error of the
// boundary condition at the midpoints of the boundary cells (2D). At most
// 200 midpoints per axis are used. It is the criterion Fit minimises and
// a posteriori error indicator for any solve.
func (s *Solution) ValidationResidual(p Problem) float64 {
	d := len(s.bases)
	if len(p.Axes) != d || len(p.Ops) != d {
		panic("gp: ValidationResidual with a problem of another dimension")
	}
	mids := make([][]float64, d)
	for a, bs := range s.bases {
		step := max(1, (bs.n-1+199)/200)
		for i := 0; i+1 < bs.n; i += step {
			mids[a] = append(mids[a], 0.5*(bs.x[i]+bs.x[i+1]))
		}
	}
	type ev struct{ e0, e1, e2 *mat.Dense }
	evs := make([]ev, d)
	for a, bs := range s.bases {
		e0, e1, e2 := bs.evalDerivs(mids[a], bs.qw, true)
		evs[a] = ev{e0, e1, e2}
	}
	lop := func(a int) *mat.Dense {
		op := p.Ops[a]
		var m, t mat.Dense
		m.Scale(op.A2, evs[a].e2)
		t.Scale(op.A1, evs[a].e1)
		m.Add(&m, &t)
		t.Scale(op.A0, evs[a].e0)
		m.Add(&m, &t)
		return &m
	}
	pt := make([]float64, d)
	var num, den float64
	if d == 1 {
		var u, lu mat.Dense
		u.Mul(evs[0].e0, s.coef)
		lu.Mul(lop(0), s.coef)
		for i, t := range mids[0] {
			pt[0] = t
			f := p.F(pt)
			r := lu.At(i, 0) - f
			if p.Nonlinear != nil {
				nv, _ := p.Nonlinear(u.At(i, 0))
				r += nv
			}
			num += r * r
		}
		den = mat.Norm(&lu, 2) + normF(p.F, mids)
		return math.Sqrt(num) / math.Max(den, math.SmallestNonzeroFloat64)
	}
	var t0, ux, uy, u mat.Dense
	t0.Mul(lop(0), s.coef)
	ux.Mul(&t0, evs[1].e0.T())
	var t1 mat.Dense
	t1.Mul(evs[0].e0, s.coef)
	uy.Mul(&t1, lop(1).T())
	u.Mul(&t1, evs[1].e0.T())
	for i, x := range mids[0] {
		for j, y := range mids[1] {
			pt[0], pt[1] = x, y
			r := ux.At(i, j) + uy.At(i, j) - p.F(pt)
			if p.Nonlinear != nil {
				nv, _ := p.Nonlinear(u.At(i, j))
				r += nv
			}
			num += r * r
		}
	}
	den = mat.Norm(&ux, 2) + mat.Norm(&uy, 2) + normF(p.F, mids)
	pde := math.Sqrt(num) / math.Max(den, math.SmallestNonzeroFloat64)
	// Boundary: the four edges at the other axis's midpoints, relative to
	// the root mean square of the solution (boundary data may vanish).
	var bnum float64
	var count int
	for a := range 2 {
		o := 1 - a
		ends := []float64{s.Axes[a].Lo, s.Axes[a].Hi}
		ea := s.bases[a].evalMatrix(ends, s.bases[a].qw)
		var ub mat.Dense // 2 × len(mids[o])
		if a == 0 {
			var t mat.Dense
			t.Mul(ea, s.coef)
			ub.Mul(&t, evs[1].e0.T())
		} else {
			var t mat.Dense
			t.Mul(ea, s.coef.T())
			ub.Mul(&t, evs[0].e0.T())
		}
		for c, e := range ends {
			for j, y := range mids[o] {
				pt[a], pt[o] = e, y
				r := ub.At(c, j) - p.G(pt)
				bnum += r * r
				count++
			}
		}
	}
	ur, uc := u.Dims()
	rms := mat.Norm(&u, 2) / math.Sqrt(float64(ur*uc))
	bnd := math.Sqrt(bnum / float64(count))
	if rms > 0 {
		bnd /= rms
	}
	return pde + bnd
}

func normF(f func([]float64) float64, mids [][]float64) float64 {
	pt := make([]float64, len(mids))
	var s float64
	var walk func(int)
	walk = func(a int) {
		if a == len(mids) {
			v := f(pt)
			s += v * v
			return
		}
		for _, t := range mids[a] {
			pt[a] = t
			walk(a + 1)
		}
	}
	walk(0)
	return math.Sqrt(s)
}

// FitSettings controls Fit. A nil *FitSettings, and every zero field,
// means the documented default.
type FitSettings struct {
	// Weights also fits each component's log weight, Frequencies each
	// component's frequency. The envelope scale of every axis (one
	// log-scale offset per axis, shared by its components) is always fitted.
	Weights, Frequencies bool
	// Scan lists the scale multipliers tried (the same on every axis)
	// before the quasi-Newton refinement, which then adjusts each axis;
	// nil means {0.5, 1, 2}.
	Scan []float64
	// MaxIter bounds the L-BFGS iterations (negative: scan only); zero
	// means 5.
	MaxIter int
	// MaxEvaluations bounds the solves of the refinement, finite-difference
	// gradients included; zero means 40.
	MaxEvaluations int
	// Solve is passed to every Solve.
	Solve *Settings
	// Monitor, if not nil, is called after every evaluation (one Solve,
	// scan and refinement alike) with the evaluation count and its
	// criterion, the validation residual (+Inf for a failed solve).
	Monitor func(evaluation int, criterion float64)
}

// FitResult is the outcome of Fit: the best kernels found, the solution
// with them and its validation residual.
type FitResult struct {
	Kernels     []*Mixture
	Solution    *Solution
	Criterion   float64
	Evaluations int
	// Reason says why the fit stopped; Status adds the detail (the
	// optimiser's status, the error that stopped it).
	Reason FitReason
	Status string
	// Runtime is the wall time of Fit.
	Runtime time.Duration
	cause   error
}

// FitReason is why a fit stopped. Every reason leaves the best state seen
// in the FitResult; Err tells the ones that cut the refinement short.
type FitReason int

const (
	// FitScanOnly: the scale scan ran and no refinement was asked for
	// (MaxIter < 0).
	FitScanOnly FitReason = iota + 1
	// FitConverged: L-BFGS met its convergence test.
	FitConverged
	// FitIterationLimit: L-BFGS ran MaxIter iterations.
	FitIterationLimit
	// FitBudget: the refinement used MaxEvaluations solves.
	FitBudget
	// FitStopped: a solve failed during the refinement (a NaN criterion,
	// a solver error).
	FitStopped
	// FitOptimizerFailed: L-BFGS returned an error (a failed line search).
	FitOptimizerFailed
)

// String returns the reason's name.
func (r FitReason) String() string {
	switch r {
	case FitScanOnly:
		return "scan only"
	case FitConverged:
		return "converged"
	case FitIterationLimit:
		return "iteration limit"
	case FitBudget:
		return "evaluation budget used"
	case FitStopped:
		return "stopped by a failed solve"
	case FitOptimizerFailed:
		return "optimizer failed"
	}
	return fmt.Sprintf("FitReason(%d)", int(r))
}

// ErrFitStopped is wrapped by FitResult.Err when the refinement was cut
// short by a failed solve or a failed line search.
var ErrFitStopped = errors.New("gp: hyperparameter refinement stopped early")

// Err returns nil when the fit ended normally (scan only, converged, an
// iteration or evaluation limit) and an error wrapping ErrFitStopped and
// the cause otherwise; the kernels and solution are the best seen either
// way.
func (r *FitResult) Err() error {
	if r.Reason == FitStopped || r.Reason == FitOptimizerFailed {
		return fmt.Errorf("%w (%s): %w", ErrFitStopped, r.Reason, r.cause)
	}
	return nil
}

// ErrFit reports a fit in which no hyperparameter setting gave a
// solution.
var ErrFit = errors.New("gp: hyperparameter fit found no usable kernel")

// Fit chooses kernel hyperparameters for p by minimising the solution's
// ValidationResidual — the PDE residual between the collocation points,
// which needs no exact solution — starting from init (for example
// InitKernels): a scan of the envelope scale, then L-BFGS
// (gonum/optimize, finite-difference gradients in the log parameters).
// Every evaluation is one Solve. GP-HM instead minimises the negative log
// joint over U and the hyperparameters together with Adam for 10⁵–10⁶
// steps; with U solved exactly for each setting, a handful of solves
// suffice.
//
// Evaluations whose solve fails, or whose parameters are NaN, count as
// failures; the best state seen is always kept and returned, and Fit
// stops and reports if the optimiser produces NaN parameters.
func Fit(p Problem, init []*Mixture, set *FitSettings) (*FitResult, error) {
	start := time.Now()
	var s FitSettings
	if set != nil {
		s = *set
	}
	if s.Scan == nil {
		s.Scan = []float64{0.5, 1, 2}
	}
	if s.MaxIter == 0 {
		s.MaxIter = 5
	}
	if s.MaxEvaluations == 0 {
		s.MaxEvaluations = 40
	}
	if len(init) != len(p.Axes) {
		return nil, fmt.Errorf("%w: %d kernels for %d axes", ErrProblem, len(init), len(p.Axes))
	}
	for _, k := range init {
		if err := k.Check(); err != nil {
			return nil, err
		}
	}
	d := len(init)
	// Parameter layout: per axis a scale offset, then optionally the
	// components' log weights and frequencies.
	build := func(x []float64) []*Mixture {
		ks := make([]*Mixture, d)
		off := 0
		for a, k := range init {
			c := k.Clone()
			for q := range c.LogScale {
				c.LogScale[q] += x[off]
			}
			off++
			if s.Weights {
				for q := range c.LogW {
					c.LogW[q] += x[off]
					off++
				}
			}
			if s.Frequencies {
				for q := range c.Mu {
					c.Mu[q] += x[off]
					off++
				}
			}
			ks[a] = c
		}
		return ks
	}
	n := 0
	for _, k := range init {
		n++
		if s.Weights {
			n += k.Components()
		}
		if s.Frequencies {
			n += k.Components()
		}
	}
	f := &fitter{p: p, build: build, solve: s.Solve, monitor: s.Monitor, budget: -1, last: math.Log(1e10),
		res: &FitResult{Criterion: math.Inf(1)}}
	res, eval := f.res, f.eval
	// Scan the scale multipliers, the same on every axis.
	x0 := make([]float64, n)
	best := math.Inf(1)
	for _, m := range s.Scan {
		if !(m > 0) {
			return nil, fmt.Errorf("%w: scan multiplier %g is not positive", ErrProblem, m)
		}
		x := make([]float64, n)
		off := 0
		for _, k := range init {
			x[off] = math.Log(m)
			off++
			if s.Weights {
				off += k.Components()
			}
			if s.Frequencies {
				off += k.Components()
			}
		}
		if v := eval(x); v < best {
			best = v
			copy(x0, x)
		}
	}
	if res.Solution == nil {
		return nil, ErrFit
	}
	if s.MaxIter < 0 {
		res.Reason, res.Status, res.Runtime = FitScanOnly, "scan only", time.Since(start)
		return res, nil
	}
	f.budget = s.MaxEvaluations
	prob := optimize.Problem{
		Func: eval,
		Grad: func(g, x []float64) {
			f0 := eval(x)
			if f.exhausted {
				for i := range g {
					g[i] = 0
				}
				return
			}
			xp := append([]float64(nil), x...)
			for i := range x {
				h := 1e-3
				xp[i] = x[i] + h
				g[i] = (eval(xp) - f0) / h
				xp[i] = x[i]
			}
		},
	}
	r, err := optimize.Minimize(prob, x0, &optimize.Settings{MajorIterations: s.MaxIter, GradientThreshold: 1e-300}, &optimize.LBFGS{})
	switch {
	case f.stop != nil:
		res.Reason, res.Status, res.cause = FitStopped, f.stop.Error(), f.stop
	case f.exhausted:
		res.Reason, res.Status = FitBudget, fmt.Sprintf("evaluation budget of %d solves used", s.MaxEvaluations)
	case err != nil:
		res.Reason, res.Status, res.cause = FitOptimizerFailed, "L-BFGS: "+err.Error(), err
	case r != nil && r.Status == optimize.IterationLimit:
		res.Reason, res.Status = FitIterationLimit, r.Status.String()
	case r != nil:
		res.Reason, res.Status = FitConverged, r.Status.String()
	}
	res.Runtime = time.Since(start)
	return res, nil
}

// fitter evaluates the fit criterion, keeping the best state seen.
type fitter struct {
	p         Problem
	build     func(x []float64) []*Mixture
	solve     *Settings
	res       *FitResult
	stop      error
	monitor   func(int, float64)
	budget    int // refinement evaluations left; negative while scanning
	exhausted bool
	last      float64
}

// eval returns log ValidationResidual for the parameters x, or log 1e10
// for a failed solve; NaN parameters stop the fit (NaN is returned, which
// ends the optimiser's run) with the best state kept.
func (f *fitter) eval(x []float64) float64 {
	if f.stop != nil {
		return math.NaN()
	}
	if f.budget == 0 {
		f.exhausted = true
		return f.last
	}
	if f.budget > 0 {
		f.budget--
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			f.stop = fmt.Errorf("%w: the optimiser produced a NaN or infinite hyperparameter; the best state so far is kept", ErrNumerical)
			return math.NaN()
		}
	}
	f.res.Evaluations++
	ks := f.build(x)
	sol, err := Solve(f.p, ks, f.solve)
	c := math.Inf(1)
	if err == nil || sol != nil {
		c = sol.ValidationResidual(f.p)
	}
	if f.monitor != nil {
		f.monitor(f.res.Evaluations, c)
	}
	if math.IsNaN(c) || math.IsInf(c, 0) {
		return math.Log(1e10)
	}
	if c < f.res.Criterion {
		f.res.Criterion, f.res.Kernels, f.res.Solution = c, ks, sol
	}
	f.last = math.Log(c)
	return f.last
}
