package linsolve

import (
	"math"
	"time"

	"github.com/pdekit/pdekit/internal/vec"
	"github.com/pdekit/pdekit/sparse"
)

// CG is the conjugate gradient method of Hestenes and Stiefel (1952) for
// symmetric positive definite A, preconditioned on the left by a symmetric
// positive definite Settings.Preconditioner when one is given (Saad 2003,
// Alg. 9.1).
//
// A non-positive curvature pᵀA·p ≤ 0 stops the solve with
// DivergedIndefiniteMat, and rᵀM⁻¹r ≤ 0 with DivergedIndefinitePC. When A
// is a *sparse.CSR the product and the dot pᵀA·p are fused into one pass,
// and the updates of x and r with the dot rᵀr into another, as in the C
// reference of shared/bench/ccg.c.
//
// The zero value is ready to use; the work vectors are kept between
// solves.
type CG struct {
	r, z, p, q []float64
	k          kernels
}

var _ Method = (*CG)(nil)

// Solve solves A·x = b into dst. See Method.
func (m *CG) Solve(dst []float64, a Operator, b []float64, settings *Settings) (Result, error) {
	const name = "CG"
	start := time.Now()
	n := a.Dim()
	s := resolve(settings, n)
	if err := checkInputs(name, dst, a, b, &s); err != nil {
		return Result{}, err
	}
	if err := checkSymmetric(name, a, &s); err != nil {
		return Result{}, err
	}
	m.r, m.p, m.q = resize(m.r, n), resize(m.p, n), resize(m.q, n)
	if s.Preconditioner != nil {
		m.z = resize(m.z, n)
	}
	r, q, x := m.r, m.q, dst
	var res Result

	initX(x, &s)
	bnorm := norm(b)
	if bnorm == 0 {
		return zeroRHS(x, start), nil
	}
	target := s.Target(bnorm)
	csr, _ := a.(*sparse.CSR)

	for restart := 0; ; restart++ {
		rnorm := residual(r, a, x, b, s.X0 == nil && restart == 0, &res)
		if restart == 0 && s.Monitor != nil {
			s.Monitor(0, rnorm)
		}
		divLimit := s.DivTol * math.Max(bnorm, rnorm)
		res.Reason = m.iterate(a, csr, x, target, divLimit, rnorm, &s, &res)
		if res.Reason == Iterating {
			res.Reason = ConvergedRelTol
		}
		if finish(name, a, x, b, q, bnorm, &s, &res) || restart == maxTrueResidualRestarts || res.Iterations >= s.MaxIter {
			return finalize(name, &res, target, s.MaxIter, start)
		}
		res.Reason = Iterating
	}
}

// iterate runs CG from the residual in m.r until a stopping test fires and
// returns the reason (Iterating when the recursive residual met target).
func (m *CG) iterate(a Operator, csr *sparse.CSR, x []float64, target, divLimit, rnorm float64, s *settings, res *Result) Reason {
	r, p, q := m.r, m.p, m.q
	x = x[:len(r)]
	p = p[:len(r)]
	q = q[:len(r)]
	if rnorm <= target {
		return Iterating
	}
	if isBad(rnorm) {
		return DivergedNaN
	}
	var rz float64
	if s.Preconditioner == nil {
		copy(p, r)
		rz = rnorm * rnorm
	} else {
		z := m.z
		s.Preconditioner.Apply(z, r)
		res.Stats.PrecApplies++
		rz = dot(r, z)
		if !(rz > 0) {
			if isBad(rz) {
				return DivergedNaN
			}
			return DivergedIndefinitePC
		}
		copy(p, z)
	}
	for {
		if res.Iterations >= s.MaxIter {
			return DivergedMaxIter
		}
		var pq float64
		if csr != nil {
			pq = m.k.mulVecDot(csr, q, p)
		} else {
			a.MulVecTo(q, p)
			pq = dot(p, q)
		}
		res.Stats.MatVecs++
		if !(pq > 0) {
			if isBad(pq) {
				return DivergedNaN
			}
			return DivergedIndefiniteMat
		}
		alpha := rz / pq
		rr := vec.CGUpdate(x, r, alpha, p, q)
		if reason, stop := s.afterStep(res, math.Sqrt(rr), target, divLimit); stop {
			return reason
		}
		if s.Preconditioner == nil {
			beta := rr / rz
			rz = rr
			for i, ri := range r {
				p[i] = ri + beta*p[i]
			}
			continue
		}
		z := m.z[:len(r)]
		s.Preconditioner.Apply(z, r)
		res.Stats.PrecApplies++
		rzNew := dot(r, z)
		if !(rzNew > 0) {
			if isBad(rzNew) {
				return DivergedNaN
			}
			return DivergedIndefinitePC
		}
		beta := rzNew / rz
		rz = rzNew
		for i, zi := range z {
			p[i] = zi + beta*p[i]
		}
	}
}
