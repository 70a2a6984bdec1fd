package linsolve

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/pdekit/pdekit/sparse"
)

// Operator is a square linear operator: Dim returns n, MulVecTo sets
// dst = A·x for vectors of length n. *sparse.CSR satisfies it; so can a
// matrix-free stencil.
type Operator interface {
	Dim() int
	MulVecTo(dst, x []float64)
}

// Preconditioner applies the inverse of an approximation M of A:
// Apply sets dst = M⁻¹·r. dst and r have the operator's length and do not
// overlap. Apply must not modify r.
//
// Concurrency: the preconditioners of this package (Jacobi, SSOR, IC0,
// ILU0, ILUT, AMG, Multigrid, and Reordered when its inner one is) and the
// factorizations of package direct keep no state between calls or take
// their work vectors from a pool, so several goroutines may call Apply at
// once — several solvers may share one preconditioner
// (TestConcurrentApply, TestAMGConcurrentApply,
// TestMultigridConcurrentApply). Methods that change a preconditioner
// (AMG.Update, Multigrid.Update) must not run concurrently with Apply.
type Preconditioner interface {
	Apply(dst, r []float64)
}

// Monitor is called once per iteration with the iteration count and the
// residual norm the method tracks: the recursively updated ‖r‖₂ for CG and
// BiCGStab, the least-squares residual estimate for GMRES (equal to the
// true residual in exact arithmetic, since preconditioning is on the
// right), and the true ‖b − A·x‖₂ for the stationary methods. Iteration 0
// is the initial residual.
type Monitor func(iteration int, residual float64)

// History records residual norms; its Record method is a Monitor.
type History struct {
	Residuals []float64
}

// Record appends residual to h.Residuals at position iteration.
func (h *History) Record(iteration int, residual float64) {
	h.Residuals = append(h.Residuals[:min(iteration, len(h.Residuals))], residual)
}

// Settings controls a solve. A nil *Settings, and every zero field, means
// the documented default. Solvers never modify the caller's Settings.
type Settings struct {
	// RelTol is the relative tolerance: the solve has converged when
	// ‖b − A·x‖₂ ≤ max(RelTol·‖b‖₂, AbsTol). Zero means DefaultRelTol.
	// RelTol ≥ 1 is accepted; x = 0 meets it (‖b − A·0‖ = ‖b‖), so a
	// solve from a zero initial guess returns at once.
	RelTol float64
	// AbsTol is the absolute tolerance in the test above. Zero means 0.
	AbsTol float64
	// DivTol stops a solve whose residual norm exceeds DivTol times the
	// larger of ‖b‖ and the initial residual (PETSc's dtol). Zero means
	// DefaultDivTol.
	DivTol float64
	// MaxIter bounds the iterations. Zero means DefaultMaxIter(n).
	MaxIter int
	// X0 is the initial guess; nil means the zero vector. It is not
	// modified.
	X0 []float64
	// Preconditioner is applied on the left for CG (the preconditioned CG
	// of Saad, Alg. 9.1) and on the right for GMRES and BiCGStab, so that
	// their residuals are those of the original system. Nil means none.
	// The stationary methods take none.
	Preconditioner Preconditioner
	// Monitor, if not nil, is called once per iteration.
	Monitor Monitor
	// SkipSymmetryCheck turns off the symmetry test CG and FCG run on a
	// *sparse.CSR before iterating (an allocation-free pass of one binary
	// search per entry, a fraction of one iteration's cost); a matrix
	// failing it stops the solve with an error wrapping ErrNotSymmetric.
	SkipSymmetryCheck bool
}

// Defaults used where a Settings field is zero.
const (
	DefaultRelTol = 1e-8
	DefaultDivTol = 1e5
)

// DefaultMaxIter returns the iteration limit used when Settings.MaxIter is
// zero: 10·n, but at least 1000.
func DefaultMaxIter(n int) int { return max(10*n, 1000) }

// Resolved is a Settings with every default filled in. Methods written
// outside this package (package krylov's recycling solvers) take their
// defaults, stopping tolerances and input checks from Settings.Resolve,
// Resolved.Check and CheckSystem, so that every Method of pdekit reads
// Settings the same way.
type Resolved struct {
	RelTol, AbsTol, DivTol float64
	MaxIter                int
	X0                     []float64
	Preconditioner         Preconditioner
	Monitor                Monitor
	SkipSymmetryCheck      bool
}

