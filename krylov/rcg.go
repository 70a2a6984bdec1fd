package krylov

import (
	"fmt"
	"math"
	"sync"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/internal/vec"
	"github.com/pdekit/pdekit/linsolve"
	"github.com/pdekit/pdekit/sparse"
)

// Defaults of RCG.
const (
	// SettleTol is the relative change of every Ritz value below which a
	// refresh on an unchanged operator is skipped and the space is
	// marked settled.
	SettleTol = 1e-3

	DefaultRCGRecycle = 8
	DefaultRCGStore   = 40
)

// CGSpace is the recycle space of RCG: vectors U, M-orthonormal for the
// preconditioner M they were built with (M = I without one), with A·U and
// the Gram matrix E = UᵀA·U. Like Space
// it is recomputed (A·U and E) when the operator changes by identity; call
// Invalidate after changing a matrix in place and Reset to forget it.
//
// A CGSpace belongs to one solve at a time: several RCG values may share
// it one after another, and a solve that finds it in use by another
// goroutine returns ErrSpaceBusy at once (TestSpaceBusy). Reset and
// Invalidate must not run during a solve.
type CGSpace struct {
	busy    sync.Mutex // held by the solve using the space
	u, au   block
	aur     []float64   // A·U row-major (n×dim), for the fused kernels
	aurOK   bool        // aur holds the current A·U
	checked *sparse.CSR // the operator whose arrays RCG checked (see Solve)
	dim     int
	e, l    []float64 // E and its Cholesky factor (dim×dim, row-major)
	op      linsolve.Operator
	valid   bool
	withPC  bool      // built with a preconditioner
	theta   []float64 // Ritz values of U at the last refresh
	settled bool      // the last refresh on this operator changed no Ritz value
}

// Dim returns the number of recycled vectors.
func (s *CGSpace) Dim() int { return s.dim }

// Reset empties the space.
func (s *CGSpace) Reset() {
	s.dim, s.valid, s.op, s.settled, s.aurOK, s.checked = 0, false, nil, false, false, nil
}

// Invalidate marks A·U as stale.
func (s *CGSpace) Invalidate() { s.valid, s.settled, s.checked = false, false, nil }

// Settled reports whether the space has stopped changing on the current
// operator: the last refresh moved no Ritz value by more than
// SettleTol, so later solves with the same operator skip the refresh.
func (s *CGSpace) Settled() bool { return s.settled }

// RCG is recycled (deflated) preconditioned conjugate gradients for
// sequences of symmetric positive definite systems: the deflated CG of
// Saad, Yeung, Erhel and Guyomarc'h (2000), which starts from the Galerkin
// solution in span U and keeps every search direction A-orthogonal to U,
// with U carried from system to system and refreshed after each solve
// from the first S preconditioned residuals, as in the recycling CG of
// Wang, de Sturler and Paulino (2007).
//
// The refresh is a Rayleigh–Ritz step for the pencil (A, M) over
// Φ = [U, Z_S]: FΦ·y = θ·GΦ·y with F = ΦᵀA·Φ and G = ΦᵀM·Φ, keeping the K
// smallest θ. Both matrices come from quantities the iteration already
// has: the Z block of F from the CG coefficients (p_jᵀA·p_j, β_j) and the
// deflation coefficients μ_j; the Z block of G is diag(r_jᵀz_j) because
// PCG's residuals are M⁻¹-orthogonal, its U block is I because the last
// refresh made U M-orthonormal (the Ritz vectors are G-orthonormal), and
// its off-diagonal block vanishes because M·z_j = r_j and the deflated
// residuals are orthogonal to U. So the Rayleigh–Ritz step itself needs
// no product with A or M and no stored M·U or residuals. These identities
// hold in exact arithmetic; rounding only perturbs which vectors are kept,
// never the deflated solve, which uses the exact E = UᵀA·U. The new A·U
// then costs K products (far cheaper for a sparse A than combining stored
// products), as does A·U on a new operator, with the Cholesky
// factorization of E. Once a refresh on an unchanged operator moves no
// Ritz value by more than SettleTol, the space is settled and later solves
// with that operator skip the refresh. When the operator and its
// preconditioner change along a sequence, U is taken as M-orthonormal for
// the new M too (an approximation that, again, only affects which vectors
// are kept); a space built without a preconditioner is dropped when one
// appears, and the other way round.
//
// Each iteration costs one product and one preconditioner application
// like CG, plus two passes over A·U for the deflation (see iterate: the
// directions are kept as p̂ − U·c, so U itself is touched once per
// solve). Both passes ride on kernels where this machine has them: the
// products (A·U)ᵀz on the preconditioner's backward substitution where
// it offers ApplyDots (linsolve.IC0 and SSORPreconditioner with AVX2; for
// IC(0) 4 µs instead of 37 µs at n = 6400, K = 40), and A·U·c on the
// sparse product of a CSR matrix (vec.MulVecDotSub). A matrix that is
// not positive definite makes E indefinite (the space is then dropped and
// the solve goes on as plain CG) or stops the solve with
// linsolve.DivergedIndefiniteMat, as CG does.
type RCG struct {
	// K is the number of recycled vectors; zero means DefaultRCGRecycle,
	// a negative value means none (RCG is then CG).
	K int
	// S is the number of iterations of each solve whose directions enter
	// the refresh; zero means DefaultRCGStore.
	S int
	// Space is the recycle space, created on the first solve when nil.
	Space *CGSpace

	r, z, p, q, w []float64
	zs            block
	mus           []float64 // μ_j, S×K
	negmu         []float64
	pis, rhos     []float64 // p_jᵀA·p_j, r_jᵀz_j
	betas         []float64 // β_j: p_{j+1} = z_{j+1} + β_j·p_j − U·μ_{j+1}
	c, gamma      []float64 // p = p̂ − U·c; x collects −U·γ at the end
	spare         CGSpace
	comb          combiner

	// refresh scratch
	rdiag, remu, rc, rvals, rcu []float64
	reig                        mat.EigenSym
	rev                         mat.Dense
}

