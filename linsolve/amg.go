package linsolve

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/sparse"
)

// AMGSmoother selects the relaxation on the levels of an AMG hierarchy.
type AMGSmoother int

const (
	// AMGAuto is AMGChebyshev for a symmetric matrix and AMGGaussSeidel
	// for a nonsymmetric one.
	AMGAuto AMGSmoother = iota
	// AMGChebyshev is the Chebyshev polynomial in D⁻¹A that damps the
	// upper part [λ/10, λ] of its spectrum, λ from power iteration (PETSc
	// GAMG's default; Adams, Brezina, Hu, Tuminaro 2003). It needs only
	// products with A, so it runs on both cores and does not depend on the
	// numbering of the unknowns.
	AMGChebyshev
	// AMGGaussSeidel is a forward Gauss–Seidel sweep before the coarse
	// correction and a backward one after, in the matrix's row order
	// (PyAMG's default), so the cycle stays symmetric for CG.
	AMGGaussSeidel
	// AMGJacobi is x ← x + ω·D⁻¹(b − A·x) with ω = 4/(3λ), λ the estimate
	// of the largest eigenvalue of D⁻¹A.
	AMGJacobi
)

// String returns the smoother's name as the -amg-smoother flags spell it.
func (s AMGSmoother) String() string {
	switch s {
	case AMGChebyshev:
		return "chebyshev"
	case AMGGaussSeidel:
		return "gs"
	case AMGJacobi:
		return "jacobi"
	}
	return "auto"
}

// ParseAMGSmoother returns the smoother named by s ("auto", "chebyshev",
// "gs" or "jacobi").
func ParseAMGSmoother(s string) (AMGSmoother, error) {
	for _, v := range []AMGSmoother{AMGAuto, AMGChebyshev, AMGGaussSeidel, AMGJacobi} {
		if v.String() == s {
			return v, nil
		}
	}
	return 0, fmt.Errorf("linsolve: unknown AMG smoother %q (want auto, chebyshev, gs or jacobi)", s)
}

// Defaults of AMGSettings.
const (
	// DefaultAMGTheta: on Darcy 1024² (a = exp(GRF)), CG + AMG needs 12
	// iterations with θ = 0.08 and 19 with θ = 0; on constant-coefficient
	// stencils every entry is strong at any θ < 1.
	DefaultAMGTheta      = 0.08
	DefaultAMGCoarseSize = 300
	DefaultAMGMaxLevels  = 25
)

// AMGSettings configures NewAMG. A nil *AMGSettings, and every zero field,
// means the documented default.
type AMGSettings struct {
	// Theta is the strength-of-connection threshold: j is a strong
	// neighbour of i when μ_ij = |a_ij|/√|a_ii·a_jj| is at least Theta
	// times the largest μ of row i or of row j (so each row's strongest
	// connection counts); classical coarsening uses the signed classical
	// measure instead (see AMGClassical). Zero means DefaultAMGTheta
	// (DefaultAMGClassicalTheta with classical coarsening, 0.3 when
	// AMGAutoCoarsening chooses it); a negative
	// value means 0, which makes every nonzero off-diagonal entry strong
	// (PyAMG's and PETSc GAMG's default). Must be below 1.
	Theta float64
	// Strength is smoothed aggregation's strength-of-connection measure;
	// the zero value is AMGAutoStrength (the symmetric measure, and the
	// evolution measure below the finest level where coefficients jump).
	// It must be zero with AMGClassical.
	Strength AMGStrength
	// Coarsening is how coarse levels are built; the zero value is
	// AMGAutoCoarsening (smoothed aggregation, or classical on matrices
	// with many positive off-diagonal entries; see there). With
	// AMGClassical a zero Theta means DefaultAMGClassicalTheta, and
	// NearNullSpace and Filter must be unset; with AMGAutoCoarsening a
	// nonzero Theta applies to whichever is chosen.
	Coarsening AMGCoarsening
	// Aggressive is the number of finest levels that classical
	// coarsening coarsens aggressively: a second C/F splitting of the
	// first one's C-points, two of them strongly connected when at least
	// two strong paths of length ≤ 2 join them (Stüben's A2; one path
	// where that connects too few), with multipass interpolation on the
	// finest level and two-stage interpolation (standard to the first
	// splitting's C-points, then extended+i) on the levels below. It
	// lowers the operator complexity: on the rotated anisotropy of
	// experiments/amg at 1024², 2.26 with none (16 CG iterations), 1.66
	// with one (13), 1.49 with two (14; 14 from 256² to 1448²). It costs
	// convergence where the interpolation across strong coefficient jumps
	// matters: the 10⁴ checkerboard needs 11 iterations without, 16 with
	// one; a lognormal field of variance 5 on 96² 10–11 without, 18–26
	// with one (depending on the numbering), 26–30 with two; the graph
	// Laplacian at 512² 11, 11, 23 (its finest level is not coarsened
	// aggressively: the first splitting keeps under 40% of the points,
	// see aggressiveMinFirst). Zero means none, as in hypre and PyAMG
	// (AMGAutoCoarsening, choosing classical coarsening, uses 2); it must
	// be zero with AMGAggregation and AMGAutoCoarsening.
	Aggressive int
	// Smoother is the relaxation; the zero value is AMGAuto.
	Smoother AMGSmoother
	// Sweeps is the number of smoothing steps before and after each
	// coarse correction: the Chebyshev degree, or the Gauss–Seidel or
	// Jacobi sweeps. Zero means 2 for Chebyshev and Jacobi, 1 for
	// Gauss–Seidel; at most MaxSmoothingSteps.
	Sweeps int
	// CoarseSize stops coarsening once a level has at most this many
	// unknowns; that level is solved directly (see NewAMG). Zero means
	// DefaultAMGCoarseSize.
	CoarseSize int
	// MaxLevels bounds the number of levels; zero means
	// DefaultAMGMaxLevels.
	MaxLevels int
	// NearNullSpace holds the vectors the coarse spaces must represent
	// exactly (the rigid-body modes of elasticity, say), each of length
	// n. Nil means the constant vector, the near-null space of scalar
	// diffusion.
	NearNullSpace [][]float64
	// Filter smooths the prolongator of every level with the filtered
	// matrix A_F (the strong entries, the weak ones added to the
	// diagonal) instead of A, as PyAMG's filtered Jacobi smoothing does.
	// Without it a level is filtered only when its unfiltered Galerkin
	// product would fill in (more than 3× the entries per row of the
	// level above, estimated from a sample of its rows), as under strong
	// anisotropy (1:1:100 diffusion on 24³: operator complexity 8.5
	// unfiltered, 2.0 filtered, 9 CG iterations either way), because on
	// coefficient jumps across blocks filtering hurts (a 10⁴ checkerboard
	// on 512²: 144 iterations against 12).
	Filter bool
	// KeepNumbering builds the hierarchy in A's numbering even when it is
	// scattered. By default a matrix whose entries lie far from the
	// diagonal on average (mean |i − j| above n/16, as in a randomly
	// numbered mesh or graph) is renumbered by Cuthill–McKee for the
	// hierarchy and Apply permutes in and out: the setup and the cycles
	// then work on banded matrices (Darcy 1024², randomly renumbered:
	// setup + solve 2.7 s in the scattered numbering, 2.0 s renumbered).
	KeepNumbering bool
	// SymmetryTol is the relative tolerance of the symmetry test that
	// picks the smoother and the coarsest solver (sparse.CSR.IsSymmetric);
	// zero means 1e-10.
	SymmetryTol float64
}

// ErrCoarsening reports a coarsest level, too large to factor densely,
// that the sparse direct solver could not factor either (singular).
var ErrCoarsening = errors.New("linsolve: AMG coarsening stalled")

// amgLevel is one level of the hierarchy. p and r (= pᵀ) transfer between
// it and the next coarser level; t, at and ap are kept so that Update can
// redo the numeric products alone.
type amgLevel struct {
	a       *sparse.CSR
	dinv    []float64
	lmax    float64     // estimate of the largest eigenvalue of D⁻¹A
	eigvec  []float64   // the power iteration's last iterate
	keep    []bool      // entries of a kept in the filtered matrix (nil: all)
	af      *sparse.CSR // the filtered matrix, when keep is set
	eigvecF []float64   // eigvec for the filtered matrix
	dpos    []int       // diagonal positions, for Gauss–Seidel
	t       *sparse.CSR
	at, ap  *sparse.CSR
	atPlan  []int32 // at's positions of A's entries (productPlan)
	// Classical levels: the strength graph, the C/F splitting and the
	// coarse numbering, kept for Update.
	cs      *sparse.CSR
	state   []int8
	cidx    []int32
	mp      *multipass // the finest aggressive level's multipass plan
	two     *twoStage  // a further aggressive level's two-stage interpolation
	p, r    *sparse.CSR
	aggs    int
	omegaP  float64 // prolongator smoothing weight 4/(3λ)
	nearNul int     // near-null-space vectors per aggregate
}

