package linsolve

import (
	"fmt"
	"math"
	"time"

	"github.com/pdekit/pdekit/sparse"
)

// The stationary (relaxation) methods below need the matrix entries, so A
// must be a *sparse.CSR with a nonzero diagonal. Each iteration is one
// sweep; the stopping test uses the true residual ‖b − A·x‖₂, which costs
// one extra product per sweep for Gauss–Seidel, SOR and SSOR and none for
// Jacobi. They take no preconditioner.
//
// Convergence: Jacobi and Gauss–Seidel converge for strictly or
// irreducibly diagonally dominant A; SOR(ω) and SSOR(ω) converge for
// symmetric positive definite A and 0 < ω < 2 (Ostrowski–Reich; Saad 2003,
// §4.2). For the 5-point Laplacian Young's formula gives the optimal SOR
// parameter ω* = 2/(1 + sin(πh)); see OptimalSOROmega.

// Jacobi is the (weighted) Jacobi iteration x ← x + ω·D⁻¹(b − A·x).
type Jacobi struct {
	// Omega is the damping weight in (0, 1]; zero means 1.
	Omega float64
	r, d  []float64
}

// GaussSeidel is the forward Gauss–Seidel iteration (SOR with ω = 1).
type GaussSeidel struct {
	sor SOR
}

// SOR is successive over-relaxation: a forward Gauss–Seidel sweep whose
// update is scaled by ω.
type SOR struct {
	// Omega is the relaxation parameter in (0, 2); zero means 1
	// (Gauss–Seidel).
	Omega float64
	r     []float64
	d     []float64
}

// SSOR is symmetric SOR: a forward SOR sweep followed by a backward one.
type SSOR struct {
	// Omega is the relaxation parameter in (0, 2); zero means 1
	// (symmetric Gauss–Seidel).
	Omega float64
	sor   SOR
}

var (
	_ Method = (*Jacobi)(nil)
	_ Method = (*GaussSeidel)(nil)
	_ Method = (*SOR)(nil)
	_ Method = (*SSOR)(nil)
)

// OptimalSOROmega returns Young's optimal relaxation parameter
// ω* = 2/(1 + √(1 − ρ²)) for a consistently ordered matrix whose Jacobi
// iteration matrix has spectral radius rhoJ < 1 (Young 1971; Saad 2003,
// §4.2.5). For the Dirichlet Laplacian on a grid of spacing h,
// rhoJ = cos(πh).
func OptimalSOROmega(rhoJ float64) float64 {
	return 2 / (1 + math.Sqrt(1-rhoJ*rhoJ))
}

func stationaryMatrix(name string, a Operator, omega, maxOmega float64) (*sparse.CSR, float64, error) {
	csr, ok := a.(*sparse.CSR)
	if !ok {
		return nil, 0, fmt.Errorf("%w: %s got %T", ErrNeedsCSR, name, a)
	}
	if omega == 0 {
		omega = 1
	}
	if !(omega > 0 && omega < maxOmega) {
		return nil, 0, fmt.Errorf("%w: %s: Omega = %v outside (0, %v)", ErrSettings, name, omega, maxOmega)
	}
	return csr, omega, nil
}

// stationarySetup is the common start of the relaxation methods: resolve
// the settings (a preconditioner is an ErrSettings error), check the
// inputs, size the residual and diagonal vectors r and d, read the
// diagonal, and set the initial guess into dst.
func stationarySetup(name string, dst []float64, a *sparse.CSR, b []float64, settings *Settings, r, d *[]float64) (settings, error) {
	n := a.Dim()
	s := resolve(settings, n)
	if s.Preconditioner != nil {
		return s, fmt.Errorf("%w: %s takes no preconditioner", ErrSettings, name)
	}
	if err := checkInputs(name, dst, a, b, &s); err != nil {
		return s, err
	}
	*r, *d = resize(*r, n), resize(*d, n)
	if err := diagOf(name, a, *d); err != nil {
		return s, err
	}
	initX(dst, &s)
	return s, nil
}

// diagOf fills d with the diagonal of a and checks that it has no zero.
func diagOf(name string, a *sparse.CSR, d []float64) error {
	a.DiagTo(d)
	for i, v := range d {
		if v == 0 || isBad(v) {
			return fmt.Errorf("%w: %s: A[%d, %d] = %v", ErrZeroDiagonal, name, i, i, v)
		}
	}
	return nil
}