var _ linsolve.Method = (*RCG)(nil)

func (m *RCG) dims() (k, s int, err error) {
	k, s = m.K, m.S
	if k == 0 {
		k = DefaultRCGRecycle
	}
	if k < 0 {
		k = 0
	}
	if s == 0 {
		s = DefaultRCGStore
	}
	if s < 0 {
		return 0, 0, fmt.Errorf("%w: RCG: S = %d, want ≥ 0", linsolve.ErrSettings, m.S)
	}
	return k, s, nil
}

// Solve solves A·x = b into dst. See linsolve.Method.
func (m *RCG) Solve(dst []float64, a linsolve.Operator, b []float64, set *linsolve.Settings) (linsolve.Result, error) {
	st := solveState{name: "RCG", start: time.Now()}
	n := a.Dim()
	s, serr := set.Resolve(n)
	kmax, smax, err := m.dims()
	if err != nil {
		return linsolve.Result{}, err
	}
	if err := checkInputs(st.name, dst, a, b, &s, serr); err != nil {
		return linsolve.Result{}, err
	}
	if m.Space == nil {
		m.Space = new(CGSpace)
	}
	sp := m.Space
	if !sp.busy.TryLock() {
		return linsolve.Result{}, ErrSpaceBusy
	}
	defer sp.busy.Unlock()
	if sp.dim > 0 && sp.u.n != n {
		return linsolve.Result{}, ErrSpaceSize
	}
	if kmax == 0 || (sp.dim > 0 && sp.withPC != (s.Preconditioner != nil)) {
		sp.Reset() // U is orthonormal in another inner product
	}
	// A CSR's exported arrays are checked once per operator: the fused
	// product (vec.MulVecDotSub) reads them without bounds checks.
	if csr, ok := a.(*sparse.CSR); ok && sp.checked != csr {
		if err := csr.CheckStructure(); err != nil {
			return linsolve.Result{}, fmt.Errorf("krylov: RCG: %w", err)
		}
		sp.checked = csr
	}
	m.r, m.z, m.p, m.q, m.w = grow(m.r, n), grow(m.z, n), grow(m.p, n), grow(m.q, n), grow(m.w, max(kmax, 1))
	smax = min(smax, n)
	if kmax > 0 {
		m.zs.resize(n, smax)
		m.mus = grow(m.mus, smax*kmax)
		m.pis, m.rhos, m.betas = grow(m.pis, smax), grow(m.rhos, smax), grow(m.betas, smax)
	}
	x := dst
	rnorm, target, divLimit, zero := st.begin(x, m.r, a, b, &s)
	if zero {
		return st.done(linsolve.ConvergedAbsTol, 0, &s)
	}
	if sp.dim > 0 && (!sp.valid || !same(sp.op, a)) {
		m.newOperator(a, &st.res)
	}
	if sp.dim > 0 && sp.settled {
		smax = 0 // nothing to record: the space is not refreshed
	}
	csr, _ := a.(*sparse.CSR)
	stored := 0
	for restart := 0; ; restart++ {
		if sp.dim > 0 && rnorm > target && !isBad(rnorm) {
			// Galerkin start: x += U·E⁻¹·Uᵀr, so that Uᵀr = 0.
			m.deflate(m.w, m.r, &sp.u)
			vec.MAxpy(x, m.w[:sp.dim], sp.u.vecs(sp.dim))
			rnorm = trueResidual(m.r, a, x, b, &st.res)
		}
		reason := s.Check(rnorm, target, divLimit, st.res.Iterations)
		if reason == linsolve.Iterating {
			var rec int
			reason, rec = m.iterate(a, csr, x, target, divLimit, &s, &st.res, restart == 0, smax)
			if restart == 0 {
				stored = rec
			}
			rnorm = trueResidual(m.r, a, x, b, &st.res)
			if reason == linsolve.Iterating {
				if rnorm <= target || restart >= 5 || st.res.Iterations >= s.MaxIter {
					reason = linsolve.ConvergedRelTol
				} else {
					continue // the recursive residual drifted: restart from the true one
				}
			}
		}
		if kmax > 0 && stored > 0 && !sp.settled && !isBad(rnorm) && reason != linsolve.DivergedIndefiniteMat && reason != linsolve.DivergedIndefinitePC {
			m.refresh(a, s.Preconditioner != nil, stored, kmax, &st.res)
		}
		if reason.Converged() && rnorm > target {
			reason = linsolve.DivergedMaxIter
			if st.res.Iterations < s.MaxIter {
				reason = linsolve.DivergedBreakdown
			}
		}
		return st.done(reason, rnorm, &s)
	}
}

