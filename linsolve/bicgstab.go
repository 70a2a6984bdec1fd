package linsolve

import (
	"math"
	"time"
)

// BiCGStab is the stabilised bi-conjugate gradient method of van der Vorst
// (1992) for general nonsingular A, right-preconditioned (Saad 2003,
// Alg. 7.7 with M⁻¹ applied to p and s). One iteration costs two products
// with A and two preconditioner applications.
//
// A vanishing ρ = r̂ᵀr or r̂ᵀv stops the solve with DivergedBreakdown; a
// vanishing ω after a step that did not converge likewise.
type BiCGStab struct {
	r, rhat, p, v, s, t, ph, sh []float64
}

var _ Method = (*BiCGStab)(nil)

// Solve solves A·x = b into dst. See Method.
func (m *BiCGStab) Solve(dst []float64, a Operator, b []float64, settings *Settings) (Result, error) {
	const name = "BiCGStab"
	start := time.Now()
	n := a.Dim()
	st := resolve(settings, n)
	if err := checkInputs(name, dst, a, b, &st); err != nil {
		return Result{}, err
	}
	for _, v := range []*[]float64{&m.r, &m.rhat, &m.p, &m.v, &m.s, &m.t, &m.ph, &m.sh} {
		*v = resize(*v, n)
	}
	x := dst
	var res Result
	initX(x, &st)
	bnorm := norm(b)
	if bnorm == 0 {
		return zeroRHS(x, start), nil
	}
	target := st.Target(bnorm)
	for restart := 0; ; restart++ {
		r := m.r
		rnorm := residual(r, a, x, b, restart == 0 && st.X0 == nil, &res)
		if restart == 0 && st.Monitor != nil {
			st.Monitor(0, rnorm)
		}
		divLimit := st.DivTol * math.Max(bnorm, rnorm)
		res.Reason = m.iterate(a, x, rnorm, target, divLimit, &st, &res)
		if res.Reason == Iterating {
			res.Reason = ConvergedRelTol
		}
		if finish(name, a, x, b, m.t, bnorm, &st, &res) || restart == maxTrueResidualRestarts || res.Iterations >= st.MaxIter {
			return finalize(name, &res, target, st.MaxIter, start)
		}
	}
}

func (m *BiCGStab) iterate(a Operator, x []float64, rnorm, target, divLimit float64, st *settings, res *Result) Reason {
	r, rhat, p, v, s, t := m.r, m.rhat, m.p, m.v, m.s, m.t
	if isBad(rnorm) {
		return DivergedNaN
	}
	if rnorm <= target {
		return Iterating
	}
	copy(rhat, r)
	clear(p)
	clear(v)
	rho, alpha, omega := 1.0, 1.0, 1.0
	apply := func(dst, src []float64) []float64 {
		if st.Preconditioner == nil {
			return src
		}
		st.Preconditioner.Apply(dst, src)
		res.Stats.PrecApplies++
		return dst
	}
	for {
		if res.Iterations >= st.MaxIter {
			return DivergedMaxIter
		}
		rhoNew := dot(rhat, r)
		if rhoNew == 0 || isBad(rhoNew) {
			if isBad(rhoNew) {
				return DivergedNaN
			}
			return DivergedBreakdown
		}
		beta := (rhoNew / rho) * (alpha / omega)
		rho = rhoNew
		for i := range p {
			p[i] = r[i] + beta*(p[i]-omega*v[i])
		}
		ph := apply(m.ph, p)
		a.MulVecTo(v, ph)
		res.Stats.MatVecs++
		rv := dot(rhat, v)
		if rv == 0 || isBad(rv) {
			if isBad(rv) {
				return DivergedNaN
			}
			return DivergedBreakdown
		}
		alpha = rho / rv
		var ss float64
		for i := range s {
			si := r[i] - alpha*v[i]
			s[i] = si
			ss += si * si
		}
		if snorm := math.Sqrt(ss); snorm <= target {
			axpy(x, alpha, ph)
			res.Iterations++
			if st.Monitor != nil {
				st.Monitor(res.Iterations, snorm)
			}
			return Iterating
		}
		sh := apply(m.sh, s)
		a.MulVecTo(t, sh)
		res.Stats.MatVecs++
		var ts, tt float64
		for i, ti := range t {
			ts += ti * s[i]
			tt += ti * ti
		}
		if tt == 0 || isBad(tt) {
			if isBad(tt) {
				return DivergedNaN
			}
			return DivergedBreakdown
		}
		omega = ts / tt
		var rr float64
		for i := range x {
			x[i] += alpha*ph[i] + omega*sh[i]
			ri := s[i] - omega*t[i]
			r[i] = ri
			rr += ri * ri
		}
		if reason, stop := st.afterStep(res, math.Sqrt(rr), target, divLimit); stop {
			return reason
		}
		if omega == 0 {
			return DivergedBreakdown
		}
	}
}
