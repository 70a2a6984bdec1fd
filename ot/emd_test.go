package ot

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// certify checks that r is optimal for (a, b, C): the plan is feasible
// (marginals, non-negative, at most n+m−1 entries, only allowed routes),
// the duals are feasible (C_ij ≥ U_i + V_j − tol on allowed routes) and
// complementary (equality on the plan's support), and the two objectives
// agree — a certificate of optimality that needs no other solver.
func certify(t *testing.T, a, b, c []float64, r *EMDResult, tol float64) {
	t.Helper()
	n, m := len(a), len(b)
	assert.LessOrEqual(t, len(r.Mass), n+m-1)
	rows, cols := make([]float64, n), make([]float64, m)
	var primal float64
	for k, i := range r.Rows {
		j := r.Cols[k]
		require.False(t, math.IsInf(c[i*m+j], 1), "forbidden route (%d, %d) used", i, j)
		require.GreaterOrEqual(t, r.Mass[k], 0.0)
		rows[i] += r.Mass[k]
		cols[j] += r.Mass[k]
		primal += r.Mass[k] * c[i*m+j]
		assert.InDelta(t, c[i*m+j], r.U[i]+r.V[j], tol, "complementary slackness at (%d, %d)", i, j)
	}
	for i := range n {
		assert.InDelta(t, a[i], rows[i], 1e-12, "row %d", i)
	}
	for j := range m {
		assert.InDelta(t, b[j], cols[j], 1e-12, "column %d", j)
	}
	worst := 0.0
	for i := range n {
		for j := range m {
			if !math.IsInf(c[i*m+j], 1) {
				worst = math.Min(worst, c[i*m+j]-r.U[i]-r.V[j])
			}
		}
	}
	assert.GreaterOrEqual(t, worst, -tol, "dual feasibility")
	var dual float64
	for i := range n {
		dual += a[i] * r.U[i]
	}
	for j := range m {
		dual += b[j] * r.V[j]
	}
	assert.InDelta(t, primal, dual, tol*10)
	assert.InDelta(t, primal, r.Cost, 1e-12*math.Max(1, math.Abs(primal)))
}

func randHist(rng *rand.Rand, n int, zeros bool) []float64 {
	h := make([]float64, n)
	var s float64
	for i := range h {
		if zeros && rng.IntN(4) == 0 {
			continue
		}
		h[i] = rng.Float64() + 0.01
		s += h[i]
	}
	if s == 0 {
		h[0], s = 1, 1
	}
	for i := range h {
		h[i] /= s
	}
	return h
}

// TestEMD: random non-uniform instances (rectangular, with zero weights,
// squared Euclidean costs of points in the plane and integer costs full of
// ties) get a certified optimum; the uniform square case matches the
// Hungarian method's cost.
func TestEMD(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, sz := range [][2]int{{1, 1}, {1, 5}, {5, 1}, {2, 3}, {7, 7}, {20, 35}, {60, 40}, {150, 200}} {
		for _, kind := range []string{"points", "ties"} {
			n, m := sz[0], sz[1]
			a, b := randHist(rng, n, n > 3), randHist(rng, m, m > 3)
			c := make([]float64, n*m)
			xs := make([][2]float64, n)
			ys := make([][2]float64, m)
			for i := range xs {
				xs[i] = [2]float64{rng.Float64(), rng.Float64()}
			}
			for j := range ys {
				ys[j] = [2]float64{rng.Float64(), rng.Float64()}
			}
			for i := range n {
				for j := range m {
					if kind == "ties" {
						c[i*m+j] = float64(rng.IntN(4))
					} else {
						dx, dy := xs[i][0]-ys[j][0], xs[i][1]-ys[j][1]
						c[i*m+j] = dx*dx + dy*dy
					}
				}
			}
			r, err := EMD(a, b, c, nil)
			require.NoError(t, err, "%v %s", sz, kind)
			certify(t, a, b, c, r, 1e-9)
		}
	}
	n := 40
	c := make([]float64, n*n)
	for k := range c {
		c[k] = rng.Float64()
	}
	u := make([]float64, n)
	for i := range u {
		u[i] = 1.0 / float64(n)
	}
	_, hung, err := Assignment(c, n)
	require.NoError(t, err)
	r, err := EMD(u, u, c, nil)
	require.NoError(t, err)
	assert.InDelta(t, hung/float64(n), r.Cost, 1e-13)
}

