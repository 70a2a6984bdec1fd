package spectral

import (
	"fmt"
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/mat"
)

// sylvester solves A·U + U·Bᵀ = R for m×n matrices U and R (row-major),
// A m×m and B n×n: the collocation operator A ⊗ I + I ⊗ B on a rectangle.
type sylvester struct {
	m, n int
	// Real diagonalisation of both: A = P·diag(mu)·P⁻¹, B = Q·diag(lam)·Q⁻¹.
	real       bool
	p, pinv    *mat.Dense
	q, qinvT   *mat.Dense
	mu, lam    []float64
	t1, t2, t3 *mat.Dense
	// Otherwise B = Q·diag(lamC)·Q⁻¹ (complex) and, for each k, the LU of
	// A + lamC_k·I. With transpose the roles of A and B are swapped.
	transpose  bool
	qc, qcinvT []complex128 // n×n row-major
	lamC       []complex128
	lus        []*zlu
	ac         []complex128
}

// newSylvester prepares the solver. realSpectra says whether both
// operators are expected to have real eigenvalues (second-order axes).
func newSylvester(a, b *mat.Dense, realSpectra bool) (*sylvester, error) {
	m, _ := a.Dims()
	n, _ := b.Dims()
	s := &sylvester{m: m, n: n}
	if realSpectra {
		p, mu, okA := realEigen(a)
		q, lam, okB := p, mu, okA
		if !mat.Equal(a, b) { // a square with equal axes: one eigendecomposition
			q, lam, okB = realEigen(b)
		}
		if okA && okB {
			s.real, s.p, s.q, s.mu, s.lam = true, p, q, mu, lam
			s.pinv = new(mat.Dense)
			if err := s.pinv.Inverse(p); err != nil {
				return nil, fmt.Errorf("%w: eigenvectors: %w", ErrSingular, err)
			}
			var qinv mat.Dense
			if err := qinv.Inverse(q); err != nil {
				return nil, fmt.Errorf("%w: eigenvectors: %w", ErrSingular, err)
			}
			s.qinvT = mat.DenseCopyOf(qinv.T())
			for _, x := range mu {
				for _, y := range lam {
					if x+y == 0 {
						return nil, fmt.Errorf("%w: the operator has a zero eigenvalue", ErrSingular)
					}
				}
			}
			s.t1, s.t2, s.t3 = mat.NewDense(m, n, nil), mat.NewDense(m, n, nil), mat.NewDense(m, n, nil)
			return s, nil
		}
	}
	// Diagonalise the smaller operator, factor the other per eigenvalue.
	if m < n {
		s.transpose = true
		a, b = b, a
		m, n = n, m
	}
	var e mat.Eigen
	if !e.Factorize(b, mat.EigenRight) {
		return nil, fmt.Errorf("%w: eigendecomposition failed", ErrSingular)
	}
	s.lamC = e.Values(nil)
	var v mat.CDense
	e.VectorsTo(&v)
	s.qc = make([]complex128, n*n)
	for i := range n {
		for j := range n {
			s.qc[i*n+j] = v.At(i, j)
		}
	}
	inv, err := zinverse(s.qc, n)
	if err != nil {
		return nil, err
	}
	s.qcinvT = make([]complex128, n*n)
	for i := range n {
		for j := range n {
			s.qcinvT[i*n+j] = inv[j*n+i]
		}
	}
	s.lus = make([]*zlu, n)
	for k, l := range s.lamC {
		c := make([]complex128, m*m)
		for i := range m {
			for j := range m {
				c[i*m+j] = complex(a.At(i, j), 0)
			}
			c[i*m+i] += l
		}
		if s.lus[k], err = newZLU(c, m); err != nil {
			return nil, err
		}
	}
	s.ac = make([]complex128, m*n)
	return s, nil
}

// realEigen returns the eigenvectors and eigenvalues of a when they are
// real (imaginary parts below 1e-10 of the largest modulus).
func realEigen(a *mat.Dense) (*mat.Dense, []float64, bool) {
	var e mat.Eigen
	if !e.Factorize(a, mat.EigenRight) {
		return nil, nil, false
	}
	vals := e.Values(nil)
	var big float64
	for _, v := range vals {
		big = max(big, cmplx.Abs(v))
	}
	re := make([]float64, len(vals))
	for i, v := range vals {
		if math.Abs(imag(v)) > 1e-10*big {
			return nil, nil, false
		}
		re[i] = real(v)
	}
	var v mat.CDense
	e.VectorsTo(&v)
	n := len(vals)
	p := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			p.Set(i, j, real(v.At(i, j)))
		}
	}
	return p, re, true
}

