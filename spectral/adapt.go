package spectral

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/dsp/fourier"
)

// coeffTail returns, for axis d of the values u on a tensor grid with
// pts[d] points per axis, the largest expansion coefficient among the top
// tenth of degrees (at least the top three) relative to the largest
// coefficient, the maximum taken over all lines along the axis: how far
// the interpolant is from resolved in that direction (Boyd 2001, §2.12;
// the chebfun test in spirit). The coefficients are Chebyshev ones on a
// Chebyshev axis and Fourier magnitudes |û_k|, k ≤ m/2, on a periodic
// one.
func coeffTail(u []float64, pts []int, periodic []bool, d int) float64 {
	t, _ := coeffInfo(u, pts, periodic, d, 0)
	return t
}

// coeffInfo returns coeffTail and the highest degree (wavenumber on a
// periodic axis) whose coefficient, maximum over the lines, exceeds tol
// times the largest.
func coeffInfo(u []float64, pts []int, periodic []bool, d int, tol float64) (float64, int) {
	np := pts[d]
	stride, lines := 1, 1
	for k := range pts {
		if k > d {
			stride *= pts[k]
		}
		if k != d {
			lines *= pts[k]
		}
	}
	nc := np // coefficients per line
	if periodic[d] {
		nc = np/2 + 1
	}
	mag := make([]float64, nc) // max over lines of |c_k|
	v := make([]float64, np)
	c := make([]float64, nc)
	var dct *fourier.DCT
	var fft *fourier.FFT
	var buf []complex128
	if periodic[d] {
		fft, buf = fourier.NewFFT(np), make([]complex128, nc)
	} else {
		dct = fourier.NewDCT(np)
	}
	for line := range lines {
		before, after := line/stride, line%stride
		base := before*np*stride + after
		for j := range np {
			v[j] = u[base+j*stride]
		}
		if periodic[d] {
			fourierMags(fft, v, c, buf)
		} else {
			chebCoeffs(dct, v, c)
		}
		for k, x := range c {
			mag[k] = max(mag[k], x)
		}
	}
	var big, tail float64
	from := min(nc-3, nc-nc/10)
	last := 0
	for k, m := range mag {
		big = max(big, m)
		if k >= from {
			tail = max(tail, m)
		}
	}
	if big == 0 {
		return 0, 0
	}
	for k, m := range mag {
		if m > tol*big {
			last = k
		}
	}
	return tail / big, last
}

// chebCoeffs sets c to the magnitudes of the Chebyshev coefficients of
// the values v at Chebyshev–Lobatto points, up to a common factor (a
// DCT-I, O(n log n); the order of the points only flips signs).
func chebCoeffs(dct *fourier.DCT, v, c []float64) {
	dct.Transform(c, v)
	for k, x := range c {
		c[k] = math.Abs(x)
	}
	c[0] /= 2
	c[len(c)-1] /= 2
}

// AdaptiveSettings controls SolveAdaptive. A nil pointer, and every zero
// field, means the documented default.
type AdaptiveSettings struct {
	// Tol is the resolution target: every axis's trailing Chebyshev
	// coefficients below Tol times the largest; zero means 1e-10. (Much
	// smaller targets meet the rounding floor of the collocation
	// matrices, which in 2D lies near 1e-11.)
	Tol float64
	// Start is the first degree on every axis; zero means the degree
	// at which the data resolve (see SolveAdaptive), and at least 16.
	Start int
	// Max bounds the degree per axis; zero means 1024 in 1D and 512 in 2D.
	Max int
	// Newton holds the Newton settings (its N is ignored).
	Newton *Settings
}

