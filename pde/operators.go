package pde

import (
	"fmt"
	"math"

	"github.com/pdekit/pdekit/sparse"
)

// Dirichlet gives boundary values u(x) on the boundary of the box. A nil
// Dirichlet means u = 0 there.
type Dirichlet func(x []float64) float64

// Scheme selects the difference used for a first-order (convection) term.
type Scheme int

const (
	// Upwind is the first-order one-sided difference against the flow:
	// unconditionally stable (an M-matrix), O(h) accurate.
	Upwind Scheme = iota
	// Central is the second-order central difference: O(h²) accurate, an
	// M-matrix only while the cell Péclet number |β|h/(2ε) ≤ 1.
	Central
)

// String returns "upwind" or "central".
func (s Scheme) String() string {
	if s == Central {
		return "central"
	}
	return "upwind"
}

// stencil gives the coefficients of one row: center and, for each
// dimension k, the coefficients of the neighbors at −1 (off[k][0]) and +1
// (off[k][1]) along k. ii is the multi-index of the row's node.
type stencil func(ii []int, off *[3][2]float64) (center float64)

// assemble builds the matrix of a (2d+1)-point stencil on the interior
// nodes and the vector that folds the Dirichlet values of boundary
// neighbors into the right-hand side: the discrete equation of row i is
// (A·u)_i = f_i + bnd_i. Rows are built in order with sorted columns, so
// no sort is needed. Neighbor entries are stored even when zero, so that
// all operators of a family share one pattern.
func assemble(g Grid, st stencil, bc Dirichlet) (*sparse.CSR, []float64) {
	d := g.Dim()
	n := g.Size()
	nnzRow := 2*d + 1
	rp := make([]int, n+1)
	ci := make([]int32, 0, n*nnzRow)
	val := make([]float64, 0, n*nnzRow)
	bnd := make([]float64, n)
	var strides [3]int
	for k := range d {
		strides[k] = g.stride(k)
	}
	ii := make([]int, d)
	xb := make([]float64, d)
	var off [3][2]float64
	boundary := func(idx, k, side int, c float64) {
		if c == 0 || bc == nil {
			return
		}
		for j := range d {
			xb[j] = g.Coord(j, ii[j])
		}
		if side == 0 {
			xb[k] = g.Lo[k]
		} else {
			xb[k] = g.Hi[k]
		}
		bnd[idx] -= c * bc(xb)
	}
	for idx := range n {
		off = [3][2]float64{}
		center := st(ii, &off)
		// Minus side, slowest dimension first (largest stride: smallest column).
		for k := range d {
			if ii[k] > 0 {
				ci = append(ci, int32(idx-strides[k]))
				val = append(val, off[k][0])
			} else {
				boundary(idx, k, 0, off[k][0])
			}
		}
		ci = append(ci, int32(idx))
		val = append(val, center)
		for k := d - 1; k >= 0; k-- {
			if ii[k] < g.N[k]-1 {
				ci = append(ci, int32(idx+strides[k]))
				val = append(val, off[k][1])
			} else {
				boundary(idx, k, 1, off[k][1])
			}
		}
		rp[idx+1] = len(ci)
		// Advance the multi-index (last dimension fastest).
		for k := d - 1; k >= 0; k-- {
			ii[k]++
			if ii[k] < g.N[k] {
				break
			}
			ii[k] = 0
		}
	}
	a, err := sparse.NewCSR(n, n, rp, ci, val)
	if err != nil {
		panic("pde: assemble built an invalid matrix: " + err.Error())
	}
	return a, bnd
}

// Laplacian returns the standard (2d+1)-point discretisation of −Δ on g
// (3-point in 1D, 5-point in 2D, 7-point in 3D), scaled by 1/h², which is
// symmetric positive definite, and the right-hand-side contribution of the
// Dirichlet data bc.
func Laplacian(g Grid, bc Dirichlet) (*sparse.CSR, []float64) {
	ih2 := inverseH2(g)
	return assemble(g, func(ii []int, off *[3][2]float64) float64 {
		var c float64
		for k := range ii {
			off[k] = [2]float64{-ih2[k], -ih2[k]}
			c += 2 * ih2[k]
		}
		return c
	}, bc)
}

