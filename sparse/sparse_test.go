package sparse

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomTriplet returns a random r×c matrix with about density·r·c entries,
// some of them repeated, and its dense equivalent.
func randomTriplet(rng *rand.Rand, r, c int, density float64) (*Triplet, []float64) {
	t := NewTriplet(r, c, 0)
	d := make([]float64, r*c)
	for k := 0; k < int(density*float64(r*c))+1; k++ {
		i, j := rng.IntN(r), rng.IntN(c)
		v := rng.NormFloat64()
		t.Append(i, j, v)
		d[i*c+j] += v
		if rng.IntN(4) == 0 { // duplicate on purpose
			t.Append(i, j, 1)
			d[i*c+j]++
		}
	}
	return t, d
}

func TestTripletSumsDuplicatesAndProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, sz := range [][2]int{{1, 1}, {5, 3}, {3, 7}, {40, 40}} {
		r, c := sz[0], sz[1]
		tr, d := randomTriplet(rng, r, c, 0.3)
		a := tr.ToCSR()
		// Invariants: validates through NewCSR.
		_, err := NewCSR(r, c, a.RowPtr, a.ColIdx, a.Val)
		require.NoError(t, err)
		// Dense equality up to the rounding of summing duplicates in another order.
		assert.InDeltaSlice(t, d, a.Dense(), 1e-14)

		x := make([]float64, c)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		y := make([]float64, r)
		a.MulVecTo(y, x)
		for i := range r {
			var s float64
			for j := range c {
				s += d[i*c+j] * x[j]
			}
			assert.InDelta(t, s, y[i], 1e-12, "row %d", i)
		}
		// Transpose product equals product with the transpose.
		z := make([]float64, r)
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		w1 := make([]float64, c)
		w2 := make([]float64, c)
		a.MulVecTransTo(w1, z)
		a.T().MulVecTo(w2, z)
		assert.InDeltaSlice(t, w1, w2, 1e-12)
		assert.Equal(t, a.Dense(), a.T().T().Dense())
	}
}

func TestMulVecDotTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 1))
	tr, _ := randomTriplet(rng, 30, 30, 0.2)
	a := tr.ToCSR()
	x := make([]float64, 30)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y1, y2 := make([]float64, 30), make([]float64, 30)
	a.MulVecTo(y1, x)
	dot := a.MulVecDotTo(y2, x)
	assert.Equal(t, y1, y2)
	var want float64
	for i := range x {
		want += x[i] * y1[i]
	}
	assert.InDelta(t, want, dot, 1e-12)
}

// TestMulVecsTo checks the block product against MulVecTo, bit for bit,
// for every count of vectors up to two groups of four and a remainder,
// on a rectangular matrix, and its panics on mismatched blocks.
func TestMulVecsTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	tr, _ := randomTriplet(rng, 23, 17, 0.3)
	a := tr.ToCSR()
	for k := range 10 {
		x, got, want := make([][]float64, k), make([][]float64, k), make([][]float64, k)
		for i := range k {
			x[i], got[i], want[i] = make([]float64, 17), make([]float64, 23), make([]float64, 23)
			for j := range x[i] {
				x[i][j] = rng.NormFloat64()
			}
			a.MulVecTo(want[i], x[i])
		}
		a.MulVecsTo(got, x)
		assert.Equal(t, want, got, "k = %d", k)
	}
	ok := [][]float64{make([]float64, 17)}
	assert.PanicsWithValue(t, "sparse: MulVecsTo: different numbers of results and vectors",
		func() { a.MulVecsTo([][]float64{make([]float64, 23), make([]float64, 23)}, ok) })
	assert.PanicsWithValue(t, "sparse: dimension mismatch in MulVecsTo",
		func() { a.MulVecsTo([][]float64{make([]float64, 22)}, ok) })
	assert.PanicsWithValue(t, "sparse: dimension mismatch in MulVecsTo",
		func() { a.MulVecsTo([][]float64{make([]float64, 23)}, [][]float64{make([]float64, 18)}) })
}