// SolveAdaptive solves p with degrees that grow by a quarter on every
// axis whose solution is not yet resolved (coefficient tail above Tol) —
// the error estimate needs no exact solution. Unless Start is set, the
// first degree of a Chebyshev axis is the one at which the data resolve
// to Tol along it (G on the boundary lines, and for a linear problem F on
// lines through the box, degrees doubling from 16: the solution of a
// linear problem is rarely rougher than its data), so the search begins
// near its end. A Newton failure at a degree that does not resolve the
// solution counts as unresolved. Once every axis is resolved it tries
// once more at the degrees the coefficients say suffice (resolvedDegree
// of the last one above Tol), and keeps that solution if it is resolved
// too. It returns the solution with Tail and Solves set; if Max is
// reached first, the last solution and an error wrapping ErrUnresolved.
func SolveAdaptive(p Problem, s *AdaptiveSettings) (*Solution, error) {
	start := time.Now()
	var a AdaptiveSettings
	if s != nil {
		a = *s
	}
	if a.Tol < 0 || math.IsNaN(a.Tol) || a.Start < 0 || a.Max < 0 {
		return nil, fmt.Errorf("%w: AdaptiveSettings %+v", ErrProblem, a)
	}
	if a.Tol == 0 {
		a.Tol = 1e-10
	}
	predict := a.Start == 0
	if predict {
		a.Start = 16
	}
	if a.Max == 0 {
		a.Max = 1024
		if len(p.Box) == 2 {
			a.Max = 512
		}
	}
	a.Max = min(a.Max, MaxPoints)
	n := make([]int, len(p.Box))
	for d := range n {
		n[d] = min(a.Start, a.Max)
	}
	if predict && len(p.Box) == len(p.Ops) && len(p.Box) <= 2 {
		for d, k := range dataDegrees(p, a.Tol/10, a.Start, a.Max) {
			n[d] = max(n[d], k)
		}
	}
	var set Settings
	if a.Newton != nil {
		set = *a.Newton
	}
	solves := 0
	for {
		set.N = n
		sol, err := Solve(p, &set)
		solves++
		if err != nil && !errors.Is(err, ErrNewton) {
			return nil, err
		}
		grow := false
		var tails []float64
		if sol != nil {
			for d := range n {
				t := coeffTail(sol.U, solPoints(sol), sol.Periodic, d)
				tails = append(tails, t)
				if t > a.Tol || err != nil {
					grow = true
				}
			}
		}
		if !grow && err == nil {
			sol.Tail = tails
			if small, ok := chop(p, set, sol, n, a.Tol, &solves); ok {
				sol = small
			}
			sol.Solves, sol.Runtime = solves, time.Since(start)
			return sol, nil
		}
		// An axis grows when its tail is above Tol and within a factor
		// 1000 of the worst axis's: under-resolution along one axis
		// pollutes the others' coefficients a little, and growing them
		// too would cost time and conditioning for nothing.
		worst := 0.0
		for _, t := range tails {
			worst = max(worst, t)
		}
		next := slices.Clone(n)
		changed := false
		for d := range n {
			if err != nil || (tails[d] > a.Tol && tails[d] >= worst/1000) {
				next[d] = min(a.Max, n[d]+max(2, n[d]/4))
				if p.periodic(d) {
					next[d] -= next[d] % 2 // Fourier axes take an even count
				}
			}
			changed = changed || next[d] != n[d]
		}
		if !changed {
			if sol != nil {
				sol.Tail, sol.Solves, sol.Runtime = tails, solves, time.Since(start)
			}
			if err != nil {
				return sol, err
			}
			return sol, fmt.Errorf("%w: degrees %v leave coefficient tails %.2g (target %g)", ErrUnresolved, n, tails, a.Tol)
		}
		n = next
	}
}

// resolvedDegree is the degree whose coefficient tail (its top tenth,
// coeffTail) lies above last, the highest degree still above the
// tolerance: last/0.88 + 4.
func resolvedDegree(last int) int { return int(math.Ceil(float64(last)/0.88)) + 4 }

