package pde

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pdekit/pdekit/sparse"
)

// TimeScheme selects the implicit time discretisation of the heat
// equation.
type TimeScheme int

const (
	// BackwardEuler is first order in time and L-stable (θ = 1).
	BackwardEuler TimeScheme = iota
	// CrankNicolson is second order in time and A-stable (θ = ½).
	CrankNicolson
)

// String returns "backward-euler" or "crank-nicolson".
func (s TimeScheme) String() string {
	if s == CrankNicolson {
		return "crank-nicolson"
	}
	return "backward-euler"
}

// HeatStep is one implicit step of u_t = ∇·(κ∇u) + f with Dirichlet data
// that do not change in time, in the θ-scheme
//
//	(I + θ·Δt·L)·uⁿ⁺¹ = (I − (1−θ)·Δt·L)·uⁿ + Δt·(θ·fⁿ⁺¹ + (1−θ)·fⁿ + g),
//
// where L is the Diffusion matrix of κ and g its boundary contribution.
// LHS is symmetric positive definite, so each step is a CG solve.
type HeatStep struct {
	Scheme TimeScheme
	Dt     float64
	// LHS is I + θ·Δt·L.
	LHS *sparse.CSR
	// l is L itself; bnd its boundary vector.
	l     *sparse.CSR
	bnd   []float64
	theta float64
}

// NewHeatStep builds the step matrices for diffusivity κ (a field as in
// Diffusion; use Grid.Sample for a function, or a constant slice) and time
// step dt > 0.
func NewHeatStep(g Grid, kappa []float64, dt float64, scheme TimeScheme, bc Dirichlet) (*HeatStep, error) {
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil, fmt.Errorf("pde: time step %v must be positive and finite", dt)
	}
	l, bnd, err := Diffusion(g, kappa, bc)
	if err != nil {
		return nil, err
	}
	theta := 1.0
	if scheme == CrankNicolson {
		theta = 0.5
	}
	lhs := sparse.Add(theta*dt, l, 1, sparse.Identity(l.Dim()))
	return &HeatStep{Scheme: scheme, Dt: dt, LHS: lhs, l: l, bnd: bnd, theta: theta}, nil
}

// RHSTo sets dst to the right-hand side of the step from uⁿ = u, with the
// source at the old and new time levels (either may be nil for f = 0).
func (h *HeatStep) RHSTo(dst, u, fOld, fNew []float64) {
	n := h.l.Dim()
	if len(dst) != n || len(u) != n || (fOld != nil && len(fOld) != n) || (fNew != nil && len(fNew) != n) {
		panic("pde: dimension mismatch in HeatStep.RHSTo")
	}
	if h.theta == 1 {
		copy(dst, u)
	} else {
		h.l.MulVecTo(dst, u)
		c := (1 - h.theta) * h.Dt
		for i := range dst {
			dst[i] = u[i] - c*dst[i]
		}
	}
	for i := range dst {
		s := h.bnd[i]
		if fNew != nil {
			s += h.theta * fNew[i]
		}
		if fOld != nil {
			s += (1 - h.theta) * fOld[i]
		}
		dst[i] += h.Dt * s
	}
}

// Constant returns a field of the grid's size with every value v.
func (g Grid) Constant(v float64) []float64 {
	f := make([]float64, g.Size())
	for i := range f {
		f[i] = v
	}
	return f
}

// HeatFamily returns count heat-equation problems u_t = Δu on the unit
// square, s×s interior nodes, u = 0 on the boundary, whose initial
// conditions u₀ are draws of field (a GRF; the zero value is GRF(2.5, 7))
// from the generator of (seed, i), and the Crank–Nicolson step of size dt
// they share. Problem i has A = I + (Δt/2)·L (the same matrix for every
// problem: the step's LHS), B the right-hand side of the first step, and
// Params = u₀; the right-hand side of each later step is Step.RHSTo of
// the previous solution.
func HeatFamily(s, count int, seed uint64, dt float64, field GRF) (*Family, *HeatStep, error) {
	g, err := NewGrid(s, s)
	if err != nil {
		return nil, nil, err
	}
	step, err := NewHeatStep(g, g.Constant(1), dt, CrankNicolson, nil)
	if err != nil {
		return nil, nil, err
	}
	n := g.Size()
	return &Family{Name: "heat", Grid: g, Count: count, Seed: seed,
		Generate: func(rng *rand.Rand, i int) (Problem, error) {
			u0, err := field.Sample(rng, g.N...)
			if err != nil {
				return Problem{}, err
			}
			b := make([]float64, n)
			step.RHSTo(b, u0, nil, nil)
			return Problem{Name: "heat", A: step.LHS, B: b, Grid: g, Params: u0}, nil
		}}, step, nil
}
