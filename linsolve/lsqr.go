package linsolve

import (
	"fmt"
	"math"
	"time"

	"github.com/pdekit/pdekit/sparse"
)

// RectOperator is a rectangular linear map as LSQR uses it: A·x and Aᵀ·y.
// *sparse.CSR satisfies it.
type RectOperator interface {
	Dims() (rows, cols int)
	MulVecTo(dst, x []float64)
	MulVecTransTo(dst, y []float64)
}

// LSQRSettings controls LSQR. A nil pointer, and every zero field, means
// the documented default.
type LSQRSettings struct {
	// ATol and BTol are Paige and Saunders' tolerances: LSQR stops when
	// ‖r‖ ≤ BTol·‖b‖ + ATol·‖A‖·‖x‖ (a compatible system) or
	// ‖Aᵀr‖ ≤ ATol·‖A‖·‖r‖ (a least-squares solution), ‖A‖ the Frobenius
	// estimate of the bidiagonalisation. Zero means 1e-8 each.
	ATol, BTol float64
	// MaxIter bounds the iterations; zero means 4·n (n the columns).
	MaxIter int
	// X0 is the initial guess (len n); nil means zero.
	X0 []float64
	// Monitor, if not nil, is called once per iteration with the
	// recurrence's estimate of ‖r‖ (iteration 0: ‖b − A·x₀‖).
	Monitor Monitor
}

// LSQRResult reports an LSQR solve.
type LSQRResult struct {
	Iterations int
	// Reason is ConvergedRelTol (the compatible-system test),
	// ConvergedNormal (the least-squares test), ConvergedHappyBreakdown
	// (the bidiagonalisation ended: x is exact up to rounding),
	// DivergedMaxIter or DivergedNaN.
	Reason Reason
	// Residual is the true ‖b − A·x‖₂ and NormalResidual the true
	// ‖Aᵀ(b − A·x)‖₂ of the returned x, computed at exit.
	Residual, NormalResidual float64
	Stats                    Stats
}

