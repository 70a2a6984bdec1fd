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
	// AMGSymmetricStrength: j is a strong neighbour of i when
	// |a_ij|/√|a_ii·a_jj| is at least θ times the largest such value of
	// row i or row j (see AMGSettings.Theta).
	AMGSymmetricStrength AMGStrength = iota
	// AMGEvolutionStrength is the evolution measure of Olson, Schroder
	// and Tuminaro (2010): z = (I − D⁻¹A/ρ)²·e_i, two damped Jacobi steps
	// from a unit vector at i, and j is strong for i when z_j is close to
	// z_i, so that the near-null space (the constant) approximates z well
	// on the pair — the measure |1 − z_i/z_j| is at most 2 times its row's
	// smallest (pairs of opposite signs are weak). It follows the
	// directions that smoothing does not damp rather than the size of the
	// entries, which keeps aggregates from straddling coefficient jumps:
	// on the 10⁴ checkerboard CG needs 15, 17, 19 iterations at 256²,
	// 512², 1024² (symmetric strength: 15, 23, 25). It ignores Theta, and
	// costs a masked sparse product per level (setup 1.5–2× longer).
	AMGEvolutionStrength
)

// String returns the measure's name as the -amg-strength flag spells it.
func (s AMGStrength) String() string {
	if s == AMGEvolutionStrength {
		return "evolution"
	}
	return "symmetric"
}

// ParseAMGStrength returns the measure named by s ("symmetric" or
// "evolution").
func ParseAMGStrength(s string) (AMGStrength, error) {
	switch s {
	case "symmetric":
		return AMGSymmetricStrength, nil
	case "evolution":
		return AMGEvolutionStrength, nil
	}
	return 0, fmt.Errorf("linsolve: unknown AMG strength %q (want symmetric or evolution)", s)
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
