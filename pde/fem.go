package pde

import (
	"math"

	"github.com/pdekit/pdekit/sparse"
)

// RotatedQ1 assembles −∇·(K∇u) with the constant tensor K = R·diag(1, ε)·Rᵀ,
// R the rotation by angle, on the unit square with an N×N interior node
// mesh of bilinear (Q1) elements and zero Dirichlet data: the element
// stiffness ∫∇φ_i·K∇φ_j is integrated exactly by 2×2 Gauss points. The
// matrix is SPD with positive off-diagonal entries (not an M-matrix): the
// rotated-anisotropy test of algebraic multigrid (Stüben 2001).
// RotatedQ1 panics if N < 1.
func RotatedQ1(N int, angle, eps float64) *sparse.CSR {
	if N < 1 {
		panic("pde: RotatedQ1 needs N ≥ 1")
	}
	c, s := math.Cos(angle), math.Sin(angle)
	kxx, kxy, kyy := c*c+eps*s*s, (1-eps)*c*s, s*s+eps*c*c
	// Element stiffness on [0, h]², nodes (0,0), (h,0), (0,h), (h,h); in
	// 2D the factors h⁻² of the gradients and h² of the area cancel.
	var ke [4][4]float64
	gp := []float64{0.5 - 0.5/math.Sqrt(3), 0.5 + 0.5/math.Sqrt(3)}
	for _, xi := range gp {
		for _, eta := range gp {
			// Gradients of the bilinear basis in reference coordinates,
			// scaled by 1/h; the Jacobian determinant h² times the weight ¼.
			gx := [4]float64{-(1 - eta), 1 - eta, -eta, eta}
			gy := [4]float64{-(1 - xi), -xi, 1 - xi, xi}
			for i := range 4 {
				for j := range 4 {
					ke[i][j] += 0.25 * (kxx*gx[i]*gx[j] + kxy*(gx[i]*gy[j]+gy[i]*gx[j]) + kyy*gy[i]*gy[j])
				}
			}
		}
	}
	t := sparse.NewTriplet(N*N, N*N, 9*N*N)
	node := func(i, j int) int { // i, j in 0..N+1; −1 on the boundary
		if i < 1 || i > N || j < 1 || j > N {
			return -1
		}
		return (j-1)*N + (i - 1)
	}
	for ei := range N + 1 {
		for ej := range N + 1 {
			nodes := [4]int{node(ei, ej), node(ei+1, ej), node(ei, ej+1), node(ei+1, ej+1)}
			for a, p := range nodes {
				if p < 0 {
					continue
				}
				for b, q := range nodes {
					if q >= 0 {
						t.Append(p, q, ke[a][b])
					}
				}
			}
		}
	}
	return t.ToCSR()
}

// Checkerboard returns the coefficient of an n×n grid (row-major) that is
// 1 on the white and contrast on the black squares of a blocks×blocks
// board: the high-contrast test of algebraic multigrid, for Diffusion.
// It panics if n or blocks is below 1.
func Checkerboard(n, blocks int, contrast float64) []float64 {
	if n < 1 || blocks < 1 {
		panic("pde: Checkerboard needs n, blocks ≥ 1")
	}
	c := make([]float64, n*n)
	for i := range n {
		for j := range n {
			c[i*n+j] = 1
			if (i*blocks/n+j*blocks/n)%2 == 1 {
				c[i*n+j] = contrast
			}
		}
	}
	return c
}
