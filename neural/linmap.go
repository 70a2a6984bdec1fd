package neural

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// LinearMap is a fixed n×n linear map applied to the columns of a matrix,
// such as Problem.Precondition.
type LinearMap interface {
	// Size returns n.
	Size() int
	// Apply sets dst = P·src (Pᵀ·src if trans) for n-row matrices of the
	// same shape; dst and src do not overlap.
	Apply(dst, src *mat.Dense, trans bool)
}

// Matrix is a dense square matrix as a LinearMap.
type Matrix struct{ *mat.Dense }

// Size returns the order of the matrix; it panics if it is not square.
func (m Matrix) Size() int {
	r, c := m.Dims()
	if r != c {
		panic(fmt.Sprintf("neural: Matrix of %d×%d used as a LinearMap", r, c))
	}
	return r
}

// Apply sets dst = M·src or Mᵀ·src.
func (m Matrix) Apply(dst, src *mat.Dense, trans bool) {
	if trans {
		dst.Mul(m.T(), src)
		return
	}
	dst.Mul(m.Dense, src)
}

// Apply returns P·a for a fixed linear map P.
func (t *Tape) Apply(p LinearMap, a *Node) *Node {
	r, c := a.V.Dims()
	if r != p.Size() {
		panic(fmt.Sprintf("neural: Apply of a %d×%d map to %d×%d", p.Size(), p.Size(), r, c))
	}
	v := mat.NewDense(r, c, nil)
	p.Apply(v, a.V, false)
	return t.push(v, a.grad, func(n *Node) {
		g := mat.NewDense(r, c, nil)
		p.Apply(g, n.G, true)
		a.gradient().Add(a.G, g)
	})
}

// GridHelmholtzInverse is the inverse of the discrete Helmholtz operator
// Δ_h + k² (five-point Laplacian, zero Dirichlet values) on the m×m
// interior points of an even 2D grid, applied through the sine eigenbasis
// in O(m³) per column instead of the O(m⁴) of a dense inverse. It is
// symmetric. Build it with InverseGridHelmholtz.
type GridHelmholtzInverse struct {
	m   int
	s   []float64 // the m×m DST-I matrix S_ij = √(2/(m+1))·sin(π(i+1)(j+1)/(m+1)), symmetric and orthogonal
	inv []float64 // 1/(λ_x[i] + λ_y[j] + k²) at i + m·j
}

// InverseGridHelmholtz returns the inverse of Δ_h + k2 on the m×m
// interior points of the even grid Train collocates on in 2D when a
// Precondition is set (h_k = (hi_k − lo_k)/(m+1), point i_x + m·i_y, x
// fastest): Δ_h + k2 = (S⊗S)·diag(λ_x,i + λ_y,j + k2)·(S⊗S) with the sine
// basis S and λ_i = −(4/h²)·sin²(π·i/(2(m+1))). With it the loss of a
// linear second-order problem measures ≈ ‖u − u*‖² on the grid, as
// InverseSecondDifference does in 1D. It returns ErrShape for m < 1 or a
// box that is not 2D, and an error when −k2 is an eigenvalue of Δ_h (the
// discrete problem is singular).
func InverseGridHelmholtz(m int, lo, hi []float64, k2 float64) (*GridHelmholtzInverse, error) {
	if m < 1 || len(lo) != 2 || len(hi) != 2 || !(hi[0] > lo[0]) || !(hi[1] > lo[1]) || math.IsNaN(k2) || math.IsInf(k2, 0) {
		return nil, fmt.Errorf("%w: InverseGridHelmholtz needs m ≥ 1, a 2D box and a finite k², got m = %d, %v–%v, %g", ErrShape, m, lo, hi, k2)
	}
	g := &GridHelmholtzInverse{m: m, s: make([]float64, m*m), inv: make([]float64, m*m)}
	c := math.Sqrt(2 / float64(m+1))
	for i := range m {
		for j := range m {
			g.s[i*m+j] = c * math.Sin(math.Pi*float64((i+1)*(j+1))/float64(m+1))
		}
	}
	lam := func(k int) []float64 {
		h := (hi[k] - lo[k]) / float64(m+1)
		l := make([]float64, m)
		for i := range m {
			sn := math.Sin(math.Pi * float64(i+1) / float64(2*(m+1)))
			l[i] = -4 / (h * h) * sn * sn
		}
		return l
	}
	lx, ly := lam(0), lam(1)
	for j := range m {
		for i := range m {
			den := lx[i] + ly[j] + k2
			if math.Abs(den) <= 1e-12*(math.Abs(lx[i])+math.Abs(ly[j])+math.Abs(k2)) {
				return nil, fmt.Errorf("neural: InverseGridHelmholtz: −k² = %g is an eigenvalue of Δ_h on the %d×%d grid", -k2, m, m)
			}
			g.inv[i+m*j] = 1 / den
		}
	}
	return g, nil
}

// Size returns m².
func (g *GridHelmholtzInverse) Size() int { return g.m * g.m }

// Apply sets dst = P·src; P is symmetric, so trans is ignored.
func (g *GridHelmholtzInverse) Apply(dst, src *mat.Dense, trans bool) {
	n := g.m * g.m
	r, c := src.Dims()
	if dr, dc := dst.Dims(); r != n || dr != n || dc != c {
		panic(fmt.Sprintf("neural: GridHelmholtzInverse of order %d applied to %d×%d into %d×%d", n, r, c, dr, dc))
	}
	buf := make([]float64, n*c)
	g.sine(buf, src)
	for row := range n {
		w := g.inv[row]
		for k := range c {
			buf[row*c+k] *= w
		}
	}
	tmp := mat.NewDense(n, c, buf)
	g.sine(buf, tmp) // sine reads a packed copy of its input first
	dst.Copy(mat.NewDense(n, c, buf))
}

// sine sets out = (S⊗S)·x (packed n×c, row i_x + m·i_y): S along x within
// each block of m rows, then S along y on the m×(m·c) matrix of blocks.
func (g *GridHelmholtzInverse) sine(out []float64, x *mat.Dense) {
	m := g.m
	n, c := x.Dims()
	in := mat.DenseCopyOf(x).RawMatrix().Data // packed, stride c
	sm := blas64.General{Rows: m, Cols: m, Stride: m, Data: g.s}
	tmp := make([]float64, n*c)
	for iy := range m {
		blk := blas64.General{Rows: m, Cols: c, Stride: c, Data: in[iy*m*c : (iy+1)*m*c]}
		dst := blas64.General{Rows: m, Cols: c, Stride: c, Data: tmp[iy*m*c : (iy+1)*m*c]}
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, sm, blk, 0, dst)
	}
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, sm,
		blas64.General{Rows: m, Cols: m * c, Stride: m * c, Data: tmp}, 0,
		blas64.General{Rows: m, Cols: m * c, Stride: m * c, Data: out[:n*c]})
}