// TestEMDForbidden: +Inf routes are never used and the optimum is still
// certified; when every route from a source is forbidden the problem is
// infeasible.
func TestEMDForbidden(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n, m := 12, 15
	a, b := randHist(rng, n, false), randHist(rng, m, false)
	c := make([]float64, n*m)
	for k := range c {
		c[k] = rng.Float64()
		if rng.IntN(3) == 0 && k%m != k/m%m { // keep a feasible diagonal-ish route
			c[k] = math.Inf(1)
		}
	}
	// Make sure a feasible plan exists: every source may reach every sink
	// through column 0 and row 0.
	for i := range n {
		c[i*m] = rng.Float64()
	}
	for j := range m {
		c[j] = rng.Float64()
	}
	r, err := EMD(a, b, c, nil)
	require.NoError(t, err)
	certify(t, a, b, c, r, 1e-9)

	bad := make([]float64, 2*2)
	bad[0], bad[1] = math.Inf(1), math.Inf(1)
	bad[2], bad[3] = 1, 1
	_, err = EMD([]float64{0.5, 0.5}, []float64{0.5, 0.5}, bad, nil)
	assert.ErrorIs(t, err, ErrInfeasible)
}

func TestEMDBadInput(t *testing.T) {
	one := []float64{1}
	for name, c := range map[string]struct {
		a, b, c []float64
		want    error
	}{
		"unequal masses": {[]float64{0.5, 0.6}, []float64{1}, []float64{0, 0}, ErrHistogram},
		"negative":       {[]float64{-1, 2}, []float64{1}, []float64{0, 0}, ErrHistogram},
		"NaN weight":     {[]float64{math.NaN()}, one, []float64{0}, ErrHistogram},
		"empty":          {nil, one, nil, ErrHistogram},
		"all zero":       {[]float64{0}, []float64{0}, []float64{0}, ErrHistogram},
		"NaN cost":       {one, one, []float64{math.NaN()}, ErrCost},
		"-Inf cost":      {one, one, []float64{math.Inf(-1)}, ErrCost},
		"short cost":     {[]float64{0.5, 0.5}, one, []float64{1}, ErrCost},
	} {
		_, err := EMD(c.a, c.b, c.c, nil)
		assert.ErrorIs(t, err, c.want, name)
	}
}

// quasiCloud returns the benchmark instance of size n×m shared with the
// POT script in BENCHMARKS.md: points x_i = (frac(i·φ), frac(i·√2)),
// y_j = (frac(j·√3 + 0.5), frac(j·√5 + 0.25)), weights 1 + 0.5·sin(i)
// (and 1 + 0.5·cos(j)) normalised, squared Euclidean cost.
func quasiCloud(n, m int) (a, b, c []float64) {
	a, b, c = make([]float64, n), make([]float64, m), make([]float64, n*m)
	var sa, sb float64
	for i := range a {
		a[i] = 1 + 0.5*math.Sin(float64(i))
		sa += a[i]
	}
	for j := range b {
		b[j] = 1 + 0.5*math.Cos(float64(j))
		sb += b[j]
	}
	for i := range a {
		a[i] /= sa
	}
	for j := range b {
		b[j] /= sb
	}
	for i := range n {
		xi, yi := frac(float64(i)*math.Phi), frac(float64(i)*math.Sqrt2)
		for j := range m {
			xj, yj := frac(float64(j)*math.Sqrt(3)+0.5), frac(float64(j)*math.Sqrt(5)+0.25)
			c[i*m+j] = (xi-xj)*(xi-xj) + (yi-yj)*(yi-yj)
		}
	}
	return a, b, c
}