func TestDiagSymmetricAdd(t *testing.T) {
	tr := NewTriplet(3, 3, 0)
	tr.Append(0, 0, 2)
	tr.Append(0, 1, -1)
	tr.Append(1, 0, -1)
	tr.Append(1, 1, 2)
	tr.Append(2, 2, 3)
	a := tr.ToCSR()
	assert.Equal(t, []float64{2, 2, 3}, a.DiagTo(nil))
	assert.True(t, a.IsSymmetric(0))
	tr.Append(2, 0, 1e-3) // one-sided entry breaks symmetry
	b := tr.ToCSR()
	assert.False(t, b.IsSymmetric(0))
	assert.False(t, b.IsSymmetric(0.5))
	c := Add(1, a, -1, b)
	assert.InDelta(t, -1e-3, c.At(2, 0), 0)
	assert.Equal(t, 0.0, c.At(0, 0))
	rect := NewTriplet(2, 3, 0).ToCSR()
	assert.False(t, rect.IsSymmetric(0))
	assert.Equal(t, []int{0, 3, -1}, NewTripletDiag(t).DiagIndex())
}

// NewTripletDiag builds a 3×3 matrix whose row 2 has no diagonal entry.
func NewTripletDiag(t *testing.T) *CSR {
	t.Helper()
	tr := NewTriplet(3, 3, 0)
	tr.Append(0, 0, 1)
	tr.Append(0, 2, 1)
	tr.Append(1, 0, 1)
	tr.Append(1, 1, 1)
	tr.Append(2, 0, 1)
	return tr.ToCSR()
}

func TestNewCSRRejectsBadArrays(t *testing.T) {
	for name, tc := range map[string]struct {
		rows, cols int
		rp         []int
		ci         []int32
		v          []float64
	}{
		"short rowptr":  {2, 2, []int{0, 1}, []int32{0}, []float64{1}},
		"len mismatch":  {1, 2, []int{0, 1}, []int32{0}, []float64{1, 2}},
		"col range":     {1, 2, []int{0, 1}, []int32{2}, []float64{1}},
		"unsorted":      {1, 3, []int{0, 2}, []int32{1, 0}, []float64{1, 2}},
		"decreasing rp": {2, 2, []int{0, 2, 1}, []int32{0, 1}, []float64{1, 2}},
	} {
		_, err := NewCSR(tc.rows, tc.cols, tc.rp, tc.ci, tc.v)
		assert.ErrorIs(t, err, ErrShape, name)
	}
}

func TestCheckFinite(t *testing.T) {
	tr := NewTriplet(2, 2, 0)
	tr.Append(1, 0, math.NaN())
	err := tr.ToCSR().CheckFinite()
	require.ErrorIs(t, err, ErrNotFinite)
	assert.Contains(t, err.Error(), "A[1, 0]")
	assert.ErrorIs(t, CheckFiniteVec("b", []float64{0, math.Inf(1)}), ErrNotFinite)
	assert.NoError(t, CheckFiniteVec("b", []float64{0, 1}))
}

func TestMatrixMarketRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	tr, _ := randomTriplet(rng, 20, 13, 0.2)
	a := tr.ToCSR()
	var buf bytes.Buffer
	require.NoError(t, WriteMatrixMarket(&buf, a, false))
	b, err := ReadMatrixMarket(&buf)
	require.NoError(t, err)
	assert.Equal(t, a.Dense(), b.Dense(), "17 digits must round-trip exactly")

	// Symmetric: written as one triangle, read back whole.
	s := Add(1, tr.ToCSR().T(), 0, tr.ToCSR().T()) // 13×20: not square
	require.Error(t, WriteMatrixMarket(&buf, s, true))
	sq, _ := randomTriplet(rng, 15, 15, 0.2)
	m := sq.ToCSR()
	sym := Add(1, m, 1, m.T())
	buf.Reset()
	require.NoError(t, WriteMatrixMarket(&buf, sym, true))
	assert.Contains(t, buf.String(), "symmetric")
	back, err := ReadMatrixMarket(&buf)
	require.NoError(t, err)
	assert.Equal(t, sym.Dense(), back.Dense())

	x := []float64{1, -2.5, math.Pi, 1e-300}
	buf.Reset()
	require.NoError(t, WriteVector(&buf, x))
	y, err := ReadVector(&buf)
	require.NoError(t, err)
	assert.Equal(t, x, y)
}