// Diffusion returns the discretisation of −∇·(a∇u) with face coefficients
// the arithmetic mean of the two adjacent nodal values,
// a_{i±½} = (a_i + a_{i±1})/2 (the conservative five-point scheme; Morton
// & Mayers 2005, §6.2), which is symmetric, and positive definite when
// a > 0. The field a holds either the interior nodes (len g.Size();
// boundary nodes then take the value of their interior neighbor) or all
// nodes (len g.FullSize(), as from Grid.SampleFull). It fails with ErrGrid
// for a field of another length and with an error for a non-positive or
// non-finite value.
func Diffusion(g Grid, a []float64, bc Dirichlet) (*sparse.CSR, []float64, error) {
	f, err := coefficient(g, a)
	if err != nil {
		return nil, nil, err
	}
	ih2 := inverseH2(g)
	if g.Dim() == 2 && bc == nil {
		return diffusion2D(g, f, ih2), make([]float64, g.Size()), nil
	}
	nb := make([]int, g.Dim())
	A, bnd := assemble(g, func(ii []int, off *[3][2]float64) float64 {
		ac := f.at(ii)
		copy(nb, ii)
		var c float64
		for k := range ii {
			for side, dlt := range [2]int{-1, 1} {
				nb[k] = ii[k] + dlt
				af := 0.5 * (ac + f.at(nb))
				off[k][side] = -af * ih2[k]
				c += af * ih2[k]
			}
			nb[k] = ii[k]
		}
		return c
	}, bc)
	return A, bnd, nil
}

// diffusion2D is Diffusion's matrix on a 2D grid with zero Dirichlet data,
// assembled row by row from the field padded to the full node grid (the
// general path's closure and multi-index lookups cost as much as a
// multigrid solve at 256²). Entries, their order and their rounding are
// the general path's.
func diffusion2D(g Grid, f field, ih2 [3]float64) *sparse.CSR {
	n0, n1 := g.N[0], g.N[1]
	w := n1 + 2
	pad := make([]float64, (n0+2)*w)
	ii := []int{0, 0}
	for i := -1; i <= n0; i++ {
		for j := -1; j <= n1; j++ {
			ii[0], ii[1] = i, j
			pad[(i+1)*w+j+1] = f.at(ii)
		}
	}
	n := n0 * n1
	rp := make([]int, n+1)
	ci := make([]int32, 0, 5*n)
	val := make([]float64, 0, 5*n)
	h0, h1 := ih2[0], ih2[1]
	for i := range n0 {
		up, row, down := pad[i*w:(i+1)*w], pad[(i+1)*w:(i+2)*w], pad[(i+2)*w:(i+3)*w]
		for j := range n1 {
			idx := i*n1 + j
			ac := row[j+1]
			aS, aN := 0.5*(ac+up[j+1]), 0.5*(ac+down[j+1])
			aW, aE := 0.5*(ac+row[j]), 0.5*(ac+row[j+2])
			var c float64
			c += aS * h0
			c += aN * h0
			c += aW * h1
			c += aE * h1
			if i > 0 {
				ci, val = append(ci, int32(idx-n1)), append(val, -aS*h0)
			}
			if j > 0 {
				ci, val = append(ci, int32(idx-1)), append(val, -aW*h1)
			}
			ci, val = append(ci, int32(idx)), append(val, c)
			if j < n1-1 {
				ci, val = append(ci, int32(idx+1)), append(val, -aE*h1)
			}
			if i < n0-1 {
				ci, val = append(ci, int32(idx+n1)), append(val, -aN*h0)
			}
			rp[idx+1] = len(ci)
		}
	}
	a, err := sparse.NewCSR(n, n, rp, ci, val)
	if err != nil {
		panic("pde: diffusion2D built an invalid matrix: " + err.Error())
	}
	return a
}

// DarcySKR returns the nonsymmetric Darcy matrix of the SKR paper's data
// generator (Wang et al. 2024): the (2d+1)-point Laplacian times diag(a),
// that is (L·diag(a))·u, with the Dirichlet data bc folded in using the
// boundary values of a (see Diffusion for the field convention). It is the
// operator u ↦ −Δ(a·u), not the physical −∇·(a∇u) of Diffusion.
func DarcySKR(g Grid, a []float64, bc Dirichlet) (*sparse.CSR, []float64, error) {
	f, err := coefficient(g, a)
	if err != nil {
		return nil, nil, err
	}
	ih2 := inverseH2(g)
	nb := make([]int, g.Dim())
	A, bnd := assemble(g, func(ii []int, off *[3][2]float64) float64 {
		copy(nb, ii)
		var c float64
		for k := range ii {
			for side, dlt := range [2]int{-1, 1} {
				nb[k] = ii[k] + dlt
				off[k][side] = -f.at(nb) * ih2[k]
			}
			nb[k] = ii[k]
			c += 2 * ih2[k]
		}
		return c * f.at(ii)
	}, bc)
	return A, bnd, nil
}

