package linsolve

import (
	"slices"

	"github.com/pdekit/pdekit/sparse"
)

// aggressivePaths is the number of strong paths of length ≤ 2 that make
// two first-stage C-points strongly connected in aggressive coarsening
// (Stüben 2001: A2 when 2, A1 when 1). A1 coarsens further but converges
// worse: hypre BoomerAMG on the rotated anisotropy of experiments/amg at
// 512² measured operator complexity 1.34 and 36 CG iterations with A1,
// 1.66 and 8 with A2 (this code with A2: 1.66 and 13).
const aggressivePaths = 2

// aggressiveSplit returns the C/F splitting of aggressive coarsening
// (Stüben 2001): a first Ruge–Stüben splitting of the strength graph s
// (st = sᵀ), then a second one of its C-points alone, two of them
// strongly connected when joined by at least aggressivePaths strong paths
// of length one or two (a direct strong connection counts as enough). The
// first-stage C-points that the second splitting makes F are F; a
// first-stage C-point with no connection in the second graph stays C.
// Where the strong couplings form lines (1:1:100 anisotropy in 3D) two
// first-stage C-points are joined by one path only, A2 connects none of
// them and nothing is removed: when more than half the first-stage
// C-points have no second-stage connection, the second splitting uses
// one path (A1) instead (aniso 100³: operator complexity 3.53 → 2.54,
// or 1.81 with two aggressive levels). It also returns the first
// splitting. With guard set (on the finest level) it returns ok = false
// and state = first when the first splitting keeps fewer than
// aggressiveMinFirst of the points: a second one would coarsen too far
// for the interpolation to follow.
func aggressiveSplit(s, st *sparse.CSR, guard bool) (state, first []int8, ok bool) {
	first = rsSplit(s, st)
	nc := 0
	for _, v := range first {
		if v == cPoint {
			nc++
		}
	}
	if guard && float64(nc) < aggressiveMinFirst*float64(len(first)) {
		return first, first, false
	}
	state, lone, nc1 := secondSplit(s, first, aggressivePaths)
	if 2*lone > nc1 {
		state, _, _ = secondSplit(s, first, 1)
	}
	return state, first, true
}

// aggressiveMinFirst is the share of the finest level's points that the
// first splitting must keep as C-points for aggressive coarsening to
// split them again. Five- and seven-point stencils and the rotated
// anisotropy at π/6 keep half, and a second splitting brings that to a
// quarter or an eighth; on the rotated anisotropy at π/4 (strong diagonal
// and axis couplings) the first splitting keeps a third and the second a
// ninth — CG needed 74 iterations at 256², 13 with the level coarsened
// normally —, and on the random geometric graph Laplacians it keeps 29%
// (one aggressive level: 17–19 iterations from 65k to 2.1M unknowns, 13
// without). It applies to the finest level only: on the coarse levels of
// the rotated anisotropy at π/6 the first splitting keeps 33%, and
// coarsening them aggressively still pays (operator complexity 1.49
// against 1.66 at 1024², 14 iterations against 13).
const aggressiveMinFirst = 0.4

// secondSplit returns the splitting of aggressive coarsening that keeps
// those first-stage C-points that the second Ruge–Stüben splitting, over
// paths strong paths, makes C, with the number of first-stage C-points
// and of those with no second-stage connection.
func secondSplit(s *sparse.CSR, first []int8, paths int32) (state []int8, nlone, nc int) {
	n := s.Dim()
	state = slices.Clone(first)
	c1 := make([]int32, n) // first-stage C-points numbered, −1 otherwise
	var nc1 int32
	for i, v := range state {
		c1[i] = -1
		if v == cPoint {
			c1[i] = nc1
			nc1++
		}
	}
	// The second-stage graph on the C-points: count the paths.
	cnt := make([]int32, nc1)
	var touched []int32
	rp := make([]int, nc1+1)
	ci := make([]int32, 0, 8*int(nc1))
	for i := range n {
		ii := c1[i]
		if ii < 0 {
			continue
		}
		touched = touched[:0]
		add := func(j int32, w int32) {
			if cnt[j] == 0 {
				touched = append(touched, j)
			}
			cnt[j] += w
		}
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			m := int(s.ColIdx[k])
			if jj := c1[m]; jj >= 0 {
				add(jj, paths)
				continue
			}
			for kk := s.RowPtr[m]; kk < s.RowPtr[m+1]; kk++ {
				if jj := c1[s.ColIdx[kk]]; jj >= 0 && jj != ii {
					add(jj, 1)
				}
			}
		}
		start := len(ci)
		for _, j := range touched {
			if cnt[j] >= paths {
				ci = append(ci, j)
			}
			cnt[j] = 0
		}
		slices.Sort(ci[start:])
		rp[ii+1] = len(ci)
	}
	val := make([]float64, len(ci))
	s2, err := sparse.NewCSR(int(nc1), int(nc1), rp, ci, val)
	if err != nil {
		panic("linsolve: AMG aggressive strength: " + err.Error())
	}
	st2 := s2.T()
	state2 := rsSplit(s2, st2)
	for i := range n {
		ii := c1[i]
		if ii < 0 {
			continue
		}
		lone := s2.RowPtr[ii+1] == s2.RowPtr[ii] && st2.RowPtr[ii+1] == st2.RowPtr[ii]
		if lone {
			nlone++
		}
		if state2[ii] != cPoint && !lone {
			state[i] = fPoint
		}
	}
	return state, nlone, int(nc1)
}

