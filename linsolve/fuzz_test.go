package linsolve

import (
	"strings"
	"testing"

	"github.com/pdekit/pdekit/sparse"
)

// FuzzPreconditioners feeds arbitrary Matrix Market input (at most 40
// rows) to every preconditioner constructor and, where one is built, to
// Apply and to a short GMRES solve, and to AMG with every coarsening and
// its Update: bad matrices must give errors, never panics.
func FuzzPreconditioners(f *testing.F) {
	f.Add("%%MatrixMarket matrix coordinate real symmetric\n3 3 5\n1 1 4\n2 1 -1\n2 2 4\n3 2 -1\n3 3 4\n")
	f.Add("%%MatrixMarket matrix coordinate real general\n3 3 4\n1 2 1\n2 1 1\n3 3 2\n2 3 -1\n")
	f.Add("%%MatrixMarket matrix coordinate real symmetric\n2 2 3\n1 1 1\n2 1 2\n2 2 1\n")
	f.Add("%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 -1\n")
	f.Fuzz(func(t *testing.T, in string) {
		a, err := sparse.ReadMatrixMarketLimits(strings.NewReader(in), &sparse.ReadLimits{MaxDim: 40, MaxEntries: 2000})
		if err != nil {
			return
		}
		if r, c := a.Dims(); r != c || r == 0 {
			return
		}
		n := a.Dim()
		r := make([]float64, n)
		for i := range r {
			r[i] = 1
		}
		for _, name := range []string{"jacobi", "ssor", "ic0", "ilu0", "ilut", "amg"} {
			for _, reorder := range []string{"", "rcm"} {
				if reorder != "" && (name == "jacobi" || name == "ssor" || name == "amg") {
					continue
				}
				pc, err := NewPreconditioner(name, a, &PreconditionerOptions{Reorder: reorder})
				if err != nil {
					continue
				}
				dst := make([]float64, n)
				pc.Apply(dst, r)
				x := make([]float64, n)
				(&GMRES{Restart: 10}).Solve(x, a, r, &Settings{Preconditioner: pc, MaxIter: 30})
			}
		}
		// Every AMG coarsening down to two unknowns, so that the
		// small inputs reach the strength graphs, splittings and
		// interpolations.
		for _, set := range []AMGSettings{
			{CoarseSize: 2},
			{CoarseSize: 2, Strength: AMGEvolutionStrength},
			{CoarseSize: 2, Coarsening: AMGClassical, Aggressive: 3},
			{CoarseSize: 2, Coarsening: AMGClassical},
		} {
			m, err := NewAMG(a, &set)
			if err != nil {
				continue
			}
			dst := make([]float64, n)
			m.Apply(dst, r)
			if err := m.Update(a); err == nil {
				m.Apply(dst, r)
			}
		}
		(&Direct{}).Solve(make([]float64, n), a, r, nil)
	})
}
