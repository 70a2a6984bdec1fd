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
func aggressiveSplit(s, st *sparse.CSR) []int8 {
	n := s.Dim()
	state := rsSplit(s, st)
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
				add(jj, aggressivePaths)
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
			if cnt[j] >= aggressivePaths {
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
		if state2[ii] != cPoint && !lone {
			state[i] = fPoint
		}
	}
	return state
}

// multipassInterpolation returns the prolongator of the splitting state
// by multipass interpolation (Stüben 2001), which reaches
// F-points with no strong C-neighbour, as aggressive coarsening leaves
// them. Pass 1 interpolates the F-points with strong C-neighbours
// directly from them; pass p the F-points strongly connected to points
// of earlier passes, through those points' interpolation. For F-point i
// with interpolatory set P_i (its strong C-neighbours in pass 1, its
// strong neighbours of earlier passes after),
//
//	w_i = −Σ_{k∈P_i} (α_i or β_i)·a_ik·w_k / a_ii,
//
// w_k the unit row of a C-point k or k's own interpolation; α_i (β_i) is
// the sum of row i's negative (positive) off-diagonal entries over those
// in P_i, and positive entries are added to the diagonal where P_i has
// none. Rows that sum to zero interpolate the constant exactly. A point
// no pass reaches is left to the smoother (a zero row). As for
// classicalInterpolation the pattern depends on s and state alone.
func multipassInterpolation(a, s *sparse.CSR, state []int8, cidx []int32, nc int) *sparse.CSR {
	n := a.Dim()
	diag := a.DiagTo(nil)
	pass := make([]int32, n) // 0 for C-points, −1 while unreached
	for i, v := range state {
		pass[i] = -1
		if v == cPoint {
			pass[i] = 0
		}
	}
	var order []int32 // F-points in pass order
	var passEnd []int // order[passEnd[p-1]:passEnd[p]] is pass p's
	passEnd = append(passEnd, 0)
	for p := int32(1); ; p++ {
		start := len(order)
		for i := range n {
			if pass[i] >= 0 {
				continue
			}
			for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
				if q := pass[s.ColIdx[k]]; q >= 0 && q < p {
					order = append(order, int32(i))
					break
				}
			}
		}
		if len(order) == start {
			break
		}
		for _, i := range order[start:] {
			pass[i] = p
		}
		passEnd = append(passEnd, len(order))
	}
	// Rows are built in pass order into one buffer; rowAt[i] and rowLen[i]
	// locate F-point i's row in it.
	rowAt := make([]int, n)
	rowLen := make([]int32, n)
	var bc []int32
	var bv []float64
	acc := make([]float64, nc)
	mark := make([]int32, nc)
	for i := range mark {
		mark[i] = -1
	}
	var cols []int32
	for _, i32 := range order {
		i := int(i32)
		p := pass[i]
		var sN, sP, pN, pP float64
		for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
			if int(a.ColIdx[k]) == i {
				continue
			}
			if v := a.Val[k]; v < 0 {
				sN += v
			} else {
				sP += v
			}
		}
		// P_i: the strong neighbours of earlier passes.
		inP := func(j int32) bool { q := pass[j]; return q >= 0 && q < p }
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			if j := s.ColIdx[k]; inP(j) {
				if v := a.Val[findEntry(a, i, j)]; v < 0 {
					pN += v
				} else {
					pP += v
				}
			}
		}
		d := diag[i]
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
		if d == 0 || (d > 0) != (diag[i] > 0) {
			d = diag[i]
		}
		cols = cols[:0]
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			j := s.ColIdx[k]
			if !inP(j) {
				continue
			}
			v := a.Val[findEntry(a, i, j)]
			f := -alpha * v / d
			if v > 0 {
				f = -beta * v / d
			}
			if state[j] == cPoint {
				c := cidx[j]
				if mark[c] != i32 {
					mark[c], acc[c] = i32, 0
					cols = append(cols, c)
				}
				acc[c] += f
				continue
			}
			for q := rowAt[j]; q < rowAt[j]+int(rowLen[j]); q++ {
				c := bc[q]
				if mark[c] != i32 {
					mark[c], acc[c] = i32, 0
					cols = append(cols, c)
				}
				acc[c] += f * bv[q]
			}
		}
		slices.Sort(cols)
		rowAt[i], rowLen[i] = len(bc), int32(len(cols))
		for _, c := range cols {
			bc = append(bc, c)
			bv = append(bv, acc[c])
		}
	}
	rp := make([]int, n+1)
	for i := range n {
		l := int(rowLen[i])
		if state[i] == cPoint {
			l = 1
		}
		rp[i+1] = rp[i] + l
	}
	ci := make([]int32, rp[n])
	val := make([]float64, rp[n])
	for i := range n {
		if state[i] == cPoint {
			ci[rp[i]], val[rp[i]] = cidx[i], 1
			continue
		}
		copy(ci[rp[i]:rp[i+1]], bc[rowAt[i]:rowAt[i]+int(rowLen[i])])
		copy(val[rp[i]:rp[i+1]], bv[rowAt[i]:rowAt[i]+int(rowLen[i])])
	}
	pm, err := sparse.NewCSR(n, nc, rp, ci, val)
	if err != nil {
		panic("linsolve: AMG multipass interpolation: " + err.Error())
	}
	return pm
}

// findEntry returns the position of a[i, j] in a.Val (binary search of
// row i's sorted columns); the entry must exist.
func findEntry(a *sparse.CSR, i int, j int32) int {
	lo, hi := a.RowPtr[i], a.RowPtr[i+1]
	k, ok := slices.BinarySearch(a.ColIdx[lo:hi], j)
	if !ok {
		panic("linsolve: AMG: strong connection without a matrix entry")
	}
	return lo + k
}
