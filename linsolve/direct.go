package linsolve

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pdekit/pdekit/linsolve/direct"
	"github.com/pdekit/pdekit/sparse"
)

// Direct solves by sparse factorization (package direct): Cholesky when A
// is symmetric with a positive diagonal, LU with threshold partial
// pivoting otherwise or when Cholesky meets a non-positive pivot, then
// iterative refinement until the true residual meets the tolerance (at
// most Settings.MaxIter steps, by default 3; the first is always taken).
// It needs a *sparse.CSR and takes no preconditioner. Result.Iterations
// counts refinement steps.
//
// The factorization of the last matrix is kept: a Solve with a matrix
// equal to it (same pattern and values, compared in O(nnz)) reuses it, so
// many right-hand sides cost one factorization.
type Direct struct {
	// Settings configures the factorization (ordering, pivoting
	// threshold, fill limit); nil means direct's defaults.
	Settings *direct.Settings

	a   *sparse.CSR // a copy of the factored matrix
	f   direct.Factorization
	r   []float64
	d   []float64
	nnz int
}

var _ Method = (*Direct)(nil)

// ErrNeedsCSR reports an operator that is not a *sparse.CSR given to a
// method that needs the matrix entries.
var ErrNeedsCSR = errors.New("linsolve: method needs a *sparse.CSR matrix")

// Solve solves A·x = b into dst. See Method. A matrix whose
// factorization fails (singular, fill over the limit) returns the
// factorization's error, which wraps direct's sentinels.
func (m *Direct) Solve(dst []float64, a Operator, b []float64, settings *Settings) (Result, error) {
	const name = "direct"
	start := time.Now()
	n := a.Dim()
	s := resolve(settings, n)
	if err := checkInputs(name, dst, a, b, &s); err != nil {
		return Result{}, err
	}
	if s.Preconditioner != nil {
		return Result{}, fmt.Errorf("linsolve: %s takes no preconditioner", name)
	}
	csr, ok := a.(*sparse.CSR)
	if !ok {
		return Result{}, fmt.Errorf("%w: %s got %T", ErrNeedsCSR, name, a)
	}
	if m.f == nil || !sameMatrix(m.a, csr) {
		m.f, m.a = nil, nil
		f, err := direct.Factor(csr, m.Settings)
		if err != nil {
			return Result{}, fmt.Errorf("linsolve: %s: %w", name, err)
		}
		m.a, m.f, m.nnz = csr.Clone(), f, f.NNZ()
	}
	bnorm := norm(b)
	if bnorm == 0 {
		return zeroRHS(dst, start), nil
	}
	maxSteps := 3
	if settings != nil && settings.MaxIter > 0 {
		maxSteps = settings.MaxIter
	}
	m.r, m.d = resize(m.r, n), resize(m.d, n)
	var res Result
	m.f.Apply(dst, b)
	target := s.Target(bnorm)
	for {
		rn := TrueResidual(m.r, csr, dst, b)
		res.Stats.MatVecs++
		res.Residual = rn
		res.RelativeResidual = rn
		if bnorm > 0 {
			res.RelativeResidual = rn / bnorm
		}
		if s.Monitor != nil {
			s.Monitor(res.Iterations, rn)
		}
		switch {
		case isBad(rn):
			res.Reason = DivergedNaN
		case res.Iterations >= 1 && rn <= target:
			res.Reason = s.ConvergedReason(rn, bnorm)
		case res.Iterations >= maxSteps:
			res.Reason = DivergedMaxIter
		}
		if res.Reason != Iterating {
			break
		}
		m.f.Apply(m.d, m.r)
		for i := range dst {
			dst[i] += m.d[i]
		}
		res.Iterations++
	}
	res.Stats.Runtime = time.Since(start)
	if !res.Reason.Converged() {
		return res, &ConvergenceError{Method: name, Result: res}
	}
	return res, nil
}

// FactorNNZ returns the nonzeros of the factors of the last solve's
// matrix.
func (m *Direct) FactorNNZ() int { return m.nnz }

// sameMatrix reports whether a and b have the same pattern and values.
func sameMatrix(a, b *sparse.CSR) bool {
	return a != nil && a.Dim() == b.Dim() && slices.Equal(a.RowPtr, b.RowPtr) &&
		slices.Equal(a.ColIdx, b.ColIdx) && slices.Equal(a.Val, b.Val)
}
