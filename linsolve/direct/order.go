package direct

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pdekit/pdekit/sparse"
)

// Ordering names a fill-reducing ordering, applied symmetrically
// (P·A·Pᵀ for Cholesky, columns and preferred pivots for LU) to the
// pattern of A + Aᵀ.
type Ordering int

const (
	// NestedDissection recursively removes a vertex separator that splits
	// the graph in two (a level structure from a pseudo-peripheral vertex,
	// George and Liu 1978), numbers the separator last, and orders the
	// small leaves by minimum degree. It is the default: on 2D and 3D
	// meshes it gives the least fill.
	NestedDissection Ordering = iota
	// MinimumDegree eliminates, at each step, a vertex of least degree in
	// the elimination graph (quotient-graph minimum degree with exact
	// degrees and mass elimination of indistinguishable vertices; George
	// and Liu 1989).
	MinimumDegree
	// RCM is reverse Cuthill–McKee (George 1971): a bandwidth-reducing
	// breadth-first ordering, cheap and good for long thin domains.
	RCM
	// Natural keeps the matrix's own numbering.
	Natural
)

var orderingNames = []string{"nd", "md", "rcm", "natural"}

// String returns the ordering's name as ParseOrdering accepts it.
func (o Ordering) String() string {
	if o >= 0 && int(o) < len(orderingNames) {
		return orderingNames[o]
	}
	return fmt.Sprintf("Ordering(%d)", int(o))
}

// ParseOrdering returns the ordering named s: nd, md (also amd), rcm or
// natural.
func ParseOrdering(s string) (Ordering, error) {
	if s == "amd" {
		return MinimumDegree, nil
	}
	if i := slices.Index(orderingNames, s); i >= 0 {
		return Ordering(i), nil
	}
	return 0, fmt.Errorf("direct: unknown ordering %q (want one of %s)", s, strings.Join(orderingNames, ", "))
}

// graph is the adjacency structure of A + Aᵀ without the diagonal.
type graph struct {
	xadj []int
	adj  []int32
	// Scratch of peripheral's searches.
	spareOrder  []int32
	spareLevels []int
}

func (g *graph) n() int { return len(g.xadj) - 1 }

func (g *graph) nbrs(v int) []int32 { return g.adj[g.xadj[v]:g.xadj[v+1]] }

// symGraph returns the graph of the square matrix a + aᵀ.
func symGraph(a *sparse.CSR) *graph {
	n := a.Dim()
	t := a.T()
	xadj := make([]int, n+1)
	adj := make([]int32, 0, 2*a.NNZ())
	for i := range n {
		p, pe := a.RowPtr[i], a.RowPtr[i+1]
		q, qe := t.RowPtr[i], t.RowPtr[i+1]
		for p < pe || q < qe {
			var j int32
			switch {
			case q >= qe || (p < pe && a.ColIdx[p] < t.ColIdx[q]):
				j = a.ColIdx[p]
				p++
			case p >= pe || t.ColIdx[q] < a.ColIdx[p]:
				j = t.ColIdx[q]
				q++
			default:
				j = a.ColIdx[p]
				p++
				q++
			}
			if int(j) != i {
				adj = append(adj, j)
			}
		}
		xadj[i+1] = len(adj)
	}
	return &graph{xadj: xadj, adj: adj}
}

// Order returns the permutation perm of the ordering o for the pattern of
// a + aᵀ: perm[k] is the row (and column) of a eliminated k-th.
func Order(a *sparse.CSR, o Ordering) ([]int, error) {
	if r, c := a.Dims(); r != c {
		return nil, fmt.Errorf("%w: ordering needs a square matrix, got %d×%d", ErrDimension, r, c)
	}
	g := symGraph(a)
	switch o {
	case Natural:
		perm := make([]int, a.Dim())
		for i := range perm {
			perm[i] = i
		}
		return perm, nil
	case RCM:
		return rcm(g), nil
	case MinimumDegree:
		return minDegree(g), nil
	case NestedDissection:
		return nestedDissection(g), nil
	}
	return nil, fmt.Errorf("direct: unknown ordering %v", o)
}

