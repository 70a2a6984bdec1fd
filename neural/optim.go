package neural

import (
	"errors"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// Objective evaluates a loss and its gradient for the flat parameter
// vector x: it writes the gradient into grad (len(x)) and returns the
// loss.
type Objective func(grad, x []float64) float64

// Flatten copies the parameters' values into dst (allocated if nil).
func Flatten(dst []float64, ps []*Param) []float64 {
	dst = dst[:0]
	for _, p := range ps {
		r, c := p.V.Dims()
		for i := range r {
			dst = append(dst, p.V.RawRowView(i)[:c]...)
		}
	}
	return dst
}

// Unflatten copies x into the parameters' values.
func Unflatten(ps []*Param, x []float64) {
	off := 0
	for _, p := range ps {
		r, c := p.V.Dims()
		for i := range r {
			copy(p.V.RawRowView(i)[:c], x[off:off+c])
			off += c
		}
	}
}

func flattenGrad(dst []float64, ps []*Param) {
	off := 0
	for _, p := range ps {
		off += flattenInto(dst[off:], p.G)
	}
}

// flattenInto copies g row by row into the front of dst and returns the
// number of entries written.
func flattenInto(dst []float64, g *mat.Dense) int {
	r, c := g.Dims()
	for i := range r {
		copy(dst[i*c:(i+1)*c], g.RawRowView(i)[:c])
	}
	return r * c
}

// ModelObjective returns the Objective of loss over m's parameters: it
// sets the parameters to x, zeroes their gradients, records loss on a
// fresh tape, runs Backward and flattens the gradients.
func ModelObjective(m Model, loss func(t *Tape) *Node) Objective {
	ps := m.Params()
	return func(grad, x []float64) float64 {
		Unflatten(ps, x)
		for _, p := range ps {
			p.G.Zero()
		}
		t := NewTape()
		l := loss(t)
		t.Backward(l)
		flattenGrad(grad, ps)
		return l.V.At(0, 0)
	}
}

// ErrNaN reports a loss or gradient that became NaN or infinite; the
// training result keeps the best parameters seen.
var ErrNaN = errors.New("neural: loss or gradient is NaN or infinite")

// History is the loss after every optimiser step.
type History struct {
	Loss []float64
}

// Adam is the Adam optimiser (Kingma and Ba 2015) with bias correction.
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	m, v                  []float64
	t                     int
}

// NewAdam returns Adam with learning rate lr and the usual β₁ = 0.9,
// β₂ = 0.999, ε = 1e-8.
func NewAdam(lr float64) *Adam { return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8} }

// Step updates x with the gradient g.
func (a *Adam) Step(x, g []float64) {
	if len(a.m) != len(x) {
		a.m, a.v, a.t = make([]float64, len(x)), make([]float64, len(x)), 0
	}
	a.t++
	c1 := 1 - math.Pow(a.Beta1, float64(a.t))
	c2 := 1 - math.Pow(a.Beta2, float64(a.t))
	for i := range x {
		a.m[i] = a.Beta1*a.m[i] + (1-a.Beta1)*g[i]
		a.v[i] = a.Beta2*a.v[i] + (1-a.Beta2)*g[i]*g[i]
		x[i] -= a.LR * (a.m[i] / c1) / (math.Sqrt(a.v[i]/c2) + a.Eps)
	}
}

// ErrSettings reports a settings field out of range.
var ErrSettings = errors.New("neural: invalid settings")

// OptimReason tells why a minimiser stopped.
type OptimReason int

// Reasons a minimiser stops.
const (
	// OptimStepsDone: Adam took all its steps.
	OptimStepsDone OptimReason = iota + 1
	// OptimConverged: L-BFGS met its gradient test, or the
	// Levenberg–Marquardt loss reached 0 or stopped depending on x.
	OptimConverged
	// OptimIterationLimit: L-BFGS or Levenberg–Marquardt ran all its
	// iterations.
	OptimIterationLimit
	// OptimNoProgress: no step lowers the loss any more (a failed line
	// search, or no damping that helps): the loss is at the rounding
	// level; the best point is kept.
	OptimNoProgress
	// OptimNaN: a NaN or infinite loss or gradient stopped it; the
	// minimiser returns ErrNaN with the best point.
	OptimNaN
)

