package krylov

import (
	"fmt"
	"math"
	"time"

	"github.com/pdekit/pdekit/internal/vec"
	"github.com/pdekit/pdekit/linsolve"
)

// GCROT is GCROT(m, k) in the simplified form of Hicken and Zingg (2010),
// after de Sturler (1999): an inner GMRES of m steps in the complement of
// k outer vectors C = A·U (C orthonormal), and after each inner cycle one
// new outer pair (c, u) — the direction the cycle found, with
// A·u = c — replacing the oldest when k are kept. A Settings
// preconditioner M is applied on the right. The outer vectors, and at the
// end of each solve its solution (as SciPy's gcrotmk does), stay in the
// Space for the next system; on a new operator (by identity) C = A·U is
// recomputed and re-orthonormalised, dependent vectors dropped.
//
// Unlike GCRODR, no eigenproblem is solved and the k outer vectors are
// never recombined: a cycle costs its m Arnoldi steps (against k + j
// vectors) and O(m + k) vector operations, so GCROT is the cheaper of the
// two per iteration. While fewer than k outer vectors are kept the inner
// cycle runs m + k − dim steps, as in SciPy.
//
// Iterations counts inner Arnoldi steps; the k products C = A·U on a new
// operator, one per cycle for the true residual and one per solve for the
// solution's image count as matrix–vector products.
type GCROT struct {
	// M is the inner GMRES length; zero means DefaultRestart.
	M int
	// K is the number of outer vectors kept; zero means DefaultRecycle, a
	// negative value means none (GCROT is then GMRES(M) with the true
	// residual recomputed each cycle).
	K int
	// Space holds the outer vectors, created on the first solve when nil.
	Space *Space

	v        block
	basis    [][]float64
	hm, rm   []float64 // unrotated and rotated Hessenberg, column-major, ld = mmax+1
	bm       []float64 // B = CᵀA·M⁻¹·V, column j at [j*kcap:]
	cs, sn   []float64
	g, y     []float64
	coef     []float64 // MGS coefficients over [C, V] of one step
	w, z, ux []float64
	gamma    float64 // the last outer step, x += gamma·ux
}

var _ linsolve.Method = (*GCROT)(nil)

func (m *GCROT) dims(n int) (inner, k int, err error) {
	inner, k = restartRecycle(m.M, m.K)
	if inner < 1 {
		return 0, 0, fmt.Errorf("%w: GCROT: M = %d, want ≥ 0", linsolve.ErrSettings, m.M)
	}
	return min(inner, max(n, 1)), k, nil
}