// AMG is a smoothed-aggregation algebraic multigrid preconditioner (Vaněk,
// Mandel, Brezina 1996), built from the matrix alone:
//
//  1. strong connections: μ_ij = |a_ij|/√|a_ii·a_jj| at least θ times the
//     largest μ of row i or row j;
//  2. aggregation of the strength graph in three passes: roots whose
//     strong neighbourhood is free take it, leftovers join the neighbouring
//     aggregate they are most strongly tied to, what remains forms new
//     aggregates (nodes with no strong neighbour stay out, left to the
//     smoother);
//  3. the tentative prolongator T: the near-null space restricted to each
//     aggregate and orthonormalised (a thin QR per aggregate; the R factors
//     are the next level's near-null space);
//  4. the smoothed prolongator P = (I − ω·D⁻¹A)·T, ω = 4/(3·λ), λ a
//     power-iteration estimate of ρ(D⁻¹A) (with Filter, A is replaced by
//     its strong entries, the weak ones added to the diagonal);
//  5. the Galerkin coarse matrix Pᵀ·A·P by sparse–sparse products;
//
// recursively, until a level has at most CoarseSize unknowns. The coarsest
// level is solved densely: a Cholesky or LU inverse, or a pseudo-inverse
// (eigen- or singular-value decomposition) when it is singular or nearly
// so, as for pure Neumann problems and graph Laplacians (A·1 = 0), whose
// consistent systems CG then solves. A coarsest level of more than 4000
// unknowns (a coarsening that stalled, with a warning in the summary, or
// MaxLevels reached) is factored by package direct instead (nested
// dissection, Cholesky or LU), never as a dense n² matrix. Apply runs one V-cycle from zero,
// with the same smoothing before and after the coarse correction, so the
// preconditioner is symmetric positive definite for SPD A and may be used
// with CG; for a nonsymmetric matrix it is a preconditioner for GMRES or
// BiCGStab (restriction Pᵀ).
//
// Apply allocates nothing (its work vectors come from a pool) and is safe
// for concurrent use: several solvers may share one AMG. Update, which
// changes the hierarchy, must not run concurrently with Apply. String
// prints the hierarchy, as PyAMG's print(ml) does.
type AMG struct {
	set       AMGSettings
	smoother  AMGSmoother
	sweeps    int
	symmetric bool
	levels    []amgLevel
	cinv      []float64 // dense (pseudo-)inverse of the coarsest matrix
	// cl and cu are the coarsest matrix's Cholesky factors L = Uᵀ and U,
	// row-major, when it is factored so (cinv is then nil).
	cl, cu     []float64
	sc         sparseCoarse // or its sparse factorization (above maxDenseCoarse)
	coarseKind string
	warnings   []string
	pool       *workPool[amgWork]
	// perm[k] is the row of A that the hierarchy numbers k (nil: A's
	// own numbering); vmap[q] is the position in A.Val of the permuted
	// matrix's entry q, and a0 the matrix given, for Update.
	perm []int
	vmap []int
	a0   *sparse.CSR
	// autoFiltered counts the levels whose prolongator was smoothed with
	// the filtered matrix because the unfiltered Galerkin product would
	// fill in (more than 3× the fine level's entries per row).
	autoFiltered int
	// contrast is the largest ratio of neighbouring diagonal entries of
	// the finest level, measured for AMGAutoStrength; coarseEvolution
	// says whether it exceeded evolutionContrast, so that the coarse
	// levels use the evolution measure.
	contrast        float64
	coarseEvolution bool
	// auto says why AMGAutoCoarsening chose classical coarsening.
	auto string
	// aggressiveLevels counts the levels coarsened aggressively.
	aggressiveLevels int
}

var _ Preconditioner = (*AMG)(nil)

// NewAMG builds the hierarchy for a. A nil s means the default settings.
// It returns an error wrapping ErrDimension for a non-square matrix or a
// near-null-space vector of the wrong length, ErrZeroDiagonal where a
// diagonal entry is not positive, sparse.ErrNotFinite for NaN/Inf entries
// or near-null-space values, and ErrCoarsening when the coarsest level is
// too large to factor densely and singular.
func NewAMG(a *sparse.CSR, s *AMGSettings) (*AMG, error) {
	const name = "AMG"
	if err := checkSquare(name, a); err != nil {
		return nil, err
	}
	m := &AMG{}
	if s != nil {
		m.set = *s
	}
	o := &m.set
	n := a.Dim()
	switch {
	case !(o.Theta < 1) || math.IsInf(o.Theta, -1):
		return nil, fmt.Errorf("%w: AMG: Theta = %v is not below 1", ErrSettings, o.Theta)
	case o.Sweeps < 0 || o.Sweeps > MaxSmoothingSteps || o.CoarseSize < 0 || o.MaxLevels < 0 || !(o.SymmetryTol >= 0):
		return nil, fmt.Errorf("%w: AMG: Sweeps = %d (want 0…%d); CoarseSize, MaxLevels and SymmetryTol must not be negative", ErrSettings, o.Sweeps, MaxSmoothingSteps)
	case o.Smoother < AMGAuto || o.Smoother > AMGJacobi:
		return nil, fmt.Errorf("%w: AMG: unknown smoother %d", ErrSettings, o.Smoother)
	case o.Coarsening < AMGAutoCoarsening || o.Coarsening > AMGClassical:
		return nil, fmt.Errorf("%w: AMG: unknown coarsening %d", ErrSettings, o.Coarsening)
	case o.Coarsening == AMGClassical && (o.NearNullSpace != nil || o.Filter):
		return nil, fmt.Errorf("%w: AMG: NearNullSpace and Filter apply to smoothed aggregation, not to classical coarsening", ErrSettings)
	case o.Strength < AMGAutoStrength || o.Strength > AMGEvolutionStrength:
		return nil, fmt.Errorf("%w: AMG: unknown strength measure %d", ErrSettings, o.Strength)
	case o.Strength != AMGAutoStrength && o.Coarsening == AMGClassical:
		return nil, fmt.Errorf("%w: AMG: strength %v is a smoothed-aggregation measure; classical coarsening uses its own (leave Strength zero)", ErrSettings, o.Strength)
	case o.Aggressive < 0 || (o.Aggressive != 0 && o.Coarsening != AMGClassical):
		return nil, fmt.Errorf("%w: AMG: Aggressive = %d (want ≥ 0; it applies to classical coarsening only)", ErrSettings, o.Aggressive)
	}
	if o.CoarseSize == 0 {
		o.CoarseSize = DefaultAMGCoarseSize
	}
	if o.MaxLevels == 0 {
		o.MaxLevels = DefaultAMGMaxLevels
	}
	if o.SymmetryTol == 0 {
		o.SymmetryTol = 1e-10
	}
	b := o.NearNullSpace
	if b == nil {
		ones := make([]float64, n)
		for i := range ones {
			ones[i] = 1
		}
		b = [][]float64{ones}
	}
	for k, v := range b {
		if len(v) != n {
			return nil, fmt.Errorf("%w: AMG: near-null-space vector %d has length %d, matrix is %d×%d", ErrDimension, k, len(v), n, n)
		}
		if err := sparse.CheckFiniteVec(fmt.Sprintf("near-null-space vector %d", k), v); err != nil {
			return nil, fmt.Errorf("linsolve: AMG: %w", err)
		}
	}
	if len(b) == 0 {
		return nil, errors.New("linsolve: AMG: empty near-null space")
	}
	m.a0 = a
	if !o.KeepNumbering && scattered(a) {
		m.perm = aggregationOrder(a)
		a, m.vmap = permuteMapped(a, m.perm)
	}
	// Symmetry survives the renumbering, and the banded matrix is the
	// faster one to test (the scattered one took 0.57 s at 1M rows).
	m.symmetric = a.IsSymmetric(o.SymmetryTol)
	mass := -1.0 // the positive off-diagonal mass, when measured
	if o.Coarsening == AMGAutoCoarsening {
		o.Coarsening = AMGAggregation
		if o.NearNullSpace == nil && !o.Filter && o.Strength == AMGAutoStrength && m.symmetric {
			if mass = positiveMass(a); mass > classicalPositiveMass {
				o.Coarsening = AMGClassical
				o.Theta = zeroDefault(o.Theta, autoClassicalTheta)
				o.Aggressive = autoAggressive
				m.auto = fmt.Sprintf("classical coarsening chosen: positive off-diagonal entries carry %.0f%% of the off-diagonal mass (AMGAggregation, -amg-coarsening aggregation, forces smoothed aggregation)", 100*mass)
			}
		}
	}
	if o.Coarsening == AMGClassical {
		o.Theta = zeroDefault(o.Theta, DefaultAMGClassicalTheta)
	} else {
		o.Theta = zeroDefault(o.Theta, DefaultAMGTheta)
	}
	if o.Coarsening == AMGAggregation && o.Strength == AMGAutoStrength {
		m.contrast = diagonalContrast(a)
		m.coarseEvolution = m.contrast > evolutionContrast
	}
	if o.Coarsening == AMGAggregation && o.NearNullSpace == nil {
		if mass < 0 {
			mass = positiveMass(a)
		}
		if mass > classicalPositiveMass {
			m.warnings = append(m.warnings, fmt.Sprintf("positive off-diagonal entries carry %.0f%% of the off-diagonal mass (rotated anisotropy, distorted elements): smoothed aggregation may need many iterations; classical coarsening (AMGClassical, -amg-coarsening classical) suits such matrices", 100*mass))
		}
	}
	m.smoother = o.Smoother
	if m.smoother == AMGAuto {
		m.smoother = AMGChebyshev
		if !m.symmetric {
			m.smoother = AMGGaussSeidel
		}
	}
	m.sweeps = o.Sweeps
	if m.sweeps == 0 {
		m.sweeps = 2
		if m.smoother == AMGGaussSeidel {
			m.sweeps = 1
		}
	}
	d := m.a0.DiagTo(nil)
	for i, v := range d {
		if !(v > 0) {
			return nil, fmt.Errorf("%w: AMG needs a positive diagonal, A[%d, %d] = %v", ErrZeroDiagonal, i, i, v)
		}
	}
	// Near-null-space vectors are copied: the hierarchy keeps none of the
	// caller's slices but the matrix.
	bc := make([][]float64, len(b))
	for k, v := range b {
		bc[k] = slices.Clone(v)
		for i, r := range m.perm {
			bc[k][i] = v[r]
		}
	}
	if err := m.build(a, bc); err != nil {
		return nil, err
	}
	m.pool = newWorkPool(m.newWork)
	return m, nil
}