// newOperator recomputes A·U and E = UᵀA·U for a new operator and
// factors E; an E that is not positive definite drops the space.
func (m *RCG) newOperator(a linsolve.Operator, res *linsolve.Result) {
	sp := m.Space
	sp.au.resize(sp.u.n, sp.dim)
	mulBlock(a, sp.au.vecs(sp.dim), sp.u.vecs(sp.dim), res)
	sp.op, sp.valid, sp.settled, sp.aurOK = a, true, false, false
	if !m.factorE() {
		sp.Reset()
	}
}

// factorE sets E = UᵀA·U (from its lower triangle) and its Cholesky
// factor; it reports false when E is not positive definite.
func (m *RCG) factorE() bool {
	sp := m.Space
	k := sp.dim
	sp.e, sp.l = grow(sp.e, k*k), grow(sp.l, k*k)
	us := sp.u.vecs(k)
	for j := range k { // the lower triangle of row j: u_iᵀA·u_j, i ≤ j
		vec.MDot(sp.e[j*k:j*k+j+1], us, sp.au.row(j))
	}
	for i := range k {
		for j := i + 1; j < k; j++ {
			sp.e[i*k+j] = sp.e[j*k+i]
		}
	}
	return cholesky(sp.l, sp.e, k)
}

// cholesky sets l (row-major, lower) with l·lᵀ = e and reports success.
func cholesky(l, e []float64, k int) bool {
	clear(l)
	for j := range k {
		d := e[j*k+j]
		for p := range j {
			d -= l[j*k+p] * l[j*k+p]
		}
		if !(d > 0) || isBad(d) {
			return false
		}
		d = math.Sqrt(d)
		l[j*k+j] = d
		for i := j + 1; i < k; i++ {
			v := e[i*k+j]
			for p := range j {
				v -= l[i*k+p] * l[j*k+p]
			}
			l[i*k+j] = v / d
		}
	}
	return true
}

// cholSolve solves l·lᵀ·x = x in place.
func cholSolve(l, x []float64, k int) {
	for i := range k {
		v := x[i]
		for p := range i {
			v -= l[i*k+p] * x[p]
		}
		x[i] = v / l[i*k+i]
	}
	for i := k - 1; i >= 0; i-- {
		v := x[i]
		for p := i + 1; p < k; p++ {
			v -= l[p*k+i] * x[p]
		}
		x[i] = v / l[i*k+i]
	}
}

