package pde

import (
	"errors"
	"fmt"
	"math"
)

// ErrGrid reports an invalid grid or a field whose length does not fit it.
var ErrGrid = errors.New("pde: invalid grid")

// Grid is a uniform grid on the box [Lo₀, Hi₀]×…×[Lo_{d−1}, Hi_{d−1}],
// d ∈ {1, 2, 3}, with N[k] interior nodes along dimension k and spacing
// H(k) = (Hi[k] − Lo[k])/(N[k] + 1). The boundary nodes (index −1 and N[k])
// carry Dirichlet data and are not unknowns.
//
// Unknowns are numbered lexicographically with the first dimension
// slowest: in 2D the node (i, j) at (x_i, y_j) has index i·N[1] + j, the
// layout of a row-major array indexed [i][j] (NumPy's meshgrid with
// indexing='ij', raveled).
type Grid struct {
	N      []int
	Lo, Hi []float64
}

// NewGrid returns the grid on the unit box [0, 1]^d with the given numbers
// of interior nodes per dimension.
func NewGrid(n ...int) (Grid, error) {
	lo := make([]float64, len(n))
	hi := make([]float64, len(n))
	for i := range hi {
		hi[i] = 1
	}
	return NewBox(lo, hi, n)
}

// NewBox returns the grid on the box [lo, hi] with n interior nodes per
// dimension. It fails with ErrGrid for a dimension outside 1–3, n[k] < 1,
// an empty or non-finite box, or more than 2³¹−1 nodes.
func NewBox(lo, hi []float64, n []int) (Grid, error) {
	d := len(n)
	if d < 1 || d > 3 || len(lo) != d || len(hi) != d {
		return Grid{}, fmt.Errorf("%w: need 1–3 dimensions with matching lo, hi, n (got %d, %d, %d)", ErrGrid, len(lo), len(hi), d)
	}
	size := 1
	for k := range d {
		if n[k] < 1 {
			return Grid{}, fmt.Errorf("%w: %d interior nodes in dimension %d", ErrGrid, n[k], k)
		}
		if !(hi[k] > lo[k]) || math.IsInf(hi[k]-lo[k], 0) {
			return Grid{}, fmt.Errorf("%w: empty or infinite interval [%v, %v] in dimension %d", ErrGrid, lo[k], hi[k], k)
		}
		size *= n[k]
		if size > math.MaxInt32 {
			return Grid{}, fmt.Errorf("%w: more than 2³¹−1 nodes", ErrGrid)
		}
	}
	return Grid{N: append([]int(nil), n...), Lo: append([]float64(nil), lo...), Hi: append([]float64(nil), hi...)}, nil
}

// MustGrid is NewGrid for sizes known to be valid; it panics otherwise.
func MustGrid(n ...int) Grid {
	g, err := NewGrid(n...)
	if err != nil {
		panic(err)
	}
	return g
}

// Dim returns the number of space dimensions.
func (g Grid) Dim() int { return len(g.N) }

// Size returns the number of interior nodes (unknowns).
func (g Grid) Size() int {
	s := 1
	for _, n := range g.N {
		s *= n
	}
	return s
}

// FullSize returns the number of nodes including the boundary, Π(N[k]+2).
func (g Grid) FullSize() int {
	s := 1
	for _, n := range g.N {
		s *= n + 2
	}
	return s
}

// H returns the spacing along dimension k.
func (g Grid) H(k int) float64 { return (g.Hi[k] - g.Lo[k]) / float64(g.N[k]+1) }

// Coord returns the coordinate of node i (−1 ≤ i ≤ N[k]) along dimension k.
func (g Grid) Coord(k, i int) float64 {
	if i == g.N[k] {
		return g.Hi[k] // exact at the far boundary
	}
	return g.Lo[k] + float64(i+1)*g.H(k)
}

// stride returns the index stride of dimension k.
func (g Grid) stride(k int) int {
	s := 1
	for j := k + 1; j < len(g.N); j++ {
		s *= g.N[j]
	}
	return s
}

// Point writes the coordinates of interior node idx into x (len Dim).
func (g Grid) Point(idx int, x []float64) {
	for k := len(g.N) - 1; k >= 0; k-- {
		x[k] = g.Coord(k, idx%g.N[k])
		idx /= g.N[k]
	}
}

// Sample evaluates f at every interior node.
func (g Grid) Sample(f func(x []float64) float64) []float64 {
	v := make([]float64, g.Size())
	x := make([]float64, g.Dim())
	for i := range v {
		g.Point(i, x)
		v[i] = f(x)
	}
	return v
}

// SampleFull evaluates f at every node including the boundary, in the
// lexicographic order of the (N[k]+2)-point grid. Coefficient fields of
// this length are used as given at boundary nodes (see Diffusion).
func (g Grid) SampleFull(f func(x []float64) float64) []float64 {
	v := make([]float64, g.FullSize())
	x := make([]float64, g.Dim())
	ii := make([]int, g.Dim())
	for i := range v {
		r := i
		for k := len(g.N) - 1; k >= 0; k-- {
			ii[k] = r%(g.N[k]+2) - 1
			r /= g.N[k] + 2
		}
		for k := range ii {
			x[k] = g.Coord(k, ii[k])
		}
		v[i] = f(x)
	}
	return v
}

// field reads a coefficient given either on the interior nodes (len Size;
// boundary nodes take the value of the nearest interior node) or on all
// nodes (len FullSize).
type field struct {
	g    Grid
	v    []float64
	full bool
}

func newField(g Grid, name string, v []float64) (field, error) {
	switch len(v) {
	case g.Size():
		return field{g: g, v: v}, nil
	case g.FullSize():
		return field{g: g, v: v, full: true}, nil
	}
	return field{}, fmt.Errorf("%w: coefficient %s has %d values, want %d (interior) or %d (with boundary)",
		ErrGrid, name, len(v), g.Size(), g.FullSize())
}

// at returns the value at multi-index ii, where ii[k] may be −1 or N[k].
func (f field) at(ii []int) float64 {
	idx := 0
	for k, i := range ii {
		n := f.g.N[k]
		if f.full {
			idx = idx*(n+2) + i + 1
			continue
		}
		idx = idx*n + min(max(i, 0), n-1)
	}
	return f.v[idx]
}
