package krylov

import (
	"cmp"
	"fmt"
	"math"
	"math/cmplx"
	"slices"
	"sync"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/internal/vec"
	"github.com/pdekit/pdekit/linsolve"
)

type general = blas64.General

// Defaults of GCRODR, those of the SKR paper (PETSc KSPHPDDM gcrodr with
// restart 40 and 20 recycled vectors).
const (
	DefaultRestart = 40
	DefaultRecycle = 20
)

// Space is the recycle space a recycling solver carries from one system of
// a sequence to the next: vectors U and C with C = Â·U orthonormal, Â being
// the operator A·M⁻¹ of the last solve. A solver keeps its Space between
// Solve calls; when the next call has a different operator or
// preconditioner (compared by identity) it recomputes C = Â·U and
// re-orthonormalises. Call Invalidate after changing a matrix in place,
// and Reset to forget the space.
//
// A Space belongs to one solve at a time: several solvers (GCRODR, GCROT)
// may share it one after another, and a solve that finds it in use by
// another goroutine returns ErrSpaceBusy at once (TestSpaceBusy). Reset
// and Invalidate must not run during a solve.
type Space struct {
	busy  sync.Mutex // held by the solve using the space
	u, c  block
	dim   int
	unorm []float64 // ‖u_i‖, the scaling D of GCRO-DR
	cu    []float64 // CᵀU (dim×dim, row-major) when cuOK
	cuOK  bool
	op    linsolve.Operator
	pc    linsolve.Preconditioner
	valid bool // C = Â·U holds for op and pc
}

// Dim returns the number of recycled vectors (0 before the first solve).
func (s *Space) Dim() int { return s.dim }

// Len returns the length of the recycled vectors (0 when empty).
func (s *Space) Len() int {
	if s.dim == 0 {
		return 0
	}
	return s.u.n
}

// Reset empties the space.
func (s *Space) Reset() { s.dim, s.valid, s.op, s.pc = 0, false, nil, nil }

// Invalidate marks C = Â·U as stale, so that the next solve recomputes it
// even if it is given the same operator value.
func (s *Space) Invalidate() { s.valid = false }

// GCRODR is GCRO-DR(m, k) of Parks, de Sturler, Mackey, Johnson and Maiti
// (2006): restarted GMRES that keeps k harmonic Ritz vectors of the
// operator from cycle to cycle and from system to system, and solves each
// new system in the complement of their image. It is the Krylov-recycling
// solver of the SKR paper (Wang et al. 2024).
//
// A Settings.Preconditioner M is applied on the right: the recycled space
// lives in the preconditioned variable and C = A·M⁻¹·U, so the residuals
// are those of the original system. The preconditioner may change from
// one system to the next (C is recomputed).
//
// Each cycle runs m − k Arnoldi steps of (I − CCᵀ)·A·M⁻¹ and then replaces
// U by k harmonic Ritz vectors over span[U V] (the generalized
// eigenproblem GᵀG·z = θ·GᵀŴᵀV̂·z of Parks et al., §2.4), those of
// smallest magnitude or, with Target SmallestReal, of smallest real part;
// the very first cycle of a solve without a recycle space is a plain
// GMRES(m) cycle. With K < 0 nothing is recycled and GCRODR is GMRES(m)
// iterate for iterate. Iterations counts Arnoldi steps, as PETSc does; the
// k products C = A·M⁻¹·U on a new operator count as matrix–vector products.
//
// The solver's true residual ‖b − A·x‖ is computed at every restart and is
// what the convergence test uses, so a converged result always meets the
// tolerance.
type GCRODR struct {
	// M is the restart length; zero means DefaultRestart.
	M int
	// K is the number of recycled vectors; zero means DefaultRecycle, a
	// negative value means none. It must be less than M.
	K int
	// Space is the recycle space, created on the first solve when nil.
	// Share it between solvers, or inspect it, through this field.
	Space *Space
	// Target selects the harmonic Ritz vectors kept; the zero value is
	// SmallestMagnitude, as in Parks et al.
	Target Target

	v        block // Arnoldi basis, m+1 vectors
	basis    [][]float64
	gm, rm   []float64 // unrotated and rotated (m+1)×m Hessenberg, column-major
	cs, sn   []float64
	g, y     []float64
	w, z, up []float64
	spare    Space
	comb     combiner
	dotter   blockDotter
}

var _ linsolve.Method = (*GCRODR)(nil)

// Target selects which k harmonic Ritz vectors GCRODR recycles.
type Target int

