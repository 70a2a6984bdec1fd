package spectral

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Grid returns the solution's values on the tensor grid of ts (one slice
// of coordinates per axis, first axis slowest), by barycentric
// interpolation along each axis (Berrut and Trefethen 2004): stable for
// any number of points.
func (s *Solution) Grid(ts ...[]float64) []float64 {
	if len(ts) != len(s.Nodes) {
		panic(fmt.Sprintf("spectral: Grid with %d coordinate slices for %d axes", len(ts), len(s.Nodes)))
	}
	i0 := s.interp(0, ts[0])
	if len(ts) == 1 {
		var v mat.VecDense
		v.MulVec(i0, mat.NewVecDense(len(s.U), s.U))
		return v.RawVector().Data
	}
	i1 := s.interp(1, ts[1])
	u := mat.NewDense(len(s.Nodes[0]), len(s.Nodes[1]), s.U)
	var t, out mat.Dense
	t.Mul(i0, u)
	out.Mul(&t, i1.T())
	return mat.DenseCopyOf(&out).RawMatrix().Data
}

// interp returns the interpolation matrix of axis d at t.
func (s *Solution) interp(d int, t []float64) *mat.Dense {
	if d < len(s.Periodic) && s.Periodic[d] {
		return fourierInterp(s.Nodes[d], s.Box[d].Hi-s.Box[d].Lo, t)
	}
	return interpMatrix(s.Nodes[d], t)
}

// At returns the solution at one point of the box.
func (s *Solution) At(x ...float64) float64 {
	ts := make([][]float64, len(x))
	for d, v := range x {
		ts[d] = []float64{v}
	}
	return s.Grid(ts...)[0]
}

// RelativeL2 returns ‖u − exact‖₂/‖exact‖₂ over the uniform grid of m
// points per axis (both ends included), the measure of package gp's
// Solution.RelativeL2.
func (s *Solution) RelativeL2(exact func(x []float64) float64, m int) float64 {
	ts := make([][]float64, len(s.Nodes))
	for d := range s.Nodes {
		lo, hi := s.Box[d].Lo, s.Box[d].Hi
		ts[d] = make([]float64, m)
		for i := range m {
			ts[d][i] = lo + (hi-lo)*float64(i)/float64(m-1)
		}
	}
	got := s.Grid(ts...)
	var num, den float64
	pt := make([]float64, len(ts))
	k := 0
	var walk func(d int)
	walk = func(d int) {
		if d == len(ts) {
			e := exact(pt)
			num += (got[k] - e) * (got[k] - e)
			den += e * e
			k++
			return
		}
		for _, v := range ts[d] {
			pt[d] = v
			walk(d + 1)
		}
	}
	walk(0)
	return math.Sqrt(num / den)
}
