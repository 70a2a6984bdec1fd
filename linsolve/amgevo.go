package linsolve

import (
	"fmt"
	"math"

	"github.com/pdekit/pdekit/sparse"
)

// AMGStrength selects the strength-of-connection measure of smoothed
// aggregation.
type AMGStrength int

const (
	// AMGAutoStrength, the default, is the symmetric measure, and on a
	// matrix with coefficient jumps — two neighbours whose diagonal
	// entries differ by more than evolutionContrast (20×) — the
	// evolution measure on every level but the finest. The finest
	// level's entries are the coefficients themselves, and the symmetric
	// measure separates strong from weak there at a fraction of the
	// evolution measure's cost; the Galerkin operators below mix the
	// smoothed basis functions across the jumps, so that a large entry
	// no longer means a smooth coupling and aggregates of the symmetric
	// measure straddle them. On the 10⁴ checkerboard of experiments/amg
	// (diagonal ratio 1250) CG needs 13, 14, 16, 17, 18 iterations from
	// 128² to 1448² (symmetric on every level: 15, 15, 23, 25, 24); on a
	// 10³ one (ratio 126) 17, 19, 20 from 256² to 1024² (18, 24, 23).
	// Smooth coefficients (pdekit's Darcy fields: ratio 1.01–1.12),
	// constant ones, graph Laplacians (ratios up to 11 on the random
	// geometric graphs) and a 10² checkerboard (ratio 13; 18, 21, 24
	// iterations, the evolution measure on every level 14, 17, 16) keep
	// the symmetric measure, whose setup is 10–40% cheaper than with the
	// evolution measure below for the same counts on the smooth ones. On
	// white-noise coefficients (contrast up to e¹² between neighbours)
	// the evolution measure below keeps smaller aggregates: at 256²
	// operator complexity 2.34 against 1.74, 37 iterations either way.
	AMGAutoStrength AMGStrength = iota
	// AMGSymmetricStrength: j is a strong neighbour of i when
	// |a_ij|/√|a_ii·a_jj| is at least θ times the largest such value of
	// row i or row j (see AMGSettings.Theta), on every level.
	AMGSymmetricStrength
	// AMGEvolutionStrength is the evolution measure of Olson, Schroder
	// and Tuminaro (2010) on every level: z = (I − D⁻¹A/ρ)²·e_i, two
	// damped Jacobi steps from a unit vector at i, and j is strong for i
	// when z_j is close to z_i, so that the near-null space (the
	// constant) approximates z well on the pair — the measure
	// |1 − z_i/z_j| is at most 2 times its row's smallest (pairs of
	// opposite signs are weak). It follows the directions that smoothing
	// does not damp rather than the size of the entries, which keeps
	// aggregates from straddling coefficient jumps. It ignores Theta, and
	// costs a masked sparse product per level (on the finest level, setup
	// 1.5–2× longer than AMGAutoStrength).
	AMGEvolutionStrength
)

// String returns the measure's name as the -amg-strength flag spells it.
func (s AMGStrength) String() string {
	switch s {
	case AMGSymmetricStrength:
		return "symmetric"
	case AMGEvolutionStrength:
		return "evolution"
	}
	return "auto"
}

// ParseAMGStrength returns the measure named by s ("auto", "symmetric"
// or "evolution").
func ParseAMGStrength(s string) (AMGStrength, error) {
	for _, v := range []AMGStrength{AMGAutoStrength, AMGSymmetricStrength, AMGEvolutionStrength} {
		if v.String() == s {
			return v, nil
		}
	}
	return 0, fmt.Errorf("linsolve: unknown AMG strength %q (want auto, symmetric or evolution)", s)
}

// evolutionContrast is the ratio of neighbouring diagonal entries above
// which AMGAutoStrength uses the evolution measure on the coarse levels.
const evolutionContrast = 20