// solve sets u (m×n) to the solution for r (m×n).
func (s *sylvester) solve(u, r []float64) {
	m, n := s.m, s.n
	if s.real {
		rm, um := mat.NewDense(m, n, r), mat.NewDense(m, n, u)
		// U = P·[(P⁻¹·R·Q⁻ᵀ) ./ (μ_i + λ_j)]·Qᵀ.
		s.t1.Mul(s.pinv, rm)
		s.t2.Mul(s.t1, s.qinvT)
		raw := s.t2.RawMatrix().Data
		for i := range m {
			for j := range n {
				raw[i*n+j] /= s.mu[i] + s.lam[j]
			}
		}
		s.t3.Mul(s.p, s.t2)
		um.Mul(s.t3, s.q.T())
		return
	}
	if s.transpose {
		// Solve B·Uᵀ + Uᵀ·Aᵀ = Rᵀ with the roles swapped at setup.
		rt := make([]float64, m*n)
		transposeTo(rt, r, m, n)
		ut := make([]float64, m*n)
		s.solveComplex(ut, rt, n, m)
		transposeTo(u, ut, n, m)
		return
	}
	s.solveComplex(u, r, m, n)
}

// solveComplex solves A·U + U·Bᵀ = R (U, R m×n) with B = Q·Λ·Q⁻¹:
// column k of V = U·Q⁻ᵀ solves (A + λ_k I)·v_k = (R·Q⁻ᵀ)_k, and U = V·Qᵀ.
func (s *sylvester) solveComplex(u, r []float64, m, n int) {
	rc := s.ac
	for i := range m {
		for k := range n {
			var sum complex128
			for j := range n {
				sum += complex(r[i*n+j], 0) * s.qcinvT[j*n+k]
			}
			rc[i*n+k] = sum
		}
	}
	col := make([]complex128, m)
	for k := range n {
		for i := range m {
			col[i] = rc[i*n+k]
		}
		s.lus[k].solve(col)
		for i := range m {
			rc[i*n+k] = col[i]
		}
	}
	// U = Re(V·Qᵀ).
	for i := range m {
		for j := range n {
			var sum complex128
			for k := range n {
				sum += rc[i*n+k] * s.qc[j*n+k]
			}
			u[i*n+j] = real(sum)
		}
	}
}

func transposeTo(dst, src []float64, m, n int) {
	for i := range m {
		for j := range n {
			dst[j*m+i] = src[i*n+j]
		}
	}
}

// zlu is a dense complex LU factorisation with partial pivoting.
type zlu struct {
	n   int
	a   []complex128
	piv []int
}

func newZLU(a []complex128, n int) (*zlu, error) {
	piv := make([]int, n)
	for k := range n {
		p := k
		for i := k + 1; i < n; i++ {
			if cmplx.Abs(a[i*n+k]) > cmplx.Abs(a[p*n+k]) {
				p = i
			}
		}
		piv[k] = p
		if a[p*n+k] == 0 {
			return nil, fmt.Errorf("%w: zero pivot in column %d", ErrSingular, k)
		}
		if p != k {
			for j := range n {
				a[k*n+j], a[p*n+j] = a[p*n+j], a[k*n+j]
			}
		}
		inv := 1 / a[k*n+k]
		for i := k + 1; i < n; i++ {
			l := a[i*n+k] * inv
			a[i*n+k] = l
			if l == 0 {
				continue
			}
			ri, rk := a[i*n+k+1:(i+1)*n], a[k*n+k+1:(k+1)*n]
			for j := range ri {
				ri[j] -= l * rk[j]
			}
		}
	}
	return &zlu{n: n, a: a, piv: piv}, nil
}

func (f *zlu) solve(x []complex128) {
	n, a := f.n, f.a
	for k, p := range f.piv {
		if p != k {
			x[k], x[p] = x[p], x[k]
		}
	}
	for i := range n {
		s := x[i]
		for j := range i {
			s -= a[i*n+j] * x[j]
		}
		x[i] = s
	}
	for i := n - 1; i >= 0; i-- {
		s := x[i]
		for j := i + 1; j < n; j++ {
			s -= a[i*n+j] * x[j]
		}
		x[i] = s / a[i*n+i]
	}
}

// zinverse returns the inverse of the n×n matrix a (row-major).
func zinverse(a []complex128, n int) ([]complex128, error) {
	f, err := newZLU(append([]complex128(nil), a...), n)
	if err != nil {
		return nil, err
	}
	inv := make([]complex128, n*n)
	col := make([]complex128, n)
	for j := range n {
		clear(col)
		col[j] = 1
		f.solve(col)
		for i := range n {
			inv[i*n+j] = col[i]
		}
	}
	return inv, nil
}