// build coarsens a until a level is small enough, stalls or MaxLevels is
// reached, then factors the coarsest level.
func (m *AMG) build(a *sparse.CSR, b [][]float64) error {
	o := &m.set
	for {
		lv := amgLevel{a: a}
		lv.setDiag()
		n := a.Dim()
		if n <= o.CoarseSize || len(m.levels)+1 >= o.MaxLevels {
			if len(m.levels)+1 >= o.MaxLevels && n > o.CoarseSize {
				m.warnings = append(m.warnings, fmt.Sprintf("MaxLevels = %d reached with %d unknowns on the coarsest level", o.MaxLevels, n))
			}
			m.levels = append(m.levels, lv)
			break
		}
		if o.Coarsening == AMGClassical {
			ac, ok := m.coarsenClassical(&lv)
			m.levels = append(m.levels, lv)
			if !ok {
				break
			}
			a = ac
			continue
		}
		// The spectral-radius estimate runs while the strength graph,
		// the aggregates and the tentative prolongator, which are
		// sequential, are built (at 1024² it was a sixth of the setup).
		estimated := lv.estimateAside()
		var s *sparse.CSR
		if o.Strength == AMGEvolutionStrength || (m.coarseEvolution && len(m.levels) > 0) {
			// The evolution measure needs the estimate first.
			estimated()
			at := a
			if !m.symmetric {
				at = a.T()
			}
			s = evolutionStrength(a, at, lv.dinv, lv.lmax)
		} else {
			s = strength(a, o.Theta, lv.dinv, m.symmetric)
		}
		// Aggregates grow in the numbering's order — lexicographic on a
		// grid, the order of the aggregates below on coarse levels —
		// except on a renumbered matrix, where the finest level uses
		// Cuthill–McKee order of its own strength graph (a randomly
		// renumbered lognormal-coefficient matrix needed up to 27 CG
		// iterations aggregated in the Cuthill–McKee order of A, 21–22 in
		// that of the strength graph, as in grid order).
		var order []int
		if len(m.levels) == 0 && m.perm != nil {
			order = aggregationOrder(s)
		} else {
			order = make([]int, n)
			for i := range order {
				order[i] = i
			}
		}
		agg, nAgg := aggregate(s, order)
		k := len(b)
		if nAgg == 0 || nAgg*k > n*9/10 {
			estimated()
			msg := fmt.Sprintf("coarsening stalled on level %d: %d unknowns in %d aggregates (θ = %g)", len(m.levels), n, nAgg, o.Theta)
			m.warnings = append(m.warnings, msg+"; that level is the coarsest (lower Theta to coarsen further)")
			m.levels = append(m.levels, lv)
			break
		}
		t, bNext := tentative(agg, nAgg, b)
		lv.t, lv.aggs, lv.nearNul = t, nAgg, k
		estimated()
		if o.Filter {
			lv.keep = strongMask(a, s)
		}
		// Both cores are free again: the filtered matrix's estimate,
		// if any, runs its products on two goroutines.
		var k2 kernels
		lv.smoothP(t, &k2)
		var r *sparse.CSR
		if !o.Filter && lv.keep == nil {
			r = lv.p.T()
			if sampledDensity(r, a, lv.p, 256) > 3*density(a) {
				// The coarse operator would fill in (strong
				// anisotropy): smooth this level's prolongator with
				// the filtered matrix instead.
				if keep := strongMask(a, s); keep != nil {
					lv.keep, lv.at = keep, nil
					lv.smoothP(t, &k2)
					r = nil
					m.autoFiltered++
				}
			}
		}
		var ac *sparse.CSR
		lv.r, lv.ap, ac = galerkin(a, lv.p, r)
		m.levels = append(m.levels, lv)
		a, b = ac, bNext
	}
	for l := range m.levels {
		lv := &m.levels[l]
		if l < len(m.levels)-1 && lv.lmax == 0 {
			lv.estimate(nil)
		}
	}
	return m.factorCoarse()
}

// coarsenClassical builds level lv's classical prolongator and returns
// the next level's operator, or false (with a warning) when the splitting
// stalls and lv is to be the coarsest level.
func (m *AMG) coarsenClassical(lv *amgLevel) (*sparse.CSR, bool) {
	a := lv.a
	n := a.Dim()
	// The spectral-radius estimate runs beside the strength graph, the
	// splitting and the interpolation, which are sequential (it was 30%
	// of the setup's CPU time at 1M unknowns when it ran after them).
	estimated := lv.estimateAside()
	defer estimated()
	s := classicalStrength(a, m.set.Theta)
	aggressive := len(m.levels) < m.set.Aggressive
	var state, first []int8
	if aggressive {
		state, first, aggressive = aggressiveSplit(s, s.T(), len(m.levels) == 0)
		if aggressive {
			m.aggressiveLevels++
		}
	} else {
		state = rsSplit(s, s.T())
	}
	nc := 0
	for _, st := range state {
		if st == cPoint {
			nc++
		}
	}
	if nc == 0 || nc > n*9/10 {
		m.warnings = append(m.warnings, fmt.Sprintf("coarsening stalled on level %d: %d unknowns, %d C-points (θ = %g); that level is the coarsest (lower Theta to coarsen further)", len(m.levels), n, nc, m.set.Theta))
		return nil, false
	}
	lv.cs, lv.state = s, state
	lv.cidx, _ = coarseNumbering(s, state)
	switch {
	case aggressive && len(m.levels) == 0:
		lv.mp = newMultipass(s, state)
	case aggressive:
		lv.two = newTwoStage(s, first)
	}
	lv.aggs, lv.nearNul = nc, 1
	lv.p = lv.interpolation()
	estimated()
	var ac *sparse.CSR
	lv.r, lv.ap, ac = galerkin(a, lv.p, nil)
	return ac, true
}

// classicalPositiveMass is the share of the off-diagonal mass in positive
// entries above which AMGAutoCoarsening chooses classical coarsening and
// smoothed aggregation's summary suggests it.
const classicalPositiveMass = 0.08

// autoClassicalTheta is the strength threshold of the classical
// coarsening that AMGAutoCoarsening chooses. On bilinear elements with
// grid-aligned anisotropy ε the corner couplings are (1+ε)/(4−2ε) of the
// strong ones, just above DefaultAMGClassicalTheta: counted strong, they
// cost 73 CG iterations at 256² and ε = 10⁻³ (operator complexity 3.8);
// above them, 9 (2.0). On the rotated anisotropies (π/12 to π/4) both
// thresholds give 14–17 iterations at 256² without aggressive levels,
// and the same with them (π/6: 14 either way).
const autoClassicalTheta = 0.3

// autoAggressive is the number of levels that the classical coarsening
// AMGAutoCoarsening chooses coarsens aggressively (where the first
// splitting keeps enough points; see aggressiveMinFirst).
const autoAggressive = 2