const (
	// SmallestMagnitude keeps the harmonic Ritz values θ of smallest |θ|
	// (Parks et al. 2006): right when the spectrum lies in one half-plane,
	// where the eigenvalues nearest the origin are what slows GMRES.
	SmallestMagnitude Target = iota
	// SmallestReal keeps those of smallest real part: on an operator with
	// eigenvalues on both sides of the imaginary axis, the ones in the
	// left half-plane — however large — stall restarted GMRES, and
	// smallest-magnitude selection drops those far from the origin. The
	// small positive ones fill the remaining slots.
	SmallestReal
)

func (m *GCRODR) dims(n int) (restart, k int, err error) {
	restart, k = restartRecycle(m.M, m.K)
	if restart < 1 || k >= restart {
		return 0, 0, ErrRecycleDim
	}
	if m.Target != SmallestMagnitude && m.Target != SmallestReal {
		return 0, 0, fmt.Errorf("%w: GCRODR: unknown Target %d", linsolve.ErrSettings, m.Target)
	}
	// A tiny system cannot hold the full basis.
	if restart > n {
		restart = max(n, 1)
		k = min(k, restart-1)
	}
	return restart, k, nil
}

// Solve solves A·x = b into dst, starting from Settings.X0 and the
// recycle space left by the previous solve. See linsolve.Method.
func (m *GCRODR) Solve(dst []float64, a linsolve.Operator, b []float64, set *linsolve.Settings) (linsolve.Result, error) {
	st := solveState{name: "GCRODR", start: time.Now()}
	n := a.Dim()
	s, serr := set.Resolve(n)
	restart, kmax, err := m.dims(n)
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
	m.init(n, restart, kmax)
	x, r := dst, m.v.row(0)
	beta, target, divLimit, zero := st.begin(x, r, a, b, &s)
	if zero {
		return st.done(linsolve.ConvergedAbsTol, 0, &s)
	}

	if sp.dim > kmax {
		// K shrank since the space was built (or the space came from a
		// GCROT): keep the first K pairs, which stay orthonormal.
		sp.dim, sp.cuOK = kmax, false
	}
	if sp.dim > 0 && beta > target && !isBad(beta) {
		if !sp.valid || !same(sp.op, a) || !same(sp.pc, s.Preconditioner) {
			beta = m.rebuild(a, x, r, b, beta, &s, &st.res)
		} else {
			// x += M⁻¹·U·Cᵀr, then r = b − A·x.
			m.setNorms()
			prev := beta
			copy(m.w, x)
			m.project(x, r, &s, &st.res)
			beta = trueResidual(r, a, x, b, &st.res)
			if beta > prev {
				// With A·M⁻¹·U = C the projection cannot raise the
				// residual: the pair was changed since C was formed.
				// Undo it (x and r) and rebuild.
				copy(x, m.w)
				beta = trueResidual(r, a, x, b, &st.res)
				beta = m.rebuild(a, x, r, b, beta, &s, &st.res)
			}
		}
	}
	for {
		if reason := s.Check(beta, target, divLimit, st.res.Iterations); reason != linsolve.Iterating {
			return st.done(reason, beta, &s)
		}
		prev := beta
		reason := m.cycle(a, x, beta, target, restart, kmax, &s, &st.res)
		beta = trueResidual(r, a, x, b, &st.res)
		if reason == linsolve.DivergedNaN || (reason == linsolve.DivergedBreakdown && beta > target) {
			return st.done(reason, beta, &s)
		}
		if beta > prev && sp.dim > 0 {
			// A minimal-residual cycle cannot raise the residual: U and C
			// no longer satisfy A·M⁻¹·U = C.
			beta = m.rebuild(a, x, r, b, beta, &s, &st.res)
		}
	}
}

// rebuild recomputes C = A·M⁻¹·U for operator a (dropping dependent
// vectors), projects x on the space (x += M⁻¹·U·Cᵀr, r the residual of x)
// and returns the new true residual norm; beta, the norm of r, if the
// space emptied.
func (m *GCRODR) rebuild(a linsolve.Operator, x, r, b []float64, beta float64, s *linsolve.Resolved, res *linsolve.Result) float64 {
	m.recomputeC(a, s, res)
	if m.Space.dim == 0 {
		return beta
	}
	m.project(x, r, s, res)
	return trueResidual(r, a, x, b, res)
}