// Resolve returns s with the defaults filled in for a system of n
// unknowns; a nil s gives every default. A field out of range (see
// CheckSettings) is returned as an error wrapping ErrSettings, beside the
// filled-in value.
func (s *Settings) Resolve(n int) (Resolved, error) {
	var r Resolved
	var err error
	if s != nil {
		r = Resolved{s.RelTol, s.AbsTol, s.DivTol, s.MaxIter, s.X0, s.Preconditioner, s.Monitor, s.SkipSymmetryCheck}
		err = CheckSettings(s)
	}
	if r.RelTol == 0 {
		r.RelTol = DefaultRelTol
	}
	if r.DivTol == 0 {
		r.DivTol = DefaultDivTol
	}
	if r.MaxIter == 0 {
		r.MaxIter = DefaultMaxIter(n)
	}
	return r, err
}

// Target returns the residual norm a solve must reach,
// max(RelTol·‖b‖, AbsTol), for bnorm = ‖b‖₂.
func (r *Resolved) Target(bnorm float64) float64 {
	return math.Max(r.RelTol*bnorm, r.AbsTol)
}

// ConvergedReason says which tolerance a residual norm rn that met the
// target satisfies: ConvergedRelTol or ConvergedAbsTol.
func (r *Resolved) ConvergedReason(rn, bnorm float64) Reason {
	if rn <= r.RelTol*bnorm {
		return ConvergedRelTol
	}
	return ConvergedAbsTol
}

// Check applies the stopping tests to a residual norm after iterations
// iterations: NaN or Inf, the target, the divergence limit and the
// iteration limit, in that order. It returns Iterating while the solve
// should go on, ConvergedRelTol when rnorm ≤ target (to be settled by
// ConvergedReason on the true residual).
func (r *Resolved) Check(rnorm, target, divLimit float64, iterations int) Reason {
	switch {
	case isBad(rnorm):
		return DivergedNaN
	case rnorm <= target:
		return ConvergedRelTol
	case rnorm > divLimit:
		return DivergedDivTol
	case iterations >= r.MaxIter:
		return DivergedMaxIter
	}
	return Iterating
}

// settings is a Resolved with the error of an invalid Settings, which
// checkInputs reports.
type settings struct {
	Resolved
	err error
}

// resolve fills in the defaults of s (Settings.Resolve).
func resolve(s *Settings, n int) settings {
	r, err := s.Resolve(n)
	return settings{r, err}
}

// Reason says why a solve stopped: positive values mean converged,
// negative values mean it did not. The values follow PETSc's
// KSPConvergedReason.
type Reason int

// Reasons a solve stops.
const (
	Iterating Reason = 0
	// ConvergedRelTol: ‖r‖ ≤ RelTol·‖b‖.
	ConvergedRelTol Reason = 2
	// ConvergedAbsTol: ‖r‖ ≤ AbsTol (also b = 0, solved by x = 0).
	ConvergedAbsTol Reason = 3
	// ConvergedHappyBreakdown: the Krylov space became invariant and the
	// solution is exact up to rounding.
	ConvergedHappyBreakdown Reason = 7
	// ConvergedNormal: LSQR's least-squares test ‖Aᵀr‖ ≤ ATol·‖A‖·‖r‖
	// (PETSc's KSP_CONVERGED_RTOL_NORMAL).
	ConvergedNormal Reason = 10

	// DivergedMaxIter: the iteration limit was reached.
	DivergedMaxIter Reason = -3
	// DivergedDivTol: the residual grew past DivTol times its start.
	DivergedDivTol Reason = -4
	// DivergedBreakdown: a recurrence divided by zero (BiCGStab ρ or ω,
	// GMRES lost orthogonality).
	DivergedBreakdown Reason = -5
	// DivergedIndefinitePC: CG saw rᵀM⁻¹r ≤ 0, so the preconditioner is
	// not positive definite.
	DivergedIndefinitePC Reason = -8
	// DivergedNaN: a NaN or Inf appeared in the iteration.
	DivergedNaN Reason = -9
	// DivergedIndefiniteMat: CG saw pᵀA·p ≤ 0, so A is not positive
	// definite.
	DivergedIndefiniteMat Reason = -10
)

