package linsolve

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/pdekit/pdekit/sparse"
)

// gridShape describes a structured grid of up to three dimensions, padded
// with trivial dimensions of one node, numbered with the first dimension
// slowest. Neighbour offsets δ ∈ {−1, 0, 1}³ are coded as
// (δ₀+1)·9 + (δ₁+1)·3 + (δ₂+1), an order that is also the column order of
// a row.
type gridShape struct {
	d      int
	n      [3]int
	stride [3]int
	// off[c] is the index offset of neighbour code c.
	off [27]int
}

// axial[c] reports whether neighbour code c moves along at most one axis.
var axial = func() (t [27]bool) {
	for c := range 27 {
		moved := 0
		for _, v := range codeDelta(c) {
			if v != 0 {
				moved++
			}
		}
		t[c] = moved <= 1
	}
	return t
}()

func newGridShape(dims []int) gridShape {
	g := gridShape{d: len(dims), n: [3]int{1, 1, 1}}
	copy(g.n[:], dims)
	g.stride = [3]int{g.n[1] * g.n[2], g.n[2], 1}
	for c := range 27 {
		dl := codeDelta(c)
		g.off[c] = int(dl[0])*g.stride[0] + int(dl[1])*g.stride[1] + int(dl[2])*g.stride[2]
	}
	return g
}

func (g *gridShape) size() int { return g.n[0] * g.n[1] * g.n[2] }

func codeDelta(c int) [3]int8 { return [3]int8{int8(c/9 - 1), int8(c/3%3 - 1), int8(c%3 - 1)} }

// inside reports whether ii + δ(c) is a node of the grid.
func (g *gridShape) inside(ii [3]int, c int) bool {
	dl := codeDelta(c)
	for k := range 3 {
		j := ii[k] + int(dl[k])
		if j < 0 || j >= g.n[k] {
			return false
		}
	}
	return true
}

// next advances the multi-index ii (last dimension fastest).
func (g *gridShape) next(ii *[3]int) {
	for k := 2; k >= 0; k-- {
		ii[k]++
		if ii[k] < g.n[k] {
			return
		}
		ii[k] = 0
	}
}

// check verifies that every stored entry of a couples grid neighbours
// (ErrNotGrid otherwise: since the numbering is a bijection, at most one
// in-grid δ matches an entry's index offset), and reports whether a is a
// star stencil (no entry couples diagonal neighbours). Rows are split over
// GOMAXPROCS goroutines.
func (g *gridShape) check(a *sparse.CSR) (star bool, err error) {
	// Candidate codes: those valid in this dimension (δ = 0 in padding).
	var cand []int
	for c := range 27 {
		dl := codeDelta(c)
		ok := true
		for k := g.d; k < 3; k++ {
			ok = ok && dl[k] == 0
		}
		if ok {
			cand = append(cand, c)
		}
	}
	n := a.Dim()
	workers := max(1, min(runtime.GOMAXPROCS(0), n/(1<<15)))
	stars := make([]bool, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stars[w], errs[w] = g.checkRows(a, cand, w*n/workers, (w+1)*n/workers)
		}()
	}
	wg.Wait()
	star = true
	for w := range workers {
		if errs[w] != nil {
			return false, errs[w]
		}
		star = star && stars[w]
	}
	return star, nil
}

func (g *gridShape) checkRows(a *sparse.CSR, cand []int, lo, hi int) (star bool, err error) {
	star = true
	var ii [3]int
	unravel(lo, g.n[:], ii[:])
	for i := lo; i < hi; i++ {
		// Away from the boundary every δ stays in the grid.
		interior := true
		for k := range g.d {
			interior = interior && ii[k] > 0 && ii[k] < g.n[k]-1
		}
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			off := int(a.ColIdx[k]) - i
			found := -1
			for _, c := range cand {
				if g.off[c] == off && (interior || g.inside(ii, c)) {
					found = c
					break
				}
			}
			if found < 0 {
				var jj [3]int
				unravel(int(a.ColIdx[k]), g.n[:g.d], jj[:])
				return false, fmt.Errorf("%w %v: entry (%d, %d) couples nodes %v and %v",
					ErrNotGrid, g.n[:g.d], i, a.ColIdx[k], ii[:g.d], jj[:g.d])
			}
			star = star && axial[found]
		}
		g.next(&ii)
	}
	return star, nil
}

// parent is a coarse node and its interpolation weight.
type parent struct {
	c int
	w float64
}

// interp1D returns, for each of the fine nodes of one dimension, its
// coarse parents: a fine node at an odd index is the coarse node (j−1)/2;
// one at an even index lies halfway between coarse nodes j/2−1 and j/2
// (a missing one is the zero Dirichlet boundary). An uncoarsened
// dimension maps each node to itself.
func interp1D(fine, coarse int) [][]parent {
	ps := make([][]parent, fine)
	for j := range fine {
		switch {
		case fine == coarse:
			ps[j] = []parent{{j, 1}}
		case j%2 == 1:
			ps[j] = []parent{{(j - 1) / 2, 1}}
		default:
			var p []parent
			if c := j/2 - 1; c >= 0 {
				p = append(p, parent{c, 0.5})
			}
			if c := j / 2; c < coarse {
				p = append(p, parent{c, 0.5})
			}
			ps[j] = p
		}
	}
	return ps
}

// interp3 is interp1D for each of the three padded dimensions.
func interp3(fine, coarse *gridShape) [3][][]parent {
	var w [3][][]parent
	for k := range 3 {
		w[k] = interp1D(fine.n[k], coarse.n[k])
	}
	return w
}

// link is a fine–coarse interpolation pair of one dimension: an index on
// the other grid and its weight.
type link struct {
	i int32
	w float64
}

