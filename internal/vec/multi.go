package vec

import "gonum.org/v1/gonum/floats"

// The multi-vector kernels below are PETSc's VecMDot and VecMAXPY: K dot
// products against one vector, and one vector updated by K scaled
// vectors. Orthogonalising against a basis and deflating against a
// recycle space spend most of their time here. With AVX2 and FMA
// (detected at start-up) four basis vectors are streamed at once, so the
// shared vector is read K/4 times instead of K times and each load feeds
// a 4-wide fused multiply–add; elsewhere, or with the noasm build tag,
// each vector goes through gonum's SSE2 kernels. The two paths sum in
// different orders, so results agree to rounding, not bit for bit; on one
// machine they are deterministic.

// MDot sets dst[i] = vs[i]ᵀx for i < len(dst). Every vs[i] must have
// x's length.
func MDot(dst []float64, vs [][]float64, x []float64) {
	k := len(dst)
	if len(vs) < k {
		panic("vec: MDot: fewer vectors than results")
	}
	n := len(x)
	i := 0
	if useAVX && n >= 8 {
		m := n &^ 7
		var d [4]float64
		for ; i+4 <= k; i += 4 {
			v0, v1, v2, v3 := four(vs[i:], n)
			dot4(&v0[0], &v1[0], &v2[0], &v3[0], &x[0], m, &d)
			for q, v := range [4][]float64{v0, v1, v2, v3} {
				s := d[q]
				for j := m; j < n; j++ {
					s += v[j] * x[j]
				}
				dst[i+q] = s
			}
		}
	}
	for ; i < k; i++ {
		dst[i] = Dot(vs[i], x)
	}
}

// MAxpy sets y += Σ_{i<len(alpha)} alpha[i]·vs[i]. Every vs[i] must have
// y's length.
func MAxpy(y []float64, alpha []float64, vs [][]float64) {
	k := len(alpha)
	if len(vs) < k {
		panic("vec: MAxpy: fewer vectors than coefficients")
	}
	n := len(y)
	i := 0
	if useAVX && n >= 8 {
		m := n &^ 7
		for ; i+4 <= k; i += 4 {
			v0, v1, v2, v3 := four(vs[i:], n)
			c := [4]float64{alpha[i], alpha[i+1], alpha[i+2], alpha[i+3]}
			axpy4(&c, &v0[0], &v1[0], &v2[0], &v3[0], &y[0], m)
			for j := m; j < n; j++ {
				y[j] += c[0]*v0[j] + c[1]*v1[j] + c[2]*v2[j] + c[3]*v3[j]
			}
		}
	}
	for ; i < k; i++ {
		if len(vs[i]) != n {
			panic("vec: length mismatch")
		}
		floats.AddScaled(y, alpha[i], vs[i])
	}
}

// four returns vs[0…3], which must have length n, as the assembly
// kernels read n elements of each (the gonum path checks the same).
func four(vs [][]float64, n int) (v0, v1, v2, v3 []float64) {
	if len(vs[0]) != n || len(vs[1]) != n || len(vs[2]) != n || len(vs[3]) != n {
		panic("vec: length mismatch")
	}
	return vs[0], vs[1], vs[2], vs[3]
}