// bfs runs a breadth-first search from root over the vertices v with
// mark[v] == id, writing them in visiting order into order (returned) and
// the start of each level into levels (returned: level l is
// order[levels[l]:levels[l+1]]). level is scratch of length n, with
// entries of the marked set equal to −1 on entry; they are reset on exit.
func (g *graph) bfs(root int, mark []int32, id int32, level []int32, order []int32, levels []int) ([]int32, []int) {
	order = append(order[:0], int32(root))
	levels = append(levels[:0], 0)
	level[root] = 0
	for head := 0; head < len(order); head++ {
		v := order[head]
		if level[v] != int32(len(levels)-1) {
			levels = append(levels, head)
		}
		for _, w := range g.nbrs(int(v)) {
			if mark[w] == id && level[w] < 0 {
				level[w] = level[v] + 1
				order = append(order, w)
			}
		}
	}
	levels = append(levels, len(order))
	return order, levels
}

// peripheral returns a pseudo-peripheral vertex of the component of root
// in the marked set (George and Liu's algorithm: move to a vertex of
// least degree in the last level while the eccentricity grows), with its
// level structure. The level entries of the marked set are −1 on return.
func (g *graph) peripheral(root int, mark []int32, id int32, level []int32, order []int32, levels []int) (int, []int32, []int) {
	order, levels = g.bfs(root, mark, id, level, order, levels)
	for {
		for _, v := range order {
			level[v] = -1
		}
		last := order[levels[len(levels)-2]:]
		best, bestDeg := -1, 0
		for _, v := range last {
			if d := g.xadj[v+1] - g.xadj[v]; best < 0 || d < bestDeg {
				best, bestDeg = int(v), d
			}
		}
		depth := len(levels)
		o2, l2 := g.bfs(best, mark, id, level, g.spareOrder, g.spareLevels)
		for _, v := range o2 {
			level[v] = -1
		}
		if len(l2) <= depth {
			g.spareOrder, g.spareLevels = o2, l2
			return root, order, levels
		}
		g.spareOrder, g.spareLevels = order, levels
		root, order, levels = best, o2, l2
	}
}

// rcm returns the reverse Cuthill–McKee ordering of g, component by
// component from pseudo-peripheral vertices, neighbours visited in
// increasing degree.
func rcm(g *graph) []int {
	n := g.n()
	mark := make([]int32, n)
	level := make([]int32, n)
	for i := range level {
		level[i] = -1
	}
	done := make([]bool, n)
	perm := make([]int, 0, n)
	var nb []int32
	for s := range n {
		if done[s] {
			continue
		}
		root, _, _ := g.peripheral(s, mark, 0, level, nil, nil)
		// Cuthill–McKee from root.
		start := len(perm)
		perm = append(perm, root)
		done[root] = true
		for head := start; head < len(perm); head++ {
			nb = nb[:0]
			for _, w := range g.nbrs(perm[head]) {
				if !done[w] {
					done[w] = true
					nb = append(nb, w)
				}
			}
			slices.SortStableFunc(nb, func(x, y int32) int {
				return (g.xadj[x+1] - g.xadj[x]) - (g.xadj[y+1] - g.xadj[y])
			})
			for _, w := range nb {
				perm = append(perm, int(w))
			}
		}
		for _, v := range perm[start:] {
			mark[v] = -1 // out of the set for later components' searches
		}
	}
	slices.Reverse(perm)
	return perm
}

// ndLeaf is the subgraph size below which nested dissection stops and
// orders by minimum degree.
const ndLeaf = 64