// Solve solves A·x = b into dst. See linsolve.Method.
func (m *GCROT) Solve(dst []float64, a linsolve.Operator, b []float64, set *linsolve.Settings) (linsolve.Result, error) {
	st := solveState{name: "GCROT", start: time.Now()}
	n := a.Dim()
	s, serr := set.Resolve(n)
	inner, kmax, err := m.dims(n)
	if err != nil {
		return linsolve.Result{}, err
	}
	if err := checkInputs(st.name, dst, a, b, &s, serr); err != nil {
		return linsolve.Result{}, err
	}
	sp, err := spaceFor(&m.Space, n)
	if err != nil {
		return linsolve.Result{}, err
	}
	defer sp.busy.Unlock()
	if kmax == 0 {
		sp.dim = 0
	}
	sp.dim = min(sp.dim, kmax)
	mmax := min(inner+kmax, max(n, 1))
	m.v.resize(n, mmax+1)
	if cap(m.basis) < mmax+1+kmax {
		m.basis = make([][]float64, 0, mmax+1+kmax)
	}
	ld := mmax + 1
	m.hm, m.rm = grow(m.hm, ld*mmax), grow(m.rm, ld*mmax)
	m.bm = grow(m.bm, max(kmax, 1)*mmax)
	m.cs, m.sn = grow(m.cs, mmax), grow(m.sn, mmax)
	m.g, m.y = grow(m.g, ld), grow(m.y, mmax)
	m.w, m.z, m.ux = grow(m.w, n), grow(m.z, n), grow(m.ux, n)
	m.coef = grow(m.coef, kmax+mmax+1)
	sp.u.reserve(n, kmax+1)
	sp.c.reserve(n, kmax+1)

	x, r := dst, m.v.row(0)
	beta, target, divLimit, zero := st.begin(x, r, a, b, &s)
	if zero {
		return st.done(linsolve.ConvergedAbsTol, 0, &s)
	}
	if sp.dim > 0 && beta > target && !isBad(beta) {
		if !sp.valid || !same(sp.op, a) {
			m.recomputeC(a, &st.res)
		}
		if sp.dim > 0 {
			// x += U·Cᵀr.
			for i := range sp.dim {
				vec.Axpy(x, vec.Dot(sp.c.row(i), r), sp.u.row(i))
			}
			beta = trueResidual(r, a, x, b, &st.res)
		}
	}
	var reason linsolve.Reason
	for {
		if reason = s.Check(beta, target, divLimit, st.res.Iterations); reason != linsolve.Iterating {
			break
		}
		prev := beta
		reason = m.cycle(a, x, beta, target, min(inner+max(kmax-sp.dim, 0), mmax), kmax, &s, &st.res)
		beta = trueResidual(r, a, x, b, &st.res)
		if reason == linsolve.DivergedNaN || (reason == linsolve.DivergedBreakdown && beta > target) {
			break
		}
		if beta > prev && sp.dim > 0 {
			// A minimal-residual step cannot raise the residual: the
			// pairs have drifted from A·u = c (each new u is built from
			// the old ones, so rounding compounds over long solves).
			// Undo the step, rebuild C = A·U and project again.
			vec.Axpy(x, -m.gamma, m.ux)
			trueResidual(r, a, x, b, &st.res)
			m.recomputeC(a, &st.res)
			for i := range sp.dim {
				vec.Axpy(x, vec.Dot(sp.c.row(i), r), sp.u.row(i))
			}
			beta = trueResidual(r, a, x, b, &st.res)
		}
	}
	if kmax > 0 && reason.Converged() {
		m.keepSolution(a, x, kmax, &st.res)
	}
	return st.done(reason, beta, &s)
}

// recomputeC sets C = A·U for a new operator and orthonormalises it.
func (m *GCROT) recomputeC(a linsolve.Operator, res *linsolve.Result) {
	sp := m.Space
	sp.c.resize(sp.u.n, sp.dim)
	mulBlock(a, sp.c.vecs(sp.dim), sp.u.vecs(sp.dim), res)
	sp.dim = mgsQR(&sp.c, &sp.u, sp.dim, 1e-10)
	sp.op, sp.valid, sp.cuOK = a, true, false
}

// push appends the pair (c, u), c orthonormal to C, dropping the oldest
// pair when kmax are kept.
func (m *GCROT) push(c, u []float64, kmax int) {
	sp := m.Space
	n := len(c)
	if sp.dim >= kmax {
		drop := sp.dim - kmax + 1
		copy(sp.c.data, sp.c.data[drop*n:sp.dim*n])
		copy(sp.u.data, sp.u.data[drop*n:sp.dim*n])
		sp.dim -= drop
	}
	copy(sp.c.row(sp.dim), c)
	copy(sp.u.row(sp.dim), u)
	sp.dim++
	sp.cuOK = false // GCRODR's cached CᵀU no longer holds
}

// keepSolution adds the solution x to the space (c = A·x orthogonalised
// against C), as SciPy's gcrotmk does, so that the next system starts from
// the Galerkin combination of the outer vectors and this solution.
func (m *GCROT) keepSolution(a linsolve.Operator, x []float64, kmax int, res *linsolve.Result) {
	sp := m.Space
	c, u := m.w, m.ux
	copy(u, x)
	a.MulVecTo(c, u)
	res.Stats.MatVecs++
	norm0 := vec.Norm(c)
	for range 2 {
		for i := range sp.dim {
			h := vec.Dot(sp.c.row(i), c)
			vec.Axpy(c, -h, sp.c.row(i))
			vec.Axpy(u, -h, sp.u.row(i))
		}
	}
	nrm := vec.Norm(c)
	if !(nrm > 1e-10*norm0) || isBad(nrm) {
		return
	}
	vec.Scale(c, 1/nrm)
	vec.Scale(u, 1/nrm)
	m.push(c, u, kmax)
	sp.op, sp.valid = a, true
}

