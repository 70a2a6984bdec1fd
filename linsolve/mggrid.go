package linsolve

import (
	"fmt"

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

// codes returns the neighbour code of every stored entry of a (the
// multigrid setup uses them only to validate the matrix and detect a star
// stencil), and
// whether a is a star stencil (no entry couples diagonal neighbours). It
// fails with ErrNotGrid when an entry couples nodes that are not
// neighbours: since the numbering is a bijection, at most one in-grid δ
// matches an entry's index offset.
func (g *gridShape) codes(a *sparse.CSR) (codes []uint8, star bool, err error) {
	codes = make([]uint8, a.NNZ())
	star = true
	var ii [3]int
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
	for i := range a.Dim() {
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
				return nil, false, fmt.Errorf("%w %v: entry (%d, %d) couples nodes %v and %v",
					ErrNotGrid, g.n[:g.d], i, a.ColIdx[k], ii[:g.d], jj[:g.d])
			}
			codes[k] = uint8(found)
			star = star && axial[found]
		}
		g.next(&ii)
	}
	return codes, star, nil
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

// prolongation returns the d-linear interpolation from the coarse grid
// to the fine grid as a fine×coarse matrix, rows in order with sorted
// columns.
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
