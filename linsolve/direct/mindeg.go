package direct

// minDegree returns a minimum degree ordering of g on the quotient graph
// (George and Liu 1989): eliminating a variable p turns it into an element
// whose variable list L_p is the union of p's variable neighbours and of
// the lists of the elements adjacent to p (which p absorbs). Degrees are
// the approximate external degrees of Amestoy, Davis and Duff (1996),
// d_i ≈ |A_i| + |L_p \ i| + Σ_{e ∈ E_i, e ≠ p} |L_e \ L_p|, an upper bound
// of the true degree that is exact in most steps; an element whose list
// lies inside L_p is absorbed (aggressive absorption). Vertices with
// identical neighbourhoods are not merged into supervariables, so the
// cost grows faster than AMD's on large meshes; nested dissection calls
// it only on small leaves.
func minDegree(g *graph) []int {
	n := g.n()
	perm := make([]int, 0, n)
	if n == 0 {
		return perm
	}
	// Variable adjacency (to variables) and element adjacency.
	av := make([][]int32, n)
	ev := make([][]int32, n)
	le := make([][]int32, n) // element lists, indexed by the pivot that made them
	for v := range n {
		av[v] = append([]int32(nil), g.nbrs(v)...)
	}
	const (
		live    = 0
		elim    = 1 // an element (eliminated variable)
		gone    = 2 // an absorbed element
		inPivot = 3 // transient: in the current L_p
	)
	state := make([]uint8, n)
	deg := make([]int, n)
	// Degree buckets: doubly linked lists.
	head := make([]int32, n+1)
	next := make([]int32, n)
	prev := make([]int32, n)
	for i := range head {
		head[i] = -1
	}
	insert := func(v int32) {
		d := deg[v]
		next[v], prev[v] = head[d], -1
		if head[d] >= 0 {
			prev[head[d]] = v
		}
		head[d] = v
	}
	remove := func(v int32) {
		if prev[v] >= 0 {
			next[prev[v]] = next[v]
		} else {
			head[deg[v]] = next[v]
		}
		if next[v] >= 0 {
			prev[next[v]] = prev[v]
		}
	}
	for v := range n {
		deg[v] = len(av[v])
		insert(int32(v))
	}
	w := make([]int, n) // |L_e \ L_p| during one step, −1 when unset
	for i := range w {
		w[i] = -1
	}
	mindeg := 0
	var lp []int32
	var touched []int32
	for k := 0; k < n; k++ {
		for head[mindeg] < 0 {
			mindeg++
		}
		p := head[mindeg]
		remove(p)
		perm = append(perm, int(p))
		state[p] = elim
		// L_p = (A_p ∪ ⋃ L_e) \ {p}, live variables only.
		lp = lp[:0]
		for _, v := range av[p] {
			if state[v] == live {
				state[v] = inPivot
				lp = append(lp, v)
			}
		}
		for _, e := range ev[p] {
			if state[e] != elim {
				continue
			}
			for _, v := range le[e] {
				if state[v] == live {
					state[v] = inPivot
					lp = append(lp, v)
				}
			}
			state[e] = gone
			le[e] = nil
		}
		av[p], ev[p] = nil, nil
		le[p] = append([]int32(nil), lp...)
		// w(e) = |L_e \ L_p| for the elements adjacent to L_p.
		touched = touched[:0]
		for _, i := range lp {
			for _, e := range ev[i] {
				if state[e] != elim {
					continue
				}
				if w[e] < 0 {
					w[e] = 0
					for _, v := range le[e] {
						if state[v] == live || state[v] == inPivot {
							w[e]++
						}
					}
					touched = append(touched, e)
				}
				w[e]--
			}
		}
		// Update each i in L_p: prune its lists, recompute its degree.
		for _, i := range lp {
			remove(i)
			es := ev[i][:0]
			d := len(lp) - 1
			for _, e := range ev[i] {
				if state[e] != elim {
					continue
				}
				if w[e] == 0 {
					// L_e ⊆ L_p: absorbed by p.
					state[e] = gone
					le[e] = nil
					continue
				}
				es = append(es, e)
				d += w[e]
			}
			es = append(es, p)
			ev[i] = es
			as := av[i][:0]
			for _, v := range av[i] {
				if state[v] == live {
					as = append(as, v)
					d++
				}
			}
			av[i] = as
			deg[i] = min(d, n-k-2)
		}
		for _, e := range touched {
			w[e] = -1
		}
		for _, i := range lp {
			state[i] = live
			insert(i)
			if deg[i] < mindeg {
				mindeg = deg[i]
			}
		}
	}
	return perm
}
