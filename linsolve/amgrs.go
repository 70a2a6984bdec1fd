package linsolve

import (
	"fmt"
	"slices"

	"github.com/pdekit/pdekit/sparse"
)

// AMGCoarsening selects how an AMG hierarchy builds its coarse levels.
type AMGCoarsening int

const (
	// AMGAutoCoarsening, the default, is smoothed aggregation, except on
	// a symmetric scalar matrix whose positive off-diagonal entries
	// carry more than classicalPositiveMass (8%) of the off-diagonal
	// mass — rotated or grid-aligned anisotropy on bilinear elements,
	// distorted meshes —, where aggregation's prolongator, smoothed with
	// those entries, needs many iterations and classical coarsening
	// (which treats positive couplings as weak) does not; it then uses
	// θ = 0.3 unless Theta is set (see autoClassicalTheta) and coarsens
	// two levels aggressively (autoAggressive). On the rotated Q1
	// anisotropy of experiments/amg (π/6, ε = 10⁻³: 14% positive) CG
	// needs 14 iterations at every size from 256² to 1448², operator
	// complexity 1.47–1.49, against 80, 102, 126, 140 with aggregation; at
	// 256², π/4 (9.9%) 13 against 57, grid-aligned (25%) 19 against 153.
	// Below the threshold aggregation is as good or better: the
	// fourth-order 13-point Laplacian (5.9%) 14 iterations at 1024²,
	// operator complexity 1.52 (classical 9, 2.86); rotated anisotropy of
	// ε = 0.1 (5.1–6.3%) 15 at 256². A NearNullSpace, a Filter or a
	// Strength other than AMGAutoStrength asks for aggregation, and a
	// nonsymmetric matrix keeps it (with the summary's warning). The
	// summary says which was chosen and why.
	AMGAutoCoarsening AMGCoarsening = iota
	// AMGAggregation is smoothed aggregation (Vaněk, Mandel, Brezina
	// 1996): aggregates of the strength graph, a tentative prolongator
	// from the near-null space, one Jacobi smoothing step.
	AMGAggregation
	// AMGClassical is classical (Ruge–Stüben) AMG: a C/F splitting of the
	// strength graph (the two passes of Ruge and Stüben 1987) and
	// interpolation from the strongly connected C-points, the strong
	// F-neighbours' couplings distributed over them (Stüben 2001,
	// "standard" interpolation in its modified form: only couplings of the
	// sign opposite to the diagonal are distributed). Its strength is the
	// signed classical one: j is a strong neighbour of i when −a_ij is at
	// least θ times the row's largest −a_ik, so positive couplings are
	// weak and lumped into the diagonal. It is the more robust choice on
	// rotated or strongly varying anisotropy, at a higher operator
	// complexity (2.2–2.5 in 2D) unless levels are coarsened aggressively
	// (AMGSettings.Aggressive: 1.5–1.7). It ignores NearNullSpace (the
	// interpolation reproduces the constant for rows that sum to zero).
	AMGClassical
)

// String returns the coarsening's name as the -amg-coarsening flags spell
// it.
func (c AMGCoarsening) String() string {
	switch c {
	case AMGAggregation:
		return "aggregation"
	case AMGClassical:
		return "classical"
	}
	return "auto"
}

// ParseAMGCoarsening returns the coarsening named by s ("auto",
// "aggregation", "sa", "classical" or "rs").
func ParseAMGCoarsening(s string) (AMGCoarsening, error) {
	switch s {
	case "auto":
		return AMGAutoCoarsening, nil
	case "aggregation", "sa":
		return AMGAggregation, nil
	case "classical", "rs":
		return AMGClassical, nil
	}
	return 0, fmt.Errorf("linsolve: unknown AMG coarsening %q (want auto, aggregation or classical)", s)
}

// DefaultAMGClassicalTheta is the strength threshold of classical
// coarsening (Ruge–Stüben's and hypre BoomerAMG's 2D default).
const DefaultAMGClassicalTheta = 0.25

// classicalStrength returns the strong dependencies of a: S_i holds the
// j ≠ i with −a_ij ≥ θ·max_{k≠i}(−a_ik) (a positive diagonal assumed).
// A row without negative off-diagonal entries has no strong dependency.
// The values are 1.
func classicalStrength(a *sparse.CSR, theta float64) *sparse.CSR {
	n := a.Dim()
	rp := make([]int, n+1)
	ci := make([]int32, 0, a.NNZ())
	for i := range n {
		big := 0.0
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			if int(a.ColIdx[k]) != i {
				big = max(big, -a.Val[k])
			}
		}
		if big > 0 {
			for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
				if j := a.ColIdx[k]; int(j) != i && -a.Val[k] >= theta*big {
					ci = append(ci, j)
				}
			}
		}
		rp[i+1] = len(ci)
	}
	val := make([]float64, len(ci))
	for k := range val {
		val[k] = 1
	}
	s, err := sparse.NewCSR(n, n, rp, ci, val)
	if err != nil {
		panic("linsolve: AMG classical strength: " + err.Error())
	}
	return s
}

