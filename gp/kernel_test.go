package gp

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"gonum.org/v1/gonum/num/hyperdual"
)

// evalHD evaluates the mixture in hyperdual arithmetic: with
// d = (d, 1, 1, 0) the E1E2 part is the exact second derivative
// (gonum/num/hyperdual), an independent check of the closed forms.
func evalHD(m *Mixture, d float64) hyperdual.Number {
	x := hyperdual.Number{Real: d, E1mag: 1, E2mag: 1}
	var k hyperdual.Number
	for q, lw := range m.LogW {
		w := math.Exp(lw)
		s := math.Exp(m.LogScale[q])
		b := 2 * math.Pi * m.Mu[q]
		var e hyperdual.Number
		switch m.Family {
		case Gaussian:
			e = hyperdual.Exp(hyperdual.Scale(-s*s, hyperdual.Mul(x, x)))
		case Matern52:
			alpha := math.Sqrt(5) * s
			r := hyperdual.Abs(x)
			poly := hyperdual.Add(hyperdual.Number{Real: 1}, hyperdual.Add(hyperdual.Scale(alpha, r), hyperdual.Scale(alpha*alpha/3, hyperdual.Mul(r, r))))
			e = hyperdual.Mul(poly, hyperdual.Exp(hyperdual.Scale(-alpha, r)))
		}
		k = hyperdual.Add(k, hyperdual.Scale(w, hyperdual.Mul(e, hyperdual.Cos(hyperdual.Scale(b, x)))))
	}
	return k
}

func TestKernelDerivatives(t *testing.T) {
	kernels := map[string]*Mixture{
		"se":      NewSE(1.3, 2.1),
		"matern":  NewMatern52(0.7, 3.3),
		"gm":      {Family: Gaussian, LogW: []float64{-1, 0.2, -3}, LogScale: []float64{0.5, -1, 1.2}, Mu: []float64{0, 3.7, 15.9}},
		"stm":     {Family: Matern52, LogW: []float64{-1, 0.2, -3}, LogScale: []float64{0.5, -1, 1.2}, Mu: []float64{0, 3.7, 15.9}},
		"mixture": NewMixture(Gaussian, 5, 20),
	}
	for name, m := range kernels {
		assert.NoError(t, m.Check())
		for _, d := range []float64{-0.9, -0.31, -1e-3, 0.02, 0.17, 0.5, 1.4} {
			k, dk, d2k := m.Eval(d)
			hd := evalHD(m, d)
			scale := math.Abs(hd.E1E2mag) + math.Abs(hd.E1mag) + math.Abs(hd.Real) + 1e-300
			// Both are exact up to rounding: agreement to 1e-12 of the
			// magnitudes involved.
			assert.InDelta(t, hd.Real, k, 1e-12*scale, "%s k(%g)", name, d)
			assert.InDelta(t, hd.E1mag, dk, 1e-12*scale, "%s k'(%g)", name, d)
			assert.InDelta(t, hd.E1E2mag, d2k, 1e-12*scale, "%s k''(%g)", name, d)
			// Central finite differences, error h²·k⁗/6 with k⁗ ~ b⁴ for the
			// largest b = 2πμ: h scaled by 1/b keeps it near 1e-8·k″.
			h := 1e-4 / (1 + 2*math.Pi*m.MaxFrequency(0))
			kp, _, _ := m.Eval(d + h)
			km, _, _ := m.Eval(d - h)
			assert.InDelta(t, (kp-km)/(2*h), dk, 1e-5*scale, "%s FD k'(%g)", name, d)
			_, dkp, _ := m.Eval(d + h)
			_, dkm, _ := m.Eval(d - h)
			assert.InDelta(t, (dkp-dkm)/(2*h), d2k, 1e-5*scale, "%s FD k''(%g)", name, d)
		}
		// Symmetry: k even, k' odd, k'' even.
		k1, dk1, d2k1 := m.Eval(0.3)
		k2, dk2, d2k2 := m.Eval(-0.3)
		assert.InDelta(t, k1, k2, 1e-14, name)
		assert.InDelta(t, dk1, -dk2, 1e-13, name)
		assert.InDelta(t, d2k1, d2k2, 1e-12, name)
	}
}

func TestKernelCheck(t *testing.T) {
	assert.ErrorIs(t, (&Mixture{}).Check(), ErrKernel)
	assert.ErrorIs(t, (&Mixture{LogW: []float64{0}, LogScale: []float64{0, 1}, Mu: []float64{0}}).Check(), ErrKernel)
	bad := NewSE(1, 1)
	bad.LogScale[0] = math.NaN()
	assert.ErrorIs(t, bad.Check(), ErrKernel)
	m := NewMixture(Gaussian, 4, 30)
	assert.Equal(t, 30.0, m.MaxFrequency(1e-6))
	m.LogW[3] = -50
	assert.Equal(t, 20.0, m.MaxFrequency(1e-6))
}