// quasiImage is a side×side histogram of five Gaussian blobs whose
// centres, widths and heights come from frac(k·√2), frac(k·√3),
// frac(k·√5), frac(k·√7) for k = 5·seed + q, q = 1…5, normalised.
func quasiImage(side, seed int) []float64 {
	h := make([]float64, side*side)
	s := float64(side)
	for q := 1; q <= 5; q++ {
		k := float64(5*seed + q)
		ci, cj := frac(k*math.Sqrt2)*s, frac(k*math.Sqrt(3))*s
		w := 1 + frac(k*math.Sqrt(5))*s/8
		amp := 0.1 + frac(k*math.Sqrt(7))
		for i := range side {
			for j := range side {
				d := (float64(i)-ci)*(float64(i)-ci) + (float64(j)-cj)*(float64(j)-cj)
				h[i*side+j] += amp * math.Exp(-d/(2*w*w))
			}
		}
	}
	var sum float64
	for _, v := range h {
		sum += v
	}
	for i := range h {
		h[i] /= sum
	}
	return h
}

// imageCost is the squared Euclidean cost between the pixel centres of a
// rows×cols image on [0, 1]² (row-major pixels).
func imageCost(rows, cols int) []float64 {
	n := rows * cols
	c := make([]float64, n*n)
	for p := range n {
		for q := range n {
			di := float64(p/cols-q/cols) / float64(rows)
			dj := float64(p%cols-q%cols) / float64(cols)
			c[p*n+q] = di*di + dj*dj
		}
	}
	return c
}

// BenchmarkEMD times the network simplex on the quasi-random clouds
// (go test -run XXX -bench EMD ./ot), the side-by-side with POT's emd2.
// The image pairs are quasiImage(side, 2k−1) → quasiImage(side, 2k) with
// the squared Euclidean cost between pixel centres of [0, 1]²
// (experiments/ot/pot_ref.py builds the same instances for POT).
func BenchmarkEMD(b *testing.B) {
	type instance struct {
		name     string
		a, bb, c []float64
	}
	var cases []instance
	for _, sz := range [][2]int{{500, 700}, {1000, 1500}, {2000, 3000}} {
		a, bb, c := quasiCloud(sz[0], sz[1])
		cases = append(cases, instance{fmt.Sprintf("%dx%d", sz[0], sz[1]), a, bb, c})
	}
	for _, side := range []int{32, 40} {
		for k := 1; k <= 2; k++ {
			cases = append(cases, instance{fmt.Sprintf("image%d-%d", side, k),
				quasiImage(side, 2*k-1), quasiImage(side, 2*k), imageCost(side, side)})
		}
	}
	for _, tc := range cases {
		a, bb, c := tc.a, tc.bb, tc.c
		b.Run(tc.name, func(b *testing.B) {
			var r *EMDResult
			for b.Loop() {
				var err error
				if r, err = EMD(a, bb, c, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(r.Pivots), "pivots")
			b.Logf("cost %.17g", r.Cost)
		})
	}
}

func TestDist(t *testing.T) {
	x := []float64{0, 0, 1, 0}       // two points in the plane
	y := []float64{0, 1, 3, 4, 1, 0} // three
	c, err := Dist(x, y, 2, nil)
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 25, 1, 2, 20, 0}, c)
	c, err = Dist(x, y, 2, Euclidean)
	require.NoError(t, err)
	assert.InDelta(t, 5, c[1], 1e-15)
	c, err = Dist(x, y, 2, Minkowski(1))
	require.NoError(t, err)
	assert.Equal(t, 7.0, c[1])
	_, err = Dist(x, y[:5], 2, nil)
	assert.ErrorIs(t, err, ErrCost)
	_, err = Dist([]float64{math.NaN(), 0}, y, 2, nil)
	assert.ErrorIs(t, err, ErrCost)
	_, err = Dist(x, y, 2, func(p, q []float64) float64 { return math.NaN() })
	assert.ErrorIs(t, err, ErrCost)
	_, err = Dist(x, y, 2, Minkowski(0.5))
	assert.ErrorIs(t, err, ErrCost)
}