// multipass is the plan of a multipass interpolation (see
// multipassInterpolation): the pass of every point (0 for C-points, −1
// for points no pass reaches) and the reached F-points in pass order.
// It depends on the strength graph and the splitting alone, so
// AMG.Update reuses it.
type multipass struct {
	pass  []int32
	order []int32
}

// newMultipass numbers the passes: pass p takes the F-points strongly
// connected to a point of an earlier pass.
func newMultipass(s *sparse.CSR, state []int8) *multipass {
	n := s.Dim()
	mp := &multipass{pass: make([]int32, n)}
	for i, v := range state {
		mp.pass[i] = -1
		if v == cPoint {
			mp.pass[i] = 0
		}
	}
	// frontier holds the F-points not yet reached.
	frontier := make([]int32, 0, n)
	for i, v := range state {
		if v != cPoint {
			frontier = append(frontier, int32(i))
		}
	}
	for p := int32(1); len(frontier) > 0; p++ {
		start := len(mp.order)
		rest := frontier[:0]
		for _, i := range frontier {
			reached := false
			for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
				if q := mp.pass[s.ColIdx[k]]; q >= 0 && q < p {
					reached = true
					break
				}
			}
			if reached {
				mp.order = append(mp.order, i)
			} else {
				rest = append(rest, i)
			}
		}
		if len(mp.order) == start {
			break
		}
		for _, i := range mp.order[start:] {
			mp.pass[i] = p
		}
		frontier = rest
	}
	return mp
}

// multipassInterpolation returns the prolongator of the splitting state
// by multipass interpolation (Stüben 2001), which reaches F-points with
// no strong C-neighbour, as aggressive coarsening leaves them. Pass 1
// interpolates the F-points with strong C-neighbours directly from them;
// pass p the F-points strongly connected to points of earlier passes,
// through those points' interpolation. For F-point i with interpolatory
// set P_i (its strong C-neighbours in pass 1, its strong neighbours of
// earlier passes after),
//
//	w_i = −Σ_{k∈P_i} (α_i or β_i)·a_ik·w_k / a_ii,
//
// w_k the unit row of a C-point k or k's own interpolation; α_i (β_i) is
// the sum of row i's negative (positive) off-diagonal entries over those
// in P_i, and positive entries are added to the diagonal where P_i has
// none. Rows that sum to zero interpolate the constant exactly. A point
// no pass reaches is left to the smoother (a zero row). The pattern is
// built first from mp (the union of the rows of P_i) and the weights
// filled in by mp.fill, which AMG.Update calls alone.
func multipassInterpolation(a, s *sparse.CSR, state []int8, cidx []int32, nc int, mp *multipass) *sparse.CSR {
	n := a.Dim()
	// The pattern, row by row in pass order into one buffer: rowAt[i]
	// and rowLen[i] locate F-point i's columns in it.
	rowAt := make([]int, n)
	rowLen := make([]int32, n)
	var bc []int32
	mark := make([]int32, nc)
	for i := range mark {
		mark[i] = -1
	}
	for _, i32 := range mp.order {
		i := int(i32)
		p := mp.pass[i]
		start := len(bc)
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			j := s.ColIdx[k]
			if q := mp.pass[j]; q < 0 || q >= p {
				continue
			}
			if state[j] == cPoint {
				if c := cidx[j]; mark[c] != i32 {
					mark[c] = i32
					bc = append(bc, c)
				}
				continue
			}
			for _, c := range bc[rowAt[j] : rowAt[j]+int(rowLen[j])] {
				if mark[c] != i32 {
					mark[c] = i32
					bc = append(bc, c)
				}
			}
		}
		rowAt[i], rowLen[i] = start, int32(len(bc)-start)
	}
	pm := prolongatorPattern(state, cidx, nc, func(ci []int32, i int) []int32 {
		return append(ci, bc[rowAt[i]:rowAt[i]+int(rowLen[i])]...)
	})
	mp.fill(pm, a, s, state, cidx)
	return pm
}