func TestMatrixMarketVariants(t *testing.T) {
	a, err := ReadMatrixMarket(strings.NewReader(`%%MatrixMarket matrix coordinate pattern general
% a comment
2 2 2
1 1
2 1
`))
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 0, 1, 0}, a.Dense())

	a, err = ReadMatrixMarket(strings.NewReader(`%%MatrixMarket matrix coordinate integer skew-symmetric
2 2 1
2 1 3
`))
	require.NoError(t, err)
	assert.Equal(t, []float64{0, -3, 3, 0}, a.Dense())

	a, err = ReadMatrixMarket(strings.NewReader(`%%MatrixMarket matrix array real symmetric
2 2
1
2
3
`))
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 2, 2, 3}, a.Dense())

	x, err := ReadVector(strings.NewReader("%%MatrixMarket matrix coordinate real general\n3 1 1\n2 1 5\n"))
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 5, 0}, x)
}

func TestMatrixMarketMalformed(t *testing.T) {
	for name, in := range map[string]string{
		"empty":             "",
		"no banner":         "2 2 1\n1 1 1\n",
		"complex":           "%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n",
		"truncated":         "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n2 2 1\n",
		"no size":           "%%MatrixMarket matrix coordinate real general\n",
		"bad size":          "%%MatrixMarket matrix coordinate real general\n2 x 1\n1 1 1\n",
		"neg size":          "%%MatrixMarket matrix coordinate real general\n-2 2 1\n1 1 1\n",
		"index range":       "%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n",
		"zero index":        "%%MatrixMarket matrix coordinate real general\n2 2 1\n0 1 1\n",
		"bad value":         "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 abc\n",
		"nan value":         "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 NaN\n",
		"inf value":         "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 -Inf\n",
		"missing value":     "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1\n",
		"extra data":        "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1\n2 2 2\n",
		"upper in sym":      "%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 1\n",
		"rect sym":          "%%MatrixMarket matrix coordinate real symmetric\n2 3 1\n1 1 1\n",
		"too many nnz":      "%%MatrixMarket matrix coordinate real general\n1 1 2\n1 1 1\n1 1 1\n",
		"array truncated":   "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n",
		"huge dims":         "%%MatrixMarket matrix coordinate real general\n99999999999 2 1\n1 1 1\n",
		"empty huge array":  "%%MatrixMarket matrix array real general\n2000000000 0\n",
		"empty huge cols":   "%%MatrixMarket matrix array real general\n0 2000000000\n",
		"empty huge coord":  "%%MatrixMarket matrix coordinate real general\n16777216 16777216 0\n",
		"sparse huge coord": "%%MatrixMarket matrix coordinate real general\n16777216 16777216 1\n1 1 1\n",
		"dup overflow":      "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1e308\n1 1 1e308\n",
		"sym dup overflow":  "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n2 1 1e308\n2 1 1e308\n",
	} {
		_, err := ReadMatrixMarket(strings.NewReader(in))
		require.Error(t, err, name)
		if name != "empty" {
			assert.ErrorIs(t, err, ErrMatrixMarket, name)
		}
	}
	_, err := ReadVector(strings.NewReader("%%MatrixMarket matrix array real general\n2 2\n1 2 3 4\n"))
	assert.ErrorIs(t, err, ErrMatrixMarket)
	for _, in := range []string{
		"%%MatrixMarket matrix array real general\n2000000000 0\n",
		"%%MatrixMarket matrix coordinate real general\n16777216 1 0\n",
		"%%MatrixMarket matrix coordinate real general\n3 1 2\n1 1 -1e308\n1 1 -1e308\n",
	} {
		_, err := ReadVector(strings.NewReader(in))
		assert.ErrorIs(t, err, ErrMatrixMarket, in)
	}
}

