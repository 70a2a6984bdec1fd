package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// upperRows returns a random strictly upper triangular CSR pattern of n
// rows with up to four entries a row, and a positive dinv.
func upperRows(rng *rand.Rand, n int) (rp []int, ci []int32, v, dinv []float64) {
	rp = []int{0}
	for i := range n {
		var cols []int32
		for range rng.IntN(5) {
			if i+1 < n {
				cols = append(cols, int32(i+1+rng.IntN(n-i-1)))
			}
		}
		slices.Sort(cols)
		cols = slices.Compact(cols)
		for _, c := range cols {
			ci = append(ci, c)
			v = append(v, 0.3*rng.NormFloat64())
		}
		rp = append(rp, len(ci))
		dinv = append(dinv, 0.5+rng.Float64())
	}
	return rp, ci, v, dinv
}

// TestUpperSolveDots checks the fused kernel against the plain
// substitution (x bit for bit) and plain dot products (to rounding) for
// every count it fuses, in place and not, and its refusals.
func TestUpperSolveDots(t *testing.T) {
	for _, k := range []int{0, 2, 6, 52} {
		assert.False(t, FusedDotsOK(k), "k = %d", k)
	}
	if !useAVX {
		assert.False(t, FusedDotsOK(4))
		assert.Panics(t, func() { UpperSolveDots([]int{0}, nil, nil, nil, nil, nil, nil, make([]float64, 4)) })
		return
	}
	rng := rand.New(rand.NewPCG(5, 8))
	for _, n := range []int{0, 1, 2, 9, 300} {
		rp, ci, v, dinv := upperRows(rng, n)
		r := make([]float64, n)
		for i := range r {
			r[i] = rng.NormFloat64()
		}
		want := make([]float64, n)
		for i := n - 1; i >= 0; i-- {
			s := r[i]
			for p := rp[i]; p < rp[i+1]; p++ {
				s -= v[p] * want[ci[p]]
			}
			want[i] = s * dinv[i]
		}
		for k := 4; k <= MaxFusedDots; k += 4 {
			require.True(t, FusedDotsOK(k))
			w := make([]float64, n*k)
			for i := range w {
				w[i] = rng.NormFloat64()
			}
			for _, inPlace := range []bool{false, true} {
				name := fmt.Sprintf("n=%d k=%d in-place=%v", n, k, inPlace)
				x := make([]float64, n)
				src := r
				if inPlace {
					copy(x, r)
					src = x
				}
				dots := make([]float64, k)
				for l := range dots {
					dots[l] = math.NaN() // must be overwritten
				}
				UpperSolveDots(rp, ci, v, dinv, x, src, w, dots)
				assert.Equal(t, want, x, name)
				checkDots(t, name, w, want, dots)
			}
		}
	}
	rp, ci, v, dinv := upperRows(rng, 5)
	x, w := make([]float64, 5), make([]float64, 20)
	assert.PanicsWithValue(t, "vec: UpperSolveDots: no fused kernel for this count on this machine",
		func() { UpperSolveDots(rp, ci, v, dinv, x, x, w[:15], make([]float64, 3)) })
	assert.PanicsWithValue(t, "vec: UpperSolveDots: length mismatch",
		func() { UpperSolveDots(rp, ci, v, dinv, x, x, w[:16], make([]float64, 4)) })
	assert.PanicsWithValue(t, "vec: UpperSolveDots: length mismatch",
		func() { UpperSolveDots(rp[:5], ci, v, dinv, x, x, w, make([]float64, 4)) })
}

// fullRows returns a random n×n CSR pattern with a diagonal entry in
// every row (dpos) and up to three entries on each side of it.
func fullRows(rng *rand.Rand, n int) (rp, dpos []int, ci []int32, v []float64) {
	rp = []int{0}
	for i := range n {
		cols := []int32{int32(i)}
		for range rng.IntN(7) {
			cols = append(cols, int32(rng.IntN(n)))
		}
		slices.Sort(cols)
		cols = slices.Compact(cols)
		for _, c := range cols {
			if c == int32(i) {
				dpos = append(dpos, len(ci))
			}
			ci = append(ci, c)
			v = append(v, 0.3*rng.NormFloat64())
		}
		rp = append(rp, len(ci))
	}
	return rp, dpos, ci, v
}