// positiveMass returns Σ_{a_ij > 0, i ≠ j} a_ij / Σ_{i ≠ j} |a_ij| (0 for
// a diagonal matrix).
func positiveMass(a *sparse.CSR) float64 {
	var pos, all float64
	for i := range a.Dim() {
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			if int(a.ColIdx[k]) == i {
				continue
			}
			v := a.Val[k]
			all += math.Abs(v)
			if v > 0 {
				pos += v
			}
		}
	}
	if all == 0 {
		return 0
	}
	return pos / all
}

// interpolation returns a classical level's prolongator for its matrix,
// strength graph and splitting.
func (lv *amgLevel) interpolation() *sparse.CSR {
	if lv.two != nil {
		return lv.two.interpolation(nil, lv.a, lv.cs, lv.state, lv.cidx, lv.aggs)
	}
	if lv.mp != nil {
		return multipassInterpolation(lv.a, lv.cs, lv.state, lv.cidx, lv.aggs, lv.mp)
	}
	return classicalInterpolation(lv.a, lv.cs, lv.state, lv.cidx, lv.aggs)
}

// sampledDensity estimates the entries per row of the Galerkin product
// R·A·P (R = Pᵀ) from its symbolic rows at rows evenly spaced coarse
// unknowns, without forming it: at 1:1:100 anisotropy in 3D the product
// fills in to ten times A's density, and forming it only to find that out
// doubled the setup.
func sampledDensity(r, a, p *sparse.CSR, rows int) float64 {
	nc := r.Dim()
	if nc == 0 {
		return 0
	}
	step := max(1, nc/rows)
	seen := make([]int32, nc)
	for i := range seen {
		seen[i] = -1
	}
	count, sampled := 0, 0
	for c := 0; c < nc; c += step {
		sampled++
		for _, i := range r.ColIdx[r.RowPtr[c]:r.RowPtr[c+1]] {
			for _, j := range a.ColIdx[a.RowPtr[i]:a.RowPtr[i+1]] {
				for _, q := range p.ColIdx[p.RowPtr[j]:p.RowPtr[j+1]] {
					if seen[q] != int32(c) {
						seen[q] = int32(c)
						count++
					}
				}
			}
		}
	}
	return float64(count) / float64(sampled)
}

// galerkin returns R = Pᵀ, A·P and the coarse operator R·(A·P). The
// transpose, unless given as r, is formed on its own goroutine while A·P
// is.
func galerkin(a, p, r *sparse.CSR) (_, ap, ac *sparse.CSR) {
	transposed := make(chan struct{})
	go func() {
		defer close(transposed)
		if r == nil {
			r = p.T()
		}
	}()
	ap = sparse.Mul(a, p)
	<-transposed
	return r, ap, sparse.Mul(r, ap)
}

// density returns the mean number of entries per row of a.
func density(a *sparse.CSR) float64 { return float64(a.NNZ()) / float64(max(a.Dim(), 1)) }

// setDiag computes 1/a_ii (zero where a_ii = 0: a coarse unknown whose
// prolongator column vanished is left to the coarse solve) and the
// diagonal positions.
func (lv *amgLevel) setDiag() {
	lv.dpos = lv.a.DiagIndex()
	if len(lv.dinv) != len(lv.dpos) {
		lv.dinv = make([]float64, len(lv.dpos))
	}
	lv.refreshDiag()
}

// refreshDiag recomputes dinv from the diagonal positions dpos: setDiag's
// second half, alone on new values of the pattern dpos was found in.
func (lv *amgLevel) refreshDiag() {
	for i, k := range lv.dpos {
		lv.dinv[i] = 0
		if k >= 0 && lv.a.Val[k] != 0 {
			lv.dinv[i] = 1 / lv.a.Val[k]
		}
	}
}

// estimate sets lmax to 1.1 times a 15-step power-iteration estimate of
// ρ(D⁻¹A), capped by the Gershgorin bound. The start vector is random
// (seeded by n, so the setup is reproducible): a structured start such as
// an alternating sign can sit near an eigenvector of a lower eigenvalue
// on grids of even size, and an underestimate makes the Chebyshev
// smoother amplify the top of the spectrum (CG + AMG on 64³ needed 30
// iterations with one, 11 with a random start).
//
// After the first estimate the iteration restarts from the last iterate,
// which is already rich in the top eigenvectors, with 5 steps: Update's
// estimates on new values of one pattern.
func (lv *amgLevel) estimate(k *kernels) {
	lv.lmax = powerEstimate(lv.a, lv.dinv, &lv.eigvec, k)
}

// estimateAside starts estimate's power iteration on another goroutine,
// its products on that goroutine alone (the setup's sequential steps run
// beside it; the result is the same), and returns the function that waits
// for it and stores lmax and eigvec. The function may be called again.
func (lv *amgLevel) estimateAside() (wait func()) {
	a, dinv := lv.a, lv.dinv
	var lmax float64
	var eigvec []float64
	done := make(chan struct{})
	go func() {
		defer close(done)
		lmax = powerEstimate(a, dinv, &eigvec, nil)
	}()
	return func() {
		<-done
		lv.lmax, lv.eigvec = lmax, eigvec
	}
}

// powerEstimate is estimate's power iteration for D⁻¹A with dinv = D⁻¹,
// starting from *vec when it is set and leaving its last iterate there.
// Its products run on k (on two goroutines for large matrices; the same
// numbers as one) or on the calling goroutine when k is nil.
func powerEstimate(a *sparse.CSR, dinv []float64, vec *[]float64, k *kernels) float64 {
	n := a.Dim()
	steps := 15
	v, w := *vec, make([]float64, n)
	if v == nil {
		v = make([]float64, n)
		rng := rand.New(rand.NewPCG(uint64(n), 0x5eed))
		for i := range v {
			v[i] = 2*rng.Float64() - 1
		}
	} else {
		steps = 5
	}
	var gersh float64
	for i := range n {
		var s float64
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			s += math.Abs(a.Val[k])
		}
		gersh = math.Max(gersh, s*math.Abs(dinv[i]))
	}
	lam := 0.0
	for range steps {
		nv := norm(v)
		if nv == 0 {
			break
		}
		scale(v, 1/nv)
		if k != nil {
			k.mulVec(a, w, v)
		} else {
			a.MulVecTo(w, v)
		}
		for i := range w {
			w[i] *= dinv[i]
		}
		lam = dot(v, w)
		v, w = w, v
	}
	*vec = v
	if lmax := math.Min(1.1*lam, gersh); lmax > 0 {
		return lmax
	}
	return 1
}

// strongMask returns, for each stored entry of a, whether it is kept in
// the filtered matrix: the diagonal and the strong connections of s. It
// returns nil when every entry is kept.
func strongMask(a, s *sparse.CSR) []bool {
	keep := make([]bool, a.NNZ())
	all := true
	for i := range a.Dim() {
		q, qe := s.RowPtr[i], s.RowPtr[i+1]
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			j := a.ColIdx[k]
			for q < qe && s.ColIdx[q] < j {
				q++
			}
			keep[k] = int(j) == i || (q < qe && s.ColIdx[q] == j)
			all = all && keep[k]
		}
	}
	if all {
		return nil
	}
	return keep
}

// filtered returns the filtered matrix of a: the entries keep marks, with
// the dropped ones of each row added to its diagonal (so row sums are
// kept; PyAMG's filtered prolongator smoothing), and the inverse of its
// diagonal. With a non-nil dst made by an earlier call on the same mask
// it rewrites dst's values.
func filtered(dst, a *sparse.CSR, keep []bool) (*sparse.CSR, []float64) {
	n := a.Dim()
	var rp []int
	var ci []int32
	var val []float64
	if dst == nil {
		rp = make([]int, n+1)
	} else {
		val = dst.Val[:0]
	}
	dinv := make([]float64, n)
	for i := range n {
		var dropped float64
		diag := -1
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			if !keep[k] {
				dropped += a.Val[k]
				continue
			}
			if int(a.ColIdx[k]) == i {
				diag = len(val)
			}
			if dst == nil {
				ci = append(ci, a.ColIdx[k])
			}
			val = append(val, a.Val[k])
		}
		if diag >= 0 {
			if d := val[diag] + dropped; d > 0 {
				val[diag] = d
			}
			dinv[i] = 1 / val[diag]
		}
		if dst == nil {
			rp[i+1] = len(val)
		}
	}
	if dst != nil {
		return dst, dinv
	}
	f, err := sparse.NewCSR(n, n, rp, ci, val)
	if err != nil {
		panic("linsolve: AMG filtered matrix: " + err.Error())
	}
	return f, dinv
}