// fill computes the weights of the multipass prolongator p (its pattern
// built by multipassInterpolation) for the matrix a.
func (mp *multipass) fill(p, a, s *sparse.CSR, state []int8, cidx []int32) {
	_, nc := p.Dims()
	pos := make([]int32, nc) // position in p.Val of row i's coarse column
	for i, v := range state {
		if v == cPoint {
			p.Val[p.RowPtr[i]] = 1
		}
	}
	for _, i32 := range mp.order {
		i := int(i32)
		pi := mp.pass[i]
		row := p.Val[p.RowPtr[i]:p.RowPtr[i+1]]
		clear(row)
		for q := p.RowPtr[i]; q < p.RowPtr[i+1]; q++ {
			pos[p.ColIdx[q]] = int32(q)
		}
		var d, sN, sP, pN, pP float64
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			switch v := a.Val[k]; {
			case int(a.ColIdx[k]) == i:
				d = v
			case v < 0:
				sN += v
			default:
				sP += v
			}
		}
		diag := d
		// Row i of s is a sorted subset of row i of a: walk both.
		inP := func(j int32) bool { q := mp.pass[j]; return q >= 0 && q < pi }
		k := a.RowPtr[i]
		for ks := s.RowPtr[i]; ks < s.RowPtr[i+1]; ks++ {
			j := s.ColIdx[ks]
			for a.ColIdx[k] != j {
				k++
			}
			if inP(j) {
				if v := a.Val[k]; v < 0 {
					pN += v
				} else {
					pP += v
				}
			}
		}
		alpha, beta := 0.0, 0.0
		if pN != 0 {
			alpha = sN / pN
		} else {
			d += sN
		}
		if pP != 0 {
			beta = sP / pP
		} else {
			d += sP
		}
		if d == 0 || (d > 0) != (diag > 0) {
			d = diag
		}
		k = a.RowPtr[i]
		for ks := s.RowPtr[i]; ks < s.RowPtr[i+1]; ks++ {
			j := s.ColIdx[ks]
			for a.ColIdx[k] != j {
				k++
			}
			if !inP(j) {
				continue
			}
			v := a.Val[k]
			f := -alpha * v / d
			if v > 0 {
				f = -beta * v / d
			}
			if state[j] == cPoint {
				p.Val[pos[cidx[j]]] += f
				continue
			}
			for q := p.RowPtr[j]; q < p.RowPtr[j+1]; q++ {
				p.Val[pos[p.ColIdx[q]]] += f * p.Val[q]
			}
		}
	}
}

