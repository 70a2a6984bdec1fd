package gp

import (
	"math"
	"math/cmplx"
	"sort"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Periodogram returns the frequencies (cycles per unit length) and the
// Hann-windowed power spectrum of the rows of samples taken on a uniform
// grid of [lo, hi] (both ends included), averaged over the rows. The
// sequence is zero-padded to eight times its length, a power of two, so
// that peaks can be located to a small fraction of the grid's frequency
// resolution 1/(hi − lo).
func Periodogram(rows [][]float64, lo, hi float64) (freq, power []float64) {
	if len(rows) == 0 || len(rows[0]) < 2 {
		return nil, nil
	}
	n := len(rows[0])
	h := (hi - lo) / float64(n-1)
	m := 1
	for m < 8*n {
		m *= 2
	}
	fft := fourier.NewFFT(m)
	seq := make([]float64, m)
	var coef []complex128
	power = make([]float64, m/2+1)
	for _, r := range rows {
		var mean float64
		for _, v := range r {
			mean += v
		}
		mean /= float64(n)
		for i := range seq {
			seq[i] = 0
		}
		for i, v := range r {
			w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n-1))
			seq[i] = w * (v - mean)
		}
		coef = fft.Coefficients(coef, seq)
		for i := range power {
			a := cmplx.Abs(coef[i])
			power[i] += a * a / float64(len(rows))
		}
	}
	freq = make([]float64, len(power))
	for i := range freq {
		freq[i] = float64(i) / (float64(m) * h)
	}
	return freq, power
}

// Peak is a local maximum of a periodogram: its frequency (refined by a
// parabola through the three samples around it, in log power) and power.
type Peak struct {
	Freq, Power float64
}

// Peaks returns the local maxima of the spectrum whose power is at least
// rel times the largest, strongest first, at most max of them (all if
// max ≤ 0). Peaks closer than minSep in frequency to a stronger one are
// dropped (window side lobes).
func Peaks(freq, power []float64, rel float64, max int, minSep float64) []Peak {
	var pmax float64
	for _, p := range power {
		pmax = math.Max(pmax, p)
	}
	if !(pmax > 0) {
		return nil
	}
	var all []Peak
	for i := 1; i+1 < len(power); i++ {
		p := power[i]
		if p < rel*pmax || p < power[i-1] || p < power[i+1] {
			continue
		}
		f := freq[i]
		if power[i-1] > 0 && power[i+1] > 0 {
			a, b, c := math.Log(power[i-1]), math.Log(p), math.Log(power[i+1])
			if den := a - 2*b + c; den < 0 {
				f += 0.5 * (a - c) / den * (freq[1] - freq[0])
			}
		}
		all = append(all, Peak{Freq: f, Power: p})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Power > all[j].Power })
	var out []Peak
	for _, pk := range all {
		keep := true
		for _, o := range out {
			if math.Abs(o.Freq-pk.Freq) < minSep {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, pk)
		}
		if max > 0 && len(out) == max {
			break
		}
	}
	return out
}

// SpectralMixture returns a GP-HM kernel for data whose periodogram has
// the given peaks: one component per peak at its frequency plus one at
// zero frequency (for the smooth part and the boundary lift), all with
// weight 1 and envelope scale scale (ρ for Gaussian, λ for Matérn
// envelopes). Peaks at frequencies below minFreq are merged into the
// zero-frequency component.
func SpectralMixture(family Family, peaks []Peak, scale, minFreq float64) *Mixture {
	m := &Mixture{Family: family, LogW: []float64{0}, LogScale: []float64{math.Log(scale)}, Mu: []float64{0}}
	for _, p := range peaks {
		if p.Freq < minFreq {
			continue
		}
		m.LogW = append(m.LogW, 0)
		m.LogScale = append(m.LogScale, math.Log(scale))
		m.Mu = append(m.Mu, p.Freq)
	}
	return m
}

// InitSettings controls InitKernels. The zero value means the defaults.
type InitSettings struct {
	// MaxPeaks bounds the periodogram peaks kept per axis; zero means 8.
	MaxPeaks int
	// RelPower is the smallest peak power kept, relative to the largest;
	// zero means 1e-3.
	RelPower float64
	// Width sets the envelope scale per axis, in units of the axis's
	// frequency resolution: ρ = Width·2π/(Hi − Lo) for Gaussian envelopes
	// (λ the same for Matérn ones); zero means 3.
	Width float64
}

// InitKernels builds one spectral-mixture kernel per axis of p from the
// data the problem gives, as GP-HM initialises its frequencies but
// without a search: the periodogram of the right-hand side F along the
// axis (all grid lines averaged), plus that of the boundary data G on the
// two edges parallel to it, each normalised to its peak (so that a zero F,
// as in the advection equation, still gives the frequencies of the
// boundary data). Every peak becomes a component at its frequency; a
// zero-frequency component carries the smooth part.
func InitKernels(p Problem, family Family, set *InitSettings) []*Mixture {
	var s InitSettings
	if set != nil {
		s = *set
	}
	if s.MaxPeaks == 0 {
		s.MaxPeaks = 8
	}
	if s.RelPower == 0 {
		s.RelPower = 1e-3
	}
	if s.Width == 0 {
		s.Width = 3
	}
	d := len(p.Axes)
	grids := make([][]float64, d)
	for i, ax := range p.Axes {
		grids[i] = ax.Points()
	}
	out := make([]*Mixture, d)
	pt := make([]float64, d)
	for a, ax := range p.Axes {
		// Lines along axis a: every grid line for F, the two boundary
		// lines for G.
		var fRows, gRows [][]float64
		line := func(fix []float64, fn func([]float64) float64) []float64 {
			r := make([]float64, ax.N)
			for i, v := range grids[a] {
				copy(pt, fix)
				pt[a] = v
				r[i] = fn(pt)
			}
			return r
		}
		fix := make([]float64, d)
		if d == 1 {
			fRows = append(fRows, line(fix, p.F))
		} else {
			o := 1 - a
			for _, v := range grids[o] {
				fix[o] = v
				fRows = append(fRows, line(fix, p.F))
			}
			for _, v := range []float64{grids[o][0], grids[o][len(grids[o])-1]} {
				fix[o] = v
				gRows = append(gRows, line(fix, p.G))
			}
		}
		freq, pf := Periodogram(fRows, ax.Lo, ax.Hi)
		power := normalised(pf)
		if gRows != nil {
			_, pg := Periodogram(gRows, ax.Lo, ax.Hi)
			for i, v := range normalised(pg) {
				power[i] += v
			}
		}
		res := 1 / (ax.Hi - ax.Lo)
		peaks := Peaks(freq, power, s.RelPower, s.MaxPeaks, 4*res)
		out[a] = SpectralMixture(family, peaks, s.Width*2*math.Pi*res, res)
	}
	return out
}

func normalised(p []float64) []float64 {
	var m float64
	for _, v := range p {
		m = math.Max(m, v)
	}
	out := make([]float64, len(p))
	if m > 0 {
		for i, v := range p {
			out[i] = v / m
		}
	}
	return out
}
