package linsolve

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/pdekit/pdekit/sparse"
)

// Smoother selects the relaxation used on each multigrid level.
type Smoother int

const (
	// RedBlackGaussSeidel sweeps the nodes whose index sum is even, then
	// the odd ones (and in reverse order after the coarse-grid correction,
	// so the cycle is symmetric). On the 5- and 7-point stencils the two
	// colours are decoupled; on Galerkin coarse stencils it is Gauss–Seidel
	// in red–black order.
	RedBlackGaussSeidel Smoother = iota
	// WeightedJacobi is x ← x + ω·D⁻¹(b − A·x).
	WeightedJacobi
	// Chebyshev is the Chebyshev polynomial in D⁻¹A that damps the upper
	// part [β/10, β] of its spectrum, with β from a few power iterations
	// (Adams, Brezina, Hu, Tuminaro 2003).
	Chebyshev
)

// String returns the smoother's name.
func (s Smoother) String() string {
	switch s {
	case WeightedJacobi:
		return "jacobi"
	case Chebyshev:
		return "chebyshev"
	}
	return "rbgs"
}

// Cycle selects the multigrid cycle.
type Cycle int

const (
	VCycle Cycle = iota // one coarse-grid correction per level
	WCycle              // two coarse-grid corrections per level
	FCycle              // an F-cycle on the coarse level, then a V-cycle
)

// String returns "V", "W" or "F".
func (c Cycle) String() string { return [...]string{"V", "W", "F"}[c] }

// MultigridOptions configures NewMultigrid. The zero value is a V(1,1)
// cycle with red–black Gauss–Seidel, coarsened to at most 128 unknowns.
type MultigridOptions struct {
	Smoother Smoother
	Cycle    Cycle
	// PreSmooth and PostSmooth are the sweeps before and after the
	// coarse-grid correction (for Chebyshev, the polynomial degree). Zero
	// means 1 (2 for Chebyshev).
	PreSmooth, PostSmooth int
	// JacobiWeight is ω of WeightedJacobi; zero means 4/5.
	JacobiWeight float64
	// CoarseSize stops coarsening once a level has at most this many
	// unknowns; that level is solved by dense LU (by package direct's
	// sparse Cholesky or LU above 4000 unknowns). Zero means 128.
	CoarseSize int
	// MaxLevels bounds the number of levels; zero means no bound.
	MaxLevels int
}

// ErrNotGrid reports a matrix that does not come from the structured grid
// it was said to come from.
var ErrNotGrid = errors.New("linsolve: matrix does not match the grid")

type mgLevel struct {
	a      *sparse.CSR
	dims   []int
	tr     *transfer // to and from the next coarser level
	dinv   []float64
	colors []colorBlock // Gauss–Seidel colour classes, swept in order
	lmax   float64      // Chebyshev: upper bound of the spectrum of D⁻¹A
	// The Galerkin product to the next coarser level, kept for Update:
	// the prolongation, its transpose and A·P.
	p, pt, ap *sparse.CSR
}

// MaxSmoothingSteps bounds the smoothing steps per level of the
// multigrid preconditioners (AMGSettings.Sweeps, MultigridOptions
// PreSmooth and PostSmooth): more is an ErrSettings error, not a cycle
// that never ends.
const MaxSmoothingSteps = 100

