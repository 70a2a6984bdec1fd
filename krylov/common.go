package krylov

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/pdekit/pdekit/internal/vec"
	"github.com/pdekit/pdekit/linsolve"
)

// Errors of the recycling solvers. Convergence failures are returned as a
// *linsolve.ConvergenceError that wraps the linsolve sentinels
// (linsolve.ErrMaxIter, linsolve.ErrIndefinite, ...).
var (
	// ErrRecycleDim reports a recycle dimension that does not fit the
	// restart length (GCRO-DR needs 0 ≤ K < M).
	ErrRecycleDim = errors.New("krylov: recycle dimension must satisfy 0 ≤ k < m")
	// ErrSpaceSize reports a recycle space built for systems of another
	// size; call Reset on the space (or use a fresh solver) between
	// sequences of different sizes.
	ErrSpaceSize = errors.New("krylov: recycle space was built for another system size")
	// ErrSpaceBusy reports a Space or CGSpace that another solve, on
	// another goroutine, is using: a recycle space belongs to one solve
	// at a time.
	ErrSpaceBusy = errors.New("krylov: recycle space is in use by another solve")
)

// restartRecycle applies the zero-value defaults of GCRODR's and GCROT's M
// and K: zero means DefaultRestart and DefaultRecycle, a negative K means
// no recycling (0).
func restartRecycle(m, k int) (int, int) {
	if m == 0 {
		m = DefaultRestart
	}
	if k == 0 {
		k = DefaultRecycle
	}
	return m, max(k, 0)
}

// spaceFor returns *sp, creating it when nil, or ErrSpaceSize when it
// holds vectors of a length other than n.
// On success the space is held by the caller, who must release it
// (s.busy.Unlock) when the solve ends.
func spaceFor(sp **Space, n int) (*Space, error) {
	if *sp == nil {
		*sp = new(Space)
	}
	s := *sp
	if !s.busy.TryLock() {
		return nil, ErrSpaceBusy
	}
	if s.dim > 0 && s.u.n != n {
		s.busy.Unlock()
		return nil, ErrSpaceSize
	}
	return s, nil
}

// checkInputs returns the error of an invalid Settings (serr, from
// linsolve.Settings.Resolve) or linsolve.CheckSystem's.
func checkInputs(name string, dst []float64, a linsolve.Operator, b []float64, s *linsolve.Resolved, serr error) error {
	if serr != nil {
		return fmt.Errorf("krylov: %s: %w", name, serr)
	}
	return linsolve.CheckSystem("krylov", name, dst, a, b, s.X0)
}

// solveState carries what every exit path needs.
type solveState struct {
	name  string
	start time.Time
	bnorm float64
	res   linsolve.Result
}

// done fills the residual fields from the true residual rnorm, settles the
// reason and wraps a failure in a *linsolve.ConvergenceError.
func (st *solveState) done(reason linsolve.Reason, rnorm float64, s *linsolve.Resolved) (linsolve.Result, error) {
	st.res.Residual = rnorm
	st.res.RelativeResidual = rnorm / st.bnorm
	if reason.Converged() && rnorm > 0 {
		reason = s.ConvergedReason(rnorm, st.bnorm)
	}
	st.res.Reason = reason
	st.res.Stats.Runtime = time.Since(st.start)
	if reason.Converged() {
		return st.res, nil
	}
	return st.res, &linsolve.ConvergenceError{Method: st.name, Result: st.res}
}

// begin starts a solve: x from X0 (or zero), ‖b‖ into st, and the first
// true residual r = b − A·x, reported to the monitor. It returns that
// residual norm, the target max(RelTol·‖b‖, AbsTol) and the divergence
// limit; zero is true when b = 0, in which case x is cleared and the
// caller returns st.done(linsolve.ConvergedAbsTol, 0, s).
func (st *solveState) begin(x, r []float64, a linsolve.Operator, b []float64, s *linsolve.Resolved) (beta, target, divLimit float64, zero bool) {
	if s.X0 != nil {
		copy(x, s.X0)
	} else {
		clear(x)
	}
	st.bnorm = vec.Norm(b)
	if st.bnorm == 0 {
		clear(x)
		st.bnorm = 1
		return 0, 0, 0, true
	}
	beta = trueResidual(r, a, x, b, &st.res)
	if s.Monitor != nil {
		s.Monitor(0, beta)
	}
	return beta, s.Target(st.bnorm), s.DivTol * math.Max(st.bnorm, beta), false
}

// blockMultiplier is an operator that multiplies a block of vectors in
// one pass over its storage (sparse.CSR does, four vectors at a time).
type blockMultiplier interface {
	MulVecsTo(dst, x [][]float64)
}

// mulBlock sets dst[i] = A·x[i] for every i and counts the products.
func mulBlock(a linsolve.Operator, dst, x [][]float64, res *linsolve.Result) {
	if b, ok := a.(blockMultiplier); ok {
		b.MulVecsTo(dst, x)
	} else {
		for i := range x {
			a.MulVecTo(dst[i], x[i])
		}
	}
	res.Stats.MatVecs += len(x)
}

// trueResidual sets r = b − A·x, counts the product and returns ‖r‖₂.
func trueResidual(r []float64, a linsolve.Operator, x, b []float64, res *linsolve.Result) float64 {
	res.Stats.MatVecs++
	return linsolve.TrueResidual(r, a, x, b)
}