// Point states of the C/F splitting.
const (
	undecided int8 = iota
	cPoint
	fPoint
)

// buckets is a priority queue of the undecided points by measure: one
// doubly linked list per measure value, so that a point moves between
// values in O(1) and the largest is found by scanning down from top.
type buckets struct {
	head, next, prev []int32
	val              []int32
	top              int
}

func newBuckets(n, maxVal int) *buckets {
	b := &buckets{head: make([]int32, maxVal+1), next: make([]int32, n), prev: make([]int32, n), val: make([]int32, n)}
	for i := range b.head {
		b.head[i] = -1
	}
	return b
}

func (b *buckets) insert(i int, v int32) {
	b.val[i] = v
	b.prev[i] = -1
	b.next[i] = b.head[v]
	if h := b.head[v]; h >= 0 {
		b.prev[h] = int32(i)
	}
	b.head[v] = int32(i)
	b.top = max(b.top, int(v))
}

func (b *buckets) remove(i int) {
	if p := b.prev[i]; p >= 0 {
		b.next[p] = b.next[i]
	} else {
		b.head[b.val[i]] = b.next[i]
	}
	if nx := b.next[i]; nx >= 0 {
		b.prev[nx] = b.prev[i]
	}
}

// pop removes and returns a point of the largest measure, −1 when empty.
func (b *buckets) pop() int {
	for b.top >= 0 && b.head[b.top] < 0 {
		b.top--
	}
	if b.top < 0 {
		return -1
	}
	i := int(b.head[b.top])
	b.remove(i)
	return i
}

// rsSplit returns the C/F splitting of the strength graph s (st = sᵀ) by
// Ruge and Stüben's two passes. First pass: the undecided point
// influencing the most undecided and F-points (measure λ_i = |S_iᵀ ∩ U| +
// 2|S_iᵀ ∩ F|) becomes C, the points depending on it strongly become F.
// Points with no strong connection either way are F (left to the
// smoother). Second pass: an F-point i with a strong F-neighbour j that
// shares no C-point with i's strong C-points gets j made C; at the second
// such j in the same row, i itself becomes C instead. Afterwards every
// strong F–F pair has a common strong C-point, which the interpolation
// needs.
func rsSplit(s, st *sparse.CSR) []int8 {
	n := s.Dim()
	state := make([]int8, n)
	maxVal := 0
	for i := range n {
		maxVal = max(maxVal, 2*(st.RowPtr[i+1]-st.RowPtr[i]))
	}
	q := newBuckets(n, maxVal)
	for i := n - 1; i >= 0; i-- {
		ns, nt := s.RowPtr[i+1]-s.RowPtr[i], st.RowPtr[i+1]-st.RowPtr[i]
		if ns == 0 && nt == 0 {
			state[i] = fPoint
			continue
		}
		q.insert(i, int32(nt))
	}
	for {
		i := q.pop()
		if i < 0 {
			break
		}
		if q.val[i] == 0 && s.RowPtr[i+1] == s.RowPtr[i] {
			// Nothing depends on i and i depends on nothing.
			state[i] = fPoint
			continue
		}
		state[i] = cPoint
		for k := st.RowPtr[i]; k < st.RowPtr[i+1]; k++ {
			j := int(st.ColIdx[k])
			if state[j] != undecided {
				continue
			}
			state[j] = fPoint
			q.remove(j)
			for kk := s.RowPtr[j]; kk < s.RowPtr[j+1]; kk++ {
				if h := int(s.ColIdx[kk]); state[h] == undecided {
					q.remove(h)
					q.insert(h, min(q.val[h]+1, int32(maxVal)))
				}
			}
		}
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			if j := int(s.ColIdx[k]); state[j] == undecided && q.val[j] > 0 {
				q.remove(j)
				q.insert(j, q.val[j]-1)
			}
		}
	}
	// Second pass.
	mark := make([]int32, n)
	for i := range mark {
		mark[i] = -1
	}
	for i := range n {
		if state[i] != fPoint {
			continue
		}
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			if j := s.ColIdx[k]; state[j] == cPoint {
				mark[j] = int32(i)
			}
		}
		tentative := -1
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			j := int(s.ColIdx[k])
			if state[j] != fPoint {
				continue
			}
			shared := false
			for kk := s.RowPtr[j]; kk < s.RowPtr[j+1]; kk++ {
				if mark[s.ColIdx[kk]] == int32(i) {
					shared = true
					break
				}
			}
			if shared {
				continue
			}
			if tentative >= 0 {
				state[i] = cPoint
				tentative = -1
				break
			}
			tentative = j
			mark[j] = int32(i)
		}
		if tentative >= 0 {
			state[tentative] = cPoint
		}
	}
	return state
}

// coarseNumbering numbers the C-points of state in Cuthill–McKee order of
// the strength graph s (−1 for F-points), so that the coarse operators
// keep a narrow band whatever the numbering of a (a randomly renumbered
// matrix otherwise passes its scattered numbering down to every level),
// and returns the numbers and their count.
func coarseNumbering(s *sparse.CSR, state []int8) ([]int32, int) {
	cidx := make([]int32, s.Dim())
	for i := range cidx {
		cidx[i] = -1
	}
	nc := 0
	for _, i := range aggregationOrder(s) {
		if state[i] == cPoint {
			cidx[i] = int32(nc)
			nc++
		}
	}
	return cidx, nc
}