// Multigrid is geometric multigrid for matrices from the structured grids
// of package pde: coarse grids take every other node in each dimension of
// at least three nodes (so any size is accepted, not only 2^k−1),
// prolongation is d-linear interpolation, restriction its transpose (full
// weighting up to a factor 2^d), and coarse operators are Galerkin products
// A_c = Pᵀ·A·P, so variable coefficients need nothing special. The
// coarsest level is solved by dense LU with partial pivoting, or, above
// 4000 unknowns (MaxLevels, a large CoarseSize), by package direct's
// sparse Cholesky or LU with a nested-dissection ordering.
//
// As a Preconditioner, Apply runs one cycle from a zero initial guess;
// with a symmetric smoothing (the default) it is symmetric positive
// definite for SPD A and may be used with CG. As a Method, Solve iterates
// cycles until the true residual meets the tolerance (Trottenberg,
// Oosterlee, Schüller, Multigrid, 2001, ch. 2; Briggs, Henson, McCormick,
// A Multigrid Tutorial, 2000).
//
// Apply and Solve allocate nothing once warm: their work vectors come
// from a pool, so several goroutines may call Apply (or Solve) on one
// Multigrid at once (TestMultigridConcurrentApply). Update changes the
// hierarchy and must not run concurrently with anything else.
type Multigrid struct {
	opt    MultigridOptions
	levels []mgLevel
	lu     []float64 // dense LU of the coarsest matrix, row-major
	piv    []int
	sc     sparseCoarse // or its sparse factorization (above maxDenseCoarse)
	pool   *workPool[mgWork]
	star   bool // the finest matrix is a (2d+1)-point star
}

// mgWork is the state of one cycle in progress: the per-level vectors,
// the transfer plans patched with its own buffers, and the kernels' task.
type mgWork struct {
	k    kernels
	lv   []mgLevelWork
	corr []float64 // Solve's residual vector
	// forward makes post-smoothing sweep the colours in the same order as
	// pre-smoothing: a non-symmetric cycle that converges about four times
	// faster per cycle with red–black Gauss–Seidel (factor ≈ 0.06 against
	// ≈ 0.24 for the symmetric V(1,1) on the 5-point Laplacian). Solve uses
	// it; Apply keeps the cycle symmetric, as CG requires.
	forward bool
}

type mgLevelWork struct {
	x, b, res []float64
	t1        []float64 // Chebyshev work vector
	pro, rst  []axisPass
}

func (m *Multigrid) newWork() *mgWork {
	w := &mgWork{lv: make([]mgLevelWork, len(m.levels)), corr: make([]float64, m.levels[0].a.Dim())}
	for l := range m.levels {
		lv, n := &m.levels[l], m.levels[l].a.Dim()
		lw := &w.lv[l]
		lw.x, lw.b, lw.res = make([]float64, n), make([]float64, n), make([]float64, n)
		if m.opt.Smoother == Chebyshev {
			lw.t1 = make([]float64, n)
		}
		if lv.tr != nil {
			t1, t2 := make([]float64, n), make([]float64, n)
			lw.pro, lw.rst = lv.tr.passes(true, t1, t2), lv.tr.passes(false, t1, t2)
		}
	}
	return w
}

var (
	_ Preconditioner = (*Multigrid)(nil)
	_ Method         = (*Multigrid)(nil)
)