// cycle runs one inner GMRES of up to steps Arnoldi steps of
// (I − CCᵀ)·A·M⁻¹ from the residual in v[0], then the outer step: the new
// pair u = M⁻¹V·y − U·B·y, c = A·u = V·H̄·y (normalised), x += (cᵀr)·u, and
// the pair joins the space.
func (m *GCROT) cycle(a linsolve.Operator, x []float64, beta, target float64, steps, kmax int, s *linsolve.Resolved, res *linsolve.Result) linsolve.Reason {
	sp := m.Space
	kk := sp.dim
	ld := m.v.k
	kcap := max(kmax, 1)
	v0 := m.v.row(0)
	r0 := m.z // keep r for γ = cᵀr
	copy(r0, v0)
	vec.Scale(v0, 1/beta)
	clear(m.g)
	m.g[0] = beta
	basis := m.basis[:0]
	for i := range kk {
		basis = append(basis, sp.c.row(i))
	}
	reason := linsolve.Iterating
	j := 0
	for j < steps {
		vj := m.v.row(j)
		basis = append(basis, vj)
		w := m.w
		if s.Preconditioner != nil {
			s.Preconditioner.Apply(m.ux, vj)
			res.Stats.PrecApplies++
			a.MulVecTo(w, m.ux)
		} else {
			a.MulVecTo(w, vj)
		}
		res.Stats.MatVecs++
		wnorm0 := vec.Norm(w)
		// Modified Gram–Schmidt against [C, v_0 … v_j].
		hcol := m.hm[j*ld : (j+1)*ld]
		bcol := m.bm[j*kcap : (j+1)*kcap]
		coef := m.coef[:len(basis)]
		hnext := mgs(w, basis, coef)
		copy(bcol, coef[:kk])
		copy(hcol, coef[kk:])
		hcol[j+1] = hnext
		rc := m.rm[j*ld : (j+1)*ld]
		copy(rc[:j+2], hcol[:j+2])
		if reason = givens(rc, m.g, m.cs, m.sn, 0, j); reason != linsolve.Iterating {
			break
		}
		j++
		res.Iterations++
		est := math.Abs(m.g[j])
		if s.Monitor != nil {
			s.Monitor(res.Iterations, est)
		}
		if isBad(est) {
			reason = linsolve.DivergedNaN
			break
		}
		happy := hnext <= 1e-14*wnorm0
		if !happy {
			vec.Scale(w, 1/hnext)
			copy(m.v.row(j), w)
		}
		if happy || est <= target || res.Iterations >= s.MaxIter {
			if happy {
				hcol[j] = 0 // v_j is not stored: drop it from c = V·H̄·y
			}
			break
		}
	}
	m.basis = basis
	if j == 0 || reason == linsolve.DivergedNaN {
		return reason
	}
	y := m.y[:j]
	backSolve(y, m.rm, m.g, ld, j)
	// u = M⁻¹·V·y − U·(B·y).
	ux := m.ux
	clear(m.w)
	for i := range j {
		vec.Axpy(m.w, y[i], m.v.row(i))
	}
	if s.Preconditioner != nil {
		s.Preconditioner.Apply(ux, m.w)
		res.Stats.PrecApplies++
	} else {
		copy(ux, m.w)
	}
	for i := range kk {
		var by float64
		for l := range j {
			by += m.bm[l*kcap+i] * y[l]
		}
		vec.Axpy(ux, -by, sp.u.row(i))
	}
	// c = V_{j+1}·(H̄·y).
	cx := m.w
	clear(cx)
	for i := 0; i <= j; i++ {
		var hy float64
		for l := max(i-1, 0); l < j; l++ {
			hy += m.hm[l*ld+i] * y[l]
		}
		if hy != 0 {
			vec.Axpy(cx, hy, m.v.row(i))
		}
	}
	nrm := vec.Norm(cx)
	if !(nrm > 0) || isBad(nrm) {
		return linsolve.DivergedBreakdown
	}
	vec.Scale(cx, 1/nrm)
	vec.Scale(ux, 1/nrm)
	m.gamma = vec.Dot(cx, r0)
	vec.Axpy(x, m.gamma, ux)
	if kmax > 0 {
		m.push(cx, ux, kmax)
		sp.op, sp.valid = a, true
	}
	return reason
}
