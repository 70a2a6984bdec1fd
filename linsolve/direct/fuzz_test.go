package direct

import (
	"math"
	"strings"
	"testing"

	"github.com/pdekit/pdekit/sparse"
)

// FuzzFactor feeds arbitrary Matrix Market input (at most 40 rows) to
// Factor with every ordering: it must never panic, and a solve it accepts
// must have a small backward error (threshold pivoting bounds the growth).
func FuzzFactor(f *testing.F) {
	f.Add("%%MatrixMarket matrix coordinate real general\n3 3 4\n1 2 1\n2 1 1\n3 3 2\n2 3 -1\n")
	f.Add("%%MatrixMarket matrix coordinate real symmetric\n3 3 5\n1 1 4\n2 1 -1\n2 2 4\n3 2 -1\n3 3 4\n")
	f.Add("%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n2 1 1\n")
	f.Add("%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n1 1 1\n2 1 2\n2 2 1\n")
	f.Add("%%MatrixMarket matrix array real general\n3 3\n0\n1\n2\n3\n0\n1\n2\n3\n0\n")
	f.Fuzz(func(t *testing.T, in string) {
		a, err := sparse.ReadMatrixMarketLimits(strings.NewReader(in), &sparse.ReadLimits{MaxDim: 40, MaxEntries: 2000})
		if err != nil {
			return
		}
		if r, c := a.Dims(); r != c || r == 0 {
			return
		}
		n := a.Dim()
		b := make([]float64, n)
		for i := range b {
			b[i] = 1 + float64(i%3)
		}
		for o := range Ordering(len(orderingNames)) {
			fac, err := Factor(a, &Settings{Ordering: o})
			if err != nil {
				continue
			}
			x := make([]float64, n)
			if err := fac.SolveTo(x, b); err != nil {
				continue
			}
			if be := backwardError(a, x, b); !(be <= 1e-6) && !math.IsNaN(be) {
				t.Fatalf("ordering %v: backward error %g", o, be)
			}
		}
	})
}