// deflate sets mu = E⁻¹·Wᵀv for the block W (U or A·U).
func (m *RCG) deflate(mu, v []float64, w *block) {
	sp := m.Space
	k := sp.dim
	vec.MDot(mu[:k], w.vecs(k), v)
	cholSolve(sp.l, mu, k)
}

// iterate runs deflated PCG from the residual in m.r; with record it
// stores the first smax directions for the refresh and returns how many
// it stored. The directions are kept as p = p̂ − U·c: p̂ follows CG's own
// recurrence and the U-part is the K-vector c, so that U is touched once
// per call (x −= U·γ at the end, γ = Σ α_j·c_j) and each iteration's
// deflation is two products with A·U — one fused with z = M⁻¹r where the
// preconditioner offers ApplyDots, the other (q = A·p̂ − A·U·c) with the
// sparse product where vec.MulVecDotSub runs.
func (m *RCG) iterate(a linsolve.Operator, csr *sparse.CSR, x []float64, target, divLimit float64, s *linsolve.Resolved, res *linsolve.Result, record bool, smax int) (linsolve.Reason, int) {
	k := m.Space.dim
	m.gamma = grow(m.gamma, k)
	clear(m.gamma)
	reason, stored := m.directions(a, csr, x, target, divLimit, s, res, record, smax)
	if k > 0 {
		for i, g := range m.gamma {
			m.gamma[i] = -g
		}
		vec.MAxpy(x, m.gamma, m.Space.u.vecs(k))
	}
	return reason, stored
}

// directions is iterate's loop; it leaves x − U·γ in x (see iterate).
func (m *RCG) directions(a linsolve.Operator, csr *sparse.CSR, x []float64, target, divLimit float64, s *linsolve.Resolved, res *linsolve.Result, record bool, smax int) (linsolve.Reason, int) {
	sp := m.Space
	k := sp.dim
	r, z, p, q := m.r, m.z, m.p, m.q
	if s.Preconditioner == nil {
		z = r
	}
	// Equal lengths let the compiler drop the bounds checks in the loops.
	n := len(x)
	r, z, p, q = r[:n], z[:n], p[:n], q[:n]
	if !record || len(m.pis) == 0 || smax == 0 {
		smax = 0
	}
	mu, gamma := m.w[:k], m.gamma[:k]
	m.c = grow(m.c, k)
	c := m.c[:k]
	stored := 0
	var dp dotsPreconditioner
	if d, ok := s.Preconditioner.(dotsPreconditioner); ok && k > 0 && d.FusesDots(k) {
		dp = d
	}
	fusedQ := k > 0 && csr != nil && vec.FusedDotsOK(k) && sp.checked == csr
	if dp != nil || fusedQ {
		m.rowMajorAU()
	}
	// z = M⁻¹r, ρ = rᵀz, μ = E⁻¹(AU)ᵀz, p = z − U·μ.
	rho, reason := m.preconditionDeflate(z, r, mu, dp, s, res)
	if reason != linsolve.Iterating {
		return reason, 0
	}
	copy(p, z)
	copy(c, mu)
	j := 0
	m.record(j, smax, z, mu, rho)
	for {
		if res.Iterations >= s.MaxIter {
			return linsolve.DivergedMaxIter, stored
		}
		// q = A·p = A·p̂ − A·U·c and pᵀq = p̂ᵀq (Uᵀq = (A·U)ᵀp = 0).
		var pq float64
		switch {
		case fusedQ:
			pq = vec.MulVecDotSub(csr.RowPtr, csr.ColIdx, csr.Val, p, q, sp.aur, c)
		case k > 0:
			a.MulVecTo(q, p)
			m.negmu = grow(m.negmu, k)
			for i, v := range c {
				m.negmu[i] = -v
			}
			vec.MAxpy(q, m.negmu, sp.au.vecs(k))
			pq = vec.Dot(p, q)
		case csr != nil:
			pq = csr.MulVecDotTo(q, p)
		default:
			a.MulVecTo(q, p)
			pq = vec.Dot(p, q)
		}
		res.Stats.MatVecs++
		if !(pq > 0) {
			if isBad(pq) {
				return linsolve.DivergedNaN, stored
			}
			return linsolve.DivergedIndefiniteMat, stored
		}
		if j < smax {
			m.pis[j] = pq
			stored = j + 1
		}
		alpha := rho / pq
		rr := vec.CGUpdate(x, r, alpha, p, q)
		for i, ci := range c {
			gamma[i] += alpha * ci
		}
		res.Iterations++
		rn := math.Sqrt(rr)
		if s.Monitor != nil {
			s.Monitor(res.Iterations, rn)
		}
		switch {
		case isBad(rn):
			return linsolve.DivergedNaN, stored
		case rn <= target:
			return linsolve.Iterating, stored
		case rn > divLimit:
			return linsolve.DivergedDivTol, stored
		}
		rhoNew, reason := m.preconditionDeflate(z, r, mu, dp, s, res)
		if reason != linsolve.Iterating {
			return reason, stored
		}
		beta := rhoNew / rho
		rho = rhoNew
		for i, zi := range z {
			p[i] = zi + beta*p[i]
		}
		for i, v := range mu {
			c[i] = beta*c[i] + v
		}
		if j < smax {
			m.betas[j] = beta
		}
		j++
		m.record(j, smax, z, mu, rho)
	}
}