// NewMultigrid builds the hierarchy for a, the matrix of a problem on a
// grid with dims interior nodes per dimension, numbered as pde.Grid
// numbers them (first dimension slowest). It returns an error wrapping
// ErrDimension if the product of dims is not a's size, ErrNotGrid if a
// couples nodes that are not grid neighbours, ErrZeroDiagonal for a
// non-positive diagonal entry, sparse.ErrNotFinite for NaN/Inf entries and
// ErrPivot if the coarsest matrix is singular.
func NewMultigrid(a *sparse.CSR, dims []int, opt *MultigridOptions) (*Multigrid, error) {
	const name = "multigrid"
	if err := checkSquare(name, a); err != nil {
		return nil, err
	}
	var o MultigridOptions
	if opt != nil {
		o = *opt
	}
	if o.PreSmooth < 0 || o.PostSmooth < 0 || o.PreSmooth > MaxSmoothingSteps || o.PostSmooth > MaxSmoothingSteps || o.CoarseSize < 0 || o.MaxLevels < 0 || !(o.JacobiWeight >= 0) || math.IsInf(o.JacobiWeight, 0) ||
		o.Smoother < RedBlackGaussSeidel || o.Smoother > Chebyshev || o.Cycle < VCycle || o.Cycle > FCycle {
		return nil, fmt.Errorf("%w: invalid MultigridOptions %+v", ErrSettings, o)
	}
	def := 1
	if o.Smoother == Chebyshev {
		def = 2
	}
	if o.PreSmooth == 0 {
		o.PreSmooth = def
	}
	if o.PostSmooth == 0 {
		o.PostSmooth = def
	}
	if o.JacobiWeight == 0 {
		o.JacobiWeight = 0.8
	}
	if o.CoarseSize == 0 {
		o.CoarseSize = 128
	}
	if err := checkDims(a, dims); err != nil {
		return nil, err
	}
	shape := newGridShape(dims)
	star, err := shape.check(a)
	if err != nil {
		return nil, err
	}
	m := &Multigrid{opt: o}
	cur, curDims := a, append([]int(nil), dims...)
	for {
		// Galerkin coarse operators of d-linear interpolation couple
		// diagonal neighbours, so only the finest level can be a star.
		lv, err := newLevel(cur, curDims, o, star && len(m.levels) == 0)
		if err != nil {
			return nil, err
		}
		m.levels = append(m.levels, lv)
		coarseDims, ok := coarsen(curDims)
		if !ok || cur.Dim() <= o.CoarseSize || (o.MaxLevels > 0 && len(m.levels) == o.MaxLevels) {
			break
		}
		coarse := newGridShape(coarseDims)
		fine := &m.levels[len(m.levels)-1]
		fine.tr = newTransfer(shape, coarse)
		fine.p = prolongation(&shape, &coarse)
		fine.pt, fine.ap = fine.p.T(), sparse.Mul(cur, fine.p)
		cur = sparse.Mul(fine.pt, fine.ap)
		curDims, shape = coarseDims, coarse
	}
	m.star = star
	if err := m.factorCoarse(); err != nil {
		return nil, err
	}
	m.pool = newWorkPool(m.newWork)
	return m, nil
}

// Update rebuilds the hierarchy for a matrix a with the pattern of the
// one the Multigrid was built for and new values (the next system of a
// Darcy family): the Galerkin products reuse their patterns (the numeric
// pass of sparse.MulTo), the transfers are kept. It fails with an error
// wrapping ErrDimension for another pattern, and with the errors of
// NewMultigrid for bad values; the Multigrid is then unusable until a
// successful Update.
func (m *Multigrid) Update(a *sparse.CSR) error {
	const name = "multigrid"
	if err := checkSquare(name, a); err != nil {
		return err
	}
	old := m.levels[0].a
	if a.Dim() != old.Dim() || !slices.Equal(a.RowPtr, old.RowPtr) || !slices.Equal(a.ColIdx, old.ColIdx) {
		return fmt.Errorf("%w: Multigrid.Update needs the pattern of the matrix it was built for", ErrDimension)
	}
	cur := a
	for l := range m.levels {
		prev := m.levels[l]
		if l > 0 {
			up := &m.levels[l-1]
			sparse.MulTo(up.ap, up.a, up.p)
			cur = prev.a
			sparse.MulTo(cur, up.pt, up.ap)
		}
		// Same pattern: the colour blocks keep their structure and take
		// the new values (a level rebuilt from scratch cost a quarter of
		// a 256² Darcy datagen run in copies).
		if err := m.levels[l].refresh(cur, m.opt); err != nil {
			return err
		}
	}
	return m.factorCoarse()
}

// invertDiagonal sets dinv to 1/a_ii, failing with ErrZeroDiagonal on a
// diagonal entry that is not positive (the level has grid dims).
func invertDiagonal(a *sparse.CSR, dims []int, dinv []float64) error {
	a.DiagTo(dinv)
	for i, v := range dinv {
		if !(v > 0) {
			return fmt.Errorf("%w: multigrid smoother needs a positive diagonal, level with grid %v has A[%d, %d] = %v",
				ErrZeroDiagonal, dims, i, i, v)
		}
		dinv[i] = 1 / v
	}
	return nil
}

