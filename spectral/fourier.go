package spectral

import (
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mat"
)

// Fourier returns the m equispaced points lo + j·(hi−lo)/m of a periodic
// axis (the right end is the left one again) and the m×m Fourier
// differentiation matrices of first and second order for an even m ≥ 4
// (Trefethen 2000, ch. 3: D₁ = ½(−1)^{i−j} cot((i−j)h/2), D₂ from the
// second derivative of the periodic sinc, h = 2π/m, scaled to the
// period hi − lo). It panics if m is odd or below 4 or the interval is
// empty or not finite.
func Fourier(m int, lo, hi float64) (x []float64, d1, d2 *mat.Dense) {
	if m < 4 || m%2 != 0 || !(hi > lo) || math.IsInf(hi-lo, 0) {
		panic("spectral: Fourier needs an even m ≥ 4 and a finite interval lo < hi")
	}
	period := hi - lo
	x = make([]float64, m)
	for j := range x {
		x[j] = lo + period*float64(j)/float64(m)
	}
	h := 2 * math.Pi / float64(m)
	s := 2 * math.Pi / period
	d1, d2 = mat.NewDense(m, m, nil), mat.NewDense(m, m, nil)
	for i := range m {
		for j := range m {
			if i == j {
				d2.Set(i, i, s*s*(-math.Pi*math.Pi/(3*h*h)-1.0/6))
				continue
			}
			k := i - j
			sign := 1.0
			if k%2 != 0 {
				sign = -1
			}
			half := float64(k) * h / 2
			d1.Set(i, j, s*0.5*sign/math.Tan(half))
			sn := math.Sin(half)
			d2.Set(i, j, -s*s*sign/(2*sn*sn))
		}
	}
	return x, d1, d2
}

// fourierInterp returns the len(t)×m matrix that maps values at the m
// equispaced points of a periodic axis of the given period to their
// trigonometric interpolant at t: the periodic sinc
// S(θ) = sin(mθ/2)/(m·tan(θ/2)) for even m (Trefethen 2000, eq. 3.6).
func fourierInterp(x []float64, period float64, t []float64) *mat.Dense {
	m := len(x)
	out := mat.NewDense(len(t), m, nil)
	for k, tk := range t {
		for j, xj := range x {
			theta := 2 * math.Pi * (tk - xj) / period
			den := float64(m) * math.Tan(theta/2)
			v := 1.0
			if math.Abs(den) > 1e-14*float64(m) {
				v = math.Sin(float64(m)*theta/2) / den
			} else if math.Abs(math.Remainder(theta, 2*math.Pi)) > 1 {
				// θ near an odd multiple of π is not a node: tan(θ/2) is
				// then infinite, not zero, and the sinc is 0 there.
				v = 0
			}
			out.Set(k, j, v)
		}
	}
	return out
}

// fourierMags sets mags to the discrete Fourier coefficient magnitudes
// |û_k|, k = 0…m/2, of the values v at m equispaced points (a real FFT;
// buf holds m/2+1 coefficients).
func fourierMags(fft *fourier.FFT, v, mags []float64, buf []complex128) {
	m := float64(len(v))
	for k, z := range fft.Coefficients(buf, v) {
		mags[k] = cmplx.Abs(z) / m
	}
}
