package ot

import (
	"fmt"
	"math"
	"time"
)

// absorbThreshold bounds the scalings u, v of StabilizedSinkhorn: when
// one leaves [1/τ, τ] it is absorbed into the potentials and the kernel is
// recomputed (Schmitzer 2019, §4.1; POT's tau = 1e3).
const absorbThreshold = 1e3

// StabilizedSinkhorn is Sinkhorn's algorithm with the absorption
// stabilisation of Schmitzer (2019): the plan is diag(u)·K·diag(v) with
// the kernel K_ij = exp(η(x_i + y_j − C_ij) − 1) built from absorbed
// potentials, the scaling updates u = a/(K·v), v = b/(Kᵀ·u) are plain
// products (no exponentials), and u, v are absorbed into (x, y) and K
// rebuilt whenever they leave [10⁻³, 10³]. As in LogSinkhorn, the row
// marginal error comes free from the next K·v and the columns are exact
// after each v update.
func StabilizedSinkhorn(p *Problem, settings *Settings) (*Result, error) {
	start := time.Now()
	s, err := resolveSettings(settings)
	if err != nil {
		return nil, err
	}
	n, m := p.Dims()
	eta := s.Eta
	r := &Result{X: make([]float64, n), Y: make([]float64, m), Eta: s.Eta, monitor: s.Monitor}
	K := make([]float64, n*m)
	u, v := ones(n), ones(m)
	kv, ktu := make([]float64, n), make([]float64, m)
	rebuild := func() {
		for i := range n {
			row := p.C[i*m : (i+1)*m]
			xi := eta*r.X[i] - 1
			for j, c := range row {
				K[i*m+j] = math.Exp(xi + eta*(r.Y[j]-c))
			}
		}
	}
	absorb := func() {
		for i, ui := range u {
			r.X[i] += math.Log(ui) / eta
			u[i] = 1
		}
		for j, vj := range v {
			r.Y[j] += math.Log(vj) / eta
			v[j] = 1
		}
		rebuild()
	}
	// Start from one log-domain iteration, so that every row and column of
	// the first kernel has entries of the size of the marginals (with
	// x = y = 0 and a large η, exp(−ηC) can underflow to a zero row).
	la, lb := logOf(p.A), logOf(p.B)
	w := newWork(n, m)
	logStep := func() {
		rowLSE(p, eta, r.X, r.Y, w.lse, w.tmp)
		for i, l := range w.lse {
			r.X[i] = (la[i] + 1 - l) / eta
		}
		sinkhornCols(p, eta, lb, r.X, r.Y, w.tmp)
	}
	logStep()
	rebuild()
	finish := func(err error) (*Result, error) {
		absorb()
		return r.finish(start, err)
	}
	for it := 0; ; it++ {
		// K·v, and the row error of the current scalings.
		var e float64
		for i := range n {
			row := K[i*m : (i+1)*m]
			var t float64
			for j, k := range row {
				t += k * v[j]
			}
			kv[i] = t
			e += math.Abs(u[i]*t - p.A[i])
		}
		if it > 0 {
			r.MarginalError = e
			r.record(it, start, e)
			if math.IsNaN(e) || math.IsInf(e, 0) {
				return finish(fmt.Errorf("%w: marginal error %v at iteration %d (η = %v)", ErrPrecision, e, it, eta))
			}
			if e <= s.Tol {
				return finish(nil)
			}
		}
		if it == s.MaxIter {
			return finish(fmt.Errorf("%w: marginal error %.3g after %d iterations", ErrMaxIter, r.MarginalError, it))
		}
		if underflow(kv, p.A) {
			// A kernel row underflowed: absorb, take a log-domain step
			// (which cannot underflow) and rebuild.
			absorb()
			logStep()
			rebuild()
			r.Iterations, r.SinkhornIterations = it+1, it+1
			continue
		}
		big := false
		for i, t := range kv {
			u[i] = p.A[i] / t
			big = big || !(u[i] < absorbThreshold && u[i] > 1/absorbThreshold)
		}
		clear(ktu)
		for i := range n {
			row := K[i*m : (i+1)*m]
			ui := u[i]
			for j, k := range row {
				ktu[j] += k * ui
			}
		}
		if underflow(ktu, p.B) {
			absorb()
			logStep()
			rebuild()
			r.Iterations, r.SinkhornIterations = it+1, it+1
			continue
		}
		for j, t := range ktu {
			v[j] = p.B[j] / t
			big = big || !(v[j] < absorbThreshold && v[j] > 1/absorbThreshold)
		}
		r.Iterations, r.SinkhornIterations = it+1, it+1
		if big {
			absorb()
		}
	}
}

func ones(n int) []float64 {
	o := make([]float64, n)
	for i := range o {
		o[i] = 1
	}
	return o
}

// underflow reports whether a product entry is zero where the marginal is
// positive.
func underflow(prod, marg []float64) bool {
	for i, t := range prod {
		if !(t > 0) && marg[i] > 0 {
			return true
		}
	}
	return false
}
