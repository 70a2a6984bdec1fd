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
	cost := make([]float64, r*c*r*c)
	for p := range r * c {
		for q := range r * c {
			di := float64(p/c-q/c) / r
			dj := float64(p%c-q%c) / c
			cost[p*r*c+q] = di*di + dj*dj
		}
	}
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