// extendedInterpolation returns the rows rows of the extended+i
// interpolation (De Sterck, Falgout, Nolting, Yang 2008) of the splitting
// state, C-point j being coarse unknown cidx[j] of nc: F-point i
// interpolates from Ĉ_i, its strong C-neighbours and theirs of its strong
// F-neighbours, with
//
//	w_ij = −(a_ij + Σ_{k∈F_i} a_ik·ā_kj / Σ_{l∈Ĉ_i∪{i}} ā_kl) / ã_ii,
//	ã_ii = a_ii + Σ_{k∈F_i} a_ik·ā_ki / Σ_{l∈Ĉ_i∪{i}} ā_kl + Σ_{n∈W_i} a_in,
//
// F_i its strong F-neighbours, W_i its other neighbours outside Ĉ_i, ā_kl
// = a_kl where its sign is opposite to a_kk's, else 0; a strong
// F-neighbour with no such coupling to Ĉ_i ∪ {i} is lumped into the
// diagonal. A C-point's row is its unit row. The pattern depends on s and
// state alone.
func extendedInterpolation(a, s *sparse.CSR, state []int8, cidx []int32, nc int, rows []int32) *sparse.CSR {
	n := a.Dim()
	inC := make([]int32, n) // inC[j] = r: j ∈ Ĉ_i of row r
	inF := make([]int32, n) // inF[j] = r: j a strong F-neighbour of row r
	for i := range n {
		inC[i], inF[i] = -1, -1
	}
	num := make([]float64, n)
	diag := a.DiagTo(nil)
	rp := make([]int, len(rows)+1)
	var ci []int32
	var val []float64
	var hat []int32
	for r, i32 := range rows {
		i := int(i32)
		if state[i] == cPoint {
			ci = append(ci, cidx[i])
			val = append(val, 1)
			rp[r+1] = len(ci)
			continue
		}
		hat = hat[:0]
		mark := func(j int32) {
			if inC[j] != i32 {
				inC[j] = i32
				num[j] = 0
				hat = append(hat, j)
			}
		}
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			j := s.ColIdx[k]
			if state[j] == cPoint {
				mark(j)
				continue
			}
			inF[j] = i32
			for kk := s.RowPtr[j]; kk < s.RowPtr[j+1]; kk++ {
				if h := s.ColIdx[kk]; state[h] == cPoint {
					mark(h)
				}
			}
		}
		d := 0.0
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			j := a.ColIdx[k]
			v := a.Val[k]
			switch {
			case int(j) == i:
				d += v
			case inC[j] == i32:
				num[j] += v
			case inF[j] == i32:
				var den, self float64
				sign := diag[j] > 0
				for kk := a.RowPtr[j]; kk < a.RowPtr[j+1]; kk++ {
					l := a.ColIdx[kk]
					if (a.Val[kk] < 0) != sign || l == j {
						continue
					}
					if inC[l] == i32 {
						den += a.Val[kk]
					} else if int(l) == i {
						self = a.Val[kk]
						den += self
					}
				}
				if den == 0 {
					d += v
					continue
				}
				f := v / den
				for kk := a.RowPtr[j]; kk < a.RowPtr[j+1]; kk++ {
					l := a.ColIdx[kk]
					if (a.Val[kk] < 0) != sign || l == j {
						continue
					}
					if inC[l] == i32 {
						num[l] += f * a.Val[kk]
					}
				}
				d += f * self
			default:
				d += v
			}
		}
		if d == 0 || (d > 0) != (diag[i] > 0) {
			d = diag[i]
		}
		// The row in increasing coarse index.
		slices.SortFunc(hat, func(x, y int32) int { return int(cidx[x] - cidx[y]) })
		for _, j := range hat {
			ci = append(ci, cidx[j])
			val = append(val, -num[j]/d)
		}
		rp[r+1] = len(ci)
	}
	p, err := sparse.NewCSR(len(rows), nc, rp, ci, val)
	if err != nil {
		panic("linsolve: AMG extended interpolation: " + err.Error())
	}
	return p
}

// twoStage is the two-stage interpolation of an aggressive level (Yang
// 2010): P = P₁·P₂, P₁ the standard interpolation (classicalInterpolation)
// from the fine points to the first splitting's C-points, P₂ the identity
// on the C-points both splittings keep and the extended+i interpolation
// of A's rows for the first-stage C-points the second makes F (their
// C-points are two strong connections away). It keeps the first
// splitting and both factors for AMG.Update.
type twoStage struct {
	first  []int8
	cidx1  []int32
	nc1    int
	rows   []int32 // the first-stage C-points by their numbers
	p1, p2 *sparse.CSR
}

func newTwoStage(s *sparse.CSR, first []int8) *twoStage {
	ts := &twoStage{first: first}
	ts.cidx1, ts.nc1 = coarseNumbering(s, first)
	ts.rows = make([]int32, ts.nc1)
	for i, c := range ts.cidx1 {
		if c >= 0 {
			ts.rows[c] = int32(i)
		}
	}
	return ts
}

// interpolation computes both factors for a and returns their product;
// with dst non-nil (a product of earlier factors) it refills dst.
func (ts *twoStage) interpolation(dst, a, s *sparse.CSR, state []int8, cidx []int32, nc int) *sparse.CSR {
	p2 := extendedInterpolation(a, s, state, cidx, nc, ts.rows)
	if dst == nil {
		ts.p1, ts.p2 = classicalInterpolation(a, s, ts.first, ts.cidx1, ts.nc1), p2
		return sparse.Mul(ts.p1, p2)
	}
	classicalWeights(ts.p1, a, s, ts.first, ts.cidx1)
	copy(ts.p2.Val, p2.Val)
	sparse.MulTo(dst, ts.p1, ts.p2)
	return dst
}
