package pde

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/dsp/fourier"
)

// GRF is a stationary Gaussian random field on a periodic grid with the
// Matérn-like spectrum used for the neural-operator Darcy data (Li et al.,
// Fourier Neural Operator, 2021): on an n₀×…×n_{d−1} grid the Fourier
// coefficient of integer wavenumber k is
//
//	√λ_k = N·√2·σ·(4π²|k|² + τ²)^(−α/2),  N = Π n_j,
//
// times a standard complex normal ξ ~ CN(0, 1) (real and imaginary parts
// N(0, ½)), the k = 0 mode is zero, and the field is the real part of the
// normalised inverse FFT. This is the draw of the SKR generator's and the
// current FNO code's GaussianRF (torch.randn with a complex dtype); the
// 2020 FNO code drew both parts N(0, 1), a field √2 larger in amplitude
// (Sigma = √2·τ^{(2α−d)/2} reproduces it). α controls smoothness, τ the
// correlation length (larger τ: shorter correlations and smaller
// variance). With α = 2.5, τ = 7 in 2D the pointwise standard deviation is
// 0.185.
type GRF struct {
	// Alpha is the spectral decay exponent; zero means 2.5.
	Alpha float64
	// Tau is the inverse length scale; zero means 7.
	Tau float64
	// Sigma is the amplitude; zero means τ^{(2α−d)/2}, the convention above.
	Sigma float64
}

func (f GRF) params(d int) (alpha, tau, sigma float64) {
	alpha, tau, sigma = f.Alpha, f.Tau, f.Sigma
	if alpha == 0 {
		alpha = 2.5
	}
	if tau == 0 {
		tau = 7
	}
	if sigma == 0 {
		sigma = math.Pow(tau, (2*alpha-float64(d))/2)
	}
	return alpha, tau, sigma
}

func (f GRF) check(n []int) error {
	if len(n) < 1 || len(n) > 3 {
		return fmt.Errorf("%w: GRF needs 1–3 dimensions, got %d", ErrGrid, len(n))
	}
	for _, v := range n {
		if v < 1 {
			return fmt.Errorf("%w: GRF grid size %d", ErrGrid, v)
		}
	}
	if f.Alpha < 0 || f.Tau < 0 || f.Sigma < 0 || math.IsNaN(f.Alpha+f.Tau+f.Sigma) {
		return fmt.Errorf("pde: GRF parameters must be non-negative: %+v", f)
	}
	return nil
}

// sqrtEig returns √λ_k for the flattened wavenumber index of a grid of
// shape n (lexicographic, last dimension fastest, FFT frequency order).
func (f GRF) sqrtEig(n []int) []float64 {
	d := len(n)
	alpha, tau, sigma := f.params(d)
	key := eigKey{alpha: alpha, tau: tau, sigma: sigma, d: d}
	copy(key.n[:], n)
	if v, ok := eigCache.Load(key); ok {
		return v.([]float64)
	}
	ev := f.computeSqrtEig(n, alpha, tau, sigma)
	if eigCacheSize.Add(1) > 16 { // a handful of shapes in practice: keep it bounded
		eigCache.Clear()
		eigCacheSize.Store(1)
	}
	eigCache.Store(key, ev)
	return ev
}

// eigCache holds √λ per grid shape and parameters (shared, read-only
// slices): a family draws thousands of fields on one grid, and the
// spectrum was a third of each draw.
var (
	eigCache     sync.Map // eigKey → []float64
	eigCacheSize atomic.Int64
)

type eigKey struct {
	alpha, tau, sigma float64
	d                 int
	n                 [3]int
}

func (f GRF) computeSqrtEig(n []int, alpha, tau, sigma float64) []float64 {
	d := len(n)
	total := 1
	for _, v := range n {
		total *= v
	}
	out := make([]float64, total)
	ii := make([]int, d)
	for idx := range out {
		var k2 float64
		zero := true
		for j, i := range ii {
			k := i
			if i > (n[j]-1)/2 {
				k = i - n[j] // FFT order: 0, 1, …, ⌈n/2⌉−1, −⌊n/2⌋, …, −1
			}
			if k != 0 {
				zero = false
			}
			k2 += float64(k * k)
		}
		if !zero {
			out[idx] = float64(total) * math.Sqrt2 * sigma * math.Pow(4*math.Pi*math.Pi*k2+tau*tau, -alpha/2)
		}
		for j := d - 1; j >= 0; j-- {
			ii[j]++
			if ii[j] < n[j] {
				break
			}
			ii[j] = 0
		}
	}
	return out
}

// Variance returns the exact pointwise variance of the field on a grid of
// shape n: Σ_k λ_k / (2N²), the same at every point by stationarity (the
// real part of each CN(0, 1) term carries half its variance).
func (f GRF) Variance(n ...int) float64 {
	if err := f.check(n); err != nil {
		panic(err)
	}
	ev := f.sqrtEig(n)
	var s float64
	for _, v := range ev {
		s += v * v
	}
	N := float64(len(ev))
	return s / (2 * N * N)
}

// Sample draws one field on a grid of shape n (for a Grid, pass g.N) from
// rng, in the grid's lexicographic order.
func (f GRF) Sample(rng *rand.Rand, n ...int) ([]float64, error) {
	if err := f.check(n); err != nil {
		return nil, err
	}
	ev := f.sqrtEig(n)
	c := make([]complex128, len(ev))
	for i, s := range ev {
		// ξ ~ CN(0, 1): real and imaginary parts N(0, ½).
		s *= math.Sqrt2 / 2
		re, im := rng.NormFloat64(), rng.NormFloat64()
		c[i] = complex(s*re, s*im)
	}
	inverseFFT(c, n)
	out := make([]float64, len(c))
	inv := 1 / float64(len(c))
	for i, v := range c {
		out[i] = real(v) * inv
	}
	return out, nil
}

// inverseFFT transforms c in place along every dimension of shape n
// (unnormalised).
func inverseFFT(c []complex128, n []int) {
	d := len(n)
	stride := 1
	for j := d - 1; j >= 0; j-- {
		m := n[j]
		if m > 1 {
			fft := fourier.NewCmplxFFT(m)
			buf := make([]complex128, m)
			outer := len(c) / (m * stride)
			for o := range outer {
				for s := range stride {
					base := o*m*stride + s
					for i := range m {
						buf[i] = c[base+i*stride]
					}
					fft.Sequence(buf, buf)
					for i := range m {
						c[base+i*stride] = buf[i]
					}
				}
			}
		}
		stride *= m
	}
}