// links holds at most three links (a coarse node has up to three fine
// children per dimension, a fine node up to two coarse parents).
type links struct {
	n int
	l [3]link
}

// transfer1D returns the parents of every fine index and the children of
// every coarse index of one dimension (see interp1D).
func transfer1D(fine, coarse int) (parents, children []links) {
	parents = make([]links, fine)
	children = make([]links, coarse)
	for j, ps := range interp1D(fine, coarse) {
		for _, p := range ps {
			parents[j].l[parents[j].n] = link{int32(p.c), p.w}
			parents[j].n++
			ch := &children[p.c]
			ch.l[ch.n] = link{int32(j), p.w}
			ch.n++
		}
	}
	return parents, children
}

// prolongation returns the d-linear interpolation from the coarse grid
// to the fine grid as a fine×coarse matrix, rows in order with sorted
// columns: the P of the Galerkin product. (The cycles apply P and Pᵀ
// matrix-free, see transfer.)
func prolongation(fine, coarse *gridShape) *sparse.CSR {
	w := interp3(fine, coarse)
	nf := fine.size()
	rp := make([]int, nf+1)
	ci := make([]int32, 0, 3*nf)
	val := make([]float64, 0, 3*nf)
	row := 0
	for i0 := range fine.n[0] {
		for i1 := range fine.n[1] {
			for i2 := range fine.n[2] {
				for _, a := range w[0][i0] {
					for _, b := range w[1][i1] {
						for _, c := range w[2][i2] {
							ci = append(ci, int32(a.c*coarse.stride[0]+b.c*coarse.stride[1]+c.c))
							val = append(val, a.w*b.w*c.w)
						}
					}
				}
				row++
				rp[row] = len(ci)
			}
		}
	}
	p, err := sparse.NewCSR(nf, coarse.size(), rp, ci, val)
	if err != nil {
		panic("linsolve: multigrid built an invalid prolongation: " + err.Error())
	}
	return p
}

// transfer is the grid-transfer pair between a fine level and the next
// coarser one, applied matrix-free and dimension by dimension: the d-linear
// P is the tensor product P₀⊗P₁⊗P₂ of the one-dimensional interpolations,
// so P·x is three passes of 1D interpolation (one per halved dimension),
// each streaming over contiguous rows, and Pᵀ likewise.
type transfer struct {
	fine, coarse gridShape
	par, chi     [3][]links
}

func newTransfer(fine, coarse gridShape) *transfer {
	t := &transfer{fine: fine, coarse: coarse}
	for d := range 3 {
		t.par[d], t.chi[d] = transfer1D(fine.n[d], coarse.n[d])
	}
	return t
}

// plan patches the caller's vectors into the passes ps of P·src (added
// to dst) or Pᵀ·src (into dst), made by transfer.passes, and returns ps.
func plan(ps []axisPass, dst, src []float64) []axisPass {
	ps[0].in = src
	ps[len(ps)-1].out = dst
	return ps
}

// axisPass is one 1D pass: out = op(in) along axis d of a tensor of shape
// in, where op maps index j of the output axis to Σ_l w_l·in[l.i]; with add
// the result is added to out.
type axisPass struct {
	out, in []float64
	shape   [3]int // shape of in
	d       int
	lk      []links
	add     bool
}

// units is the number of independent output rows of the pass (each unit
// writes one contiguous run of out), which is what is split in parallel.
func (p *axisPass) units() int {
	outer := 1
	for k := range p.d {
		outer *= p.shape[k]
	}
	return outer * len(p.lk)
}

// run does units [lo, hi) of the pass.
func (p *axisPass) run(lo, hi int) {
	inner := 1
	for k := p.d + 1; k < 3; k++ {
		inner *= p.shape[k]
	}
	nIn, nOut := p.shape[p.d], len(p.lk)
	for u := lo; u < hi; u++ {
		o, j := u/nOut, u%nOut
		dst := p.out[(o*nOut+j)*inner : (o*nOut+j+1)*inner]
		lk := &p.lk[j]
		if inner == 1 {
			var s float64
			for q := range lk.n {
				s += lk.l[q].w * p.in[o*nIn+int(lk.l[q].i)]
			}
			if p.add {
				dst[0] += s
			} else {
				dst[0] = s
			}
			continue
		}
		for q := range lk.n {
			l := lk.l[q]
			src := p.in[(o*nIn+int(l.i))*inner : (o*nIn+int(l.i)+1)*inner]
			src = src[:len(dst)]
			if q == 0 && !p.add {
				for i, v := range src {
					dst[i] = l.w * v
				}
				continue
			}
			for i, v := range src {
				dst[i] += l.w * v
			}
		}
	}
}

// passes plans the 1D passes of P (prolong) or Pᵀ, skipping dimensions
// that were not halved. The first pass reads the caller's vector and the
// last writes the caller's (adding for the prolongation), both patched in
// by plan; the others go through t1 and t2, fine-level sized buffers
// of the caller.
func (t *transfer) passes(prolong bool, t1, t2 []float64) []axisPass {
	var dims []int
	for d := range 3 {
		if t.fine.n[d] != t.coarse.n[d] {
			dims = append(dims, d)
		}
	}
	shape := t.fine.n
	if prolong {
		shape = t.coarse.n
	}
	var ps []axisPass
	var in []float64
	bufs := [2][]float64{t1, t2}
	for k, d := range dims {
		lk := t.chi[d]
		if prolong {
			lk = t.par[d]
		}
		next := shape
		next[d] = len(lk)
		var out []float64
		last := k == len(dims)-1
		if !last {
			out = bufs[k%2][:next[0]*next[1]*next[2]]
		}
		ps = append(ps, axisPass{out: out, in: in, shape: shape, d: d, lk: lk, add: prolong && last})
		in, shape = out, next
	}
	return ps
}
