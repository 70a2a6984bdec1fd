package linsolve

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Lanczos runs m steps of the symmetric Lanczos process on A, starting
// from start (a seeded random vector when nil), with full
// re-orthogonalisation (two classical Gram–Schmidt passes per step), and
// returns the Ritz values in increasing order with their Ritz vectors
// (unit 2-norm). The extremal Ritz pairs converge first (Golub and Van
// Loan, Matrix Computations, 4th ed., §10.1). If the Krylov space becomes
// invariant before m steps, the pairs of the smaller space are returned.
//
// A must be symmetric; Lanczos does not check it. m must satisfy
// 1 ≤ m ≤ n; a start of the wrong length, or with NaN or Inf, is an error
// wrapping ErrDimension or naming the bad value.
func Lanczos(a Operator, m int, start []float64, seed uint64) (values []float64, vectors [][]float64, err error) {
	return lanczos(a, m, start, seed, true)
}

// RitzValues is Lanczos without the Ritz vectors: the Ritz values in
// increasing order, for a spectral estimate (the vectors cost m²·n more).
func RitzValues(a Operator, m int, start []float64, seed uint64) ([]float64, error) {
	values, _, err := lanczos(a, m, start, seed, false)
	return values, err
}

func lanczos(a Operator, m int, start []float64, seed uint64, wantVectors bool) (values []float64, vectors [][]float64, err error) {
	n := a.Dim()
	if m < 1 || m > n {
		return nil, nil, fmt.Errorf("%w: Lanczos with %d steps on a %d×%d operator", ErrDimension, m, n, n)
	}
	v := make([]float64, n)
	if start != nil {
		if len(start) != n {
			return nil, nil, fmt.Errorf("%w: Lanczos start of length %d, want %d", ErrDimension, len(start), n)
		}
		copy(v, start)
	} else {
		rnd := rand.New(rand.NewPCG(seed, 0x6c616e63))
		for i := range v {
			v[i] = rnd.NormFloat64()
		}
	}
	nv := norm(v)
	if isBad(nv) || nv == 0 {
		return nil, nil, errors.New("linsolve: Lanczos start vector is zero or not finite")
	}
	for i := range v {
		v[i] /= nv
	}
	basis := [][]float64{v}
	var alpha, beta []float64
	w := make([]float64, n)
	for k := 0; k < m; k++ {
		a.MulVecTo(w, basis[k])
		ak := dot(w, basis[k])
		if isBad(ak) {
			return nil, nil, fmt.Errorf("linsolve: Lanczos: %w", ErrNaN)
		}
		alpha = append(alpha, ak)
		for range 2 {
			for _, q := range basis {
				c := dot(w, q)
				for i, x := range q {
					w[i] -= c * x
				}
			}
		}
		if k == m-1 {
			break
		}
		bk := norm(w)
		if bk <= 1e-12*math.Abs(ak) || bk == 0 {
			break
		}
		beta = append(beta, bk)
		next := make([]float64, n)
		for i, x := range w {
			next[i] = x / bk
		}
		basis = append(basis, next)
	}
	k := len(alpha)
	t := mat.NewSymDense(k, nil)
	for i := range k {
		t.SetSym(i, i, alpha[i])
		if i+1 < k {
			t.SetSym(i, i+1, beta[i])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(t, wantVectors) {
		return nil, nil, errors.New("linsolve: Lanczos: the tridiagonal eigensolver did not converge")
	}
	values = eig.Values(nil)
	if !wantVectors {
		return values, nil, nil
	}
	var y mat.Dense
	eig.VectorsTo(&y)
	vectors = make([][]float64, k)
	for j := range k {
		u := make([]float64, n)
		for i, q := range basis {
			c := y.At(i, j)
			for l, x := range q {
				u[l] += c * x
			}
		}
		nu := norm(u)
		for l := range u {
			u[l] /= nu
		}
		vectors[j] = u
	}
	return values, vectors, nil
}