// TestMatrixMarketLimits checks the size bounds: the default rule (at most
// DefaultMaxEmptyDim more rows or columns than stored entries) and the
// caller's limits, which are checked on the size line.
func TestMatrixMarketLimits(t *testing.T) {
	header := "%%MatrixMarket matrix coordinate real general\n"
	// At the default bound: accepted.
	n := DefaultMaxEmptyDim + 1
	a, err := ReadMatrixMarket(strings.NewReader(header + fmt.Sprintf("%d %d 1\n1 1 2\n", n, n)))
	require.NoError(t, err)
	r, c := a.Dims()
	assert.Equal(t, [2]int{n, n}, [2]int{r, c})
	// One more: refused, unless the caller allows it.
	big := fmt.Sprintf("%d %d 1\n1 1 2\n", n+1, n+1)
	_, err = ReadMatrixMarket(strings.NewReader(header + big))
	assert.ErrorIs(t, err, ErrMatrixMarket)
	a, err = ReadMatrixMarketLimits(strings.NewReader(header+big), &ReadLimits{MaxDim: n + 1})
	require.NoError(t, err)
	assert.Equal(t, 2.0, a.At(0, 0))
	// Caller limits refuse what the file would allow.
	_, err = ReadMatrixMarketLimits(strings.NewReader(header+"3 3 2\n1 1 1\n2 2 1\n"), &ReadLimits{MaxEntries: 1})
	assert.ErrorIs(t, err, ErrMatrixMarket)
	_, err = ReadMatrixMarketLimits(strings.NewReader(header+"3 3 2\n1 1 1\n2 2 1\n"), &ReadLimits{MaxDim: 2})
	assert.ErrorIs(t, err, ErrMatrixMarket)
	_, err = ReadVectorLimits(strings.NewReader("%%MatrixMarket matrix array real general\n3 1\n1\n2\n3\n"), &ReadLimits{MaxEntries: 2})
	assert.ErrorIs(t, err, ErrMatrixMarket)
	x, err := ReadVectorLimits(strings.NewReader("%%MatrixMarket matrix array real general\n3 1\n1\n2\n3\n"), &ReadLimits{MaxEntries: 3})
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 2, 3}, x)
	// Duplicates that stay finite are summed.
	a, err = ReadMatrixMarket(strings.NewReader(header + "2 2 2\n1 1 1e308\n1 1 -1e308\n"))
	require.NoError(t, err)
	assert.Equal(t, 0.0, a.At(0, 0))
}

// FuzzReadMatrixMarket checks that the reader never panics, and that
// whatever it accepts is a valid matrix that round-trips through the writer.
func FuzzReadMatrixMarket(f *testing.F) {
	f.Add("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1.5\n2 1 -3\n")
	f.Add("%%MatrixMarket matrix coordinate real symmetric\n3 3 2\n1 1 4\n3 2 1e-3\n")
	f.Add("%%MatrixMarket matrix array real general\n2 1\n1\n2\n")
	f.Add("%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 2\n")
	f.Add("%%MatrixMarket matrix array real general\n2000000000 0\n")
	f.Add("%%MatrixMarket matrix coordinate real general\n16777216 16777216 0\n")
	f.Add("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1e308\n1 1 1e308\n")
	f.Add("%%MatrixMarket matrix array real symmetric\n2 2\n1\n2\n3\n")
	f.Add("%%MatrixMarket matrix coordinate integer skew-symmetric\n3 3 1\n2 1 4\n")
	f.Fuzz(func(t *testing.T, in string) {
		a, err := ReadMatrixMarket(strings.NewReader(in))
		if err != nil {
			return
		}
		r, c := a.Dims()
		if _, err := NewCSR(r, c, a.RowPtr, a.ColIdx, a.Val); err != nil {
			t.Fatalf("reader built an invalid matrix: %v", err)
		}
		if err := a.CheckFinite(); err != nil {
			t.Fatalf("reader accepted a non-finite value: %v", err)
		}
		var buf bytes.Buffer
		if err := WriteMatrixMarket(&buf, a, false); err != nil {
			t.Fatal(err)
		}
		// Summed duplicates may leave fewer entries than the size line
		// promised, so the round trip states the dimensions.
		b, err := ReadMatrixMarketLimits(&buf, &ReadLimits{MaxDim: max(r, c, 1)})
		if err != nil {
			t.Fatalf("round trip failed: %v", err)
		}
		if b.NNZ() != a.NNZ() {
			t.Fatalf("round trip changed nnz: %d → %d", a.NNZ(), b.NNZ())
		}
	})
}