// probeLines are the fractions of the other axis at which dataDegrees
// samples F along an axis (away from the ends and from each other).
var probeLines = []float64{0.1273, 0.3819, 0.6180, 0.8541}

// dataDegrees returns, per axis, the degree at which the data are
// resolved to tol along it: for a linear problem F on the probeLines (the
// axis itself in 1D; a nonlinear term can make F rougher than the
// solution) and, in 2D, G on the two boundary lines along the axis, at degrees
// start, 2·start, … ≤ maxDeg, with resolvedDegree's margin. An entry is 0 where the
// data say nothing: a periodic axis, data not resolved by maxDeg, or no
// line with finite values (Solve reports those).
func dataDegrees(p Problem, tol float64, start, maxDeg int) []int {
	dim := len(p.Box)
	out := make([]int, dim)
	for d := range dim {
		if p.periodic(d) {
			continue
		}
		pt := make([]float64, dim)
		var lines []func(t float64) float64
		linear := p.F != nil && p.Nonlinear == nil
		if dim == 1 {
			if linear {
				lines = append(lines, func(t float64) float64 { pt[0] = t; return p.F(pt) })
			}
		} else {
			o := 1 - d
			lo, hi := p.Box[o].Lo, p.Box[o].Hi
			at := func(f func([]float64) float64, y float64) func(float64) float64 {
				return func(t float64) float64 { pt[d], pt[o] = t, y; return f(pt) }
			}
			if linear {
				for _, q := range probeLines {
					lines = append(lines, at(p.F, lo+q*(hi-lo)))
				}
			}
			if p.G != nil && !p.periodic(o) {
				lines = append(lines, at(p.G, lo), at(p.G, hi))
			}
		}
		b := p.Box[d]
		for deg := start; ; deg = min(2*deg, maxDeg) {
			x, _ := chebPoints(deg, b.Lo, b.Hi)
			v := make([]float64, len(x))
			resolved, used, last := true, 0, 0
			for _, f := range lines {
				ok := true
				for j, t := range x {
					v[j] = f(t)
					ok = ok && finite(v[j])
				}
				if !ok {
					continue
				}
				used++
				tail, l := coeffInfo(v, []int{len(x)}, []bool{false}, 0, tol)
				if tail > tol {
					resolved = false
					break
				}
				last = max(last, l)
			}
			if used == 0 {
				break
			}
			if resolved {
				out[d] = min(maxDeg, max(MinPoints, resolvedDegree(last)))
				break
			}
			if deg >= maxDeg {
				break
			}
		}
	}
	return out
}

// chop re-solves at the smallest degrees the resolved solution's
// coefficients call for, and returns that solution if it is resolved.
func chop(p Problem, set Settings, sol *Solution, n []int, tol float64, solves *int) (*Solution, bool) {
	m := slices.Clone(n)
	smaller := false
	for d := range n {
		_, last := coeffInfo(sol.U, solPoints(sol), sol.Periodic, d, tol)
		if p.periodic(d) {
			// Wavenumbers up to last need 2·last + 2 points.
			m[d] = min(n[d], max(4, 2*(int(math.Ceil(float64(last)/0.88))+2)))
		} else {
			m[d] = min(n[d], max(MinPoints, resolvedDegree(last)))
		}
		smaller = smaller || m[d] < n[d]*9/10
	}
	if !smaller {
		return nil, false
	}
	set.N = m
	s2, err := Solve(p, &set)
	*solves++
	if err != nil {
		return nil, false
	}
	var tails []float64
	for d := range m {
		t := coeffTail(s2.U, solPoints(s2), s2.Periodic, d)
		if t > tol {
			return nil, false
		}
		tails = append(tails, t)
	}
	s2.Tail = tails
	return s2, true
}

// solPoints returns the points per axis of a solution.
func solPoints(s *Solution) []int {
	pts := make([]int, len(s.Nodes))
	for d, x := range s.Nodes {
		pts[d] = len(x)
	}
	return pts
}