// classicalInterpolation returns the prolongator of the splitting state,
// C-point i being coarse unknown cidx[i] of nc, for a with strong
// dependencies s. A C-row is the unit row of its coarse unknown. For an
// F-point i with strong C-neighbours C_i, strong F-neighbours F_i and the
// other (weak) entries W_i,
//
//	w_ij = −(a_ij + Σ_{k∈F_i} a_ik·ā_kj / Σ_{m∈C_i} ā_km) / (a_ii + Σ_{n∈W_i} a_in),
//
// ā_kj = a_kj where its sign is opposite to a_kk's, else 0; a strong
// F-neighbour with no such coupling to C_i is lumped into the diagonal, as
// is every weak entry. Rows that sum to zero interpolate the constant
// exactly. The pattern depends on s and state alone (a weight that
// cancels to zero is kept), so AMG.Update can refill P for new values.
func classicalInterpolation(a, s *sparse.CSR, state []int8, cidx []int32, nc int) *sparse.CSR {
	// An F-row's pattern: its strong C-neighbours.
	p := prolongatorPattern(state, cidx, nc, func(ci []int32, i int) []int32 {
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			if j := s.ColIdx[k]; state[j] == cPoint {
				ci = append(ci, cidx[j])
			}
		}
		return ci
	})
	classicalWeights(p, a, s, state, cidx)
	return p
}

// prolongatorPattern returns a prolongator pattern of the splitting
// state with zero values: a C-point's row is its coarse unknown cidx[i]
// of nc, an F-point's the coarse unknowns fRow appends to ci for it,
// sorted.
func prolongatorPattern(state []int8, cidx []int32, nc int, fRow func(ci []int32, i int) []int32) *sparse.CSR {
	n := len(state)
	rp := make([]int, n+1)
	ci := make([]int32, 0, n)
	for i := range n {
		if state[i] == cPoint {
			ci = append(ci, cidx[i])
		} else {
			ci = fRow(ci, i)
			slices.Sort(ci[rp[i]:])
		}
		rp[i+1] = len(ci)
	}
	p, err := sparse.NewCSR(n, nc, rp, ci, make([]float64, len(ci)))
	if err != nil {
		panic("linsolve: AMG interpolation pattern: " + err.Error())
	}
	return p
}

// classicalWeights fills in the weights of the classical prolongator p
// (its pattern built by classicalInterpolation) for the matrix a; AMG.Update
// calls it alone.
func classicalWeights(p, a, s *sparse.CSR, state []int8, cidx []int32) {
	n := a.Dim()
	_, nc := p.Dims()
	diag := a.DiagTo(nil)
	// inC[j] = i marks j as a strong C-neighbour of row i, inF[j] = i as a
	// strong F-neighbour; num[j] accumulates the numerator; pos[c] is the
	// position of coarse unknown c in row i of p.
	inC := make([]int32, n)
	inF := make([]int32, n)
	for i := range n {
		inC[i], inF[i] = -1, -1
	}
	num := make([]float64, n)
	pos := make([]int32, nc)
	var hits []int
	for i := range n {
		if state[i] == cPoint {
			p.Val[p.RowPtr[i]] = 1
			continue
		}
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			j := s.ColIdx[k]
			if state[j] == cPoint {
				inC[j] = int32(i)
				num[j] = 0
			} else {
				inF[j] = int32(i)
			}
		}
		d := diag[i]
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			j := a.ColIdx[k]
			v := a.Val[k]
			switch {
			case int(j) == i:
			case inC[j] == int32(i):
				num[j] += v
			case inF[j] == int32(i):
				// Distribute a_ij over C_i by j's couplings to it.
				// One pass over row j collects its couplings to C_i.
				sign := diag[j] > 0
				var sum float64
				hits = hits[:0]
				for kk := a.RowPtr[j]; kk < a.RowPtr[j+1]; kk++ {
					if m := a.ColIdx[kk]; inC[m] == int32(i) && (a.Val[kk] < 0) == sign {
						sum += a.Val[kk]
						hits = append(hits, kk)
					}
				}
				if sum == 0 {
					d += v
					continue
				}
				f := v / sum
				for _, kk := range hits {
					num[a.ColIdx[kk]] += f * a.Val[kk]
				}
			default:
				d += v
			}
		}
		if d == 0 || (d > 0) != (diag[i] > 0) {
			// The weak entries outweigh the diagonal: interpolate with
			// the diagonal alone.
			d = diag[i]
		}
		for q := p.RowPtr[i]; q < p.RowPtr[i+1]; q++ {
			pos[p.ColIdx[q]] = int32(q)
		}
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			if j := s.ColIdx[k]; state[j] == cPoint {
				p.Val[pos[cidx[j]]] = -num[j] / d
			}
		}
	}
}