// nestedDissection returns a nested dissection ordering of g.
func nestedDissection(g *graph) []int {
	n := g.n()
	perm := make([]int, n)
	mark := make([]int32, n) // the id of the subset a vertex belongs to
	level := make([]int32, n)
	for i := range level {
		level[i] = -1
	}
	type task struct {
		verts []int32
		lo    int // first position of perm the subset fills
	}
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	stack := []task{{all, 0}}
	nextID := int32(1)
	order := make([]int32, 0, n)
	var levels []int
	var leaves []task
	var buf []int32
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		id := nextID
		nextID++
		for _, v := range t.verts {
			mark[v] = id
		}
		if len(t.verts) <= ndLeaf {
			leaves = append(leaves, t)
			continue
		}
		_, order, levels = g.peripheral(int(t.verts[0]), mark, id, level, order, levels)
		if len(order) < len(t.verts) {
			// Not connected: the reached component and the rest, in place.
			for _, v := range order {
				mark[v] = -id
			}
			buf = buf[:0]
			for _, v := range t.verts {
				if mark[v] == id {
					buf = append(buf, v)
				}
			}
			k := copy(t.verts, order)
			copy(t.verts[k:], buf)
			stack = append(stack, task{t.verts[:k], t.lo}, task{t.verts[k:], t.lo + k})
			continue
		}
		nl := len(levels) - 1
		if nl < 3 {
			leaves = append(leaves, t)
			continue
		}
		// The separating level: the smallest among those leaving at least
		// 30% of the vertices on each side, else the median level.
		m := -1
		total := len(order)
		for l := 1; l < nl-1; l++ {
			before, after := levels[l], total-levels[l+1]
			if 10*before < 3*total || 10*after < 3*total {
				continue
			}
			if m < 0 || levels[l+1]-levels[l] < levels[m+1]-levels[m] {
				m = l
			}
		}
		if m < 0 {
			for m = 1; m < nl-2 && levels[m+1] < total/2; m++ {
			}
		}
		// Level m's vertices without a neighbour in level m+1 join the
		// lower side: the rest still separate. mark holds −side: 1 lower,
		// 2 separator, 3 upper.
		for l := range nl {
			side := int32(1)
			switch {
			case l == m:
				side = 2
			case l > m:
				side = 3
			}
			for _, v := range order[levels[l]:levels[l+1]] {
				mark[v] = -side
			}
		}
		for _, v := range order[levels[m]:levels[m+1]] {
			touches := false
			for _, w := range g.nbrs(int(v)) {
				if mark[w] == -3 {
					touches = true
					break
				}
			}
			if !touches {
				mark[v] = -1
			}
		}
		// Partition t.verts in place: lower side, upper side, separator.
		nLow, nSep := 0, 0
		for _, v := range order {
			switch mark[v] {
			case -1:
				nLow++
			case -2:
				nSep++
			}
		}
		nUp := len(order) - nLow - nSep
		pl, pu, ps := 0, nLow, nLow+nUp
		for _, v := range order {
			switch mark[v] {
			case -1:
				t.verts[pl] = v
				pl++
			case -2:
				t.verts[ps] = v
				ps++
			default:
				t.verts[pu] = v
				pu++
			}
		}
		hi := t.lo + len(t.verts)
		for k, v := range t.verts[nLow+nUp:] {
			perm[hi-nSep+k] = int(v)
			mark[v] = 0
		}
		stack = append(stack, task{t.verts[:nLow], t.lo}, task{t.verts[nLow : nLow+nUp], t.lo + nLow})
	}
	// Leaves: minimum degree on each leaf's subgraph.
	for _, t := range leaves {
		sub := subgraph(g, t.verts, level)
		for k, v := range minDegree(sub) {
			perm[t.lo+k] = int(t.verts[v])
		}
	}
	return perm
}

// subgraph returns the graph induced by verts (renumbered 0..len−1). loc
// is scratch of length g.n() holding −1, restored on exit.
func subgraph(g *graph, verts []int32, loc []int32) *graph {
	for k, v := range verts {
		loc[v] = int32(k)
	}
	s := &graph{xadj: make([]int, len(verts)+1)}
	for k, v := range verts {
		for _, w := range g.nbrs(int(v)) {
			if loc[w] >= 0 {
				s.adj = append(s.adj, loc[w])
			}
		}
		s.xadj[k+1] = len(s.adj)
	}
	for _, v := range verts {
		loc[v] = -1
	}
	return s
}
