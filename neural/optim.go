package neural

import (
	"errors"
	"fmt"
	"math"

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

// MinimizeAdam runs steps Adam steps on f from x, which receives the
// best point seen (lowest loss). It stops with ErrNaN at a NaN or
// infinite loss or gradient.
func MinimizeAdam(f Objective, x []float64, steps int, lr float64, h *History) error {
	g := make([]float64, len(x))
	best := append([]float64(nil), x...)
	bestLoss := math.Inf(1)
	opt := NewAdam(lr)
	defer copy(x, best)
	for range steps {
		l := f(g, x)
		if !finite(l) || !allFinite(g) {
			return fmt.Errorf("%w (Adam step %d)", ErrNaN, opt.t)
		}
		if l < bestLoss {
			bestLoss = l
			copy(best, x)
		}
		if h != nil {
			h.Loss = append(h.Loss, l)
		}
		opt.Step(x, g)
	}
	l := f(g, x)
	if finite(l) && l < bestLoss {
		copy(best, x)
	}
	return nil
}

// MinimizeLBFGS runs at most iters L-BFGS iterations (gonum/optimize,
// More–Thuente line search, memory store) on f from x, which receives the
// best point seen. A NaN loss stops it with ErrNaN.
func MinimizeLBFGS(f Objective, x []float64, iters, store int, h *History) error {
	n := len(x)
	best := append([]float64(nil), x...)
	bestLoss := math.Inf(1)
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
		} else if cache.l < bestLoss {
			bestLoss = cache.l
			copy(best, x)
		}
		return cache.l, cache.g
	}
	p := optimize.Problem{
		Func: func(x []float64) float64 { l, _ := eval(x); return l },
		Grad: func(g, x []float64) { _, gg := eval(x); copy(g, gg) },
	}
	settings := &optimize.Settings{MajorIterations: iters, GradientThreshold: 1e-14}
	if h != nil {
		settings.Recorder = recorder{h}
	}
	_, err := optimize.Minimize(p, x, settings, &optimize.LBFGS{Store: store, Linesearcher: &optimize.MoreThuente{}})
	copy(x, best)
	if nan {
		return fmt.Errorf("%w (L-BFGS)", ErrNaN)
	}
	if err != nil && !errors.Is(err, optimize.ErrLinesearcherFailure) && !isNoProgress(err) {
		return fmt.Errorf("neural: L-BFGS: %w", err)
	}
	return nil
}

// isNoProgress reports the line-search failures L-BFGS meets once the
// loss is at rounding level; the best point is kept, so they are not
// errors.
func isNoProgress(err error) bool {
	return err != nil && (errors.Is(err, optimize.ErrNoProgress) || errors.Is(err, optimize.ErrLinesearcherBound))
}

// recorder appends the loss after every major iteration.
type recorder struct{ h *History }

func (recorder) Init() error { return nil }

func (r recorder) Record(loc *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	if op == optimize.MajorIteration {
		r.h.Loss = append(r.h.Loss, loc.F)
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