// LSQR minimises ‖b − A·x‖₂ over x (m equations, n unknowns, any shape)
// by Paige and Saunders' LSQR (ACM TOMS 8, 1982): Golub–Kahan
// bidiagonalisation with one product by A and one by Aᵀ per iteration,
// equivalent to CG on the normal equations AᵀA·x = Aᵀb but better
// conditioned. The solution goes into dst (len n). Errors: ErrDimension
// for mismatched sizes, sparse.ErrNotFinite for NaN or Inf in b or X0,
// ErrSettings for fields out of range; a solve that stops at MaxIter or
// meets NaN returns the last iterate with an error wrapping ErrMaxIter or
// ErrNaN.
func LSQR(dst []float64, a RectOperator, b []float64, s *LSQRSettings) (LSQRResult, error) {
	start := time.Now()
	var set LSQRSettings
	if s != nil {
		set = *s
	}
	m, n := a.Dims()
	var res LSQRResult
	switch {
	case len(b) != m || len(dst) != n || (set.X0 != nil && len(set.X0) != n):
		return res, fmt.Errorf("%w: LSQR on a %d×%d operator with len(b) = %d, len(dst) = %d, len(X0) = %d", ErrDimension, m, n, len(b), len(dst), len(set.X0))
	case !(set.ATol >= 0) || !(set.BTol >= 0) || math.IsInf(set.ATol, 0) || math.IsInf(set.BTol, 0) || set.MaxIter < 0:
		return res, fmt.Errorf("%w: LSQR ATol = %v, BTol = %v, MaxIter = %d", ErrSettings, set.ATol, set.BTol, set.MaxIter)
	}
	if err := sparse.CheckFiniteVec("b", b); err != nil {
		return res, err
	}
	if set.X0 != nil {
		if err := sparse.CheckFiniteVec("X0", set.X0); err != nil {
			return res, err
		}
	}
	if set.ATol == 0 {
		set.ATol = 1e-8
	}
	if set.BTol == 0 {
		set.BTol = 1e-8
	}
	if set.MaxIter == 0 {
		set.MaxIter = 4 * n
	}
	x := dst
	if set.X0 != nil {
		copy(x, set.X0)
	} else {
		clear(x)
	}
	u, v, w := make([]float64, m), make([]float64, n), make([]float64, n)
	tm, tn := make([]float64, m), make([]float64, n)
	// u = b − A·x₀.
	a.MulVecTo(tm, x)
	res.Stats.MatVecs++
	for i := range u {
		u[i] = b[i] - tm[i]
	}
	bnorm := norm(b)
	beta := norm(u)
	if set.Monitor != nil {
		set.Monitor(0, beta)
	}
	finish := func() (LSQRResult, error) {
		a.MulVecTo(tm, x)
		for i := range tm {
			tm[i] = b[i] - tm[i]
		}
		a.MulVecTransTo(tn, tm)
		res.Stats.MatVecs += 2
		res.Residual, res.NormalResidual = norm(tm), norm(tn)
		res.Stats.Runtime = time.Since(start)
		switch res.Reason {
		case DivergedMaxIter:
			return res, fmt.Errorf("linsolve: LSQR: %w after %d iterations (‖r‖ = %.3g, ‖Aᵀr‖ = %.3g)", ErrMaxIter, res.Iterations, res.Residual, res.NormalResidual)
		case DivergedNaN:
			return res, fmt.Errorf("linsolve: LSQR: %w at iteration %d", ErrNaN, res.Iterations)
		}
		return res, nil
	}
	if beta == 0 {
		res.Reason = ConvergedAbsTol // x₀ solves it exactly (b = A·x₀)
		return finish()
	}
	scale(u, 1/beta)
	a.MulVecTransTo(v, u)
	res.Stats.MatVecs++
	alpha := norm(v)
	if alpha == 0 {
		res.Reason = ConvergedNormal // Aᵀ(b − A·x₀) = 0: x₀ is a least-squares solution
		return finish()
	}
	scale(v, 1/alpha)
	copy(w, v)
	phiBar, rhoBar := beta, alpha
	var anorm2, xnorm2 float64
	for _, xi := range x {
		xnorm2 += xi * xi
	}
	res.Reason = DivergedMaxIter
	for res.Iterations < set.MaxIter {
		res.Iterations++
		a.MulVecTo(tm, v)
		for i := range u {
			u[i] = tm[i] - alpha*u[i]
		}
		beta = norm(u)
		if beta > 0 {
			scale(u, 1/beta)
		}
		anorm2 += alpha*alpha + beta*beta
		a.MulVecTransTo(tn, u)
		res.Stats.MatVecs += 2
		for i := range v {
			v[i] = tn[i] - beta*v[i]
		}
		alpha = norm(v)
		if alpha > 0 {
			scale(v, 1/alpha)
		}
		rho := math.Hypot(rhoBar, beta)
		c, sn := rhoBar/rho, beta/rho
		theta := sn * alpha
		rhoBar = -c * alpha
		phi := c * phiBar
		phiBar = sn * phiBar
		t1, t2 := phi/rho, -theta/rho
		xnorm2 = 0
		for i := range x {
			x[i] += t1 * w[i]
			w[i] = v[i] + t2*w[i]
			xnorm2 += x[i] * x[i]
		}
		anorm, rnorm := math.Sqrt(anorm2), phiBar
		arnorm := phiBar * alpha * math.Abs(c)
		if set.Monitor != nil {
			set.Monitor(res.Iterations, rnorm)
		}
		switch {
		case math.IsNaN(rnorm) || math.IsInf(rnorm, 0):
			res.Reason = DivergedNaN
		case rnorm <= set.BTol*bnorm+set.ATol*anorm*math.Sqrt(xnorm2):
			res.Reason = ConvergedRelTol
		case arnorm <= set.ATol*anorm*rnorm:
			res.Reason = ConvergedNormal
		case alpha == 0 || beta == 0:
			res.Reason = ConvergedHappyBreakdown
		default:
			continue
		}
		break
	}
	return finish()
}