// String returns the reason's name.
func (r OptimReason) String() string {
	switch r {
	case OptimStepsDone:
		return "steps done"
	case OptimConverged:
		return "converged"
	case OptimIterationLimit:
		return "iteration limit"
	case OptimNoProgress:
		return "no progress"
	case OptimNaN:
		return "NaN"
	}
	return fmt.Sprintf("OptimReason(%d)", int(r))
}

// OptimResult reports a minimisation; x holds the best point seen.
type OptimResult struct {
	// Loss is the loss at the best point.
	Loss float64
	// Iterations counts the steps taken; History holds the loss after
	// each.
	Iterations int
	History    []float64
	Reason     OptimReason
	Runtime    time.Duration
}

// Err returns ErrNaN for a minimisation stopped by NaN or infinite
// values, and nil otherwise.
func (r *OptimResult) Err() error {
	if r.Reason == OptimNaN {
		return ErrNaN
	}
	return nil
}

// AdamSettings controls MinimizeAdam. A nil pointer, and every zero
// field, means the documented default.
type AdamSettings struct {
	// Steps is the number of steps; zero means 1000.
	Steps int
	// LR is the learning rate; zero means 1e-3.
	LR float64
	// Beta1, Beta2 and Eps are the moment decays and the floor of the
	// denominator; zero means 0.9, 0.999 and 1e-8.
	Beta1, Beta2, Eps float64
	// Monitor, if not nil, is called after every step with the step
	// number (from 1) and the loss at the point the step started from.
	Monitor func(step int, loss float64)
}

// LBFGSSettings controls MinimizeLBFGS. A nil pointer, and every zero
// field, means the documented default.
type LBFGSSettings struct {
	// Iterations bounds the iterations; zero means 1000.
	Iterations int
	// Store is the number of correction pairs kept; zero means 50.
	Store int
	// Monitor, if not nil, is called after every iteration with its
	// number (from 1) and the loss.
	Monitor func(iter int, loss float64)
}

// MinimizeAdam runs Adam (Kingma and Ba 2015, bias-corrected) on f from
// x, which receives the best point seen (lowest loss). A NaN or infinite
// loss or gradient stops it with ErrNaN (Reason OptimNaN); settings out
// of range are ErrSettings.
func MinimizeAdam(f Objective, x []float64, s *AdamSettings) (*OptimResult, error) {
	start := time.Now()
	var set AdamSettings
	if s != nil {
		set = *s
	}
	for _, v := range []float64{set.LR, set.Beta1, set.Beta2, set.Eps} {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: AdamSettings %+v", ErrSettings, set)
		}
	}
	if set.Steps < 0 || set.Beta1 >= 1 || set.Beta2 >= 1 {
		return nil, fmt.Errorf("%w: AdamSettings Steps %d, Beta1 %v, Beta2 %v", ErrSettings, set.Steps, set.Beta1, set.Beta2)
	}
	opt := NewAdam(set.LR)
	if set.Steps == 0 {
		set.Steps = 1000
	}
	if set.LR == 0 {
		opt.LR = 1e-3
	}
	if set.Beta1 != 0 {
		opt.Beta1 = set.Beta1
	}
	if set.Beta2 != 0 {
		opt.Beta2 = set.Beta2
	}
	if set.Eps != 0 {
		opt.Eps = set.Eps
	}
	g := make([]float64, len(x))
	best := append([]float64(nil), x...)
	res := &OptimResult{Loss: math.Inf(1)}
	finish := func(reason OptimReason, err error) (*OptimResult, error) {
		copy(x, best)
		res.Reason, res.Runtime = reason, time.Since(start)
		return res, err
	}
	for step := 1; step <= set.Steps; step++ {
		l := f(g, x)
		if !finite(l) || !allFinite(g) {
			return finish(OptimNaN, fmt.Errorf("%w (Adam step %d)", ErrNaN, step))
		}
		if l < res.Loss {
			res.Loss = l
			copy(best, x)
		}
		res.History = append(res.History, l)
		if set.Monitor != nil {
			set.Monitor(step, l)
		}
		opt.Step(x, g)
		res.Iterations = step
	}
	if l := f(g, x); finite(l) && l < res.Loss {
		res.Loss = l
		copy(best, x)
	}
	return finish(OptimStepsDone, nil)
}