// refresh gives the level the values of a, a matrix with its pattern:
// the diagonal, the colour blocks' rows and the Chebyshev bound.
func (lv *mgLevel) refresh(a *sparse.CSR, o MultigridOptions) error {
	lv.a = a
	if err := invertDiagonal(a, lv.dims, lv.dinv); err != nil {
		return err
	}
	for c := range lv.colors {
		lv.colors[c].refresh(a, lv.dinv)
	}
	if o.Smoother == Chebyshev {
		n := a.Dim()
		lv.lmax = estimateLambdaMax(a, lv.dinv, make([]float64, n), make([]float64, n))
	}
	return nil
}

// Levels returns the number of levels, finest first.
func (m *Multigrid) Levels() int { return len(m.levels) }

// LevelDims returns the grid dimensions of level l (0 is the finest).
func (m *Multigrid) LevelDims(l int) []int { return append([]int(nil), m.levels[l].dims...) }

// OperatorComplexity returns Σ nnz(A_l)/nnz(A_0), the memory and
// smoothing cost of the hierarchy relative to the fine matrix.
func (m *Multigrid) OperatorComplexity() float64 {
	var s float64
	for _, l := range m.levels {
		s += float64(l.a.NNZ())
	}
	return s / float64(m.levels[0].a.NNZ())
}

// checkDims verifies that dims describe a grid of a's size.
func checkDims(a *sparse.CSR, dims []int) error {
	if len(dims) < 1 || len(dims) > 3 {
		return fmt.Errorf("%w: multigrid needs 1–3 grid dimensions, got %d", ErrDimension, len(dims))
	}
	size := 1
	for _, d := range dims {
		if d < 1 {
			return fmt.Errorf("%w: grid dimension %d", ErrDimension, d)
		}
		size *= d
	}
	if size != a.Dim() {
		return fmt.Errorf("%w: grid %v has %d nodes but the matrix is %d×%d", ErrDimension, dims, size, a.Dim(), a.Dim())
	}
	return nil
}

func unravel(idx int, dims []int, out []int) {
	for d := len(dims) - 1; d >= 0; d-- {
		out[d] = idx % dims[d]
		idx /= dims[d]
	}
}

// coarsen halves every dimension of at least three nodes; ok is false
// when none can be halved.
func coarsen(dims []int) ([]int, bool) {
	c := make([]int, len(dims))
	ok := false
	for d, n := range dims {
		c[d] = n
		if n >= 3 {
			c[d] = n / 2
			ok = true
		}
	}
	return c, ok
}

func newLevel(a *sparse.CSR, dims []int, o MultigridOptions, star bool) (mgLevel, error) {
	n := a.Dim()
	lv := mgLevel{a: a, dims: dims}
	lv.dinv = make([]float64, n)
	if err := invertDiagonal(a, dims, lv.dinv); err != nil {
		return lv, err
	}
	// Red–black colouring decouples the (2d+1)-point stencils; the
	// Galerkin coarse operators couple diagonal neighbours too, and need
	// the 2^d colours of the index parities (Trottenberg et al. 2001,
	// §5.6 on multicolour relaxation).
	ncol := 2
	if !star {
		ncol = 1 << len(dims)
	}
	rows := make([][]int32, ncol)
	for c := range rows {
		rows[c] = make([]int32, 0, n/ncol+1)
	}
	shape := newGridShape(dims)
	var ii [3]int
	for i := range n {
		var c int
		if ncol == 2 {
			c = (ii[0] + ii[1] + ii[2]) % 2
		} else {
			for d := range dims {
				c = 2*c + ii[d]%2
			}
		}
		rows[c] = append(rows[c], int32(i))
		shape.next(&ii)
	}
	lv.colors = make([]colorBlock, ncol)
	var wg sync.WaitGroup
	for c, r := range rows {
		wg.Add(1)
		go func() { // each colour copies its own rows
			defer wg.Done()
			lv.colors[c] = newColorBlock(a, r, lv.dinv)
		}()
	}
	wg.Wait()
	if o.Smoother == Chebyshev {
		lv.lmax = estimateLambdaMax(a, lv.dinv, make([]float64, n), make([]float64, n))
	}
	return lv, nil
}

