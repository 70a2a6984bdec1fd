package pde

import (
	"fmt"

	"github.com/pdekit/pdekit/sparse"
)

// Problem is one discrete linear system A·u = B on a grid.
type Problem struct {
	// Name identifies the operator and solution, e.g. "poisson/poly-exp-sine".
	Name string
	A    *sparse.CSR
	B    []float64
	Grid Grid
	// Params is the parameter vector that generated the problem (the
	// coefficient field, a wavenumber, expansion coefficients); nil for
	// problems without parameters. Distances between problems of a Family
	// are measured on it.
	Params []float64
	// Exact holds the exact solution of the continuous problem at the
	// interior nodes when it is known, else nil.
	Exact []float64
}

// manufactured assembles B = f + boundary and Exact = u on g.
func manufactured(name string, g Grid, m Manufactured, a *sparse.CSR, bnd []float64, f func(x []float64) float64) (Problem, error) {
	if m.Dim != g.Dim() {
		return Problem{}, fmt.Errorf("%w: %d-D solution on a %d-D grid", ErrGrid, m.Dim, g.Dim())
	}
	b := g.Sample(f)
	for i, v := range bnd {
		b[i] += v
	}
	return Problem{Name: name + "/" + m.Name, A: a, B: b, Grid: g, Exact: g.Sample(m.U)}, nil
}

// PoissonProblem returns −Δu = f on g with f = −Δu_m and Dirichlet data
// u_m, for the manufactured solution m.
func PoissonProblem(g Grid, m Manufactured) (Problem, error) {
	a, bnd := Laplacian(g, Dirichlet(m.U))
	return manufactured("poisson", g, m, a, bnd, func(x []float64) float64 { return -m.Lap(x) })
}

// HelmholtzProblem returns −Δu − k²u = f for the manufactured solution m.
func HelmholtzProblem(g Grid, m Manufactured, k float64) (Problem, error) {
	a, bnd := Helmholtz(g, k, Dirichlet(m.U))
	return manufactured("helmholtz", g, m, a, bnd, func(x []float64) float64 { return -m.Lap(x) - k*k*m.U(x) })
}

// DiffusionProblem returns −∇·(a∇u) = f for the manufactured solution m
// and a smooth positive coefficient a with gradient gradA:
// f = −(a·Δu + ∇a·∇u). The coefficient is sampled on all nodes, boundary
// included.
func DiffusionProblem(g Grid, m Manufactured, a func(x []float64) float64, gradA func(x, g []float64)) (Problem, error) {
	A, bnd, err := Diffusion(g, g.SampleFull(a), Dirichlet(m.U))
	if err != nil {
		return Problem{}, err
	}
	gu := make([]float64, g.Dim())
	ga := make([]float64, g.Dim())
	return manufactured("diffusion", g, m, A, bnd, func(x []float64) float64 {
		m.Grad(x, gu)
		gradA(x, ga)
		var s float64
		for k := range gu {
			s += ga[k] * gu[k]
		}
		return -(a(x)*m.Lap(x) + s)
	})
}

// ConvectionDiffusionProblem returns −εΔu + β·∇u = f for the
// manufactured solution m.
func ConvectionDiffusionProblem(g Grid, m Manufactured, eps float64, beta []float64, scheme Scheme) (Problem, error) {
	A, bnd, err := ConvectionDiffusion(g, eps, beta, scheme, Dirichlet(m.U))
	if err != nil {
		return Problem{}, err
	}
	gu := make([]float64, g.Dim())
	return manufactured("convdiff-"+scheme.String(), g, m, A, bnd, func(x []float64) float64 {
		m.Grad(x, gu)
		var s float64
		for k := range gu {
			s += beta[k] * gu[k]
		}
		return -eps*m.Lap(x) + s
	})
}
