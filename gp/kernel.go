package gp

import (
	"errors"
	"fmt"
	"math"
)

// Family is the shape of a mixture component's envelope.
type Family int

const (
	// Gaussian components w·exp(−ρ²d²)·cos(2πμd) (the GM kernel of GP-HM;
	// with μ = 0 the squared-exponential kernel).
	Gaussian Family = iota
	// Matern52 components w·m(|d|)·cos(2πμd) with the Matérn-5/2
	// envelope m(r) = (1 + √5λr + 5λ²r²/3)·e^{−√5λr} (the StM kernel; with
	// μ = 0 the Matérn-5/2 kernel).
	Matern52
)

func (f Family) String() string {
	switch f {
	case Gaussian:
		return "gaussian"
	case Matern52:
		return "matern52"
	}
	return fmt.Sprintf("Family(%d)", int(f))
}

// Mixture is a one-dimensional stationary kernel, a spectral mixture
// k(d) = Σ_q w_q·e_q(d)·cos(2πμ_q·d) of d = x − x′ (Wilson and Adams 2013;
// GP-HM, Fang et al. 2024). Weights and scales are stored as logarithms,
// which keeps them positive and gives the weights a Jeffreys-like prior
// that drives unneeded components to zero. The scale is ρ for Gaussian
// envelopes (e^{−ρ²d²}) and λ for Matérn-5/2 ones.
type Mixture struct {
	Family   Family
	LogW     []float64
	LogScale []float64
	Mu       []float64
}

// ErrKernel reports kernel parameters that cannot define a kernel:
// mismatched lengths, no component, NaN or infinite values.
var ErrKernel = errors.New("gp: invalid kernel parameters")

// NewSE returns the squared-exponential kernel w·exp(−ρ²d²) (GP-SE).
func NewSE(w, rho float64) *Mixture {
	return &Mixture{Family: Gaussian, LogW: []float64{math.Log(w)}, LogScale: []float64{math.Log(rho)}, Mu: []float64{0}}
}

// NewMatern52 returns the Matérn-5/2 kernel with weight w and inverse
// length λ (GP-Matérn).
func NewMatern52(w, lambda float64) *Mixture {
	return &Mixture{Family: Matern52, LogW: []float64{math.Log(w)}, LogScale: []float64{math.Log(lambda)}, Mu: []float64{0}}
}

// NewMixture returns a Q-component mixture initialised as in GP-HM:
// weights 1/Q, scales 1 and frequencies spread evenly on [0, maxFreq].
func NewMixture(f Family, q int, maxFreq float64) *Mixture {
	m := &Mixture{Family: f, LogW: make([]float64, q), LogScale: make([]float64, q), Mu: make([]float64, q)}
	for i := range q {
		m.LogW[i] = -math.Log(float64(q))
		if q > 1 {
			m.Mu[i] = maxFreq * float64(i) / float64(q-1)
		}
	}
	return m
}

// Components returns Q.
func (m *Mixture) Components() int { return len(m.LogW) }

// Check reports whether the parameters define a kernel.
func (m *Mixture) Check() error {
	q := len(m.LogW)
	if q == 0 || len(m.LogScale) != q || len(m.Mu) != q {
		return fmt.Errorf("%w: %d weights, %d scales, %d frequencies", ErrKernel, q, len(m.LogScale), len(m.Mu))
	}
	if m.Family != Gaussian && m.Family != Matern52 {
		return fmt.Errorf("%w: unknown family %v", ErrKernel, m.Family)
	}
	for i := range q {
		for _, v := range []float64{m.LogW[i], m.LogScale[i], m.Mu[i]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: component %d has a NaN or infinite parameter", ErrKernel, i)
			}
		}
	}
	return nil
}

// Clone returns a deep copy.
func (m *Mixture) Clone() *Mixture {
	return &Mixture{Family: m.Family, LogW: append([]float64(nil), m.LogW...),
		LogScale: append([]float64(nil), m.LogScale...), Mu: append([]float64(nil), m.Mu...)}
}

// MaxFrequency returns the largest |μ_q| among components whose weight is
// at least tiny times the largest weight: the highest frequency the
// kernel can represent, for the grid-resolution check.
func (m *Mixture) MaxFrequency(tiny float64) float64 {
	wmax := math.Inf(-1)
	for _, lw := range m.LogW {
		wmax = math.Max(wmax, lw)
	}
	var f float64
	for i, mu := range m.Mu {
		if m.LogW[i] >= wmax+math.Log(tiny) {
			f = math.Max(f, math.Abs(mu))
		}
	}
	return f
}

// Eval returns k(d) and its first and second derivatives in d. With
// g = e^{−ad²}, a = ρ², b = 2πμ, a Gaussian component has
// (g·cos bd)″ = g·[(4a²d² − 2a − b²)·cos bd + 4abd·sin bd]; a Matérn-5/2
// one, with α = √5λ and r = |d|, m′ = −(α²/3)·d·(1 + αr)·e^{−αr},
// m″ = −(α²/3)·(1 + αr − α²r²)·e^{−αr} and
// (m·cos bd)″ = m″·cos bd − 2b·m′·sin bd − b²·m·cos bd.
func (m *Mixture) Eval(d float64) (k, dk, d2k float64) {
	for q, lw := range m.LogW {
		w := math.Exp(lw)
		s := math.Exp(m.LogScale[q])
		b := 2 * math.Pi * m.Mu[q]
		sn, cs := math.Sincos(b * d)
		var e, de, d2e float64
		switch m.Family {
		case Gaussian:
			a := s * s
			e = math.Exp(-a * d * d)
			de = -2 * a * d * e
			d2e = (4*a*a*d*d - 2*a) * e
		case Matern52:
			alpha := math.Sqrt(5) * s
			r := math.Abs(d)
			ex := math.Exp(-alpha * r)
			e = (1 + alpha*r + alpha*alpha*r*r/3) * ex
			de = -(alpha * alpha / 3) * d * (1 + alpha*r) * ex
			d2e = -(alpha * alpha / 3) * (1 + alpha*r - alpha*alpha*r*r) * ex
		}
		k += w * e * cs
		dk += w * (de*cs - b*e*sn)
		d2k += w * (d2e*cs - 2*b*de*sn - b*b*e*cs)
	}
	return k, dk, d2k
}