// TestUpperSweepDots checks the fused SSOR sweep against the plain one
// (x bit for bit) and plain dot products (to rounding).
func TestUpperSweepDots(t *testing.T) {
	if !useAVX {
		assert.Panics(t, func() { UpperSweepDots([]int{0}, nil, nil, nil, nil, nil, nil, make([]float64, 4)) })
		return
	}
	rng := rand.New(rand.NewPCG(6, 1))
	for _, n := range []int{0, 1, 2, 9, 300} {
		rp, dpos, ci, v := fullRows(rng, n)
		wd, x0 := make([]float64, n), make([]float64, n)
		for i := range n {
			wd[i], x0[i] = 0.5+rng.Float64(), rng.NormFloat64()
		}
		want := slices.Clone(x0)
		for i := n - 1; i >= 0; i-- {
			var s float64
			for p := dpos[i] + 1; p < rp[i+1]; p++ {
				s += v[p] * want[ci[p]]
			}
			want[i] -= wd[i] * s
		}
		for _, k := range []int{4, 12, 40, 48} {
			name := fmt.Sprintf("n=%d k=%d", n, k)
			w := make([]float64, n*k)
			for i := range w {
				w[i] = rng.NormFloat64()
			}
			x, dots := slices.Clone(x0), make([]float64, k)
			UpperSweepDots(rp, dpos, ci, v, wd, x, w, dots)
			assert.Equal(t, want, x, name)
			checkDots(t, name, w, want, dots)
		}
	}
	rp, dpos, ci, v := fullRows(rng, 5)
	x := make([]float64, 5)
	assert.PanicsWithValue(t, "vec: UpperSweepDots: length mismatch",
		func() { UpperSweepDots(rp, dpos[:4], ci, v, x, x, make([]float64, 20), make([]float64, 4)) })
}

// checkDots asserts dots[l] = Σ_i w[i·k+l]·x_i to rounding (k = len(dots)).
func checkDots(t *testing.T, name string, w, x, dots []float64) {
	t.Helper()
	k := len(dots)
	for l := range k {
		var d, scale float64
		for i, xi := range x {
			d += w[i*k+l] * xi
			scale += math.Abs(w[i*k+l] * xi)
		}
		assert.InDelta(t, d, dots[l], 1e-14*(scale+1), "%s l=%d", name, l)
	}
}

// TestMulVecDotSub checks q = A·x − W·c and xᵀq against plain loops for
// every count the kernel fuses.
func TestMulVecDotSub(t *testing.T) {
	if !useAVX {
		assert.Panics(t, func() { MulVecDotSub([]int{0}, nil, nil, nil, nil, nil, make([]float64, 4)) })
		return
	}
	rng := rand.New(rand.NewPCG(7, 3))
	for _, n := range []int{0, 1, 2, 9, 300} {
		rp, _, ci, v := fullRows(rng, n)
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		for k := 4; k <= MaxFusedDots; k += 4 {
			name := fmt.Sprintf("n=%d k=%d", n, k)
			w, c := make([]float64, n*k), make([]float64, k)
			for i := range w {
				w[i] = rng.NormFloat64()
			}
			for l := range c {
				c[l] = rng.NormFloat64()
			}
			q := make([]float64, n)
			dot := MulVecDotSub(rp, ci, v, x, q, w, c)
			var wantDot, scaleDot float64
			for i := range n {
				var ax, wc, scale float64
				for p := rp[i]; p < rp[i+1]; p++ {
					ax += v[p] * x[ci[p]]
					scale += math.Abs(v[p] * x[ci[p]])
				}
				for l := range k {
					wc += w[i*k+l] * c[l]
					scale += math.Abs(w[i*k+l] * c[l])
				}
				assert.InDelta(t, ax-wc, q[i], 1e-14*(scale+1), "%s i=%d", name, i)
				wantDot += x[i] * (ax - wc)
				scaleDot += math.Abs(x[i]) * scale
			}
			assert.InDelta(t, wantDot, dot, 1e-13*(scaleDot+1), name)
		}
	}
	rp, _, ci, v := fullRows(rng, 5)
	x := make([]float64, 5)
	assert.PanicsWithValue(t, "vec: MulVecDotSub: length mismatch",
		func() { MulVecDotSub(rp, ci, v, x, x[:4], make([]float64, 20), make([]float64, 4)) })
}