func (m *GCRODR) init(n, restart, k int) {
	m.v.resize(n, restart+1)
	if cap(m.basis) < restart+1+k {
		m.basis = make([][]float64, 0, restart+1+k)
	}
	ld := restart + 1
	m.gm, m.rm = grow(m.gm, ld*restart), grow(m.rm, ld*restart)
	m.cs, m.sn = grow(m.cs, restart), grow(m.sn, restart)
	m.g, m.y = grow(m.g, ld), grow(m.y, restart)
	m.w, m.z, m.up = grow(m.w, n), grow(m.z, n), grow(m.up, n)
	m.Space.u.reserve(n, k)
	m.Space.c.reserve(n, k)
	m.spare.u.reserve(n, k)
	m.spare.c.reserve(n, k)
}

func grow(v []float64, n int) []float64 {
	if cap(v) >= n {
		return v[:n]
	}
	return make([]float64, n)
}

// applyOp sets w = A·M⁻¹·v.
func (m *GCRODR) applyOp(w []float64, a linsolve.Operator, v []float64, s *linsolve.Resolved, res *linsolve.Result) {
	if s.Preconditioner != nil {
		s.Preconditioner.Apply(m.z, v)
		res.Stats.PrecApplies++
		v = m.z
	}
	a.MulVecTo(w, v)
	res.Stats.MatVecs++
}

// recomputeC sets C = A·M⁻¹·U for a new operator and orthonormalises it,
// keeping A·M⁻¹·U = C; dependent vectors are dropped.
func (m *GCRODR) recomputeC(a linsolve.Operator, s *linsolve.Resolved, res *linsolve.Result) {
	sp := m.Space
	sp.c.resize(sp.u.n, sp.dim)
	for i := range sp.dim {
		m.applyOp(sp.c.row(i), a, sp.u.row(i), s, res)
	}
	sp.dim = mgsQR(&sp.c, &sp.u, sp.dim, 1e-10)
	sp.op, sp.pc, sp.valid, sp.cuOK = a, s.Preconditioner, true, false
	m.setNorms()
}

func (m *GCRODR) setNorms() {
	sp := m.Space
	sp.unorm = grow(sp.unorm, sp.dim)
	for i := range sp.dim {
		sp.unorm[i] = vec.Norm(sp.u.row(i))
	}
}

// project does x += M⁻¹·U·Cᵀr (the Galerkin correction in the recycled
// space).
func (m *GCRODR) project(x, r []float64, s *linsolve.Resolved, res *linsolve.Result) {
	sp := m.Space
	gam := m.g[:sp.dim]
	for i := range sp.dim {
		gam[i] = vec.Dot(sp.c.row(i), r)
	}
	clear(m.up)
	blas64.Gemv(blas.Trans, 1, sp.u.first(sp.dim), blas64.Vector{N: sp.dim, Inc: 1, Data: gam}, 0, blas64.Vector{N: len(x), Inc: 1, Data: m.up})
	m.addPrec(x, m.up, s, res)
}

// addPrec sets x += M⁻¹·u.
func (m *GCRODR) addPrec(x, u []float64, s *linsolve.Resolved, res *linsolve.Result) {
	if s.Preconditioner != nil {
		s.Preconditioner.Apply(m.z, u)
		res.Stats.PrecApplies++
		u = m.z
	}
	vec.Axpy(x, 1, u)
}