// diagonalContrast returns the largest ratio max(a_ii/a_jj, a_jj/a_ii)
// over the off-diagonal entries a_ij of a (1 for a diagonal matrix); the
// diagonal must be positive.
func diagonalContrast(a *sparse.CSR) float64 {
	d := a.DiagTo(nil)
	n := a.Dim()
	part := []float64{1, 1} // the two halves' maxima
	splitRows(n, func(lo, hi int) {
		c := 1.0
		for i := lo; i < hi; i++ {
			for k := a.RowPtr[i]; k < a.RowPtr[i+1]; k++ {
				c = max(c, d[i]/d[a.ColIdx[k]], d[a.ColIdx[k]]/d[i])
			}
		}
		part[min(lo, 1)] = c
	})
	return max(part[0], part[1])
}

// evolutionEpsilon is the drop ratio of the evolution measure: j is
// strong for i when its measure is at most evolutionEpsilon times the
// row's smallest. PyAMG's default is 4; 2 measured fewer iterations on
// the rotated anisotropy (43 against 45 at 256²) and the checkerboard
// (15 against 19).
const evolutionEpsilon = 2

// evolutionStrength returns the evolution strength graph of a (at = aᵀ,
// which is a itself when a is symmetric): for each i, z = T²·e_i with
// T = I − D⁻¹A/λ (λ the estimate of ρ(D⁻¹A)) on the pattern of column i
// of a, and j strong for i when m_ij = |1 − z_i/z_j| is at most
// evolutionEpsilon times the smallest m_ik of the row (z_j of z_i's
// sign). The values are min_k m_ik / m_ij, in (0, 1], and the graph is
// symmetrised, (S + Sᵀ)/2.
func evolutionStrength(a, at *sparse.CSR, dinv []float64, lambda float64) *sparse.CSR {
	n := a.Dim()
	om := 1 / lambda
	keep := make([]bool, at.NNZ())
	meas := make([]float64, at.NNZ())
	splitRows(n, func(lo, hi int) {
		t := make([]float64, n) // column i of T, on its pattern
		mark := make([]int32, n)
		for i := range mark {
			mark[i] = -1
		}
		for i := lo; i < hi; i++ {
			for k := at.RowPtr[i]; k < at.RowPtr[i+1]; k++ {
				m := at.ColIdx[k]
				v := -om * dinv[m] * at.Val[k]
				if int(m) == i {
					v++
				}
				t[m], mark[m] = v, int32(i)
			}
			// z_j = Σ_m T_jm·T_mi over the pattern of column i.
			zi := 0.0
			for k := at.RowPtr[i]; k < at.RowPtr[i+1]; k++ {
				j := int(at.ColIdx[k])
				z := 0.0
				for kk := a.RowPtr[j]; kk < a.RowPtr[j+1]; kk++ {
					m := a.ColIdx[kk]
					if mark[m] != int32(i) {
						continue
					}
					tj := -om * dinv[j] * a.Val[kk]
					if int(m) == j {
						tj++
					}
					z += tj * t[m]
				}
				meas[k] = z
				if j == i {
					zi = z
				}
			}
			low := math.Inf(1)
			for k := at.RowPtr[i]; k < at.RowPtr[i+1]; k++ {
				z := meas[k]
				if int(at.ColIdx[k]) == i || !(z*zi > 0) {
					meas[k] = math.Inf(1)
					continue
				}
				meas[k] = math.Abs(1 - zi/z)
				low = min(low, meas[k])
			}
			for k := at.RowPtr[i]; k < at.RowPtr[i+1]; k++ {
				if m := meas[k]; m <= evolutionEpsilon*low && !math.IsInf(m, 1) {
					keep[k] = true
					meas[k] = 1
					if m > 0 {
						meas[k] = low / m
					}
				}
			}
		}
	})
	rp := make([]int, n+1)
	var ci []int32
	var val []float64
	for i := range n {
		for k := at.RowPtr[i]; k < at.RowPtr[i+1]; k++ {
			if keep[k] {
				ci = append(ci, at.ColIdx[k])
				val = append(val, meas[k])
			}
		}
		rp[i+1] = len(ci)
	}
	s, err := sparse.NewCSR(n, n, rp, ci, val)
	if err != nil {
		panic("linsolve: AMG evolution strength: " + err.Error())
	}
	return sparse.Add(0.5, s, 0.5, s.T())
}