// precondition sets z = M⁻¹r (z is r without a preconditioner) and
// returns rᵀz.
func (m *RCG) precondition(z, r []float64, s *linsolve.Resolved, res *linsolve.Result) (float64, linsolve.Reason) {
	if s.Preconditioner == nil {
		return vec.Dot(r, r), linsolve.Iterating
	}
	s.Preconditioner.Apply(z, r)
	res.Stats.PrecApplies++
	return checkRZ(vec.Dot(r, z))
}

// checkRZ returns rᵀz, or why PCG cannot go on with it.
func checkRZ(rz float64) (float64, linsolve.Reason) {
	if !(rz > 0) {
		if isBad(rz) {
			return 0, linsolve.DivergedNaN
		}
		return 0, linsolve.DivergedIndefinitePC
	}
	return rz, linsolve.Iterating
}

// dotsPreconditioner is a preconditioner that returns, with z = M⁻¹r,
// the products of z with the columns of a row-major block, fused with
// the application where FusesDots says so (linsolve.IC0 and
// SSORPreconditioner on AVX2 machines): RCG's (A·U)ᵀz then costs little
// beyond M⁻¹r instead of a pass over A·U.
type dotsPreconditioner interface {
	FusesDots(k int) bool
	ApplyDots(dst, r, w, dots []float64)
}

// preconditionDeflate sets z = M⁻¹r and mu = E⁻¹(A·U)ᵀz (len(mu) = dim)
// and returns rᵀz; dp, when not nil, does both products in one kernel.
func (m *RCG) preconditionDeflate(z, r, mu []float64, dp dotsPreconditioner, s *linsolve.Resolved, res *linsolve.Result) (float64, linsolve.Reason) {
	if dp == nil {
		rz, reason := m.precondition(z, r, s, res)
		if reason == linsolve.Iterating && len(mu) > 0 {
			m.deflate(mu, z, &m.Space.au)
		}
		return rz, reason
	}
	dp.ApplyDots(z, r, m.Space.aur, mu)
	res.Stats.PrecApplies++
	rz, reason := checkRZ(vec.Dot(r, z))
	if reason == linsolve.Iterating {
		cholSolve(m.Space.l, mu, len(mu))
	}
	return rz, reason
}

// rowMajorAU fills the space's row-major copy of A·U if it is stale.
func (m *RCG) rowMajorAU() {
	sp := m.Space
	if sp.aurOK {
		return
	}
	n, k := sp.au.n, sp.dim
	sp.aur = grow(sp.aur, n*k)
	for l := range k {
		for i, v := range sp.au.row(l) {
			sp.aur[i*k+l] = v
		}
	}
	sp.aurOK = true
}

// record stores z_j, μ_j and ρ_j for the refresh.
func (m *RCG) record(j, smax int, z, mu []float64, rho float64) {
	if j >= smax {
		return
	}
	copy(m.zs.row(j), z)
	kmax := len(m.mus) / len(m.pis)
	k := len(mu)
	clear(m.mus[j*kmax : (j+1)*kmax])
	copy(m.mus[j*kmax:], mu[:k])
	m.rhos[j] = rho
}

