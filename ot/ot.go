package ot

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Errors for bad data.
var (
	ErrHistogram = errors.New("ot: invalid histogram")
	ErrCost      = errors.New("ot: invalid cost matrix")
	ErrEta       = errors.New("ot: η must be positive and finite")
	ErrMaxIter   = errors.New("ot: iteration limit reached")
	ErrPrecision = errors.New("ot: lost floating-point precision")
)

// Problem is a discrete transport problem between histograms A (len n) and
// B (len m) with cost C (n×m, row-major), restricted to the support: rows
// and columns of zero mass carry no plan entries, so NewProblem drops them
// (Rows and Cols map the kept indices back) and Plan puts the zeros back.
// The solvers' potentials are indexed by the kept rows and columns.
type Problem struct {
	A, B       []float64
	C          []float64
	Rows, Cols []int // kept indices of the original histograms
	n0, m0     int
}

// MassTol is the relative tolerance within which Σa and Σb must agree.
const MassTol = 1e-12

// NewProblem validates and returns a problem. Histograms must be
// non-negative and finite with a positive sum; their sums must agree to
// MassTol (relative) unless normalize is true, in which case both are
// scaled to sum 1. The cost must have n·m entries, finite or +Inf — a
// forbidden route, whose plan entry is 0 in every solver (e^{−η·∞} = 0) —
// and the allowed routes must be able to carry the masses (checked by a
// network simplex on the pattern when a route is forbidden): otherwise
// ErrInfeasible. The slices are copied.
func NewProblem(a, b, cost []float64, normalize bool) (*Problem, error) {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return nil, fmt.Errorf("%w: empty histogram (%d, %d)", ErrHistogram, n, m)
	}
	if len(cost) != n*m {
		return nil, fmt.Errorf("%w: %d entries, want %d×%d = %d", ErrCost, len(cost), n, m, n*m)
	}
	sa, err := checkHist("a", a)
	if err != nil {
		return nil, err
	}
	sb, err := checkHist("b", b)
	if err != nil {
		return nil, err
	}
	forbidden := false
	for k, c := range cost {
		if math.IsNaN(c) || math.IsInf(c, -1) {
			return nil, fmt.Errorf("%w: C[%d, %d] = %v", ErrCost, k/m, k%m, c)
		}
		forbidden = forbidden || math.IsInf(c, 1)
	}
	p := &Problem{n0: n, m0: m}
	for i, v := range a {
		if v > 0 {
			p.Rows = append(p.Rows, i)
			p.A = append(p.A, v)
		}
	}
	for j, v := range b {
		if v > 0 {
			p.Cols = append(p.Cols, j)
			p.B = append(p.B, v)
		}
	}
	p.C = make([]float64, 0, len(p.Rows)*len(p.Cols))
	for _, i := range p.Rows {
		for _, j := range p.Cols {
			p.C = append(p.C, cost[i*m+j])
		}
	}
	if normalize {
		for i := range p.A {
			p.A[i] /= sa
		}
		for j := range p.B {
			p.B[j] /= sb
		}
	} else if math.Abs(sa-sb) > MassTol*math.Max(sa, sb) {
		return nil, fmt.Errorf("%w: Σa = %v and Σb = %v differ (pass normalize to scale both to 1)", ErrHistogram, sa, sb)
	}
	if forbidden {
		// Feasibility of the allowed pattern: an exact transport at zero
		// cost on the allowed routes.
		pat := make([]float64, len(p.C))
		for k, c := range p.C {
			if math.IsInf(c, 1) {
				pat[k] = c
			}
		}
		if _, err := EMD(p.A, p.B, pat, &EMDSettings{MassTol: math.Max(MassTol, 1e-9)}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func checkHist(name string, h []float64) (float64, error) {
	var s float64
	for i, v := range h {
		if !(v >= 0) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%w: %s[%d] = %v (must be non-negative and finite)", ErrHistogram, name, i, v)
		}
		s += v
	}
	if !(s > 0) || math.IsInf(s, 0) {
		return 0, fmt.Errorf("%w: %s sums to %v (must be positive and finite: rescale the masses)", ErrHistogram, name, s)
	}
	return s, nil
}

// Dims returns the numbers of kept rows and columns (the support).
func (p *Problem) Dims() (n, m int) { return len(p.A), len(p.B) }

// FullDims returns the original n and m.
func (p *Problem) FullDims() (n, m int) { return p.n0, p.m0 }

// Settings controls an entropic solve. Eta is required (a nil *Settings
// is an ErrEta error); every other zero field means the documented
// default.
type Settings struct {
	// Eta is the inverse temperature η > 0 (POT's reg is 1/η).
	Eta float64
	// Tol is the marginal-error target ‖P·1 − a‖₁ + ‖Pᵀ·1 − b‖₁; zero
	// means 1e-9.
	Tol float64
	// MaxIter bounds the iterations (Sinkhorn and Newton together); zero
	// means 100000.
	MaxIter int
	// SinkhornIters is the warm start of SinkhornNewtonSparse; zero means
	// 20.
	SinkhornIters int
	// Density is the fraction λ of the n·m plan entries kept off the
	// diagonal blocks of the sparsified Hessian; zero means 2/max(n, m).
	Density float64
	// Monitor, if not nil, is called after every iteration with the
	// iteration count and the marginal error (the entries of
	// Result.History as they are recorded).
	Monitor func(iteration int, marginalError float64)
}

func resolveSettings(p *Settings) (Settings, error) {
	if p == nil {
		return Settings{}, fmt.Errorf("%w: no Settings (η is required)", ErrEta)
	}
	s := *p
	if !(s.Eta > 0) || math.IsInf(s.Eta, 0) {
		return s, fmt.Errorf("%w: %v", ErrEta, s.Eta)
	}
	if !(s.Tol >= 0) || s.MaxIter < 0 || s.SinkhornIters < 0 || !(s.Density >= 0 && s.Density <= 1) {
		return s, fmt.Errorf("%w: negative Tol, MaxIter or SinkhornIters, or Density outside [0, 1] (%+v)", ErrSettings, s)
	}
	if s.Tol == 0 {
		s.Tol = 1e-9
	}
	if s.MaxIter == 0 {
		s.MaxIter = 100000
	}
	if s.SinkhornIters == 0 {
		s.SinkhornIters = 20
	}
	return s, nil
}

// Point is one entry of a convergence history.
type Point struct {
	Iteration     int     `json:"iteration"`
	Seconds       float64 `json:"seconds"`
	MarginalError float64 `json:"marginal_error"`
}

// Result is the outcome of an entropic solve.
type Result struct {
	// X and Y are the dual potentials; the plan is
	// P_ij = exp(η(X_i + Y_j − C_ij) − 1).
	X, Y []float64
	// Eta is the regularisation η of the solve, which Plan uses.
	Eta float64
	// Iterations counts all iterations; SinkhornIterations and
	// NewtonIterations split them for SinkhornNewtonSparse.
	Iterations, SinkhornIterations, NewtonIterations int
	// MarginalError is ‖P·1 − a‖₁ + ‖Pᵀ·1 − b‖₁ of the final potentials.
	MarginalError float64
	// CGIterations is the total of the Newton systems' CG iterations, and
	// HessianNNZ the nonzeros of the last sparsified Hessian (SNS only).
	CGIterations, HessianNNZ int
	// Reason tells why the solve stopped; Err turns it into an error.
	Reason  Reason
	Runtime time.Duration
	History []Point

	monitor func(int, float64)
}

// record appends an entry to the history and reports it to the monitor.
func (r *Result) record(it int, start time.Time, e float64) {
	r.History = append(r.History, Point{it, time.Since(start).Seconds(), e})
	if r.monitor != nil {
		r.monitor(it, e)
	}
}

// Reason tells why an entropic solve stopped, with PETSc's signs as in
// linsolve.Reason: positive converged, negative did not.
type Reason int

// Reasons an entropic solve stops.
const (
	Iterating Reason = 0
	// ConvergedMarginal: the marginal error reached Settings.Tol.
	ConvergedMarginal Reason = 2
	// DivergedMaxIter: MaxIter iterations without reaching Tol.
	DivergedMaxIter Reason = -3
	// DivergedPrecision: the marginal error became NaN or infinite, or a
	// Newton system could not be solved, in floating point.
	DivergedPrecision Reason = -9
)

// String returns the PETSc-style name of the reason.
func (r Reason) String() string {
	switch r {
	case Iterating:
		return "ITERATING"
	case ConvergedMarginal:
		return "CONVERGED_MARGINAL"
	case DivergedMaxIter:
		return "DIVERGED_MAX_IT"
	case DivergedPrecision:
		return "DIVERGED_PRECISION"
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// Err returns nil for a converged solve, and otherwise an error wrapping
// ErrMaxIter or ErrPrecision with the final marginal error.
func (r *Result) Err() error {
	switch r.Reason {
	case ConvergedMarginal:
		return nil
	case DivergedMaxIter:
		return fmt.Errorf("%w: marginal error %.3g after %d iterations", ErrMaxIter, r.MarginalError, r.Iterations)
	case DivergedPrecision:
		return fmt.Errorf("%w: marginal error %v after %d iterations (η = %v)", ErrPrecision, r.MarginalError, r.Iterations, r.Eta)
	}
	return fmt.Errorf("ot: solve stopped with reason %v", r.Reason)
}

// finish records the runtime and the reason of err (nil: converged) and
// returns r with err.
func (r *Result) finish(start time.Time, err error) (*Result, error) {
	r.Runtime = time.Since(start)
	switch {
	case err == nil:
		r.Reason = ConvergedMarginal
	case errors.Is(err, ErrMaxIter):
		r.Reason = DivergedMaxIter
	case errors.Is(err, ErrPrecision):
		r.Reason = DivergedPrecision
	}
	return r, err
}

// Plan returns the full n×m plan (row-major, zero outside the support)
// of the potentials of r, at the η of the solve that produced them. It
// panics if r has no η (a Result not made by this package's solvers) or
// potentials of another size.
func (p *Problem) Plan(r *Result) []float64 {
	n, m := p.Dims()
	eta := r.Eta
	if !(eta > 0) || len(r.X) != n || len(r.Y) != m {
		panic("ot: Plan of a Result without η or of another problem")
	}
	P := make([]float64, p.n0*p.m0)
	for i := range n {
		row := p.C[i*m : (i+1)*m]
		for j, c := range row {
			P[p.Rows[i]*p.m0+p.Cols[j]] = math.Exp(eta*(r.X[i]+r.Y[j]-c) - 1)
		}
	}
	return P
}

// TransportCost returns ⟨C, P⟩ for a full n×m plan.
func (p *Problem) TransportCost(plan []float64) float64 {
	n, m := p.Dims()
	var s float64
	for i := range n {
		for j := range m {
			if v := plan[p.Rows[i]*p.m0+p.Cols[j]]; v != 0 { // 0·∞ = 0 on a forbidden route
				s += v * p.C[i*m+j]
			}
		}
	}
	return s
}

// EntropicCost returns ⟨C, P⟩ + (1/η)·Σ P log P (0 log 0 = 0).
func (p *Problem) EntropicCost(plan []float64, eta float64) float64 {
	s := p.TransportCost(plan)
	for _, v := range plan {
		if v > 0 {
			s += v * math.Log(v) / eta
		}
	}
	return s
}

// marginalError computes the row and column sums of the plan of (x, y)
// into rs and cs and returns ‖rs − a‖₁ + ‖cs − b‖₁. It evaluates n·m
// exponentials.
func (p *Problem) marginalError(eta float64, x, y, rs, cs []float64) float64 {
	n, m := p.Dims()
	clear(cs)
	var e float64
	for i := range n {
		row := p.C[i*m : (i+1)*m]
		xi := eta*x[i] - 1
		var s float64
		for j, c := range row {
			v := math.Exp(xi + eta*(y[j]-c))
			s += v
			cs[j] += v
		}
		rs[i] = s
		e += math.Abs(s - p.A[i])
	}
	for j, v := range cs {
		e += math.Abs(v - p.B[j])
	}
	return e
}

// dual returns f(x, y).
func (p *Problem) dual(eta float64, x, y []float64) float64 {
	n, m := p.Dims()
	var s float64
	for i := range n {
		row := p.C[i*m : (i+1)*m]
		xi := eta*x[i] - 1
		for j, c := range row {
			s += math.Exp(xi + eta*(y[j]-c))
		}
	}
	f := -s / eta
	for i, v := range x {
		f += p.A[i] * v
	}
	for j, v := range y {
		f += p.B[j] * v
	}
	return f
}

// logA returns log a (−Inf where a is zero).
func logOf(h []float64) []float64 {
	l := make([]float64, len(h))
	for i, v := range h {
		l[i] = math.Log(v)
	}
	return l
}

// LogSinkhorn runs Sinkhorn's alternating maximisation of the dual in the
// log domain: x_i = (log a_i + 1 − LSE_j η(y_j − C_ij))/η, then the same
// for y, with max-shifted log-sum-exps, so that it is stable for any η.
// After a column update the column marginals are exact, and the row
// marginals come for free from the log-sum-exps of the next row update,
// so the stopping test costs no extra pass over C; the returned potentials
// are those whose marginal error met the tolerance.
func LogSinkhorn(p *Problem, settings *Settings) (*Result, error) {
	start := time.Now()
	s, err := resolveSettings(settings)
	if err != nil {
		return nil, err
	}
	n, m := p.Dims()
	r := &Result{X: make([]float64, n), Y: make([]float64, m), Eta: s.Eta, monitor: s.Monitor}
	la, lb := logOf(p.A), logOf(p.B)
	w := newWork(n, m)
	return r.finish(start, logSinkhornIters(p, s.Eta, la, lb, r, w, s.MaxIter, s.Tol, start))
}

// work holds the scratch vectors of the Sinkhorn passes.
type work struct {
	lse, tmp, rs, cs []float64
}

func newWork(n, m int) *work {
	return &work{lse: make([]float64, n), tmp: make([]float64, max(n, m)), rs: make([]float64, n), cs: make([]float64, m)}
}

// logSinkhornIters runs up to iters log-domain Sinkhorn iterations on the
// potentials of r, stopping once the marginal error is at most tol (tol < 0
// never stops early). It appends to r.History and counts r.Iterations and
// r.SinkhornIterations.
func logSinkhornIters(p *Problem, eta float64, la, lb []float64, r *Result, w *work, iters int, tol float64, start time.Time) error {
	for k := 0; ; k++ {
		rowErr := rowLSE(p, eta, r.X, r.Y, w.lse, w.tmp)
		if r.Iterations > 0 {
			// Columns are exact after the last column update.
			r.MarginalError = rowErr
			r.record(r.Iterations, start, rowErr)
			if math.IsNaN(rowErr) || math.IsInf(rowErr, 0) {
				return fmt.Errorf("%w: marginal error %v at iteration %d (η = %v)", ErrPrecision, rowErr, r.Iterations, eta)
			}
			if rowErr <= tol {
				return nil
			}
		}
		if k == iters {
			if tol < 0 {
				return nil
			}
			return fmt.Errorf("%w: marginal error %.3g after %d iterations", ErrMaxIter, r.MarginalError, r.Iterations)
		}
		for i, l := range w.lse {
			r.X[i] = (la[i] + 1 - l) / eta
		}
		sinkhornCols(p, eta, lb, r.X, r.Y, w.tmp)
		r.Iterations++
		r.SinkhornIterations++
	}
}

// rowLSE sets lse_i = LSE_j η(y_j − C_ij) and returns Σ_i |P_i· − a_i|
// for the current x, where the row sum is exp(η x_i − 1 + lse_i).
func rowLSE(p *Problem, eta float64, x, y, lse, tmp []float64) float64 {
	n, m := p.Dims()
	t := tmp[:m]
	var e float64
	for i := range n {
		row := p.C[i*m : (i+1)*m]
		mx := math.Inf(-1)
		for j, c := range row {
			v := eta * (y[j] - c)
			t[j] = v
			mx = math.Max(mx, v)
		}
		var s float64
		for _, v := range t {
			s += math.Exp(v - mx)
		}
		lse[i] = mx + math.Log(s)
		e += math.Abs(math.Exp(eta*x[i]-1+lse[i]) - p.A[i])
	}
	return e
}

// sinkhornCols sets each y_j to its exact maximiser given x, sweeping the
// rows of C (cache-friendly) with a running max-shifted sum per column.
func sinkhornCols(p *Problem, eta float64, lb, x, y, tmp []float64) {
	n, m := p.Dims()
	mx := tmp[:m]
	// Column maxima of η(x_i − C_ij) first, then the shifted sums.
	for j := range mx {
		mx[j] = math.Inf(-1)
	}
	for i := range n {
		row := p.C[i*m : (i+1)*m]
		xi := eta * x[i]
		for j, c := range row {
			mx[j] = math.Max(mx[j], xi-eta*c)
		}
	}
	sum := y // y is not read by the column update: use it as the accumulator
	clear(sum)
	for i := range n {
		row := p.C[i*m : (i+1)*m]
		xi := eta * x[i]
		for j, c := range row {
			sum[j] += math.Exp(xi - eta*c - mx[j])
		}
	}
	for j := range y {
		y[j] = (lb[j] + 1 - mx[j] - math.Log(sum[j])) / eta
	}
}

// Round returns a copy of the full n×m plan projected onto the transport
// polytope by the rounding of Altschuler, Weed and Rigollet (2017, Alg. 2):
// scale rows down to a, then columns down to b, and add the rank-one
// correction err_r·err_cᵀ/‖err_r‖₁. The result has the marginals a and b
// up to rounding, stays non-negative, and moves the plan by at most
// 2·(‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁) in L1.
func (p *Problem) Round(plan []float64) []float64 {
	n, m := p.Dims()
	if len(plan) != p.n0*p.m0 {
		panic("ot: Round: plan has the wrong size")
	}
	q := make([]float64, n*m)
	for i := range n {
		for j := range m {
			q[i*m+j] = plan[p.Rows[i]*p.m0+p.Cols[j]]
		}
	}
	for i := range n {
		var s float64
		for _, v := range q[i*m : (i+1)*m] {
			s += v
		}
		if s > p.A[i] {
			f := p.A[i] / s
			for j := range m {
				q[i*m+j] *= f
			}
		}
	}
	cs := make([]float64, m)
	for i := range n {
		for j := range m {
			cs[j] += q[i*m+j]
		}
	}
	for j := range m {
		if cs[j] > p.B[j] {
			f := p.B[j] / cs[j]
			for i := range n {
				q[i*m+j] *= f
			}
		}
	}
	er, ec := make([]float64, n), make([]float64, m)
	clear(cs)
	var norm float64
	for i := range n {
		var s float64
		for j := range m {
			s += q[i*m+j]
			cs[j] += q[i*m+j]
		}
		er[i] = p.A[i] - s
		norm += er[i]
	}
	for j := range m {
		ec[j] = p.B[j] - cs[j]
	}
	out := make([]float64, p.n0*p.m0)
	for i := range n {
		for j := range m {
			v := q[i*m+j]
			if norm > 0 {
				v += er[i] * ec[j] / norm
			}
			out[p.Rows[i]*p.m0+p.Cols[j]] = v
		}
	}
	return out
}