// String returns the PETSc-style name of the reason.
func (r Reason) String() string {
	switch r {
	case Iterating:
		return "ITERATING"
	case ConvergedRelTol:
		return "CONVERGED_RTOL"
	case ConvergedAbsTol:
		return "CONVERGED_ATOL"
	case ConvergedHappyBreakdown:
		return "CONVERGED_HAPPY_BREAKDOWN"
	case ConvergedNormal:
		return "CONVERGED_RTOL_NORMAL"
	case DivergedMaxIter:
		return "DIVERGED_MAX_IT"
	case DivergedDivTol:
		return "DIVERGED_DTOL"
	case DivergedBreakdown:
		return "DIVERGED_BREAKDOWN"
	case DivergedIndefinitePC:
		return "DIVERGED_INDEFINITE_PC"
	case DivergedNaN:
		return "DIVERGED_NANORINF"
	case DivergedIndefiniteMat:
		return "DIVERGED_INDEFINITE_MAT"
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// Converged reports whether r means success.
func (r Reason) Converged() bool { return r > 0 }

// Sentinel errors. A failed solve returns a *ConvergenceError whose Unwrap
// gives one of the first six, so errors.Is(err, ErrMaxIter) works.
var (
	ErrMaxIter      = errors.New("iteration limit reached")
	ErrDivergence   = errors.New("residual diverged")
	ErrBreakdown    = errors.New("breakdown")
	ErrIndefinite   = errors.New("matrix is not positive definite (pᵀAp ≤ 0)")
	ErrIndefinitePC = errors.New("preconditioner is not positive definite (rᵀM⁻¹r ≤ 0)")
	ErrNaN          = errors.New("NaN or Inf in the iteration (check A, b and the preconditioner for NaN/Inf)")

	// ErrDimension reports vectors or operators whose sizes do not match.
	ErrDimension = errors.New("linsolve: dimension mismatch")
	// ErrZeroDiagonal reports a zero (or, where positivity is needed,
	// negative) diagonal entry that a method or preconditioner divides by.
	ErrZeroDiagonal = errors.New("linsolve: zero or invalid diagonal entry")
	// ErrPivot reports a non-positive or zero pivot in an incomplete
	// factorization (IC(0) or ILU(0) breakdown).
	ErrPivot = errors.New("linsolve: incomplete factorization breakdown")
	// ErrNotSymmetric reports a nonsymmetric matrix given to a method or
	// preconditioner that needs symmetry (CG, FCG, IC(0)).
	ErrNotSymmetric = errors.New("linsolve: matrix is not symmetric")
	// ErrSettings reports a Settings field out of range.
	ErrSettings = errors.New("linsolve: invalid Settings")
)

// CheckSettings returns an error wrapping ErrSettings when a field of s
// is out of range: a negative, NaN or infinite RelTol, AbsTol or DivTol,
// or a negative MaxIter. Every solve returns this error before iterating.
func CheckSettings(s *Settings) error {
	if s == nil {
		return nil
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"RelTol", s.RelTol}, {"AbsTol", s.AbsTol}, {"DivTol", s.DivTol}} {
		if !(f.v >= 0) || math.IsInf(f.v, 1) {
			return fmt.Errorf("%w: %s = %v, want a finite value ≥ 0", ErrSettings, f.name, f.v)
		}
	}
	if s.MaxIter < 0 {
		return fmt.Errorf("%w: MaxIter = %d, want ≥ 0", ErrSettings, s.MaxIter)
	}
	return nil
}

// checkSymmetric returns an error wrapping ErrNotSymmetric when a is a
// *sparse.CSR that is not symmetric to a relative 1e-10, unless the
// settings skip the test.
func checkSymmetric(name string, a Operator, s *settings) error {
	c, ok := a.(*sparse.CSR)
	if !ok || s.SkipSymmetryCheck {
		return nil
	}
	if i, j, ok := c.Asymmetry(symmetryTol); !ok {
		return fmt.Errorf("%w: %s needs a symmetric matrix; A[%d, %d] = %v but A[%d, %d] = %v (Settings.SkipSymmetryCheck skips this test)",
			ErrNotSymmetric, name, i, j, c.At(i, j), j, i, c.At(j, i))
	}
	return nil
}

// symmetryTol is the relative tolerance of the symmetry tests (CG, FCG,
// IC(0)).
const symmetryTol = 1e-10

// Err returns the sentinel error for a negative reason, nil otherwise.
func (r Reason) Err() error {
	switch r {
	case DivergedMaxIter:
		return ErrMaxIter
	case DivergedDivTol:
		return ErrDivergence
	case DivergedBreakdown:
		return ErrBreakdown
	case DivergedIndefinitePC:
		return ErrIndefinitePC
	case DivergedNaN:
		return ErrNaN
	case DivergedIndefiniteMat:
		return ErrIndefinite
	}
	return nil
}

// ConvergenceError is returned by a solve that stopped without converging.
// The solution vector holds the last iterate, and Result the statistics up
// to that point.
type ConvergenceError struct {
	Method string
	Result Result
}

func (e *ConvergenceError) Error() string {
	return fmt.Sprintf("linsolve: %s: %v after %d iterations (relative residual %.3g, %s)",
		e.Method, e.Result.Reason.Err(), e.Result.Iterations, e.Result.RelativeResidual, e.Result.Reason)
}

// Unwrap returns the sentinel for the reason.
func (e *ConvergenceError) Unwrap() error { return e.Result.Reason.Err() }

// Result describes a finished solve.
type Result struct {
	// Iterations is the number of iterations done (inner iterations for
	// GMRES, full steps for BiCGStab, sweeps for the stationary methods).
	Iterations int
	// Reason says why the solve stopped.
	Reason Reason
	// Residual is the true ‖b − A·x‖₂ of the returned x, computed at exit.
	Residual float64
	// RelativeResidual is Residual/‖b‖₂ (Residual itself when b = 0).
	RelativeResidual float64
	Stats            Stats
}

// Stats counts the work of a solve.
type Stats struct {
	MatVecs     int // products with A, including the final residual check
	PrecApplies int // applications of the preconditioner
	// Fallbacks counts preconditioner outputs a flexible method rejected
	// (zero, not finite, or no descent after A-orthogonalisation) and
	// replaced by the residual itself (FCG).
	Fallbacks int
	Runtime   time.Duration
}

// Method is an iterative solver. Solve writes the solution of A·x = b into
// dst (len n) and returns the result; on failure it returns the last
// iterate in dst together with a non-nil error. Mismatched sizes return an
// error wrapping ErrDimension; a NaN or Inf in b or X0 returns one wrapping
// sparse.ErrNotFinite.
//
// A Method value owns its work vectors and reuses them from one Solve to
// the next, so a Method must not be used by two goroutines at once.
type Method interface {
	Solve(dst []float64, a Operator, b []float64, s *Settings) (Result, error)
}

// checkInputs returns the error of an invalid Settings, or CheckSystem's.
func checkInputs(name string, dst []float64, a Operator, b []float64, s *settings) error {
	if s.err != nil {
		return fmt.Errorf("%s: %w", name, s.err)
	}
	return CheckSystem("linsolve", name, dst, a, b, s.X0)
}

// CheckSystem validates a system before method name of package pkg
// solves it: a *sparse.CSR operator must be square with well-formed
// arrays (sparse.CSR.CheckStructure, an O(nnz) pass, a fraction of one
// product — a matrix broken by hand is an error wrapping sparse.ErrShape,
// not an index panic inside the first product); b, dst and a non-nil x0
// must have the operator's length (else an error wrapping ErrDimension);
// b and x0 must be finite (else an error wrapping sparse.ErrNotFinite).
func CheckSystem(pkg, name string, dst []float64, a Operator, b, x0 []float64) error {
	if c, ok := a.(*sparse.CSR); ok {
		r, cols := c.Dims()
		if r != cols {
			return fmt.Errorf("%w: %s needs a square matrix, got %d×%d", ErrDimension, name, r, cols)
		}
		if err := c.CheckStructure(); err != nil {
			return fmt.Errorf("%s: %s: %w", pkg, name, err)
		}
	}
	n := a.Dim()
	if len(b) != n || len(dst) != n {
		return fmt.Errorf("%w: %s: operator is %d×%d, len(b) = %d, len(dst) = %d", ErrDimension, name, n, n, len(b), len(dst))
	}
	if x0 != nil && len(x0) != n {
		return fmt.Errorf("%w: %s: len(X0) = %d, want %d", ErrDimension, name, len(x0), n)
	}
	if err := sparse.CheckFiniteVec("b", b); err != nil {
		return fmt.Errorf("%s: %s: %w", pkg, name, err)
	}
	if x0 != nil {
		if err := sparse.CheckFiniteVec("X0", x0); err != nil {
			return fmt.Errorf("%s: %s: %w", pkg, name, err)
		}
	}
	return nil
}

// finish computes the true residual of x into work (len n, overwritten), fills the
// residual fields of res and returns the error for a non-converged reason.
// If the method believed it had converged but the true residual misses the
// target, finish reports converged=false so that the caller can restart.
func finish(name string, a Operator, x, b, work []float64, bnorm float64, s *settings, res *Result) (ok bool) {
	res.Residual = residual(work, a, x, b, false, res)
	res.RelativeResidual = res.Residual
	if bnorm > 0 {
		res.RelativeResidual = res.Residual / bnorm
	}
	if math.IsNaN(res.Residual) || math.IsInf(res.Residual, 0) {
		res.Reason = DivergedNaN
		return true
	}
	if res.Reason.Converged() {
		if res.Residual <= s.Target(bnorm) {
			res.Reason = s.ConvergedReason(res.Residual, bnorm)
			return true
		}
		return false
	}
	return true
}

// initX copies X0 (or zeros) into x.
func initX(x []float64, s *settings) {
	if s.X0 != nil {
		copy(x, s.X0)
	} else {
		clear(x)
	}
}

// resultError wraps a non-converged result in a *ConvergenceError.
func resultError(name string, res Result) error {
	if res.Reason.Converged() {
		return nil
	}
	return &ConvergenceError{Method: name, Result: res}
}

// finalize settles the reason of a solve that stopped while its true
// residual still missed the target after the allowed restarts (iteration
// limit, or a recurrence that lost accuracy), records the run time and
// returns the result with its error.
func finalize(name string, res *Result, target float64, maxIter int, start time.Time) (Result, error) {
	if res.Reason.Converged() && res.Residual > target {
		if res.Iterations >= maxIter {
			res.Reason = DivergedMaxIter
		} else {
			res.Reason = DivergedBreakdown
		}
	}
	res.Stats.Runtime = time.Since(start)
	return *res, resultError(name, *res)
}

// TrueResidual sets r = b − A·x and returns ‖r‖₂, the residual every
// Method checks its convergence on before it returns.
func TrueResidual(r []float64, a Operator, x, b []float64) float64 {
	a.MulVecTo(r, x)
	var rr float64
	for i, v := range r {
		d := b[i] - v
		r[i] = d
		rr += d * d
	}
	return math.Sqrt(rr)
}

// residual sets r = b − A·x and returns ‖r‖₂, counting the product in
// res; with xZero (x known to be zero) it copies b instead.
func residual(r []float64, a Operator, x, b []float64, xZero bool, res *Result) float64 {
	if xZero {
		copy(r, b)
		return norm(r)
	}
	res.Stats.MatVecs++
	return TrueResidual(r, a, x, b)
}

// zeroRHS handles b = 0, whose solution is x = 0: it clears x and returns
// the converged result.
func zeroRHS(x []float64, start time.Time) Result {
	clear(x)
	return Result{Reason: ConvergedAbsTol, Stats: Stats{Runtime: time.Since(start)}}
}

// afterStep counts an iteration, reports it to the monitor and applies
// the stopping tests the Krylov recurrences share. stop is false while the
// method should go on; the reason Iterating with stop true means the
// recursive residual met the target (to be confirmed on the true one).
func (s *settings) afterStep(res *Result, rnorm, target, divLimit float64) (reason Reason, stop bool) {
	res.Iterations++
	if s.Monitor != nil {
		s.Monitor(res.Iterations, rnorm)
	}
	switch {
	case isBad(rnorm):
		return DivergedNaN, true
	case rnorm <= target:
		return Iterating, true
	case rnorm > divLimit:
		return DivergedDivTol, true
	}
	return Iterating, false
}

// maxTrueResidualRestarts bounds how often a Krylov method restarts from
// the true residual when its recursive residual met the tolerance but the
// true one did not (loss of accuracy in the recurrences).
const maxTrueResidualRestarts = 5

func norm(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

func dot(x, y []float64) float64 {
	y = y[:len(x)]
	var s float64
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

func isBad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// resize returns a slice of length n, reusing v's storage when it can.
func resize(v []float64, n int) []float64 {
	if cap(v) >= n {
		return v[:n]
	}
	return make([]float64, n)
}
