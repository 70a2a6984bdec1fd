package ot

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrInfeasible reports a transport problem with no feasible plan: every
// plan would use a forbidden (+Inf cost) route.
var ErrInfeasible = errors.New("ot: no feasible plan (the allowed routes cannot carry the masses)")

// ErrSettings reports a settings field out of range (EMDSettings,
// BarycenterSettings).
var ErrSettings = errors.New("ot: invalid settings")

// ErrEMDIterations reports a network simplex that reached its pivot limit.
var ErrEMDIterations = errors.New("ot: network simplex pivot limit reached")

// EMDSettings controls EMD. A nil pointer, and every zero field, means the
// documented default.
type EMDSettings struct {
	// MaxPivots bounds the simplex pivots; zero means 100·(n+m)·
	// max(n, m) + 10⁶ (the method needs far fewer in practice).
	MaxPivots int
	// MassTol is the relative difference of Σa and Σb accepted; zero
	// means 1e-9. Larger differences are an ErrHistogram error, not a
	// silent renormalisation.
	MassTol float64
}

// EMDResult is an exact optimal transport plan and its certificate.
type EMDResult struct {
	// Cost is Σ_ij C_ij·P_ij at the optimum.
	Cost float64
	// Rows, Cols and Mass list the plan's nonzero entries P[Rows[k],
	// Cols[k]] = Mass[k]: at most n + m − 1 of them (a basic solution).
	Rows, Cols []int
	Mass       []float64
	// U and V are optimal dual potentials: C_ij ≥ U_i + V_j for every
	// allowed route, with equality where the plan is positive, and
	// Σ a_i·U_i + Σ b_j·V_j = Cost.
	U, V []float64
	// Pivots counts the simplex pivots.
	Pivots  int
	Runtime time.Duration
}

// Plan returns the plan as a dense n×m row-major slice.
func (r *EMDResult) Plan() []float64 {
	n, m := len(r.U), len(r.V)
	p := make([]float64, n*m)
	for k, i := range r.Rows {
		p[i*m+r.Cols[k]] += r.Mass[k]
	}
	return p
}

// EMD solves the exact optimal transport problem
//
//	min Σ_ij C_ij·P_ij  subject to  P·1 = a, Pᵀ·1 = b, P ≥ 0
//
// for histograms a (n) and b (m) of equal mass and an n×m cost (row-major)
// by the primal network simplex on the bipartite transport graph
// (Ahuja, Magnanti and Orlin, Network Flows, 1993, ch. 11; Bonneel, van de
// Panne, Paris and Heidrich, "Displacement interpolation using Lagrangian
// mass transport", 2011, whose LEMON-based code POT's emd wraps): a
// spanning tree with an artificial root, potentials updated on the moved
// subtree only, block-search pricing (blocks of about √(nm) arcs, the most
// negative reduced cost of a block enters) and Cunningham's strongly
// feasible rule for the leaving arc, which rules out cycling on degenerate
// pivots. A +Inf cost forbids the route; weights may be zero. Errors:
// ErrHistogram (negative, NaN or infinite weights, empty histograms,
// masses that differ by more than MassTol), ErrCost (a NaN or −Inf cost,
// a wrong length), ErrInfeasible, ErrEMDIterations.
func EMD(a, b, cost []float64, s *EMDSettings) (*EMDResult, error) {
	start := time.Now()
	var set EMDSettings
	if s != nil {
		set = *s
	}
	if set.MaxPivots < 0 || set.MassTol < 0 || math.IsNaN(set.MassTol) {
		return nil, fmt.Errorf("%w: EMDSettings %+v", ErrSettings, set)
	}
	if set.MassTol == 0 {
		set.MassTol = 1e-9
	}
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return nil, fmt.Errorf("%w: empty histogram (n = %d, m = %d)", ErrHistogram, n, m)
	}
	if len(cost) != n*m {
		return nil, fmt.Errorf("%w: %d entries for a %d×%d cost", ErrCost, len(cost), n, m)
	}
	sa, err := checkHist("a", a)
	if err != nil {
		return nil, err
	}
	sb, err := checkHist("b", b)
	if err != nil {
		return nil, err
	}
	if math.Abs(sa-sb) > set.MassTol*math.Max(sa, sb) {
		return nil, fmt.Errorf("%w: Σa = %.17g and Σb = %.17g differ by more than %g relative (normalise them first)", ErrHistogram, sa, sb, set.MassTol)
	}
	var cmax float64
	for k, c := range cost {
		switch {
		case math.IsNaN(c) || math.IsInf(c, -1):
			return nil, fmt.Errorf("%w: C[%d, %d] = %v", ErrCost, k/m, k%m, c)
		case !math.IsInf(c, 1):
			cmax = math.Max(cmax, math.Abs(c))
		}
	}
	if set.MaxPivots == 0 {
		set.MaxPivots = 100*(n+m)*max(n, m) + 1_000_000
	}
	ns := newSimplex(a, b, cost, n, m, cmax)
	if err := ns.run(set.MaxPivots); err != nil {
		return nil, err
	}
	res, err := ns.result(sa)
	if err != nil {
		return nil, err
	}
	res.Runtime = time.Since(start)
	return res, nil
}