// smoothP sets P = (I − ω·D_F⁻¹A_F)·T, ω = 4/(3·ρ(D_F⁻¹A_F)), A_F the
// filtered matrix when the level is filtered (AMGSettings.Filter, or a
// level whose unfiltered product would fill in), A itself otherwise or when
// every entry is strong. On the first call it builds at and p; later
// calls (Update) rewrite their values.
func (lv *amgLevel) smoothP(t *sparse.CSR, k *kernels) {
	af, dinv, lam := lv.a, lv.dinv, lv.lmax
	if lv.keep != nil {
		lv.af, dinv = filtered(lv.af, lv.a, lv.keep)
		af = lv.af
		if lv.eigvecF == nil && lv.eigvec != nil {
			// Start from A's top eigenvector estimate (5 steps, not 15
			// from a random start): the filtered matrix differs from A in
			// its weak entries only, and λ sets only the prolongator's
			// smoothing weight.
			lv.eigvecF = slices.Clone(lv.eigvec)
		}
		lam = powerEstimate(af, dinv, &lv.eigvecF, k)
	}
	lv.omegaP = 4 / (3 * lam)
	if lv.at == nil {
		lv.at = sparse.Mul(af, t)
		lv.p = smoothProlongator(nil, t, lv.at, dinv, lv.omegaP)
		return
	}
	if lv.atPlan == nil {
		lv.atPlan = productPlan(af, t, lv.at)
	}
	if lv.atPlan != nil {
		refillProduct(lv.at, af, t, lv.atPlan)
	} else {
		sparse.MulTo(lv.at, af, t)
	}
	smoothProlongator(lv.p, t, lv.at, dinv, lv.omegaP)
}

// productPlan returns, for a T with at most one entry per row (the
// tentative prolongator of one near-null vector), the position in at =
// A·T's values of each entry of a's contribution (−1 where T's row is
// empty), so that refillProduct recomputes at for new values of a by one
// streaming pass instead of a sparse product. It returns nil when a row
// of T has several entries.
func productPlan(a, t, at *sparse.CSR) []int32 {
	for i := range t.Dim() {
		if t.RowPtr[i+1]-t.RowPtr[i] > 1 {
			return nil
		}
	}
	plan := make([]int32, a.NNZ())
	for i := range a.Dim() {
		row := at.ColIdx[at.RowPtr[i]:at.RowPtr[i+1]]
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			j := a.ColIdx[k]
			plan[k] = -1
			if t.RowPtr[j+1] > t.RowPtr[j] {
				q, ok := slices.BinarySearch(row, t.ColIdx[t.RowPtr[j]])
				if !ok {
					panic("linsolve: AMG product plan: entry outside A·T's pattern")
				}
				plan[k] = int32(at.RowPtr[i] + q)
			}
		}
	}
	return plan
}

// refillProduct sets at = A·T by plan (productPlan), on two goroutines
// for large matrices (rows of at are disjoint between the blocks).
func refillProduct(at, a, t *sparse.CSR, plan []int32) {
	fill := func(lo, hi int) {
		clear(at.Val[at.RowPtr[lo]:at.RowPtr[hi]])
		for i := lo; i < hi; i++ {
			for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
				if q := plan[k]; q >= 0 {
					at.Val[q] += a.Val[k] * t.Val[t.RowPtr[a.ColIdx[k]]]
				}
			}
		}
	}
	splitRows(a.Dim(), fill)
}

// strength returns the strength-of-connection graph of a: the pairs
// i ≠ j whose scaled entry μ_ij = |a_ij|/√|a_ii·a_jj| is at least θ times
// the largest μ of row i or of row j, with μ as its values. Measuring
// against the rows' largest entries (as classical AMG does; Stüben 2001,
// §A.5) keeps every row's strongest connection, so that no node with
// off-diagonal entries is left out of the aggregates, whatever the
// coefficient contrast; taking the smaller of the two rows' maxima makes
// the graph symmetric for symmetric a. For a nonsymmetric a the graph is
// symmetrised (S ∪ Sᵀ), so that aggregates do not depend on which of a_ij
// and a_ji is larger.
func strength(a *sparse.CSR, theta float64, dinv []float64, symmetric bool) *sparse.CSR {
	n := a.Dim()
	mu := func(i int, k int) float64 {
		return math.Abs(a.Val[k]) * math.Sqrt(math.Abs(dinv[i])*math.Abs(dinv[a.ColIdx[k]]))
	}
	// Both passes are row by row: on large matrices the rows are split
	// into two blocks, each built on its own goroutine and joined after.
	parts := 1
	if !serial(n) {
		parts = 2
	}
	big := make([]float64, n)
	type block struct {
		ci  []int32
		val []float64
	}
	blocks := make([]block, parts)
	rp := make([]int, n+1)
	var wg sync.WaitGroup
	run := func(f func(p, lo, hi int)) {
		for p := range parts {
			lo, hi := p*n/parts, (p+1)*n/parts
			wg.Go(func() { f(p, lo, hi) })
		}
		wg.Wait()
	}
	run(func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
				if int(a.ColIdx[k]) != i {
					big[i] = math.Max(big[i], mu(i, k))
				}
			}
		}
	})
	run(func(p, lo, hi int) {
		size := a.RowPtr[hi] - a.RowPtr[lo]
		ci, val := make([]int32, 0, size), make([]float64, 0, size)
		for i := lo; i < hi; i++ {
			for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
				j := a.ColIdx[k]
				if int(j) == i {
					continue
				}
				if m := mu(i, k); m > 0 && m >= theta*math.Min(big[i], big[j]) {
					ci = append(ci, j)
					val = append(val, m)
				}
			}
			rp[i+1] = len(ci) // within the block; offset below
		}
		blocks[p] = block{ci, val}
	})
	ci, val := blocks[0].ci, blocks[0].val
	for p := 1; p < parts; p++ {
		lo, hi := p*n/parts, (p+1)*n/parts
		off := len(ci)
		for i := lo; i < hi; i++ {
			rp[i+1] += off
		}
		ci = append(ci, blocks[p].ci...)
		val = append(val, blocks[p].val...)
	}
	s, err := sparse.NewCSR(n, n, rp, ci, val)
	if err != nil {
		panic("linsolve: AMG strength graph: " + err.Error())
	}
	if symmetric {
		return s
	}
	return sparse.Add(0.5, s, 0.5, s.T())
}