// stationary runs sweep until the true residual meets the target. sweep
// does one iteration in place on x; residual computes r = b − A·x and
// returns ‖r‖ (and may do extra work, like Jacobi's update).
func stationary(name string, x, b []float64, s *settings, start time.Time,
	residual func() float64, sweep func()) (Result, error) {
	var res Result
	bnorm := norm(b)
	target := s.Target(bnorm)
	if bnorm == 0 {
		return zeroRHS(x, start), nil
	}
	var divLimit float64
	for {
		rnorm := residual()
		res.Stats.MatVecs++
		if res.Iterations == 0 {
			divLimit = s.DivTol * math.Max(bnorm, rnorm)
		}
		if s.Monitor != nil {
			s.Monitor(res.Iterations, rnorm)
		}
		res.Residual = rnorm
		switch {
		case isBad(rnorm):
			res.Reason = DivergedNaN
		case rnorm <= target:
			res.Reason = s.ConvergedReason(rnorm, bnorm)
		case rnorm > divLimit:
			res.Reason = DivergedDivTol
		case res.Iterations >= s.MaxIter:
			res.Reason = DivergedMaxIter
		}
		if res.Reason != Iterating {
			break
		}
		sweep()
		res.Iterations++
	}
	res.RelativeResidual = res.Residual / bnorm
	res.Stats.Runtime = time.Since(start)
	return res, resultError(name, res)
}

// Solve solves A·x = b into dst. See Method.
func (m *Jacobi) Solve(dst []float64, a Operator, b []float64, settings *Settings) (Result, error) {
	const name = "Jacobi"
	start := time.Now()
	csr, omega, err := stationaryMatrix(name, a, m.Omega, 1+1e-12)
	if err != nil {
		return Result{}, err
	}
	s, err := stationarySetup(name, dst, csr, b, settings, &m.r, &m.d)
	if err != nil {
		return Result{}, err
	}
	x, r, d := dst, m.r, m.d
	return stationary(name, x, b, &s, start,
		func() float64 { return TrueResidual(r, csr, x, b) },
		func() {
			for i, ri := range r {
				x[i] += omega * ri / d[i]
			}
		})
}

// Solve solves A·x = b into dst. See Method.
func (m *GaussSeidel) Solve(dst []float64, a Operator, b []float64, settings *Settings) (Result, error) {
	m.sor.Omega = 1
	return m.sor.solve("GaussSeidel", dst, a, b, settings, false)
}

// Solve solves A·x = b into dst. See Method.
func (m *SOR) Solve(dst []float64, a Operator, b []float64, settings *Settings) (Result, error) {
	return m.solve("SOR", dst, a, b, settings, false)
}

// Solve solves A·x = b into dst. See Method.
func (m *SSOR) Solve(dst []float64, a Operator, b []float64, settings *Settings) (Result, error) {
	m.sor.Omega = m.Omega
	return m.sor.solve("SSOR", dst, a, b, settings, true)
}

func (m *SOR) solve(name string, dst []float64, a Operator, b []float64, settings *Settings, symmetric bool) (Result, error) {
	start := time.Now()
	csr, omega, err := stationaryMatrix(name, a, m.Omega, 2)
	if err != nil {
		return Result{}, err
	}
	s, err := stationarySetup(name, dst, csr, b, settings, &m.r, &m.d)
	if err != nil {
		return Result{}, err
	}
	x, r, d := dst, m.r, m.d
	return stationary(name, x, b, &s, start,
		func() float64 { return TrueResidual(r, csr, x, b) },
		func() {
			sorSweep(csr, d, x, b, omega, false)
			if symmetric {
				sorSweep(csr, d, x, b, omega, true)
			}
		})
}

// sorSweep does one in-place SOR sweep, forward or backward:
// x_i ← (1−ω)·x_i + ω·(b_i − Σ_{j≠i} a_ij x_j)/a_ii.
func sorSweep(a *sparse.CSR, d, x, b []float64, omega float64, backward bool) {
	n := len(x)
	rp, ci, v := a.RowPtr, a.ColIdx, a.Val
	row := func(i int) {
		lo, hi := rp[i], rp[i+1]
		cols := ci[lo:hi]
		vals := v[lo:hi]
		vals = vals[:len(cols)]
		sum := b[i]
		for k, j := range cols {
			sum -= vals[k] * x[j]
		}
		// sum = b_i − Σ_j a_ij x_j includes the diagonal term.
		x[i] += omega * sum / d[i]
	}
	if backward {
		for i := n - 1; i >= 0; i-- {
			row(i)
		}
		return
	}
	for i := range n {
		row(i)
	}
}