func isBad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// same reports whether two operator or preconditioner values are the same
// object: identical comparable values (pointers, in practice).
func same(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ta := reflect.TypeOf(a)
	if ta != reflect.TypeOf(b) || !ta.Comparable() {
		return false
	}
	return a == b
}

// block is k vectors of length n stored contiguously, row i being vector
// i, so that products with small dense matrices are single BLAS-3 calls.
type block struct {
	n, k  int
	data  []float64
	views [][]float64 // row slices handed out by vecs
}

func (b *block) resize(n, k int) {
	b.n, b.k = n, k
	if cap(b.data) < n*k {
		b.data = make([]float64, n*k, n*max(k, 1))
	}
	b.data = b.data[:n*k]
}

// reserve makes room for k vectors of length n, keeping the stored ones:
// afterwards len(b.data) ≥ n·k, so every row below k can be read, written
// and copied.
func (b *block) reserve(n, k int) {
	if b.n != n {
		b.data = b.data[:0]
	}
	switch {
	case cap(b.data) < n*k:
		d := make([]float64, n*k)
		copy(d, b.data)
		b.data = d
	case len(b.data) < n*k:
		b.data = b.data[:n*k]
	}
	b.n = n
}

func (b *block) row(i int) []float64 { return b.data[i*b.n : (i+1)*b.n] }

// vecs returns the first k rows as slices for the multi-vector kernels
// (vec.MDot, vec.MAxpy); the returned slice is reused by the next call.
func (b *block) vecs(k int) [][]float64 {
	if cap(b.views) < k {
		b.views = make([][]float64, k)
	}
	b.views = b.views[:k]
	for i := range k {
		b.views[i] = b.row(i)
	}
	return b.views
}

// rows returns the first k vectors as a blas64.General view (k×n).
func (b *block) first(k int) general {
	return general{Rows: k, Cols: b.n, Stride: b.n, Data: b.data[:k*b.n]}
}

// mgsQR orthonormalises the first k rows of c in place by modified
// Gram–Schmidt with one re-orthogonalisation pass (Giraud, Langou,
// Rozložník 2005: "twice is enough"), and applies the same column
// operations to u so that u·R⁻¹ and c·R⁻¹ stay paired (A·u = c is kept).
// Rows whose norm falls below tol times their original norm are linearly
// dependent on the earlier ones and are dropped from both blocks; it
// returns the number of rows kept.
func mgsQR(c, u *block, k int, tol float64) int {
	kept := 0
	for j := range k {
		cj, uj := c.row(j), u.row(j)
		norm0 := vec.Norm(cj)
		if norm0 == 0 || isBad(norm0) {
			continue
		}
		for range 2 {
			for i := range kept {
				ci := c.row(i)
				h := vec.Dot(ci, cj)
				vec.Axpy(cj, -h, ci)
				vec.Axpy(uj, -h, u.row(i))
			}
		}
		nrm := vec.Norm(cj)
		if nrm <= tol*norm0 || isBad(nrm) {
			continue
		}
		vec.Scale(cj, 1/nrm)
		vec.Scale(uj, 1/nrm)
		if kept != j {
			copy(c.row(kept), cj)
			copy(u.row(kept), uj)
		}
		kept++
	}
	return kept
}

// givens brings a new Hessenberg column into triangular form: it applies
// the earlier rotations (cs[q], sn[q]) to rows (off+q, off+q+1) of rc for
// q < n, then computes the rotation that zeroes rc[off+n+1], stores it at
// index n and applies it to rc and to the right-hand side g (Saad 2003,
// §6.5.3). It returns the reason to stop on a zero or non-finite pivot,
// linsolve.Iterating otherwise.
func givens(rc, g, cs, sn []float64, off, n int) linsolve.Reason {
	for q := range n {
		i := off + q
		t := cs[q]*rc[i] + sn[q]*rc[i+1]
		rc[i+1] = -sn[q]*rc[i] + cs[q]*rc[i+1]
		rc[i] = t
	}
	c := off + n
	den := math.Hypot(rc[c], rc[c+1])
	switch {
	case isBad(den):
		return linsolve.DivergedNaN
	case den == 0:
		return linsolve.DivergedBreakdown
	}
	cs[n], sn[n] = rc[c]/den, rc[c+1]/den
	rc[c], rc[c+1] = den, 0
	g[c+1] = -sn[n] * g[c]
	g[c] = cs[n] * g[c]
	return linsolve.Iterating
}

// mgs orthogonalises w against the orthonormal basis vectors in order by
// modified Gram–Schmidt, each pass subtracting one projection and computing
// the next coefficient (last, ‖w‖²) in the same sweep. It stores the
// coefficients in coef[:len(basis)] and returns ‖w‖ afterwards.
func mgs(w []float64, basis [][]float64, coef []float64) float64 {
	h := vec.Dot(basis[0], w)
	for i := range basis {
		coef[i] = h
		if i+1 < len(basis) {
			h = vec.AxpyDot(w, -h, basis[i], basis[i+1])
		} else {
			return math.Sqrt(math.Max(vec.AxpyDot(w, -h, basis[i], w), 0))
		}
	}
	return 0
}

// backSolve solves R·y = g for the leading t×t upper triangle of the
// column-major R (leading dimension ld).
func backSolve(y, r, g []float64, ld, t int) {
	for i := t - 1; i >= 0; i-- {
		acc := g[i]
		for l := i + 1; l < t; l++ {
			acc -= r[l*ld+i] * y[l]
		}
		y[i] = acc / r[i*ld+i]
	}
}