// simplex is the network simplex state. Nodes 0…n−1 are the sources,
// n…n+m−1 the sinks, n+m the artificial root. Arc k < n·m runs from
// source k/m to sink n + k%m with cost C[k]; arc n·m + v joins node v and
// the root (v → root for a source, root → v for a sink) at the
// artificial cost art. Only tree arcs carry flow, stored per node for the
// arc to its parent.
type simplex struct {
	n, m    int
	cost    []float64
	art     float64
	root    int
	parent  []int
	pred    []int     // the tree arc joining v and its parent
	artUp   []bool    // v's artificial arc runs v → root (else root → v)
	up      []bool    // pred[v] runs v → parent
	flow    []float64 // flow on pred[v]
	pi      []float64 // potentials: c − π_tail + π_head = 0 on tree arcs
	child   []int     // first child
	next    []int     // next sibling
	prev    []int     // previous sibling (−1: first child)
	mark    []int     // join search stamps
	stamp   int
	eps     float64
	nextArc int
	block   int
	pivots  int
	stack   []int
	pathBuf []int
}

func newSimplex(a, b, cost []float64, n, m int, cmax float64) *simplex {
	nodes := n + m + 1
	s := &simplex{n: n, m: m, cost: cost, root: n + m,
		art:    1 + float64(n+m)*(cmax+1),
		parent: make([]int, nodes), pred: make([]int, nodes), up: make([]bool, nodes),
		flow: make([]float64, nodes), pi: make([]float64, nodes),
		child: make([]int, nodes), next: make([]int, nodes), prev: make([]int, nodes),
		mark: make([]int, nodes), artUp: make([]bool, nodes)}
	// Potentials are of the size of art, so reduced costs carry rounding
	// of about art·2⁻⁵²: arcs within a few hundred ulps of zero are
	// treated as optimal.
	s.eps = 256 * 0x1p-52 * s.art
	s.block = max(10, int(math.Ceil(math.Sqrt(float64(n*m)))))
	for v := range nodes {
		s.child[v], s.next[v], s.prev[v] = -1, -1, -1
	}
	s.parent[s.root] = -1
	// The initial tree: every node hangs from the root on its artificial
	// arc, sources upward with their supply, sinks downward with their
	// demand (zero flows point away from the root: strongly feasible).
	for v := range n + m {
		s.parent[v] = s.root
		s.pred[v] = n*m + v
		if v < n && a[v] > 0 {
			s.artUp[v], s.up[v], s.flow[v] = true, true, a[v]
			s.pi[v] = s.art // c − π_v + π_root = 0
		} else {
			if v >= n {
				s.flow[v] = b[v-n]
			}
			s.pi[v] = -s.art // c − π_root + π_v = 0
		}
		s.link(v, s.root)
	}
	return s
}

// link makes v the first child of p.
func (s *simplex) link(v, p int) {
	s.parent[v] = p
	s.prev[v] = -1
	s.next[v] = s.child[p]
	if s.child[p] >= 0 {
		s.prev[s.child[p]] = v
	}
	s.child[p] = v
}

// unlink removes v from its parent's children.
func (s *simplex) unlink(v int) {
	p := s.parent[v]
	if s.prev[v] >= 0 {
		s.next[s.prev[v]] = s.next[v]
	} else {
		s.child[p] = s.next[v]
	}
	if s.next[v] >= 0 {
		s.prev[s.next[v]] = s.prev[v]
	}
	s.next[v], s.prev[v] = -1, -1
}

// arcEnds returns the tail and head of arc k and its cost.
func (s *simplex) arcEnds(k int) (tail, head int, c float64) {
	nm := s.n * s.m
	if k < nm {
		return k / s.m, s.n + k%s.m, s.cost[k]
	}
	v := k - nm
	if s.artUp[v] {
		return v, s.root, s.art
	}
	return s.root, v, s.art
}

// findEntering returns a non-tree arc of negative reduced cost by block
// search, or −1 when none is left (optimal).
func (s *simplex) findEntering() int {
	nm := s.n * s.m
	m := s.m
	best, bestK := -s.eps, -1
	cnt := 0
	k := s.nextArc
	pi := s.pi
	for scanned := 0; scanned < nm; {
		// One row segment at a time: arcs k … of source i.
		i := k / m
		j0 := k % m
		pii := pi[i]
		row := s.cost[i*m : (i+1)*m]
		sinks := pi[s.n : s.n+m]
		end := m
		if left := nm - scanned; end-j0 > left {
			end = j0 + left
		}
		for j := j0; j < end; j++ {
			if rc := row[j] - pii + sinks[j]; rc < best {
				// A tree arc has a zero reduced cost up to rounding;
				// never take one.
				if kk := i*m + j; s.pred[i] != kk && s.pred[s.n+j] != kk {
					best, bestK = rc, kk
				}
			}
		}
		n := end - j0
		scanned += n
		cnt += n
		k += n
		if k >= nm {
			k = 0
		}
		if cnt >= s.block && bestK >= 0 {
			break
		}
		if cnt >= s.block {
			cnt = 0
		}
	}
	s.nextArc = k
	return bestK
}