// aggregate partitions the nodes of the strength graph s into aggregates
// (standard aggregation: Vaněk, Mandel, Brezina 1996, §4; PyAMG's
// standard_aggregation). It returns each node's aggregate, −1 for a node
// with no strong neighbour, and the number of aggregates.
func aggregate(s *sparse.CSR, order []int) ([]int32, int) {
	n := s.Dim()
	agg := make([]int32, n)
	for i := range agg {
		agg[i] = -1
	}
	next := int32(0)
	// Pass 1: a node whose strong neighbours are all free becomes a root,
	// its neighbourhood an aggregate.
	for _, i := range order {
		lo, hi := s.RowPtr[i], s.RowPtr[i+1]
		if agg[i] != -1 || lo == hi {
			continue
		}
		free := true
		for _, j := range s.ColIdx[lo:hi] {
			if agg[j] != -1 {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		agg[i] = next
		for _, j := range s.ColIdx[lo:hi] {
			agg[j] = next
		}
		next++
	}
	pass1 := next
	// Pass 2: a leftover node joins the pass-1 aggregate it is most
	// strongly connected to. The new members are marked (−2 − aggregate)
	// so that the pass does not chain through them.
	for i := range n {
		if agg[i] != -1 {
			continue
		}
		best, bestMu := int32(-1), -1.0
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			if g := agg[s.ColIdx[k]]; g >= 0 && g < pass1 && s.Val[k] > bestMu {
				best, bestMu = g, s.Val[k]
			}
		}
		if best >= 0 {
			agg[i] = -2 - best
		}
	}
	for i, g := range agg {
		if g <= -2 {
			agg[i] = -2 - g
		}
	}
	// Pass 3: what is left forms aggregates with its free neighbours.
	for _, i := range order {
		lo, hi := s.RowPtr[i], s.RowPtr[i+1]
		if agg[i] != -1 || lo == hi {
			continue
		}
		agg[i] = next
		for _, j := range s.ColIdx[lo:hi] {
			if agg[j] == -1 {
				agg[j] = next
			}
		}
		next++
	}
	return agg, int(next)
}

// aggregationOrder returns the Cuthill–McKee order (breadth first, new
// neighbours by increasing degree) of the graph s from a far node (the
// last one reached by a first such sweep), component by component: a
// numbering that sweeps the domain as a front from one side whatever the
// numbering of the unknowns. AMG renumbers scattered matrices by it,
// grows the finest aggregates of a renumbered matrix in that order of the
// strength graph, and numbers classical C-points by it. Two sweeps of
// O(nnz) each; a permutation for any pattern (a nonsymmetric one
// included).
func aggregationOrder(s *sparse.CSR) []int {
	n := s.Dim()
	order := make([]int, 0, n)
	mark := make([]int8, n) // 0 unvisited, 1 in the first sweep, 2 ordered
	var queue []int
	sweep := func(root int, m int8) int {
		queue = append(queue[:0], root)
		mark[root] = m
		last := root
		for h := 0; h < len(queue); h++ {
			v := queue[h]
			last = v
			if m == 2 {
				order = append(order, v)
			}
			start := len(queue)
			for _, j := range s.ColIdx[s.RowPtr[v]:s.RowPtr[v+1]] {
				if mark[j] < m {
					mark[j] = m
					queue = append(queue, int(j))
				}
			}
			// Cuthill–McKee: the new neighbours by increasing degree
			// (insertion sort; the lists are short).
			nb := queue[start:]
			for a := 1; a < len(nb); a++ {
				x := nb[a]
				dx := s.RowPtr[x+1] - s.RowPtr[x]
				b := a
				for ; b > 0 && s.RowPtr[nb[b-1]+1]-s.RowPtr[nb[b-1]] > dx; b-- {
					nb[b] = nb[b-1]
				}
				nb[b] = x
			}
		}
		return last
	}
	for i := range n {
		if mark[i] == 0 {
			sweep(sweep(i, 1), 2)
		}
	}
	// On a nonsymmetric graph the second sweep may not reach every node
	// the first one did: those start sweeps of their own.
	for i := range n {
		if mark[i] == 1 {
			sweep(i, 2)
		}
	}
	return order
}

// tentative returns the tentative prolongator T (n × nAgg·k) and the next
// level's near-null space: for each aggregate, the rows of the k vectors b
// on it are orthonormalised by modified Gram–Schmidt (a thin QR, B = Q·R),
// T holds Q and the coarse near-null space R. A column that is dependent
// on the previous ones within an aggregate (an aggregate with fewer nodes
// than vectors) is left zero.
func tentative(agg []int32, nAgg int, b [][]float64) (*sparse.CSR, [][]float64) {
	n, k := len(agg), len(b)
	// Members of each aggregate, by counting sort.
	start := make([]int, nAgg+1)
	for _, g := range agg {
		if g >= 0 {
			start[g+1]++
		}
	}
	for g := range nAgg {
		start[g+1] += start[g]
	}
	members := make([]int32, start[nAgg])
	fill := slices.Clone(start[:nAgg])
	for i, g := range agg {
		if g >= 0 {
			members[fill[g]] = int32(i)
			fill[g]++
		}
	}
	// q holds Q's entries by node: q[i*k+c].
	q := make([]float64, n*k)
	bc := make([][]float64, k)
	for c := range bc {
		bc[c] = make([]float64, nAgg*k)
	}
	for g := range nAgg {
		rows := members[start[g]:start[g+1]]
		for c := range k {
			for _, i := range rows {
				q[int(i)*k+c] = b[c][i]
			}
			var orig float64
			for _, i := range rows {
				orig += q[int(i)*k+c] * q[int(i)*k+c]
			}
			orig = math.Sqrt(orig)
			for c2 := range c {
				var r float64
				for _, i := range rows {
					r += q[int(i)*k+c2] * q[int(i)*k+c]
				}
				bc[c][g*k+c2] = r
				for _, i := range rows {
					q[int(i)*k+c] -= r * q[int(i)*k+c2]
				}
			}
			var nr float64
			for _, i := range rows {
				nr += q[int(i)*k+c] * q[int(i)*k+c]
			}
			nr = math.Sqrt(nr)
			if nr <= 1e-10*orig || nr == 0 {
				for _, i := range rows {
					q[int(i)*k+c] = 0
				}
				continue
			}
			bc[c][g*k+c] = nr
			for _, i := range rows {
				q[int(i)*k+c] /= nr
			}
		}
	}
	rp := make([]int, n+1)
	ci := make([]int32, 0, len(members)*k)
	val := make([]float64, 0, len(members)*k)
	for i, g := range agg {
		if g >= 0 {
			for c := range k {
				ci = append(ci, g*int32(k)+int32(c))
				val = append(val, q[i*k+c])
			}
		}
		rp[i+1] = len(ci)
	}
	t, err := sparse.NewCSR(n, nAgg*k, rp, ci, val)
	if err != nil {
		panic("linsolve: AMG tentative prolongator: " + err.Error())
	}
	return t, bc
}

// smoothProlongator returns P = T − ω·D⁻¹·(A·T), given at = A·T. With a
// non-nil dst (made by an earlier call on the same patterns) it rewrites
// dst's values and returns dst.
func smoothProlongator(dst, t, at *sparse.CSR, dinv []float64, omega float64) *sparse.CSR {
	n, nc := t.Dims()
	var rp []int
	var ci []int32
	var val []float64
	if dst == nil {
		rp = make([]int, n+1)
		ci = make([]int32, 0, at.NNZ())
		val = make([]float64, 0, at.NNZ())
	} else {
		val = dst.Val[:0]
	}
	for i := range n {
		w := omega * dinv[i]
		p, pe := t.RowPtr[i], t.RowPtr[i+1]
		q, qe := at.RowPtr[i], at.RowPtr[i+1]
		for p < pe || q < qe {
			var j int32
			var v float64
			switch {
			case q >= qe || (p < pe && t.ColIdx[p] < at.ColIdx[q]):
				j, v = t.ColIdx[p], t.Val[p]
				p++
			case p >= pe || at.ColIdx[q] < t.ColIdx[p]:
				j, v = at.ColIdx[q], -w*at.Val[q]
				q++
			default:
				j, v = t.ColIdx[p], t.Val[p]-w*at.Val[q]
				p++
				q++
			}
			if dst == nil {
				ci = append(ci, j)
			}
			val = append(val, v)
		}
		if dst == nil {
			rp[i+1] = len(ci)
		}
	}
	if dst != nil {
		return dst
	}
	p, err := sparse.NewCSR(n, nc, rp, ci, val)
	if err != nil {
		panic("linsolve: AMG prolongator: " + err.Error())
	}
	return p
}

// factorCoarse computes the dense inverse of the coarsest matrix: by
// Cholesky (symmetric) or LU, or, when the matrix is singular or its
// condition estimate exceeds 1e10, the pseudo-inverse with the eigen- or
// singular values below 1e-10 of the largest dropped.
func (m *AMG) factorCoarse() error {
	c := m.levels[len(m.levels)-1].a
	n := c.Dim()
	if n > maxDenseCoarse {
		f, kind, err := refactorCoarse(m.sc, c, m.symmetric)
		if err != nil {
			return fmt.Errorf("%w: AMG: the coarsest level (%d unknowns, too large to factor densely) could not be factored: %w", ErrCoarsening, n, err)
		}
		m.sc, m.cinv, m.cl, m.cu = f, nil, nil, nil
		if kind != "" {
			m.coarseKind = kind
		}
		return nil
	}
	m.sc, m.cl, m.cu = nil, nil, nil
	d := c.Dense()
	const condMax, cut = 1e10, 1e-10
	if m.symmetric {
		s := mat.NewSymDense(n, nil)
		for i := range n {
			for j := i; j < n; j++ {
				s.SetSym(i, j, (d[i*n+j]+d[j*n+i])/2)
			}
		}
		var ch mat.Cholesky
		if ch.Factorize(s) && ch.Cond() < condMax {
			// Two triangular solves per cycle cost what the product
			// with an inverse does, and forming the inverse tripled
			// the factorisation (6.2 ms of a 40 ms Update at 294
			// coarsest unknowns).
			var u mat.TriDense
			ch.UTo(&u)
			m.cl, m.cu = make([]float64, n*n), make([]float64, n*n)
			for i := range n {
				for j := i; j < n; j++ {
					v := u.At(i, j)
					m.cu[i*n+j], m.cl[j*n+i] = v, v
				}
			}
			m.cinv, m.coarseKind = nil, "dense Cholesky"
			return nil
		}
		inv := mat.NewDense(n, n, nil)
		var eig mat.EigenSym
		if !eig.Factorize(s, true) {
			return fmt.Errorf("%w: AMG: eigendecomposition of the coarsest matrix (%d×%d) failed", ErrPivot, n, n)
		}
		vals := eig.Values(nil)
		var vecs mat.Dense
		eig.VectorsTo(&vecs)
		big := 0.0
		for _, v := range vals {
			big = math.Max(big, math.Abs(v))
		}
		kept, neg := 0, 0
		for k, lam := range vals {
			if math.Abs(lam) <= cut*big {
				continue
			}
			kept++
			if lam < 0 {
				neg++
			}
			addRankOne(inv, &vecs, &vecs, k, 1/lam)
		}
		m.cinv = inv.RawMatrix().Data
		m.coarseKind = fmt.Sprintf("dense pseudo-inverse (eigendecomposition, rank %d of %d)", kept, n)
		if neg > 0 {
			m.warnings = append(m.warnings, fmt.Sprintf("the coarsest matrix has %d negative eigenvalues: A is not positive definite, and the preconditioner is not either", neg))
		}
		return nil
	}
	inv := mat.NewDense(n, n, nil)
	g := mat.NewDense(n, n, d)
	var lu mat.LU
	lu.Factorize(g)
	if lu.Cond() < condMax {
		if err := inv.Inverse(g); err == nil {
			m.cinv, m.coarseKind = inv.RawMatrix().Data, "dense LU"
			return nil
		}
	}
	var svd mat.SVD
	if !svd.Factorize(g, mat.SVDThin) {
		return fmt.Errorf("%w: AMG: singular value decomposition of the coarsest matrix (%d×%d) failed", ErrPivot, n, n)
	}
	sv := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	kept := 0
	for k, sig := range sv {
		if sig <= cut*sv[0] {
			continue
		}
		kept++
		// A⁺ = V·Σ⁺·Uᵀ.
		addRankOne(inv, &v, &u, k, 1/sig)
	}
	m.cinv = inv.RawMatrix().Data
	m.coarseKind = fmt.Sprintf("dense pseudo-inverse (SVD, rank %d of %d)", kept, n)
	return nil
}

// addRankOne adds s·x_k·y_kᵀ to inv, x_k and y_k the k-th columns of x
// and y.
func addRankOne(inv, x, y *mat.Dense, k int, s float64) {
	n, _ := inv.Dims()
	for i := range n {
		xi := x.At(i, k) * s
		if xi == 0 {
			continue
		}
		row := inv.RawRowView(i)
		for j := range n {
			row[j] += xi * y.At(j, k)
		}
	}
}

// Update rebuilds the numeric part of the hierarchy for a, a matrix with
// the sparsity pattern of the one the AMG was built from (a new member of
// a Darcy family, say): the aggregates, the tentative prolongator and the
// patterns of every product are kept, and only the diagonal, the
// eigenvalue estimates, P's values, the Galerkin products (sparse.MulTo)
// and the coarsest inverse are recomputed. The symmetry found at
// construction is assumed. It returns an error wrapping ErrDimension if the
// pattern differs, and the errors of NewAMG for bad values; the hierarchy
// is then unusable until a successful Update. Update must not run
// concurrently with Apply. A classical hierarchy (AMGClassical) keeps its
// strength graphs and C/F splittings and recomputes the interpolation
// weights.
func (m *AMG) Update(a *sparse.CSR) error {
	const name = "AMG"
	if err := checkSquare(name, a); err != nil {
		return err
	}
	old := m.a0
	if a != old && (!slices.Equal(a.RowPtr, old.RowPtr) || !slices.Equal(a.ColIdx, old.ColIdx)) {
		return fmt.Errorf("%w: AMG.Update needs the sparsity pattern the hierarchy was built for", ErrDimension)
	}
	for i, k := range m.levels[0].dpos {
		if m.perm != nil {
			// Row i and entry k of the permuted matrix, in A's terms.
			i = m.perm[i]
			if k >= 0 {
				k = m.vmap[k]
			}
		}
		if k < 0 || !(a.Val[k] > 0) {
			v := 0.0
			if k >= 0 {
				v = a.Val[k]
			}
			return fmt.Errorf("%w: AMG needs a positive diagonal, A[%d, %d] = %v", ErrZeroDiagonal, i, i, v)
		}
	}
	m.a0 = a
	if m.perm != nil {
		// The permuted matrix is the hierarchy's own: refill its values.
		pa := m.levels[0].a
		for q, src := range m.vmap {
			pa.Val[q] = a.Val[src]
		}
		a = pa
	}
	m.levels[0].a = a
	m.warnings = slices.DeleteFunc(m.warnings, func(w string) bool { return strings.Contains(w, "negative eigenvalues") })
	// Every pattern is the one built (the diagonal positions, Pᵀ and
	// the products' patterns are reused), and the power iterations'
	// products run on two goroutines.
	var k kernels
	for l := range m.levels {
		lv := &m.levels[l]
		lv.refreshDiag()
		lv.lmax = 0
		if l == len(m.levels)-1 {
			break
		}
		lv.estimate(&k)
		if lv.state != nil {
			// Classical: new weights on the kept splitting; the pattern
			// is the one built.
			switch {
			case lv.two != nil:
				lv.two.interpolation(lv.p, lv.a, lv.cs, lv.state, lv.cidx, lv.aggs)
			case lv.mp != nil:
				lv.mp.fill(lv.p, lv.a, lv.cs, lv.state, lv.cidx)
			default:
				classicalWeights(lv.p, lv.a, lv.cs, lv.state, lv.cidx)
			}
		} else {
			lv.smoothP(lv.t, &k)
		}
		lv.p.TTo(lv.r)
		sparse.MulTo(lv.ap, lv.a, lv.p)
		sparse.MulTo(m.levels[l+1].a, lv.r, lv.ap)
	}
	return m.factorCoarse()
}

// amgWork holds one V-cycle's vectors, per level: x and b (level 0 uses
// the caller's), the residual and the Chebyshev direction.
type amgWork struct {
	x, b, res, d [][]float64
	k            kernels
}

// scattered reports whether a's entries lie far from the diagonal on
// average: mean |i − j| above n/16. Natural grid numberings stay far below
// (5-point 1024²: 512 against 65 536; 7-point 100³: 3 367 against 62 500)
// and a random numbering far above (about n/3).
func scattered(a *sparse.CSR) bool {
	n := a.Dim()
	if n < 1024 || a.NNZ() == 0 {
		return false
	}
	var s float64
	for i := range n {
		for _, j := range a.ColIdx[a.RowPtr[i]:a.RowPtr[i+1]] {
			s += math.Abs(float64(i - int(j)))
		}
	}
	return s/float64(a.NNZ()) > float64(n)/16
}

// permuteMapped returns P·A·Pᵀ for the numbering perm (perm[k] the row
// and column of a placed k-th) and, for each of its entries, the position
// of the same entry in a.Val.
func permuteMapped(a *sparse.CSR, perm []int) (*sparse.CSR, []int) {
	n := a.Dim()
	pinv := make([]int32, n)
	for k, r := range perm {
		pinv[r] = int32(k)
	}
	rp := make([]int, n+1)
	for k, r := range perm {
		rp[k+1] = rp[k] + a.RowPtr[r+1] - a.RowPtr[r]
	}
	ci := make([]int32, rp[n])
	val := make([]float64, rp[n])
	vmap := make([]int, rp[n])
	fill := func(lo, hi int) {
		for k := lo; k < hi; k++ {
			r, q0 := perm[k], rp[k]
			for q, src := q0, a.RowPtr[r]; src < a.RowPtr[r+1]; q, src = q+1, src+1 {
				// Insertion by the new column: rows are short.
				c := pinv[a.ColIdx[src]]
				h := q
				for ; h > q0 && ci[h-1] > c; h-- {
					ci[h], vmap[h] = ci[h-1], vmap[h-1]
				}
				ci[h], vmap[h] = c, src
			}
			for q := q0; q < rp[k+1]; q++ {
				val[q] = a.Val[vmap[q]]
			}
		}
	}
	splitRows(n, fill)
	p, err := sparse.NewCSR(n, n, rp, ci, val)
	if err != nil {
		panic("linsolve: AMG renumbering: " + err.Error())
	}
	return p, vmap
}

func (m *AMG) newWork() *amgWork {
	nl := len(m.levels)
	w := &amgWork{x: make([][]float64, nl), b: make([][]float64, nl), res: make([][]float64, nl), d: make([][]float64, nl)}
	for l, lv := range m.levels {
		n := lv.a.Dim()
		if l > 0 || m.perm != nil {
			w.x[l], w.b[l] = make([]float64, n), make([]float64, n)
		}
		w.res[l] = make([]float64, n)
		if m.smoother == AMGChebyshev {
			w.d[l] = make([]float64, n)
		}
	}
	return w
}

// Apply sets dst = M⁻¹·r: one V-cycle for A·x = r from x = 0.
func (m *AMG) Apply(dst, r []float64) {
	w := m.pool.get()
	if m.perm == nil {
		m.cycle(w, 0, dst, r)
	} else {
		x, b := w.x[0], w.b[0]
		for k, i := range m.perm {
			b[k] = r[i]
		}
		m.cycle(w, 0, x, b)
		for k, i := range m.perm {
			dst[i] = x[k]
		}
	}
	m.pool.put(w)
}

// cycle sets x to one V-cycle's approximation of A_l⁻¹·b.
func (m *AMG) cycle(w *amgWork, l int, x, b []float64) {
	lv := &m.levels[l]
	if l == len(m.levels)-1 {
		m.coarseSolve(x, b, w.res[l])
		return
	}
	m.smooth(w, l, x, b, true, false)
	res := w.res[l]
	w.k.mulVec(lv.a, res, x)
	for i, v := range res {
		res[i] = b[i] - v
	}
	xc, bc := w.x[l+1], w.b[l+1]
	w.k.mulVec(lv.r, bc, res)
	m.cycle(w, l+1, xc, bc)
	w.k.addMulVec(lv.p, x, xc)
	m.smooth(w, l, x, b, false, true)
}

// coarseSolve sets x = C⁻¹·b with the dense (pseudo-)inverse or the
// sparse factors (y is scratch of x's length).
func (m *AMG) coarseSolve(x, b, y []float64) {
	if m.sc != nil {
		m.sc.ApplyWith(x, b, y)
		return
	}
	n := len(x)
	if m.cu != nil {
		// L·y = b, then U·x = y, in place in x.
		for i := range n {
			row := m.cl[i*n : i*n+i]
			s := b[i]
			for k, v := range row {
				s -= v * x[k]
			}
			x[i] = s / m.cl[i*n+i]
		}
		for i := n - 1; i >= 0; i-- {
			row := m.cu[i*n+i+1 : (i+1)*n]
			s := x[i]
			for k, v := range row {
				s -= v * x[i+1+k]
			}
			x[i] = s / m.cu[i*n+i]
		}
		return
	}
	for i := range n {
		row := m.cinv[i*n : (i+1)*n]
		var s float64
		for j, v := range row {
			s += v * b[j]
		}
		x[i] = s
	}
}

// smooth relaxes A_l·x = b; zero says x is to be taken as zero on entry
// (and is overwritten), backward selects the adjoint Gauss–Seidel sweep.
func (m *AMG) smooth(w *amgWork, l int, x, b []float64, zero, backward bool) {
	lv := &m.levels[l]
	switch m.smoother {
	case AMGChebyshev:
		m.chebyshev(w, l, x, b, zero)
	case AMGJacobi:
		om := 4 / (3 * lv.lmax)
		res := w.res[l]
		for s := range m.sweeps {
			if zero && s == 0 {
				for i, v := range b {
					x[i] = om * lv.dinv[i] * v
				}
				continue
			}
			w.k.mulVec(lv.a, res, x)
			for i, v := range res {
				x[i] += om * lv.dinv[i] * (b[i] - v)
			}
		}
	case AMGGaussSeidel:
		if zero {
			clear(x)
		}
		for range m.sweeps {
			gaussSeidelSweep(lv, x, b, backward)
		}
	}
}

// gaussSeidelSweep is one Gauss–Seidel sweep, forward or backward, in row
// order; rows with a zero diagonal are skipped.
func gaussSeidelSweep(lv *amgLevel, x, b []float64, backward bool) {
	a := lv.a
	rp, ci, val := a.RowPtr, a.ColIdx, a.Val
	n := len(x)
	for t := range n {
		i := t
		if backward {
			i = n - 1 - t
		}
		di := lv.dinv[i]
		if di == 0 {
			continue
		}
		s := b[i]
		for k := rp[i]; k < rp[i+1]; k++ {
			s -= val[k] * x[ci[k]]
		}
		x[i] += s * di
	}
}

// chebyshev applies the degree-m.sweeps Chebyshev iteration for D⁻¹A on
// [λ/10, λ] (Saad 2003, Alg. 12.1), from x = 0 when zero.
func (m *AMG) chebyshev(w *amgWork, l int, x, b []float64, zero bool) {
	lv := &m.levels[l]
	beta := lv.lmax
	alpha := beta / 10
	theta, delta := (beta+alpha)/2, (beta-alpha)/2
	sigma := theta / delta
	rho := 1 / sigma
	r, d := w.res[l], w.d[l]
	dinv := lv.dinv
	if zero {
		for i, v := range b {
			d[i] = dinv[i] * v / theta
		}
		copy(x, d)
	} else {
		w.k.mulVec(lv.a, r, x)
		for i, v := range r {
			d[i] = dinv[i] * (b[i] - v) / theta
		}
		axpy(x, 1, d)
	}
	for step := 2; step <= m.sweeps; step++ {
		w.k.mulVec(lv.a, r, x)
		rhoNew := 1 / (2*sigma - rho)
		c1, c2 := rhoNew*rho, 2*rhoNew/delta
		for i, v := range r {
			di := c1*d[i] + c2*dinv[i]*(b[i]-v)
			d[i] = di
			x[i] += di
		}
		rho = rhoNew
	}
}

// Levels returns the number of levels.
func (m *AMG) Levels() int { return len(m.levels) }

// LevelSize returns the unknowns and stored entries of level l.
func (m *AMG) LevelSize(l int) (n, nnz int) { return m.levels[l].a.Dim(), m.levels[l].a.NNZ() }

// OperatorComplexity returns Σ nnz(A_l) / nnz(A_0).
func (m *AMG) OperatorComplexity() float64 {
	var s float64
	for _, lv := range m.levels {
		s += float64(lv.a.NNZ())
	}
	return s / float64(m.levels[0].a.NNZ())
}

// GridComplexity returns Σ n_l / n_0.
func (m *AMG) GridComplexity() float64 {
	var s float64
	for _, lv := range m.levels {
		s += float64(lv.a.Dim())
	}
	return s / float64(m.levels[0].a.Dim())
}

// Smoother returns the smoother in use (AMGAuto resolved).
func (m *AMG) Smoother() AMGSmoother { return m.smoother }

// Symmetric reports whether the matrix was found symmetric.
func (m *AMG) Symmetric() bool { return m.symmetric }

// Warnings returns what the setup fell back on (a stalled coarsening
// that made a level the coarsest, a level limit, an indefinite coarsest
// matrix) and, for smoothed aggregation of a scalar problem, a hint when
// positive off-diagonal entries carry more than a twentieth of the
// off-diagonal mass (bilinear elements with anisotropy rotated by π/6:
// 14%, and 80–140 CG iterations against classical coarsening's 13).
func (m *AMG) Warnings() []string { return slices.Clone(m.warnings) }

// String prints the hierarchy: settings, complexities, the coarsest
// solver, and rows and nonzeros per level.
func (m *AMG) String() string {
	var sb strings.Builder
	sym := "nonsymmetric"
	if m.symmetric {
		sym = "symmetric"
	}
	filter := ""
	switch {
	case m.set.Filter:
		filter = ", filtered prolongator smoothing"
	case m.autoFiltered > 0:
		filter = fmt.Sprintf(", filtered prolongator smoothing on %d level(s) whose coarse operator would fill in", m.autoFiltered)
	}
	if m.set.Coarsening == AMGClassical {
		aggressive := ""
		if k := m.aggressiveLevels; k > 0 {
			aggressive = fmt.Sprintf(", aggressive coarsening on %d level(s)", k)
		} else if m.set.Aggressive > 0 {
			aggressive = ", no level coarsened aggressively (the first splitting kept too few points)"
		}
		fmt.Fprintf(&sb, "AMG (classical Ruge–Stüben), %s matrix, θ = %g, %s smoother (%d)%s\n",
			sym, m.set.Theta, m.smoother, m.sweeps, aggressive)
	} else {
		strength := fmt.Sprintf("θ = %g", m.set.Theta)
		switch m.set.Strength {
		case AMGAutoStrength:
			if m.coarseEvolution {
				strength = fmt.Sprintf("θ = %g on level 0, evolution strength below (neighbouring diagonal entries differ up to %.4g×)", m.set.Theta, m.contrast)
			}
		case AMGEvolutionStrength:
			strength = "evolution strength"
		}
		fmt.Fprintf(&sb, "AMG (smoothed aggregation), %s matrix, %s, %s smoother (%d), near-null space %d vector(s)%s\n",
			sym, strength, m.smoother, m.sweeps, max(1, len(m.set.NearNullSpace)), filter)
	}
	if m.auto != "" {
		fmt.Fprintf(&sb, "%s\n", m.auto)
	}
	fmt.Fprintf(&sb, "levels %d, operator complexity %.3f, grid complexity %.3f\n", len(m.levels), m.OperatorComplexity(), m.GridComplexity())
	if m.perm != nil {
		fmt.Fprintf(&sb, "renumbered by Cuthill–McKee (A's numbering is scattered; KeepNumbering keeps it)\n")
	}
	fmt.Fprintf(&sb, "coarsest solve: %s\n", m.coarseKind)
	fmt.Fprintf(&sb, "%5s %10s %12s %8s\n", "level", "rows", "nonzeros", "nnz/row")
	for l, lv := range m.levels {
		n, nnz := lv.a.Dim(), lv.a.NNZ()
		fmt.Fprintf(&sb, "%5d %10d %12d %8.1f\n", l, n, nnz, float64(nnz)/float64(max(n, 1)))
	}
	for _, w := range m.warnings {
		fmt.Fprintf(&sb, "warning: %s\n", w)
	}
	return sb.String()
}
