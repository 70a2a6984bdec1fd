package krylov

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/sparse"
)

// System is one linear system A·x = B of a sequence, with the parameters
// that generated it (the coefficient field, a wavenumber, expansion
// coefficients), which Sort measures distances on.
//
// A time-stepping sequence, whose right-hand side depends on the solution
// of the step before, gives RHS instead of B: Run calls RHS(b, prev) with
// the solution of the system solved just before this one and starts the
// solve from prev.
type System struct {
	A      linsolve.Operator
	B      []float64
	Params []float64
	// RHS, if not nil, computes the right-hand side into dst (length n)
	// from the previous system's solution prev; B must then be nil, and
	// the system cannot be the first one solved.
	RHS func(dst, prev []float64)
	// X0, if not nil, is the initial guess of this system; it takes
	// precedence over WarmStart and RHS's start.
	X0 []float64
}

// Sequence solves a family of systems one after the other with one
// solver, so that a recycling solver (GCRODR, RCG) carries its recycle
// space from each system to the next. It is the driver of the SKR data
// generation pipeline: Sort the systems, then Run them in that order.
type Sequence struct {
	// Method solves every system; nil means a new GCRODR with its
	// defaults. Its state (and a recycle space) carries over between
	// systems and between Run calls.
	Method linsolve.Method
	// Settings is the template for every solve. Its X0 and
	// Preconditioner must be nil (Run returns an ErrSequence error
	// otherwise): the sequence sets them, from WarmStart and
	// NewPreconditioner.
	Settings linsolve.Settings
	// WarmStart starts each solve from the previous system's solution
	// instead of zero.
	WarmStart bool
	// NewPreconditioner, if not nil, builds the preconditioner of each
	// system from its matrix, which must then be a *sparse.CSR (an error
	// wrapping linsolve.ErrNeedsCSR otherwise); it is called again only
	// when the matrix changes (by identity), and its time is reported as
	// setup time.
	NewPreconditioner func(a *sparse.CSR) (linsolve.Preconditioner, error)
	// Each, if not nil, is called after every solve with the system's
	// index, its solution (held by the sequence: copy it to keep it past
	// the next solve when dst is nil) and its statistics; a non-nil error
	// stops the run, which returns it wrapped — a caller that needs every
	// system converged returns st.Reason.Err() for a failed one.
	Each func(i int, x []float64, st SystemStats) error
}

// SystemStats records one solve of a sequence.
type SystemStats struct {
	// Index is the system's position in the input slice.
	Index            int
	Iterations       int
	MatVecs          int
	Seconds          float64 // wall time of the solve
	SetupSeconds     float64 // wall time of building the preconditioner
	RelativeResidual float64 // true ‖b − A·x‖/‖b‖ of the returned solution
	Reason           linsolve.Reason
}

// Report summarises a sequence run.
type Report struct {
	// Systems holds one entry per system, in solve order.
	Systems               []SystemStats
	TotalIterations       int
	TotalMatVecs          int
	SolveSeconds          float64
	SetupSeconds          float64
	WorstRelativeResidual float64
	// Failed counts the systems that did not converge.
	Failed int
}

// ErrSequence reports a malformed sequence: systems of different sizes,
// a right-hand side of the wrong length, or an order that is not a
// permutation.
var ErrSequence = errors.New("krylov: invalid sequence")

