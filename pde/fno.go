package pde

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/dsp/fourier"
)

// FNODarcyFamily returns count problems of the Darcy data set of the
// Fourier Neural Operator paper (Li et al., "Fourier Neural Operator for
// Parametric Partial Differential Equations", ICLR 2021, §5.2 and its
// appendix): −∇·(a∇u) = 1 on the unit square, u = 0 on the boundary, with
// a = ψ(g), ψ(g) = 12 where g ≥ 0 and 3 where g < 0, and g a Gaussian
// random field N(0, (−Δ + 9I)⁻²) with the zero-Neumann Laplacian. The
// grid has s nodes per side, boundary included (the paper's 421 × 421
// resolution is s = 421, h = 1/420); the equation is discretised by the
// conservative five-point scheme (Diffusion) on the s−2 interior nodes
// per side. Params is a on all s² nodes, row-major.
//
// The field is the cosine series g(x, y) = Σ_{k,l} (π²(k² + l²) + 9)⁻¹
// ξ_kl cos(πkx) cos(πly), ξ_kl ~ N(0, 1), the constant mode removed, the
// square root of the covariance's eigenvalues on the Neumann
// eigenfunctions, evaluated at the nodes by a 2D DCT-I (gonum's fourier).
// Only the sign of g enters a, so the overall scale does not matter. The
// paper's MATLAB generator evaluates the series by an inverse DCT-II (at
// cell centres rather than nodes); the two fields have the same law up
// to that half-cell shift.
func FNODarcyFamily(s, count int, seed uint64) (*Family, error) {
	if s < 4 {
		return nil, fmt.Errorf("pde: FNO Darcy grid needs at least 4 nodes per side, got %d", s)
	}
	g, err := NewGrid(s-2, s-2)
	if err != nil {
		return nil, err
	}
	// √λ_kl = (π²(k² + l²) + 9)⁻¹ for the covariance (−Δ + 9I)⁻².
	// The DCT-I (fftpack's cost) weighs the last mode of each dimension
	// half as much as the inner ones: doubling it there makes the
	// transform 4× the plain series.
	sq := make([]float64, s*s)
	for k := range s {
		for l := range s {
			w := 1.0
			if k == s-1 {
				w *= 2
			}
			if l == s-1 {
				w *= 2
			}
			sq[k*s+l] = w / (math.Pi*math.Pi*float64(k*k+l*l) + 9)
		}
	}
	sq[0] = 0
	return &Family{Name: "darcy-fno", Grid: g, Count: count, Seed: seed,
		Generate: func(rng *rand.Rand, i int) (Problem, error) {
			a := fnoCoefficient(rng, s, sq)
			p, err := darcyProblem("darcy-fno", g, a, DarcyOptions{})
			return p, err
		}}, nil
}

// fnoCoefficient draws the thresholded field on the s×s nodes.
func fnoCoefficient(rng *rand.Rand, s int, sq []float64) []float64 {
	c := make([]float64, s*s)
	for k := range c {
		c[k] = sq[k] * rng.NormFloat64()
	}
	// g = C·Ĝ·Cᵀ with C the DCT-I matrix: transform rows, then columns.
	t := fourier.NewDCT(s)
	row := make([]float64, s)
	for k := range s {
		t.Transform(c[k*s:(k+1)*s], c[k*s:(k+1)*s])
	}
	for j := range s {
		for k := range s {
			row[k] = c[k*s+j]
		}
		t.Transform(row, row)
		for k := range s {
			c[k*s+j] = row[k]
		}
	}
	for k, v := range c {
		if v >= 0 {
			c[k] = 12
		} else {
			c[k] = 3
		}
	}
	return c
}
