package ot

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// blob returns a normalised Gaussian blob on a rows×cols image centred
// at (ci, cj) (pixel units) with a small floor.
func blob(rows, cols int, ci, cj, w float64) []float64 {
	h := make([]float64, rows*cols)
	var s float64
	for i := range rows {
		for j := range cols {
			d := (float64(i)-ci)*(float64(i)-ci) + (float64(j)-cj)*(float64(j)-cj)
			h[i*cols+j] = math.Exp(-d/(2*w*w)) + 1e-6
			s += h[i*cols+j]
		}
	}
	for k := range h {
		h[k] /= s
	}
	return h
}

// TestBarycenter: the convolutional (separable kernel) barycenter equals
// the dense one with the explicit grid cost; it has mass 1; the
// barycenter of two mirrored blobs with equal weights is mirror
// symmetric and puts its mass between them (displacement, not averaging);
// bad input gets errors.
func TestBarycenter(t *testing.T) {
	const r, c = 9, 12
	b1, b2 := blob(r, c, 4, 2, 1.2), blob(r, c, 4, 9, 1.2)
	cost := imageCost(r, c)
	set := &BarycenterSettings{Eta: 200, Tol: 1e-13}
	dense, err := Barycenter([][]float64{b1, b2}, cost, set)
	require.NoError(t, err)
	conv, err := ConvolutionalBarycenter([][]float64{b1, b2}, r, c, set)
	require.NoError(t, err)
	var mass float64
	for k := range dense.P {
		assert.InDelta(t, dense.P[k], conv.P[k], 1e-12)
		mass += dense.P[k]
	}
	assert.InDelta(t, 1, mass, 1e-9)
	// Mirror symmetry j ↔ c−1−j (the blobs are mirror images about 5.5).
	for i := range r {
		for j := range c {
			assert.InDelta(t, conv.P[i*c+j], conv.P[i*c+c-1-j], 1e-10)
		}
	}
	// Displacement: the middle columns hold more mass than the blobs'
	// centres do in the barycenter (a linear average would be the other
	// way round).
	mid := conv.P[4*c+5] + conv.P[4*c+6]
	ends := conv.P[4*c+2] + conv.P[4*c+9]
	assert.Greater(t, mid, ends)

	_, err = Barycenter(nil, cost, set)
	assert.ErrorIs(t, err, ErrHistogram)
	_, err = Barycenter([][]float64{b1, b2[:5]}, cost, set)
	assert.ErrorIs(t, err, ErrHistogram)
	_, err = Barycenter([][]float64{b1}, cost[:10], set)
	assert.ErrorIs(t, err, ErrCost)
	_, err = Barycenter([][]float64{b1}, cost, &BarycenterSettings{})
	assert.ErrorIs(t, err, ErrEta)
	_, err = Barycenter([][]float64{b1, b2}, cost, &BarycenterSettings{Eta: 10, Weights: []float64{1, -1}})
	assert.ErrorIs(t, err, ErrHistogram)
	asym := append([]float64(nil), cost...)
	asym[1] += 1
	_, err = Barycenter([][]float64{b1}, asym, set)
	assert.ErrorIs(t, err, ErrCost)
	res, err := ConvolutionalBarycenter([][]float64{b1, b2}, r, c, &BarycenterSettings{Eta: 200, MaxIter: 2, Tol: 1e-15})
	assert.ErrorIs(t, err, ErrMaxIter)
	require.NotNil(t, res)
	assert.Equal(t, 2, res.Iterations)
}

// logOnly hides a kernel's linear-domain product, so bregman runs every
// sweep in the log domain.
type logOnly struct{ logKernel }

// TestBarycenterDomains: the linear-domain sweeps, with their switch to
// the log domain where a kernel product leaves floating-point range,
// give the same iterates as log-domain sweeps throughout — at an η where
// the linear domain holds and at one where it must hand over.
func TestBarycenterDomains(t *testing.T) {
	const r, c = 9, 12
	hists := [][]float64{blob(r, c, 4, 2, 1.2), blob(r, c, 4, 9, 1.2), blob(r, c, 1, 6, 0.8)}
	n := r * c
	cost := imageCost(r, c)
	for _, tc := range []struct {
		eta, tol float64
		handOver bool
	}{{200, 1e-13, false}, {2000, 1e-9, true}, {20000, 1e-13, false}} {
		set, err := barycenterSettings(&BarycenterSettings{Eta: tc.eta, Tol: tc.tol}, len(hists))
		require.NoError(t, err)
		for name, k := range map[string]logKernel{
			"dense": newDenseKernel(cost, n, tc.eta),
			"grid":  newGridKernel(r, c, tc.eta),
		} {
			got, err := bregman(hists, n, k, set)
			require.NoError(t, err, "%s η=%g", name, tc.eta)
			want, err := bregman(hists, n, logOnly{k}, set)
			require.NoError(t, err, "%s η=%g", name, tc.eta)
			assert.Equal(t, want.Iterations, got.Iterations, "%s η=%g", name, tc.eta)
			for i := range want.P {
				assert.InDelta(t, want.P[i], got.P[i], 1e-12, "%s η=%g entry %d", name, tc.eta, i)
			}
			// Whether the linear domain handed over, and at which sweep.
			b := make([]float64, len(hists)*n)
			logu := make([][]float64, len(hists))
			for h, bh := range hists {
				copy(b[h*n:], bh)
				logu[h] = make([]float64, n)
			}
			it, done := bregmanLinear(k.(linearKernel), b, logu, make([]float64, n), make([]float64, n), set, nil, &BarycenterResult{})
			assert.Equal(t, !tc.handOver, done, "%s η=%g stopped at sweep %d", name, tc.eta, it)
		}
	}
}

