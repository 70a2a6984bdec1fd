package gp

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// ErrNotPositiveDefinite reports a kernel matrix whose eigenvalues, even
// after the jitter, are not all positive.
var ErrNotPositiveDefinite = errors.New("gp: kernel matrix is not positive definite")

// Kron is a Kronecker product K = K₁ ⊗ K₂ ⊗ … ⊗ K_D of symmetric factors,
// one per dimension of a product grid, stored as their eigendecompositions
// K_d = Q_d·Λ_d·Q_dᵀ. Vectors are indexed like pde.Grid, the first
// dimension slowest, so K acts on the grid values U as K₁·U·K₂ᵀ in 2D.
// Products and solves cost O(N·Σ N_d) and the factorization O(Σ N_d³),
// with N = Π N_d; the N×N matrix is never formed (Saatçi 2011, ch. 5).
type Kron struct {
	dims []int
	n    int
	q    []*mat.Dense
	lam  [][]float64
	work [2][]float64
}

// NewKron factors the symmetric matrices. It returns an error for a
// non-square factor or NaN entries.
func NewKron(factors ...mat.Symmetric) (*Kron, error) {
	if len(factors) == 0 {
		return nil, fmt.Errorf("%w: Kronecker product of no factors", ErrProblem)
	}
	k := &Kron{n: 1}
	for i, f := range factors {
		n := f.SymmetricDim()
		for r := range n {
			for c := r; c < n; c++ {
				if v := f.At(r, c); math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("gp: Kronecker factor %d has a NaN or infinite entry", i)
				}
			}
		}
		var eig mat.EigenSym
		if !eig.Factorize(f, true) {
			return nil, fmt.Errorf("gp: eigendecomposition of Kronecker factor %d failed", i)
		}
		q := new(mat.Dense)
		eig.VectorsTo(q)
		k.dims = append(k.dims, n)
		k.n *= n
		k.q = append(k.q, q)
		k.lam = append(k.lam, eig.Values(nil))
	}
	k.work = [2][]float64{make([]float64, k.n), make([]float64, k.n)}
	return k, nil
}

// Dim returns N = Π N_d.
func (k *Kron) Dim() int { return k.n }

// Dims returns the factor sizes.
func (k *Kron) Dims() []int { return append([]int(nil), k.dims...) }

// Eigenvalues returns the eigenvalues of factor d (ascending).
func (k *Kron) Eigenvalues(d int) []float64 { return append([]float64(nil), k.lam[d]...) }

// MinEigenvalue returns the smallest eigenvalue of K, the smallest of the
// products of one eigenvalue per factor.
func (k *Kron) MinEigenvalue() float64 {
	lo, hi := 1.0, 1.0
	for _, l := range k.lam {
		a, b := l[0], l[len(l)-1]
		c := []float64{lo * a, lo * b, hi * a, hi * b}
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range c {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	return lo
}

// modeProduct sets y = (I ⊗ … ⊗ M ⊗ … ⊗ I)·x with M (n_d×n_d) acting on
// dimension d (transposed when trans).
func (k *Kron) modeProduct(y, x []float64, m *mat.Dense, d int, trans bool) {
	nd := k.dims[d]
	right := 1
	for _, v := range k.dims[d+1:] {
		right *= v
	}
	left := k.n / (nd * right)
	raw := m.RawMatrix()
	tA := blas.NoTrans
	if trans {
		tA = blas.Trans
	}
	a := blas64.General{Rows: nd, Cols: nd, Stride: raw.Stride, Data: raw.Data}
	for l := range left {
		off := l * nd * right
		xs := blas64.General{Rows: nd, Cols: right, Stride: right, Data: x[off : off+nd*right]}
		ys := blas64.General{Rows: nd, Cols: right, Stride: right, Data: y[off : off+nd*right]}
		blas64.Gemm(tA, blas.NoTrans, 1, a, xs, 0, ys)
	}
}

// transform sets dst = (Q₁ᵀ ⊗ … ⊗ Q_Dᵀ)·x when toEigen, else
// (Q₁ ⊗ … ⊗ Q_D)·x; dst and x must not overlap.
func (k *Kron) transform(dst, x []float64, toEigen bool) {
	src := x
	for d := range k.dims {
		out := dst
		if d < len(k.dims)-1 {
			out = k.work[d%2]
		}
		k.modeProduct(out, src, k.q[d], d, toEigen)
		src = out
	}
}

// MulVecTo sets dst = K·x.
func (k *Kron) MulVecTo(dst, x []float64) {
	k.apply(dst, x, func(l float64) float64 { return l })
}

// SolveTo sets dst = (K + jitter·I)⁻¹·x. It returns
// ErrNotPositiveDefinite if some eigenvalue of K + jitter·I is not
// positive.
func (k *Kron) SolveTo(dst, x []float64, jitter float64) error {
	if lo := k.MinEigenvalue() + jitter; !(lo > 0) {
		return fmt.Errorf("%w: smallest eigenvalue %.3g with jitter %.3g", ErrNotPositiveDefinite, lo, jitter)
	}
	k.apply(dst, x, func(l float64) float64 { return 1 / (l + jitter) })
	return nil
}

// LogDet returns log|K + jitter·I|, or ErrNotPositiveDefinite.
func (k *Kron) LogDet(jitter float64) (float64, error) {
	if lo := k.MinEigenvalue() + jitter; !(lo > 0) {
		return 0, fmt.Errorf("%w: smallest eigenvalue %.3g with jitter %.3g", ErrNotPositiveDefinite, lo, jitter)
	}
	var s float64
	k.eachEigenvalue(func(i int, l float64) { s += math.Log(l + jitter) })
	return s, nil
}

// eachEigenvalue calls f with every eigenvalue of K in the grid order of
// the eigenbasis.
func (k *Kron) eachEigenvalue(f func(i int, l float64)) {
	idx := make([]int, len(k.dims))
	for i := range k.n {
		l := 1.0
		for d, j := range idx {
			l *= k.lam[d][j]
		}
		f(i, l)
		for d := len(idx) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < k.dims[d] {
				break
			}
			idx[d] = 0
		}
	}
}

// apply sets dst = Q·g(Λ)·Qᵀ·x.
func (k *Kron) apply(dst, x []float64, g func(float64) float64) {
	if len(x) != k.n || len(dst) != k.n {
		panic("gp: Kron: vector length mismatch")
	}
	t := make([]float64, k.n)
	k.transform(t, x, true)
	k.eachEigenvalue(func(i int, l float64) { t[i] *= g(l) })
	k.transform(dst, t, false)
}