// cycle runs one GCRO-DR cycle from the residual in v[0] (norm beta),
// updates x and the recycle space, and returns why it stopped early
// (Iterating after a full cycle or when the estimate met target).
func (m *GCRODR) cycle(a linsolve.Operator, x []float64, beta, target float64, restart, kmax int, s *linsolve.Resolved, res *linsolve.Result) linsolve.Reason {
	sp := m.Space
	kk := sp.dim
	steps := restart - kk
	ld := restart + 1
	v0 := m.v.row(0)
	// g = Ŵᵀr = [Cᵀr; β; 0…].
	clear(m.g)
	for i := range kk {
		m.g[i] = vec.Dot(sp.c.row(i), v0)
	}
	m.g[kk] = beta
	vec.Scale(v0, 1/beta)
	clear(m.gm)
	// The first kk columns of G are diag(1/‖u_i‖): A·M⁻¹·Ũ = C·D.
	for i := range kk {
		m.gm[i*ld+i] = 1 / sp.unorm[i]
	}
	copy(m.rm, m.gm)
	basis := m.basis[:0]
	for i := range kk {
		basis = append(basis, sp.c.row(i))
	}
	reason := linsolve.Iterating
	j := 0 // Arnoldi steps done
	happy := false
	for j < steps {
		vj := m.v.row(j)
		basis = append(basis, vj)
		w := m.w
		m.applyOp(w, a, vj, s, res)
		wnorm0 := vec.Norm(w)
		c := kk + j // column of G
		col := m.gm[c*ld : (c+1)*ld]
		// Modified Gram–Schmidt against [C, v_0 … v_j]: rows 0…kk−1 of
		// the column are B = Cᵀ·A·M⁻¹·v_j, rows kk… are H.
		hnext := mgs(w, basis, col)
		col[c+1] = hnext
		// Rotate a copy of the column into the triangular factor.
		rc := m.rm[c*ld : (c+1)*ld]
		copy(rc, col)
		if reason = givens(rc, m.g, m.cs, m.sn, kk, j); reason != linsolve.Iterating {
			break
		}
		j++
		res.Iterations++
		est := math.Abs(m.g[c+1])
		if s.Monitor != nil {
			s.Monitor(res.Iterations, est)
		}
		if isBad(est) {
			reason = linsolve.DivergedNaN
			break
		}
		happy = hnext <= 1e-14*wnorm0
		if !happy {
			vec.Scale(w, 1/hnext)
			copy(m.v.row(j), w)
		}
		if happy || est <= target || res.Iterations >= s.MaxIter {
			break
		}
	}
	m.basis = basis
	t := kk + j
	if t == 0 || reason == linsolve.DivergedNaN {
		return reason
	}
	y := m.y[:t]
	backSolve(y, m.rm, m.g, ld, t)
	// up = V̂·y = U·D·y₁ + V·y₂.
	up := m.up
	clear(up)
	for i := range kk {
		vec.Axpy(up, y[i]/sp.unorm[i], sp.u.row(i))
	}
	for i := range j {
		vec.Axpy(up, y[kk+i], m.v.row(i))
	}
	if kmax > 0 && j > 0 && !happy && reason == linsolve.Iterating {
		m.updateSpace(a, s, kk, j, kmax, restart+1)
	}
	m.addPrec(x, up, s, res)
	return reason
}