// estimateLambdaMax returns 1.1 times a 15-step power-iteration estimate
// of the largest eigenvalue of D⁻¹A (the safety factor PETSc's Chebyshev
// smoother also uses), capped by the Gershgorin bound.
func estimateLambdaMax(a *sparse.CSR, dinv, v, w []float64) float64 {
	var gersh float64
	for i := range a.Dim() {
		var s float64
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			s += math.Abs(a.Val[k])
		}
		gersh = math.Max(gersh, s*dinv[i])
	}
	// A fixed, deterministic start vector rich in the oscillatory modes
	// whose eigenvalue is sought.
	for i := range v {
		v[i] = float64(1-2*(i%2)) * (1 + 0.5*math.Sin(float64(i)*0.7))
	}
	lam := 0.0
	for range 15 {
		nv := norm(v)
		scale(v, 1/nv)
		a.MulVecTo(w, v)
		for i := range w {
			w[i] *= dinv[i]
		}
		lam = dot(v, w)
		v, w = w, v
	}
	return math.Min(1.1*lam, gersh)
}

// factorCoarse factors the coarsest matrix: by the sparse direct solver
// above maxDenseCoarse unknowns (refactoring the pattern it has), else by
// dense LU with partial pivoting.
func (m *Multigrid) factorCoarse() error {
	c := m.levels[len(m.levels)-1].a
	n := c.Dim()
	if n > maxDenseCoarse {
		f, _, err := refactorCoarse(m.sc, c, c.IsSymmetric(1e-10))
		if err != nil {
			return fmt.Errorf("%w: multigrid coarsest matrix (%d×%d): %w", ErrPivot, n, n, err)
		}
		m.sc, m.lu, m.piv = f, nil, nil
		return nil
	}
	m.sc = nil
	lu := c.Dense()
	piv := make([]int, n)
	for k := range n {
		p := k
		for i := k + 1; i < n; i++ {
			if math.Abs(lu[i*n+k]) > math.Abs(lu[p*n+k]) {
				p = i
			}
		}
		piv[k] = p
		if lu[p*n+k] == 0 {
			return fmt.Errorf("%w: multigrid coarsest matrix (%d×%d) is singular", ErrPivot, n, n)
		}
		if p != k {
			for j := range n {
				lu[k*n+j], lu[p*n+j] = lu[p*n+j], lu[k*n+j]
			}
		}
		inv := 1 / lu[k*n+k]
		for i := k + 1; i < n; i++ {
			l := lu[i*n+k] * inv
			lu[i*n+k] = l
			if l == 0 {
				continue
			}
			for j := k + 1; j < n; j++ {
				lu[i*n+j] -= l * lu[k*n+j]
			}
		}
	}
	m.lu, m.piv = lu, piv
	return nil
}

// coarseSolve sets x = A_c⁻¹·b with the stored LU factors, dense or
// sparse (y is scratch of x's length).
func (m *Multigrid) coarseSolve(x, b, y []float64) {
	if m.sc != nil {
		m.sc.ApplyWith(x, b, y)
		return
	}
	n := len(x)
	copy(x, b)
	lu := m.lu
	for k, p := range m.piv {
		if p != k {
			x[k], x[p] = x[p], x[k]
		}
	}
	for i := range n {
		s := x[i]
		row := lu[i*n : i*n+i]
		for j, l := range row {
			s -= l * x[j]
		}
		x[i] = s
	}
	for i := n - 1; i >= 0; i-- {
		s := x[i]
		row := lu[i*n : (i+1)*n]
		for j := i + 1; j < n; j++ {
			s -= row[j] * x[j]
		}
		x[i] = s / row[i]
	}
}

