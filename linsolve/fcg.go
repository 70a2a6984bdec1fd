package linsolve

import (
	"fmt"
	"math"
	"time"

	"github.com/pdekit/pdekit/internal/vec"
)

// FCG is the flexible conjugate gradient method of Notay (2000), in the
// truncated form that the deep conjugate direction method uses (Kaneda et
// al. 2023, Alg. 2): each step takes the preconditioned residual
// z = M(r), which may come from a nonlinear or varying preconditioner
// such as a neural network, A-orthogonalises it against the last
// Truncation search directions,
//
//	p = z − Σⱼ (zᵀA·pⱼ / pⱼᵀA·pⱼ)·pⱼ,
//
// and minimises the A-norm of the error along p: α = pᵀr / pᵀA·p. A
// needs to be symmetric positive definite; M need not be linear or
// symmetric. With a fixed symmetric positive definite M and
// Truncation ≥ 1 the iterates are those of preconditioned CG (Notay 2000,
// §2), at the cost of one more vector update per stored direction.
//
// Fallback: when M(r) is zero or not finite, or the orthogonalised
// direction has pᵀA·p ≤ 0 although the residual's own direction would
// not, the step uses z = r instead and Stats.Fallbacks counts it. A
// non-positive curvature along r itself stops the solve with
// DivergedIndefiniteMat.
//
// The zero value (Truncation 2, as in DCDM) is ready to use; the work
// vectors are kept between solves.
type FCG struct {
	// Truncation is the number of previous directions kept; zero means 2.
	Truncation int

	r, z, w, p, ap []float64
	dirs, adirs    [][]float64
	pap            []float64
}

var _ Method = (*FCG)(nil)

// Solve solves A·x = b into dst. See Method.
func (m *FCG) Solve(dst []float64, a Operator, b []float64, settings *Settings) (Result, error) {
	const name = "FCG"
	start := time.Now()
	n := a.Dim()
	s := resolve(settings, n)
	if err := checkInputs(name, dst, a, b, &s); err != nil {
		return Result{}, err
	}
	if err := checkSymmetric(name, a, &s); err != nil {
		return Result{}, err
	}
	if m.Truncation < 0 {
		return Result{}, fmt.Errorf("%w: %s: Truncation = %d, want ≥ 0", ErrSettings, name, m.Truncation)
	}
	keep := m.Truncation
	if keep == 0 {
		keep = 2
	}
	m.r, m.z, m.w, m.p, m.ap = resize(m.r, n), resize(m.z, n), resize(m.w, n), resize(m.p, n), resize(m.ap, n)
	if len(m.dirs) != keep || len(m.dirs[0]) != n {
		m.dirs, m.adirs = make([][]float64, keep), make([][]float64, keep)
		for j := range keep {
			m.dirs[j], m.adirs[j] = make([]float64, n), make([]float64, n)
		}
		m.pap = make([]float64, keep)
	}
	x := dst
	var res Result
	initX(x, &s)
	bnorm := norm(b)
	if bnorm == 0 {
		return zeroRHS(x, start), nil
	}
	target := s.Target(bnorm)
	for restart := 0; ; restart++ {
		rnorm := residual(m.r, a, x, b, s.X0 == nil && restart == 0, &res)
		if restart == 0 && s.Monitor != nil {
			s.Monitor(0, rnorm)
		}
		divLimit := s.DivTol * math.Max(bnorm, rnorm)
		res.Reason = m.iterate(a, x, target, divLimit, rnorm, &s, &res)
		if res.Reason == Iterating {
			res.Reason = ConvergedRelTol
		}
		if finish(name, a, x, b, m.w, bnorm, &s, &res) || restart == maxTrueResidualRestarts || res.Iterations >= s.MaxIter {
			return finalize(name, &res, target, s.MaxIter, start)
		}
		res.Reason = Iterating
	}
}

// iterate runs FCG from the residual in m.r (previous directions
// discarded) until a stopping test fires.
func (m *FCG) iterate(a Operator, x []float64, target, divLimit, rnorm float64, s *settings, res *Result) Reason {
	r, z, w, p, ap := m.r, m.z, m.w, m.p, m.ap
	if rnorm <= target {
		return Iterating
	}
	if isBad(rnorm) {
		return DivergedNaN
	}
	keep := len(m.dirs)
	for k := 0; ; k++ {
		if res.Iterations >= s.MaxIter {
			return DivergedMaxIter
		}
		usePC := s.Preconditioner != nil
		if usePC {
			s.Preconditioner.Apply(z, r)
			res.Stats.PrecApplies++
			if zn := norm(z); isBad(zn) || zn == 0 {
				usePC = false
				res.Stats.Fallbacks++
			}
		}
		var pap float64
		for attempt := 0; ; attempt++ {
			if !usePC {
				copy(z, r)
			}
			a.MulVecTo(w, z)
			res.Stats.MatVecs++
			copy(p, z)
			copy(ap, w)
			for j := range min(k, keep) { // the ring holds the last min(k, keep) directions
				beta := dot(w, m.dirs[j]) / m.pap[j]
				d, ad := m.dirs[j], m.adirs[j]
				for i := range p {
					p[i] -= beta * d[i]
					ap[i] -= beta * ad[i]
				}
			}
			pap = dot(p, ap)
			if pap > 0 && !isBad(pap) {
				break
			}
			if !usePC || attempt > 0 {
				if isBad(pap) {
					return DivergedNaN
				}
				return DivergedIndefiniteMat
			}
			usePC = false
			res.Stats.Fallbacks++
		}
		alpha := dot(p, r) / pap
		rr := vec.CGUpdate(x, r, alpha, p, ap)
		if reason, stop := s.afterStep(res, math.Sqrt(rr), target, divLimit); stop {
			return reason
		}
		slot := k % keep // pap > 0 here, so every stored direction is usable
		copy(m.dirs[slot], p)
		copy(m.adirs[slot], ap)
		m.pap[slot] = pap
	}
}