// updateSpace replaces U and C after a cycle of j Arnoldi steps over kk
// recycled vectors (t = kk + j columns): the harmonic Ritz vectors of
// A·M⁻¹ over span V̂ = [U·D, V_j], with A·M⁻¹·V̂ = Ŵ·G and Ŵ = [C, V_{j+1}],
// solve GᵀG·z = θ·GᵀŴᵀV̂·z (Parks et al. 2006, eq. 2.13). With the QR
// factorization of G this is the standard problem G⁺ŴᵀV̂·z = θ⁻¹·z, and
// the k values of smallest |θ| are those of largest |θ⁻¹|. Then
// G·P_k = Q·R, C = Ŵ·Q and U = V̂·P_k·R⁻¹ (so that A·M⁻¹·U = C).
func (m *GCRODR) updateSpace(a linsolve.Operator, s *linsolve.Resolved, kk, j, kmax, ld int) {
	sp := m.Space
	t := kk + j
	n := m.v.n
	gm := mat.NewDense(t+1, t, nil)
	for c := range t {
		for r := 0; r <= min(c+1, t); r++ {
			gm.Set(r, c, m.gm[c*ld+r])
		}
	}
	// ŴᵀV̂ = [[CᵀU·D, 0], [V_{j+1}ᵀU·D, I]].
	wv := mat.NewDense(t+1, t, nil)
	if kk > 0 {
		// CᵀU is known from the previous update (C'ᵀU' = QᵀŴᵀV̂P') except
		// after C was recomputed for a new operator.
		if !sp.cuOK {
			sp.cu = grow(sp.cu, kk*kk)
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, sp.c.first(kk), sp.u.first(kk), 0, general{Rows: kk, Cols: kk, Stride: kk, Data: sp.cu})
			sp.cuOK = true
		}
		cu := general{Rows: kk, Cols: kk, Stride: kk, Data: sp.cu}
		vu := general{Rows: j + 1, Cols: kk, Stride: kk, Data: make([]float64, (j+1)*kk)}
		m.dotter.dots(vu.Data, m.v.vecs(j+1), sp.u.vecs(kk))
		for l := range kk {
			d := 1 / sp.unorm[l]
			for i := range kk {
				wv.Set(i, l, cu.Data[i*kk+l]*d)
			}
			for i := range j + 1 {
				wv.Set(kk+i, l, vu.Data[i*kk+l]*d)
			}
		}
	}
	for i := range j {
		wv.Set(kk+i, kk+i, 1)
	}
	var sm mat.Dense
	if err := sm.Solve(gm, wv); err != nil {
		return // G is rank deficient: keep the old space
	}
	var eig mat.Eigen
	if !eig.Factorize(&sm, mat.EigenRight) {
		return
	}
	vals := eig.Values(nil)
	var ev mat.CDense
	eig.VectorsTo(&ev)
	idx := make([]int, len(vals))
	for i := range idx {
		idx[i] = i
	}
	// vals are μ = θ⁻¹.
	key := func(mu complex128) float64 { return -cmplx.Abs(mu) }
	if m.Target == SmallestReal {
		key = func(mu complex128) float64 {
			if mu == 0 {
				return math.Inf(1)
			}
			return real(1 / mu)
		}
	}
	slices.SortStableFunc(idx, func(p, q int) int { return cmp.Compare(key(vals[p]), key(vals[q])) })
	// Real basis of the selected eigenvectors: a complex pair contributes
	// its real and imaginary parts, and is left out whole if only one slot
	// remains.
	var cols [][]float64
	for _, i := range idx {
		if len(cols) == kmax {
			break
		}
		mu := vals[i]
		if isBad(real(mu)) || isBad(imag(mu)) {
			continue
		}
		complexPair := imag(mu) != 0 && math.Abs(imag(mu)) > 1e-13*cmplx.Abs(mu)
		if complexPair && imag(mu) < 0 {
			continue // the partner with positive imaginary part stands for both
		}
		re := make([]float64, t)
		im := make([]float64, t)
		for r := range t {
			z := ev.At(r, i)
			re[r], im[r] = real(z), imag(z)
		}
		if !complexPair {
			cols = append(cols, re)
			continue
		}
		if len(cols)+2 > kmax {
			break
		}
		cols = append(cols, re, im)
	}
	// G·P = Q·R; drop directions that make R singular.
	var q, rr mat.Dense
	var pk *mat.Dense
	for len(cols) > 0 {
		pk = mat.NewDense(t, len(cols), nil)
		for l, c := range cols {
			pk.SetCol(l, c)
		}
		var gp mat.Dense
		gp.Mul(gm, pk)
		var qr mat.QR
		qr.Factorize(&gp)
		q.Reset()
		rr.Reset()
		qr.QTo(&q)
		qr.RTo(&rr)
		bad, rmax := -1, 0.0
		for l := range cols {
			rmax = math.Max(rmax, math.Abs(rr.At(l, l)))
		}
		for l := range cols {
			if !(math.Abs(rr.At(l, l)) > 1e-12*rmax) {
				bad = l
				break
			}
		}
		if bad < 0 {
			break
		}
		cols = slices.Delete(cols, bad, bad+1)
	}
	knew := len(cols)
	if knew == 0 {
		return
	}
	// P' = P·R⁻¹ (t×knew), by back substitution on each row.
	pr := make([]float64, t*knew)
	for r := range t {
		for l := range knew {
			acc := pk.At(r, l)
			for i := range l {
				acc -= pr[r*knew+i] * rr.At(i, l)
			}
			pr[r*knew+l] = acc / rr.At(l, l)
		}
	}
	// U' = U·D·P'_top + V_j·P'_bottom; C' = C·Q_top + V_{j+1}·Q_bottom.
	nu, nc := &m.spare.u, &m.spare.c
	nu.resize(n, knew)
	nc.resize(n, knew)
	coef := make([]float64, (t+1)*knew)
	copy(coef, pr)
	for i := range kk {
		for l := range knew {
			coef[i*knew+l] /= sp.unorm[i]
		}
	}
	m.comb.combine(nu, knew, coef, knew, part{sp.u.first(kk), 0}, part{m.v.first(j), kk})
	for r := range t + 1 {
		for l := range knew {
			coef[r*knew+l] = q.At(r, l)
		}
	}
	m.comb.combine(nc, knew, coef, knew, part{sp.c.first(kk), 0}, part{m.v.first(j + 1), kk})
	// C'ᵀU' = Qᵀ·(ŴᵀV̂)·P' for the next update.
	var cu mat.Dense
	cu.Product(q.Slice(0, t+1, 0, knew).T(), wv, mat.NewDense(t, knew, pr))
	sp.cu = grow(sp.cu, knew*knew)
	for i := range knew {
		for l := range knew {
			sp.cu[i*knew+l] = cu.At(i, l)
		}
	}
	sp.cuOK = true
	sp.u, m.spare.u = m.spare.u, sp.u
	sp.c, m.spare.c = m.spare.c, sp.c
	sp.dim = knew
	sp.op, sp.pc, sp.valid = a, s.Preconditioner, true
	m.setNorms()
}