// run pivots until no arc has a negative reduced cost.
func (s *simplex) run(maxPivots int) error {
	for {
		k := s.findEntering()
		if k < 0 {
			return nil
		}
		if s.pivots >= maxPivots {
			return fmt.Errorf("%w after %d pivots", ErrEMDIterations, s.pivots)
		}
		s.pivot(k)
		s.pivots++
	}
}

// pivot brings arc k (tail → head, at zero flow) into the tree.
func (s *simplex) pivot(k int) {
	first, second, c := s.arcEnds(k)
	// The join: the lowest common ancestor of first and second.
	s.stamp++
	for v := first; v >= 0; v = s.parent[v] {
		s.mark[v] = s.stamp
	}
	join := second
	for s.mark[join] != s.stamp {
		join = s.parent[join]
	}
	// Leaving arc: the last blocking arc of the cycle join → first →
	// second → join (Cunningham's rule). On the path join → first the
	// flow moves downward, so arcs pointing up decrease; on second → join
	// it moves upward, so arcs pointing down decrease.
	delta := math.Inf(1)
	out, outFirst := -1, false
	for v := first; v != join; v = s.parent[v] {
		if s.up[v] && s.flow[v] < delta {
			delta, out, outFirst = s.flow[v], v, true
		}
	}
	for v := second; v != join; v = s.parent[v] {
		if !s.up[v] && s.flow[v] <= delta {
			delta, out, outFirst = s.flow[v], v, false
		}
	}
	// Augment.
	if delta > 0 {
		for v := first; v != join; v = s.parent[v] {
			if s.up[v] {
				s.flow[v] -= delta
			} else {
				s.flow[v] += delta
			}
		}
		for v := second; v != join; v = s.parent[v] {
			if s.up[v] {
				s.flow[v] += delta
			} else {
				s.flow[v] -= delta
			}
		}
	}
	// Re-hang the subtree below the leaving arc from the entering arc.
	// It holds first (outFirst) or second; the path from that endpoint up
	// to out is reversed.
	var from, to int // from: the endpoint in the moved subtree
	var fromUp bool  // the entering arc seen from `from`: from → to?
	if outFirst {
		from, to, fromUp = first, second, true
	} else {
		from, to, fromUp = second, first, false
	}
	rc := c - s.pi[first] + s.pi[second]
	path := s.pathBuf[:0]
	for v := from; ; v = s.parent[v] {
		path = append(path, v)
		if v == out {
			break
		}
	}
	s.pathBuf = path
	// Detach every path node from its parent, then relink reversed.
	for _, v := range path {
		s.unlink(v)
	}
	newPred, newUp, newFlow := k, fromUp, delta
	newParent := to
	for _, v := range path {
		oldPred, oldUp, oldFlow := s.pred[v], s.up[v], s.flow[v]
		s.pred[v], s.up[v], s.flow[v] = newPred, newUp, newFlow
		s.link(v, newParent)
		// The arc that joined v to its old parent now joins the old
		// parent to v, with the direction seen from the other end.
		newPred, newUp, newFlow, newParent = oldPred, !oldUp, oldFlow, v
	}
	// Potentials: the moved subtree shifts so that the entering arc has
	// zero reduced cost.
	shift := rc
	if !outFirst {
		shift = -rc
	}
	st := append(s.stack[:0], from)
	for len(st) > 0 {
		v := st[len(st)-1]
		st = st[:len(st)-1]
		s.pi[v] += shift
		for c := s.child[v]; c >= 0; c = s.next[c] {
			st = append(st, c)
		}
	}
	s.stack = st
}

// result reads the plan, cost and duals off the final tree.
func (s *simplex) result(mass float64) (*EMDResult, error) {
	n, m := s.n, s.m
	nm := n * m
	res := &EMDResult{U: make([]float64, n), V: make([]float64, m), Pivots: s.pivots}
	tol := 1e-9 * mass
	for v := range n + m {
		k := s.pred[v]
		f := s.flow[v]
		if k >= nm {
			if f > tol {
				return nil, fmt.Errorf("%w: %.3g of the mass has no allowed route", ErrInfeasible, f/mass)
			}
			continue
		}
		if f <= 0 {
			continue
		}
		i, j := k/m, k%m
		if math.IsInf(s.cost[k], 1) {
			return nil, fmt.Errorf("%w: the optimum uses forbidden route (%d, %d)", ErrInfeasible, i, j)
		}
		res.Rows = append(res.Rows, i)
		res.Cols = append(res.Cols, j)
		res.Mass = append(res.Mass, f)
		res.Cost += f * s.cost[k]
	}
	// Duals: C_ij ≥ π_i − π_{n+j} on every allowed route (reduced costs
	// are non-negative at the optimum), with equality on the tree arcs.
	for i := range n {
		res.U[i] = s.pi[i]
	}
	for j := range m {
		res.V[j] = -s.pi[n+j]
	}
	return res, nil
}