// BenchmarkMulVecTo times the 5-point Laplacian product (compare with the
// SpMV line of shared/bench/scipy_cg.py in the same sitting).
func BenchmarkMulVecTo(b *testing.B) {
	for _, N := range []int{256, 1024} {
		a := laplacian5(N)
		x := make([]float64, N*N)
		for i := range x {
			x[i] = float64(i % 7)
		}
		y := make([]float64, N*N)
		b.Run(fmt.Sprintf("n=%d", N*N), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(12*a.NNZ() + 8*(N*N+1) + 16*N*N))
			for range b.N {
				a.MulVecTo(y, x)
			}
		})
	}
}

// BenchmarkCheckStructure times the array check every solver runs on a
// CSR operator, to compare with BenchmarkMulVecTo (one goroutine: 0.5–0.7
// of the two-goroutine product on these grids).
func BenchmarkCheckStructure(b *testing.B) {
	for _, N := range []int{256, 1024} {
		a := laplacian5(N)
		b.Run(fmt.Sprintf("n=%d", N*N), func(b *testing.B) {
			for range b.N {
				if err := a.CheckStructure(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestMulTo checks that the numeric pass alone, on factors with new values
// and the old patterns, gives exactly what Mul gives, sequentially and on
// the parallel path, and that a pattern it cannot hold panics.
func TestMulTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 2))
	for _, sz := range [][3]int{{1, 1, 1}, {7, 5, 3}, {30, 40, 20}, {2*parallelMulRows + 5, 40, 30}} {
		ta, _ := randomTriplet(rng, sz[0], sz[1], min(0.2, 4/float64(sz[1])))
		tb, _ := randomTriplet(rng, sz[1], sz[2], 0.2)
		a, b := ta.ToCSR(), tb.ToCSR()
		c := Mul(a, b)
		for k := range a.Val {
			a.Val[k] = rng.NormFloat64()
		}
		for k := range b.Val {
			b.Val[k] = rng.NormFloat64()
		}
		want := Mul(a, b)
		c.Val[0] = math.NaN() // overwritten, not accumulated into
		MulTo(c, a, b)
		assert.Equal(t, want.RowPtr, c.RowPtr)
		assert.Equal(t, want.ColIdx, c.ColIdx)
		assert.Equal(t, want.Val, c.Val, "bit-identical to Mul, %v", sz)
	}
	// A product entry outside the pattern panics.
	a := Identity(3)
	full := NewTriplet(3, 3, 9)
	for i := range 3 {
		for j := range 3 {
			full.Append(i, j, 1)
		}
	}
	assert.Panics(t, func() { MulTo(Identity(3), full.ToCSR(), a) })
	assert.Panics(t, func() { MulTo(Identity(2), a, a) })
}

// TestTTo checks that refreshing a transpose's values in place gives
// exactly what T gives on new values of the same pattern, and that a
// different pattern panics.
func TestTTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 3))
	for _, sz := range [][2]int{{1, 1}, {7, 5}, {30, 40}, {200, 90}} {
		tr, _ := randomTriplet(rng, sz[0], sz[1], 0.2)
		a := tr.ToCSR()
		at := a.T()
		for k := range a.Val {
			a.Val[k] = rng.NormFloat64()
		}
		at.Val[0] = math.NaN()
		a.TTo(at)
		want := a.T()
		assert.Equal(t, want.RowPtr, at.RowPtr)
		assert.Equal(t, want.ColIdx, at.ColIdx)
		assert.Equal(t, want.Val, at.Val, "%v", sz)
	}
	// Same sizes and count, other pattern: the diagonal against the
	// anti-diagonal.
	anti := NewTriplet(3, 3, 3)
	for i := range 3 {
		anti.Append(i, 2-i, 1)
	}
	assert.Panics(t, func() { Identity(3).TTo(anti.ToCSR()) })
	assert.Panics(t, func() { Identity(3).TTo(Identity(2)) })
}