// BenchmarkBarycenter times the dense and the convolutional barycenter
// of four Gaussian blobs at the corners of a 28×28 image, η = 1000,
// stopping at ‖ΔP‖₁ ≤ 1e-11 (the BENCHMARKS.md comparison with POT).
func BenchmarkBarycenter(b *testing.B) {
	const side = 28
	hists := [][]float64{
		blob(side, side, 7, 7, 2.5), blob(side, side, 7, 20, 2.5),
		blob(side, side, 20, 7, 2.5), blob(side, side, 20, 20, 2.5),
	}
	cost := imageCost(side, side)
	set := &BarycenterSettings{Eta: 1000, Tol: 1e-11}
	andersonSet := &BarycenterSettings{Eta: 1000, Tol: 1e-11, Anderson: 8}
	for _, tc := range []struct {
		name string
		run  func() (*BarycenterResult, error)
	}{
		{"dense", func() (*BarycenterResult, error) { return Barycenter(hists, cost, set) }},
		{"conv", func() (*BarycenterResult, error) { return ConvolutionalBarycenter(hists, side, side, set) }},
		{"dense-anderson", func() (*BarycenterResult, error) { return Barycenter(hists, cost, andersonSet) }},
		{"conv-anderson", func() (*BarycenterResult, error) { return ConvolutionalBarycenter(hists, side, side, andersonSet) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var r *BarycenterResult
			for b.Loop() {
				var err error
				if r, err = tc.run(); err != nil {
					b.Fatal(err)
				}
			}
			var mx, ss float64
			for _, p := range r.P {
				mx, ss = math.Max(mx, p), ss+p*p
			}
			b.Logf("%d sweeps, max %.17g, sum of squares %.17g", r.Iterations, mx, ss)
		})
	}
}

// TestBarycenterAnderson: Anderson mixing reaches the barycenter of the
// plain Bregman projections (to 1e-10 in the 1-norm at a tolerance of
// 1e-12) in fewer sweeps, with either kernel; depths out of range are
// settings errors. (At η = 3000 here, where the linear domain hands over
// to the log domain, mixing also applies: 911 sweeps against 5556, but
// the plain sweeps stop too far from the fixed point to serve as its
// reference at this tolerance.)
func TestBarycenterAnderson(t *testing.T) {
	const r, c = 16, 16
	hists := [][]float64{blob(r, c, 4, 4, 1.5), blob(r, c, 4, 11, 1.5), blob(r, c, 11, 7, 2)}
	cost := imageCost(r, c)
	for _, eta := range []float64{300, 1000} {
		for _, depth := range []int{3, 8} {
			plain, err := Barycenter(hists, cost, &BarycenterSettings{Eta: eta, Tol: 1e-12})
			require.NoError(t, err)
			acc, err := Barycenter(hists, cost, &BarycenterSettings{Eta: eta, Tol: 1e-12, Anderson: depth})
			require.NoError(t, err)
			conv, err := ConvolutionalBarycenter(hists, r, c, &BarycenterSettings{Eta: eta, Tol: 1e-12, Anderson: depth})
			require.NoError(t, err)
			var d, dc float64
			for i := range plain.P {
				d += math.Abs(plain.P[i] - acc.P[i])
				dc += math.Abs(plain.P[i] - conv.P[i])
			}
			assert.Less(t, d, 1e-10, "η=%g depth %d", eta, depth)
			assert.Less(t, dc, 1e-10, "η=%g depth %d (convolutional)", eta, depth)
			assert.Less(t, acc.Iterations, plain.Iterations, "η=%g depth %d", eta, depth)
			t.Logf("η=%g depth %d: %d sweeps against %d", eta, depth, acc.Iterations, plain.Iterations)
		}
	}
	for _, depth := range []int{-1, 21} {
		_, err := Barycenter(hists, cost, &BarycenterSettings{Eta: 100, Anderson: depth})
		assert.ErrorIs(t, err, ErrSettings)
	}
}