// refresh replaces U by the kmax Ritz vectors of smallest Ritz value of
// the pencil (A, M) over [U, z_0 … z_{s−1}] (see the RCG comment).
func (m *RCG) refresh(a linsolve.Operator, pc bool, s, kmax int, res *linsolve.Result) {
	sp := m.Space
	kk := sp.dim
	t := kk + s
	n := m.zs.n
	// G = diag(1, …, 1, ρ_0, …, ρ_{s−1}) (see the RCG comment), so the
	// pencil reduces to the symmetric C = D·F·D with D = G^(−1/2), and
	// Y = D·W for the eigenvectors W of C.
	d := grow(m.rdiag, t)
	m.rdiag = d
	for i := range kk {
		d[i] = 1
	}
	for j, rho := range m.rhos[:s] {
		if !(rho > 0) || isBad(rho) {
			return
		}
		d[kk+j] = 1 / math.Sqrt(rho)
	}
	ldm := len(m.mus) / len(m.pis)
	mu := func(j int) []float64 { return m.mus[j*ldm : j*ldm+kk] }
	// Eμ_j.
	emu := grow(m.remu, s*kk)
	m.remu = emu
	for j := range s {
		mj := mu(j)
		for a := range kk {
			emu[j*kk+a] = vec.Dot(sp.e[a*kk:(a+1)*kk], mj)
		}
	}
	// The upper triangle of C, row-major t×t.
	c := grow(m.rc, t*t)
	m.rc = c
	for i := range kk {
		for j := i; j < kk; j++ {
			c[i*t+j] = sp.e[i*kk+j]
		}
		for j := range s {
			c[i*t+kk+j] = emu[j*kk+i] * d[kk+j]
		}
	}
	for j := range s {
		ej := emu[j*kk : (j+1)*kk]
		for i := 0; i <= j; i++ {
			v := vec.Dot(mu(i), ej)
			switch {
			case i == j:
				v += m.pis[j]
				if j > 0 {
					v += m.betas[j-1] * m.betas[j-1] * m.pis[j-1]
				}
			case i == j-1:
				v -= m.betas[j-1] * m.pis[j-1]
			}
			c[(kk+i)*t+kk+j] = v * d[kk+i] * d[kk+j]
		}
	}
	if !m.reig.Factorize(mat.NewSymDense(t, c), true) {
		return
	}
	knew := min(kmax, t)
	m.rvals = grow(m.rvals, t)
	vals := m.reig.Values(m.rvals)[:knew]
	if kk == knew && len(sp.theta) == knew && sp.valid && same(sp.op, a) {
		moved := 0.0
		for i, v := range vals {
			moved = math.Max(moved, math.Abs(v-sp.theta[i])/math.Abs(sp.theta[i]))
		}
		if moved < SettleTol {
			sp.settled = true
			return
		}
	}
	sp.theta = append(sp.theta[:0], vals...)
	m.rev.Reset() // keeps its storage for the t×t vectors
	m.reig.VectorsTo(&m.rev)
	// Y = D·W_k (eigenvalues come in ascending order), (kk+s)×knew.
	cu := grow(m.rcu, t*knew)
	m.rcu = cu
	for i := range t {
		row := m.rev.RawRowView(i)
		for l := range knew {
			cu[i*knew+l] = d[i] * row[l]
		}
	}
	// U' = U·Y_top + Z·Y_bot; A·U' by k products, which for a sparse A
	// costs far less than combining the stored A·p_j (k·nnz against
	// (k+S)·k·n operations) and carries no rounding from one refresh to
	// the next.
	nu, nau := &m.spare.u, &m.spare.au
	nu.resize(n, knew)
	nau.resize(n, knew)
	m.combineInto(nu, knew, cu, &sp.u, kk, &m.zs, s)
	mulBlock(a, nau.vecs(knew), nu.vecs(knew), res)
	sp.u, m.spare.u = m.spare.u, sp.u
	sp.au, m.spare.au = m.spare.au, sp.au
	sp.aurOK = false
	sp.dim = knew
	sp.valid = true
	sp.op = a
	sp.withPC = pc
	if !m.factorE() {
		sp.Reset()
	}
}

// combineInto sets out (k vectors) to the combination of the first kk
// vectors of b1 and the first s of b2 with coefficients coef ((kk+s)×k).
func (m *RCG) combineInto(out *block, k int, coef []float64, b1 *block, kk int, b2 *block, s int) {
	m.comb.combine(out, k, coef, k, part{b1.first(kk), 0}, part{b2.first(s), kk})
}