// DarcySKRAsPublished returns the matrix the SKR paper's public data
// generator actually assembles (wanghong1700/NO-DataGen-SKR, build_darcy
// and build_helmholtz): DarcySKR's L·diag(a) on a 2-D grid except that
// every coupling of a node to the node below it in the first dimension,
// entry (j+N₁, j), is weighted by a at j−2 instead of a at j. The slip
// comes from its diags call, which takes that diagonal from a flattened
// field offset by s−2 where s is meant (SciPy silently truncates the
// over-long diagonal). Unless a is constant the matrix is no longer
// L·diag(a): on the paper's fields it has eigenvalues in the left
// half-plane and restarted GMRES(40) stagnates on it, which is where
// the paper's GMRES iteration counts (≈ 10⁴, its iteration cap) come
// from. pdekit provides it only to reproduce the published numbers; use
// DarcySKR or Diffusion for anything else. The two entries with j < 2
// (their coefficient lies on the boundary ring in the published code)
// keep DarcySKR's value. Only zero Dirichlet data are supported.
func DarcySKRAsPublished(g Grid, a []float64) (*sparse.CSR, error) {
	if g.Dim() != 2 {
		return nil, fmt.Errorf("%w: the published SKR matrix is 2-D, grid is %d-D", ErrGrid, g.Dim())
	}
	A, _, err := DarcySKR(g, a, nil)
	if err != nil {
		return nil, err
	}
	// Row j of DarcySKR has diagonal 2(ih2₀ + ih2₁)·a_j and the entry
	// (j+N₁, j) is −ih2₀·a_j; read a from the diagonal so that interior
	// and full-size fields give the same matrix.
	ih2 := inverseH2(g)
	diag := A.DiagTo(nil)
	c := 2 * (ih2[0] + ih2[1])
	s := g.N[1]
	for row := s + 2; row < A.Dim(); row++ {
		j := row - s
		for p := A.RowPtr[row]; p < A.RowPtr[row+1]; p++ {
			if int(A.ColIdx[p]) == j {
				A.Val[p] = -ih2[0] * diag[j-2] / c
				break
			}
		}
	}
	return A, nil
}

// Helmholtz returns the discretisation of −Δu − k²u (the Laplacian shifted
// by −k²), symmetric and indefinite once k² exceeds the smallest eigenvalue
// of the discrete Laplacian (≈ dπ² on the unit box).
func Helmholtz(g Grid, k float64, bc Dirichlet) (*sparse.CSR, []float64) {
	a, bnd := Laplacian(g, bc)
	return Shift(a, -k*k), bnd
}

// Shift returns A + σ·I as a new matrix (A square).
func Shift(a *sparse.CSR, sigma float64) *sparse.CSR {
	return sparse.Add(1, a, sigma, sparse.Identity(a.Dim()))
}

// ConvectionDiffusion returns the discretisation of −ε·Δu + β·∇u with a
// constant velocity β (len g.Dim()), with the convection term in the given
// scheme. It is nonsymmetric whenever β ≠ 0.
func ConvectionDiffusion(g Grid, eps float64, beta []float64, scheme Scheme, bc Dirichlet) (*sparse.CSR, []float64, error) {
	if len(beta) != g.Dim() {
		return nil, nil, fmt.Errorf("%w: velocity has %d components on a %d-D grid", ErrGrid, len(beta), g.Dim())
	}
	if !(eps > 0) || math.IsInf(eps, 0) {
		return nil, nil, fmt.Errorf("pde: diffusion coefficient ε = %v must be positive and finite", eps)
	}
	if err := checkFinite("β", beta); err != nil {
		return nil, nil, err
	}
	A, bnd := assemble(g, func(ii []int, off *[3][2]float64) float64 {
		var c float64
		for k := range ii {
			h := g.H(k)
			dm, dp := -eps/(h*h), -eps/(h*h)
			c += 2 * eps / (h * h)
			b := beta[k]
			switch {
			case scheme == Central:
				dm -= b / (2 * h)
				dp += b / (2 * h)
			case b > 0:
				dm -= b / h
				c += b / h
			default:
				dp += b / h
				c -= b / h
			}
			off[k] = [2]float64{dm, dp}
		}
		return c
	}, bc)
	return A, bnd, nil
}

// inverseH2 returns 1/h_k² for each dimension k of g.
func inverseH2(g Grid) [3]float64 {
	var ih2 [3]float64
	for k := range g.Dim() {
		ih2[k] = 1 / (g.H(k) * g.H(k))
	}
	return ih2
}

// coefficient validates a positive coefficient field a on g.
func coefficient(g Grid, a []float64) (field, error) {
	f, err := newField(g, "a", a)
	if err != nil {
		return field{}, err
	}
	return f, checkPositive("a", a)
}

func checkPositive(name string, v []float64) error {
	for i, x := range v {
		if !(x > 0) || math.IsInf(x, 0) {
			return fmt.Errorf("pde: coefficient %s[%d] = %v must be positive and finite", name, i, x)
		}
	}
	return nil
}

func checkFinite(name string, v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("pde: %s[%d] = %v is not finite", name, i, x)
		}
	}
	return nil
}