// Apply sets dst = M⁻¹·r: one cycle for A·x = r from x = 0.
func (m *Multigrid) Apply(dst, r []float64) {
	w := m.pool.get()
	m.cycle(w, 0, dst, r, m.opt.Cycle, true)
	m.pool.put(w)
}

// cycle improves x for A_l·x = b on level l (x = 0 on entry when zero).
func (m *Multigrid) cycle(w *mgWork, l int, x, b []float64, kind Cycle, zero bool) {
	lv, lw := &m.levels[l], &w.lv[l]
	if l == len(m.levels)-1 {
		m.coarseSolve(x, b, lw.res)
		return
	}
	if zero {
		clear(x)
	}
	m.smooth(w, l, x, b, m.opt.PreSmooth, false, zero)
	// Residual, restricted to the coarse right-hand side.
	if m.opt.Smoother == RedBlackGaussSeidel && m.opt.PreSmooth > 0 {
		// A Gauss–Seidel sweep of a colour zeroes the residual on that
		// colour (its rows do not couple), so only the others are computed.
		last := len(lv.colors) - 1
		for c := range lv.colors {
			if c == last {
				lv.colors[c].zero(lw.res)
			} else {
				w.k.residual(&lv.colors[c], lw.res, x, b)
			}
		}
	} else {
		w.k.mulVec(lv.a, lw.res, x)
		for i, v := range lw.res {
			lw.res[i] = b[i] - v
		}
	}
	next := &w.lv[l+1]
	w.k.transfer(plan(lw.rst, next.b, lw.res))
	switch kind {
	case VCycle:
		m.cycle(w, l+1, next.x, next.b, VCycle, true)
	case WCycle:
		m.cycle(w, l+1, next.x, next.b, WCycle, true)
		m.cycle(w, l+1, next.x, next.b, WCycle, false)
	case FCycle:
		m.cycle(w, l+1, next.x, next.b, FCycle, true)
		m.cycle(w, l+1, next.x, next.b, VCycle, false)
	}
	// x += P·x_c.
	w.k.transfer(plan(lw.pro, x, next.x))
	m.smooth(w, l, x, b, m.opt.PostSmooth, !w.forward, false)
}

// smooth applies sweeps of the smoother; reverse selects the adjoint
// order used after the coarse-grid correction, and zero says that x = 0 on
// entry (the first Gauss–Seidel colour then needs no product with A).
func (m *Multigrid) smooth(w *mgWork, l int, x, b []float64, sweeps int, reverse, zero bool) {
	lv, lw := &m.levels[l], &w.lv[l]
	switch m.opt.Smoother {
	case RedBlackGaussSeidel:
		nc := len(lv.colors)
		for s := range sweeps {
			for c := range nc {
				if reverse {
					c = nc - 1 - c
				}
				if zero && s == 0 && c == 0 {
					lv.colors[c].scaled(x, b)
					continue
				}
				w.k.sweep(&lv.colors[c], x, b)
			}
		}
	case WeightedJacobi:
		omega := m.opt.JacobiWeight
		for range sweeps {
			w.k.mulVec(lv.a, lw.res, x)
			for i, v := range lw.res {
				x[i] += omega * lv.dinv[i] * (b[i] - v)
			}
		}
	case Chebyshev:
		chebyshev(lv, x, b, lw.res, lw.t1, sweeps)
	}
}

// colorBlock holds the rows of one Gauss–Seidel colour contiguously, so
// that sweeping a colour reads only its own rows of the matrix.
type colorBlock struct {
	rows []int32
	a    *sparse.CSR // rows of A in this colour (global columns)
	dinv []float64   // 1/a_ii for those rows
}