// TestForbiddenEntropic: with forbidden (+Inf) routes every entropic
// solver converges, puts no mass there, and its cost approaches the exact
// optimum of EMD from above as η grows; a pattern that cannot carry the
// masses is ErrInfeasible at NewProblem.
func TestForbiddenEntropic(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	n, m := 30, 40
	a, b := randHist(rng, n, false), randHist(rng, m, false)
	c := make([]float64, n*m)
	for i := range n {
		for j := range m {
			c[i*m+j] = math.Abs(float64(i)/float64(n) - float64(j)/float64(m))
			if (i+j)%5 == 0 && j != 0 && i != 0 {
				c[i*m+j] = math.Inf(1)
			}
		}
	}
	ex, err := EMD(a, b, c, nil)
	require.NoError(t, err)
	p, err := NewProblem(a, b, c, false)
	require.NoError(t, err)
	prev := math.Inf(1)
	for _, eta := range []float64{50, 200, 800} {
		for name, solve := range map[string]func(*Problem, *Settings) (*Result, error){
			"log": LogSinkhorn, "stabilized": StabilizedSinkhorn, "sns": SinkhornNewtonSparse} {
			r, err := solve(p, &Settings{Eta: eta, Tol: 1e-9, MaxIter: 200000})
			require.NoError(t, err, "%s η=%g", name, eta)
			plan := p.Plan(r)
			for k, v := range c {
				if math.IsInf(v, 1) {
					require.Zero(t, plan[k], "%s: mass on forbidden route %d", name, k)
				}
			}
			cost := p.TransportCost(plan)
			require.False(t, math.IsNaN(cost), name)
			assert.GreaterOrEqual(t, cost, ex.Cost-1e-6, "%s η=%g", name, eta)
			if name == "sns" {
				assert.Less(t, cost-ex.Cost, prev, "the gap shrinks with η")
				prev = cost - ex.Cost
			}
		}
	}
	assert.Less(t, prev, 0.05*ex.Cost)
	bad := []float64{math.Inf(1), 1, math.Inf(1), 1}
	_, err = NewProblem([]float64{0.5, 0.5}, []float64{0.5, 0.5}, bad, false)
	assert.ErrorIs(t, err, ErrInfeasible)
}

func TestOTSettingsErrors(t *testing.T) {
	_, err := EMD([]float64{1}, []float64{1}, []float64{0}, &EMDSettings{MaxPivots: -1})
	assert.ErrorIs(t, err, ErrSettings)
	_, err = Barycenter([][]float64{{1}}, []float64{0}, &BarycenterSettings{Eta: 1, Tol: math.NaN()})
	assert.ErrorIs(t, err, ErrSettings)
	// The pivot limit is reported, not a wrong answer.
	a, b, c := quasiCloud(30, 40)
	_, err = EMD(a, b, c, &EMDSettings{MaxPivots: 3})
	assert.ErrorIs(t, err, ErrEMDIterations)
}

// TestSinkhorn2: the one-call entropic cost lies above the exact cost and
// approaches it as η grows.
func TestSinkhorn2(t *testing.T) {
	a, b, c := quasiCloud(40, 50)
	ex, err := EMD(a, b, c, nil)
	require.NoError(t, err)
	prev := math.Inf(1)
	for _, eta := range []float64{100, 1000, 10000} {
		cost, p, r, err := Sinkhorn2(a, b, c, &Settings{Eta: eta, Tol: 1e-10})
		require.NoError(t, err)
		require.NotNil(t, p)
		require.NotNil(t, r)
		assert.GreaterOrEqual(t, cost, ex.Cost*(1-1e-9))
		assert.Less(t, cost-ex.Cost, prev)
		prev = cost - ex.Cost
	}
	assert.Less(t, prev, 1e-3*ex.Cost)
	_, _, _, err = Sinkhorn2([]float64{1}, []float64{2}, []float64{0}, &Settings{Eta: 10})
	assert.ErrorIs(t, err, ErrHistogram)
}

// frac is the fractional part.
func frac(v float64) float64 { return v - math.Floor(v) }