func TestMul(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 1))
	for _, sz := range [][3]int{{1, 1, 1}, {7, 5, 3}, {30, 40, 20}} {
		ta, da := randomTriplet(rng, sz[0], sz[1], 0.2)
		tb, db := randomTriplet(rng, sz[1], sz[2], 0.2)
		c := Mul(ta.ToCSR(), tb.ToCSR())
		_, err := NewCSR(sz[0], sz[2], c.RowPtr, c.ColIdx, c.Val)
		require.NoError(t, err, "product is a valid CSR")
		want := make([]float64, sz[0]*sz[2])
		for i := range sz[0] {
			for k := range sz[1] {
				for j := range sz[2] {
					want[i*sz[2]+j] += da[i*sz[1]+k] * db[k*sz[2]+j]
				}
			}
		}
		assert.InDeltaSlice(t, want, c.Dense(), 1e-12)
	}
	assert.Panics(t, func() { Mul(Identity(2), Identity(3)) })

	// Large enough for the parallel path: same result as sequential.
	n := 3 * parallelMulRows
	tr := NewTriplet(n, n, 3*n)
	for i := range n {
		tr.Append(i, i, 2)
		tr.Append(i, (i*7+3)%n, -1)
		tr.Append(i, (i*13+1)%n, 0.5)
	}
	a := tr.ToCSR()
	par := Mul(a, a)
	seq := Mul(a.rowBlock(0, n/2), a) // under the threshold: sequential
	seq2 := Mul(a.rowBlock(n/2, n), a)
	seq.rows += seq2.rows
	for _, p := range seq2.RowPtr[1:] {
		seq.RowPtr = append(seq.RowPtr, seq.RowPtr[n/2]+p)
	}
	seq.ColIdx = append(seq.ColIdx, seq2.ColIdx...)
	seq.Val = append(seq.Val, seq2.Val...)
	assert.Equal(t, seq.RowPtr, par.RowPtr)
	assert.Equal(t, seq.ColIdx, par.ColIdx)
	assert.Equal(t, seq.Val, par.Val)
}

// rowBlock returns rows lo..hi−1 of a as a new matrix.
func (a *CSR) rowBlock(lo, hi int) *CSR {
	rp := make([]int, hi-lo+1)
	for i := lo; i <= hi; i++ {
		rp[i-lo] = a.RowPtr[i] - a.RowPtr[lo]
	}
	return &CSR{rows: hi - lo, cols: a.cols, RowPtr: rp,
		ColIdx: a.ColIdx[a.RowPtr[lo]:a.RowPtr[hi]], Val: a.Val[a.RowPtr[lo]:a.RowPtr[hi]]}
}

// BenchmarkMulVecsTo times forty products with the 80² 5-point Laplacian
// (a recycle space's A·U), one vector at a time and four at a time.
func BenchmarkMulVecsTo(b *testing.B) {
	const N, k = 80, 40
	a := laplacian5(N)
	x, y := make([][]float64, k), make([][]float64, k)
	for i := range x {
		x[i], y[i] = make([]float64, N*N), make([]float64, N*N)
		for j := range x[i] {
			x[i][j] = float64((i + j) % 7)
		}
	}
	b.Run("one", func(b *testing.B) {
		for b.Loop() {
			for i := range x {
				a.MulVecTo(y[i], x[i])
			}
		}
	})
	b.Run("four", func(b *testing.B) {
		for b.Loop() {
			a.MulVecsTo(y, x)
		}
	})
}

// laplacian5 returns the 5-point Laplacian on an N×N grid.
func laplacian5(N int) *CSR {
	t := NewTriplet(N*N, N*N, 5*N*N)
	for i := range N {
		for j := range N {
			r := i*N + j
			t.Append(r, r, 4)
			if i > 0 {
				t.Append(r, r-N, -1)
			}
			if j > 0 {
				t.Append(r, r-1, -1)
			}
			if j < N-1 {
				t.Append(r, r+1, -1)
			}
			if i < N-1 {
				t.Append(r, r+N, -1)
			}
		}
	}
	return t.ToCSR()
}