// Run solves systems in the given order (nil means 0, 1, …) and returns
// the per-system statistics. If dst is not nil it must have one entry per
// system; solution i is written to dst[i] (allocated when nil). A system
// that fails to converge keeps its partial solution, is counted in
// Report.Failed and the run goes on; the returned error then wraps the
// first failure. Input errors (ErrSequence, NaN in a given b or X0) stop
// the run before any solve; a right-hand side computed by System.RHS is
// checked before its own solve.
func (q *Sequence) Run(systems []System, order []int, dst [][]float64) (Report, error) {
	if err := checkSequence(systems, order, dst); err != nil {
		return Report{}, err
	}
	if q.Settings.Preconditioner != nil || q.Settings.X0 != nil {
		return Report{}, fmt.Errorf("%w: Settings.Preconditioner and Settings.X0 must be nil (use NewPreconditioner and WarmStart)", ErrSequence)
	}
	if order == nil {
		order = make([]int, len(systems))
		for i := range order {
			order[i] = i
		}
	}
	if q.Method == nil {
		q.Method = new(GCRODR)
	}
	var rep Report
	if len(systems) == 0 {
		return rep, nil
	}
	n := systems[0].A.Dim()
	var prev, bBuf []float64
	var pc linsolve.Preconditioner
	var pcOp linsolve.Operator
	var firstErr error
	set := q.Settings
	for _, i := range order {
		sys := systems[i]
		st := SystemStats{Index: i}
		if q.NewPreconditioner != nil && (pc == nil || !same(pcOp, sys.A)) {
			csr, ok := sys.A.(*sparse.CSR)
			if !ok {
				return rep, fmt.Errorf("krylov: preconditioner of system %d: %w (got %T)", i, linsolve.ErrNeedsCSR, sys.A)
			}
			t0 := time.Now()
			p, err := q.NewPreconditioner(csr)
			st.SetupSeconds = time.Since(t0).Seconds()
			if err != nil {
				return rep, fmt.Errorf("krylov: preconditioner of system %d: %w", i, err)
			}
			pc, pcOp = p, sys.A
		}
		set.Preconditioner = pc
		b := sys.B
		switch {
		case sys.X0 != nil:
			set.X0 = sys.X0
		case q.WarmStart || sys.RHS != nil:
			set.X0 = prev
		default:
			set.X0 = nil
		}
		if sys.RHS != nil {
			if prev == nil {
				return rep, fmt.Errorf("%w: system %d computes its right-hand side from the previous solution but is solved first", ErrSequence, i)
			}
			if bBuf == nil {
				bBuf = make([]float64, n)
			}
			sys.RHS(bBuf, prev)
			if err := sparse.CheckFiniteVec(fmt.Sprintf("computed b of system %d", i), bBuf); err != nil {
				return rep, fmt.Errorf("krylov: %w", err)
			}
			b = bBuf
		}
		var x []float64
		if dst != nil && dst[i] != nil {
			x = dst[i]
		} else {
			x = make([]float64, n)
		}
		t0 := time.Now()
		res, err := q.Method.Solve(x, sys.A, b, &set)
		st.Seconds = time.Since(t0).Seconds()
		var ce *linsolve.ConvergenceError
		if err != nil && !errors.As(err, &ce) {
			return rep, fmt.Errorf("krylov: system %d: %w", i, err)
		}
		if err != nil {
			rep.Failed++
			if firstErr == nil {
				firstErr = fmt.Errorf("krylov: system %d: %w", i, err)
			}
		}
		st.Iterations, st.MatVecs = res.Iterations, res.Stats.MatVecs
		st.RelativeResidual, st.Reason = res.RelativeResidual, res.Reason
		rep.Systems = append(rep.Systems, st)
		rep.TotalIterations += st.Iterations
		rep.TotalMatVecs += st.MatVecs
		rep.SolveSeconds += st.Seconds
		rep.SetupSeconds += st.SetupSeconds
		rep.WorstRelativeResidual = max(rep.WorstRelativeResidual, st.RelativeResidual)
		if dst != nil {
			dst[i] = x
		}
		prev = x
		if q.Each != nil {
			if err := q.Each(i, x, st); err != nil {
				return rep, fmt.Errorf("krylov: system %d: %w", i, err)
			}
		}
	}
	if firstErr != nil {
		return rep, fmt.Errorf("%d of %d systems did not converge; first: %w", rep.Failed, len(order), firstErr)
	}
	return rep, nil
}

func checkSequence(systems []System, order []int, dst [][]float64) error {
	if dst != nil && len(dst) != len(systems) {
		return fmt.Errorf("%w: %d solution slots for %d systems", ErrSequence, len(dst), len(systems))
	}
	for i, s := range systems {
		if s.A == nil {
			return fmt.Errorf("%w: system %d has no operator", ErrSequence, i)
		}
		if n := systems[0].A.Dim(); s.A.Dim() != n {
			return fmt.Errorf("%w: system %d is %d×%d, system 0 is %d×%d", ErrSequence, i, s.A.Dim(), s.A.Dim(), n, n)
		}
		if s.RHS != nil {
			if s.B != nil {
				return fmt.Errorf("%w: system %d has both B and RHS", ErrSequence, i)
			}
		} else {
			if len(s.B) != s.A.Dim() {
				return fmt.Errorf("%w: system %d: len(b) = %d, want %d", ErrSequence, i, len(s.B), s.A.Dim())
			}
			if err := sparse.CheckFiniteVec(fmt.Sprintf("b of system %d", i), s.B); err != nil {
				return fmt.Errorf("krylov: %w", err)
			}
		}
		if s.X0 != nil {
			if len(s.X0) != s.A.Dim() {
				return fmt.Errorf("%w: system %d: len(X0) = %d, want %d", ErrSequence, i, len(s.X0), s.A.Dim())
			}
			if err := sparse.CheckFiniteVec(fmt.Sprintf("X0 of system %d", i), s.X0); err != nil {
				return fmt.Errorf("krylov: %w", err)
			}
		}
		if dst != nil && dst[i] != nil && len(dst[i]) != s.A.Dim() {
			return fmt.Errorf("%w: solution slot %d has length %d, want %d", ErrSequence, i, len(dst[i]), s.A.Dim())
		}
	}
	if order != nil {
		if len(order) != len(systems) {
			return fmt.Errorf("%w: order has %d entries for %d systems", ErrSequence, len(order), len(systems))
		}
		seen := slices.Clone(order)
		slices.Sort(seen)
		for i, v := range seen {
			if v != i {
				return fmt.Errorf("%w: order is not a permutation of 0…%d", ErrSequence, len(systems)-1)
			}
		}
	}
	return nil
}