func newColorBlock(a *sparse.CSR, rows []int32, dinv []float64) colorBlock {
	rp := make([]int, len(rows)+1)
	nnz := 0
	for _, i := range rows {
		nnz += a.RowPtr[i+1] - a.RowPtr[i]
	}
	ci := make([]int32, 0, nnz)
	val := make([]float64, 0, nnz)
	d := make([]float64, len(rows))
	for k, i := range rows {
		ci = append(ci, a.ColIdx[a.RowPtr[i]:a.RowPtr[i+1]]...)
		val = append(val, a.Val[a.RowPtr[i]:a.RowPtr[i+1]]...)
		rp[k+1] = len(ci)
		d[k] = dinv[i]
	}
	_, cols := a.Dims()
	sub, err := sparse.NewCSR(len(rows), cols, rp, ci, val)
	if err != nil {
		panic("linsolve: invalid colour block: " + err.Error())
	}
	return colorBlock{rows: rows, a: sub, dinv: d}
}

// refresh copies the rows of a (the pattern the block was built from)
// and their 1/a_ii into the block.
func (cb *colorBlock) refresh(a *sparse.CSR, dinv []float64) {
	val := cb.a.Val
	k := 0
	for r, i := range cb.rows {
		k += copy(val[k:], a.Val[a.RowPtr[i]:a.RowPtr[i+1]])
		cb.dinv[r] = dinv[i]
	}
}

// scaled is the sweep from x = 0: x_i = b_i/a_ii.
func (cb *colorBlock) scaled(x, b []float64) {
	for k, i := range cb.rows {
		x[i] = b[i] * cb.dinv[k]
	}
}

// zero sets r_i = 0 for the block's rows.
func (cb *colorBlock) zero(r []float64) {
	for _, i := range cb.rows {
		r[i] = 0
	}
}

// chebyshev applies the degree-k Chebyshev iteration for D⁻¹A on
// [lmax/10, lmax] (Saad 2003, Alg. 12.1).
func chebyshev(lv *mgLevel, x, b, r, d []float64, k int) {
	beta := lv.lmax
	alpha := beta / 10
	theta, delta := (beta+alpha)/2, (beta-alpha)/2
	sigma := theta / delta
	rho := 1 / sigma
	lv.a.MulVecTo(r, x)
	for i := range r {
		d[i] = lv.dinv[i] * (b[i] - r[i]) / theta
	}
	for step := 1; ; step++ {
		axpy(x, 1, d)
		if step == k {
			return
		}
		lv.a.MulVecTo(r, x)
		rhoNew := 1 / (2*sigma - rho)
		c1, c2 := rhoNew*rho, 2*rhoNew/delta
		for i := range d {
			d[i] = c1*d[i] + c2*lv.dinv[i]*(b[i]-r[i])
		}
		rho = rhoNew
	}
}

// Solve iterates multigrid cycles x ← x + M⁻¹(b − A·x) until the true
// residual meets the tolerance. a must be the matrix the hierarchy was
// built from (or one of the same size that it approximates). See Method.
func (m *Multigrid) Solve(dst []float64, a Operator, b []float64, settings *Settings) (Result, error) {
	const name = "Multigrid"
	start := time.Now()
	n := a.Dim()
	s := resolve(settings, n)
	if s.Preconditioner != nil {
		return Result{}, fmt.Errorf("%w: Multigrid.Solve takes no preconditioner; use the Multigrid as one", ErrSettings)
	}
	if err := checkInputs(name, dst, a, b, &s); err != nil {
		return Result{}, err
	}
	if n != m.levels[0].a.Dim() {
		return Result{}, fmt.Errorf("%w: multigrid hierarchy is for n = %d, operator has n = %d", ErrDimension, m.levels[0].a.Dim(), n)
	}
	w := m.pool.get()
	defer m.pool.put(w)
	x, r := dst, w.corr // the fine level's own vectors are the cycle's work space
	initX(x, &s)
	res, err := stationary(name, x, b, &s, start,
		func() float64 { return TrueResidual(r, a, x, b) },
		func() {
			lw := &w.lv[0]
			w.forward = true
			m.cycle(w, 0, lw.x, r, m.opt.Cycle, true)
			w.forward = false
			axpy(x, 1, lw.x)
		})
	return res, err
}