// TestCheckStructure corrupts each exported array of a valid matrix in
// turn and expects ErrShape, and nil for the matrix as built.
func TestCheckStructure(t *testing.T) {
	// 64 and 33 entries: the column scan's blocks of four, with and
	// without a remainder.
	for _, good := range []*CSR{laplacian5(4), laplacian5(3)} {
		require.NoError(t, good.CheckStructure())
		n := good.Dim()
		for name, corrupt := range map[string]func(a *CSR){
			"short RowPtr":       func(a *CSR) { a.RowPtr = a.RowPtr[:len(a.RowPtr)-1] },
			"RowPtr not from 0":  func(a *CSR) { a.RowPtr[0] = 1 },
			"RowPtr past end":    func(a *CSR) { a.RowPtr[len(a.RowPtr)-1]++ },
			"RowPtr decreasing":  func(a *CSR) { a.RowPtr[3], a.RowPtr[4] = a.RowPtr[4], a.RowPtr[3] },
			"column too large":   func(a *CSR) { a.ColIdx[5] = int32(n) },
			"negative column":    func(a *CSR) { a.ColIdx[2] = -1 },
			"last column":        func(a *CSR) { a.ColIdx[len(a.ColIdx)-1] = int32(n) },
			"last negative":      func(a *CSR) { a.ColIdx[len(a.ColIdx)-1] = -7 },
			"values and indices": func(a *CSR) { a.Val = a.Val[:len(a.Val)-1] },
		} {
			a := good.Clone()
			corrupt(a)
			assert.ErrorIs(t, a.CheckStructure(), ErrShape, "%s, %d entries", name, len(good.ColIdx))
		}
	}
}

// FuzzReadVector checks that the vector reader never panics and that what
// it accepts is finite and round-trips through WriteVector.
func FuzzReadVector(f *testing.F) {
	f.Add("%%MatrixMarket matrix array real general\n3 1\n1\n2.5\n-3\n")
	f.Add("%%MatrixMarket matrix coordinate real general\n3 1 2\n1 1 1\n3 1 2\n")
	f.Add("%%MatrixMarket matrix array real general\n2000000000 1\n")
	f.Add("%%MatrixMarket matrix array real general\n2 1\n1\nNaN\n")
	f.Fuzz(func(t *testing.T, in string) {
		v, err := ReadVector(strings.NewReader(in))
		if err != nil {
			return
		}
		if err := CheckFiniteVec("v", v); err != nil {
			t.Fatalf("reader accepted a non-finite value: %v", err)
		}
		var buf bytes.Buffer
		if err := WriteVector(&buf, v); err != nil {
			t.Fatal(err)
		}
		w, err := ReadVectorLimits(&buf, &ReadLimits{MaxDim: max(len(v), 1)})
		if err != nil {
			t.Fatalf("round trip failed: %v", err)
		}
		if len(w) != len(v) {
			t.Fatalf("round trip changed the length: %d → %d", len(v), len(w))
		}
	})
}

// TestSymPermute: (P·A·Pᵀ)[to[i], to[j]] = A[i, j] entry by entry, and the
// inverse permutation restores A.
func TestSymPermute(t *testing.T) {
	tr := NewTriplet(4, 4, 0)
	for _, e := range [][3]float64{{0, 0, 4}, {0, 3, -1}, {1, 2, 2.5}, {2, 1, 7}, {3, 3, 1}, {3, 0, -2}} {
		tr.Append(int(e[0]), int(e[1]), e[2])
	}
	a := tr.ToCSR()
	to := []int{2, 0, 3, 1}
	b := SymPermute(a, to)
	for i := range 4 {
		for j := range 4 {
			assert.Equal(t, a.At(i, j), b.At(to[i], to[j]), "(%d, %d)", i, j)
		}
	}
	back := make([]int, 4)
	for i, v := range to {
		back[v] = i
	}
	c := SymPermute(b, back)
	assert.Equal(t, a.RowPtr, c.RowPtr)
	assert.Equal(t, a.ColIdx, c.ColIdx)
	assert.Equal(t, a.Val, c.Val)
}