// MinimizeLBFGS runs L-BFGS (gonum/optimize, More–Thuente line search)
// on f from x, which receives the best point seen. A NaN loss stops it
// with ErrNaN; a line search that cannot lower the loss any more ends it
// without error (Reason OptimNoProgress); settings out of range are
// ErrSettings.
func MinimizeLBFGS(f Objective, x []float64, s *LBFGSSettings) (*OptimResult, error) {
	start := time.Now()
	var set LBFGSSettings
	if s != nil {
		set = *s
	}
	if set.Iterations < 0 || set.Store < 0 {
		return nil, fmt.Errorf("%w: LBFGSSettings Iterations %d, Store %d", ErrSettings, set.Iterations, set.Store)
	}
	if set.Iterations == 0 {
		set.Iterations = 1000
	}
	if set.Store == 0 {
		set.Store = 50
	}
	n := len(x)
	best := append([]float64(nil), x...)
	res := &OptimResult{Loss: math.Inf(1)}
	var nan bool
	cache := struct {
		x, g []float64
		l    float64
		ok   bool
	}{x: make([]float64, n), g: make([]float64, n)}
	eval := func(x []float64) (float64, []float64) {
		if cache.ok && equal(cache.x, x) {
			return cache.l, cache.g
		}
		copy(cache.x, x)
		cache.l = f(cache.g, cache.x)
		cache.ok = true
		if !finite(cache.l) || !allFinite(cache.g) {
			nan = true
		} else if cache.l < res.Loss {
			res.Loss = cache.l
			copy(best, x)
		}
		return cache.l, cache.g
	}
	p := optimize.Problem{
		Func: func(x []float64) float64 { l, _ := eval(x); return l },
		Grad: func(g, x []float64) { _, gg := eval(x); copy(g, gg) },
	}
	settings := &optimize.Settings{MajorIterations: set.Iterations, GradientThreshold: 1e-14,
		Recorder: recorder{res: res, monitor: set.Monitor}}
	opt, err := optimize.Minimize(p, x, settings, &optimize.LBFGS{Store: set.Store, Linesearcher: &optimize.MoreThuente{}})
	copy(x, best)
	res.Runtime = time.Since(start)
	switch {
	case nan:
		res.Reason = OptimNaN
		return res, fmt.Errorf("%w (L-BFGS)", ErrNaN)
	case err != nil && (errors.Is(err, optimize.ErrLinesearcherFailure) || isNoProgress(err)):
		res.Reason = OptimNoProgress
	case err != nil:
		return res, fmt.Errorf("neural: L-BFGS: %w", err)
	case opt != nil && opt.Status == optimize.IterationLimit:
		res.Reason = OptimIterationLimit
	default:
		res.Reason = OptimConverged
	}
	return res, nil
}

// isNoProgress reports the line-search failures L-BFGS meets once the
// loss is at rounding level; the best point is kept, so they are not
// errors.
func isNoProgress(err error) bool {
	return err != nil && (errors.Is(err, optimize.ErrNoProgress) || errors.Is(err, optimize.ErrLinesearcherBound))
}

// recorder appends the loss after every major iteration and calls the
// monitor.
type recorder struct {
	res     *OptimResult
	monitor func(iter int, loss float64)
}

func (recorder) Init() error { return nil }

func (r recorder) Record(loc *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	if op == optimize.MajorIteration {
		r.res.History = append(r.res.History, loc.F)
		r.res.Iterations++
		if r.monitor != nil {
			r.monitor(r.res.Iterations, loc.F)
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func allFinite(x []float64) bool {
	for _, v := range x {
		if !finite(v) {
			return false
		}
	}
	return true
}

func equal(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
