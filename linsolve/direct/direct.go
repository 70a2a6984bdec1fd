package direct

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/pdekit/pdekit/sparse"
)

// Errors of the factorizations; the returned errors wrap them and name the
// pivot, column or entry at fault.
var (
	// ErrDimension reports sizes that do not match.
	ErrDimension = errors.New("direct: dimension mismatch")
	// ErrNotSymmetric reports a nonsymmetric matrix given to Cholesky.
	ErrNotSymmetric = errors.New("direct: matrix is not symmetric")
	// ErrNotPositiveDefinite reports a non-positive pivot in Cholesky.
	ErrNotPositiveDefinite = errors.New("direct: matrix is not positive definite")
	// ErrSingular reports a structurally or numerically singular matrix
	// in LU: a column with no usable pivot.
	ErrSingular = errors.New("direct: matrix is singular")
	// ErrFillLimit reports a factor that would exceed Settings.MaxNNZ.
	ErrFillLimit = errors.New("direct: factor exceeds the nonzero limit")
)

// Settings configures the factorizations. A nil *Settings and every zero
// field mean the documented default.
type Settings struct {
	// Ordering is the fill-reducing ordering; the zero value is
	// NestedDissection.
	Ordering Ordering
	// PivotTol is LU's threshold for partial pivoting, in (0, 1]: the
	// diagonal entry is kept as pivot when its magnitude is at least
	// PivotTol times the largest in its column, else the largest is
	// taken. Zero means DefaultPivotTol; 1 is strict partial pivoting.
	// Cholesky ignores it.
	PivotTol float64
	// Refine is the number of steps of iterative refinement SolveTo
	// takes; zero means 1, negative means none.
	Refine int
	// MaxNNZ, when positive, is the largest number of nonzeros the
	// factors may hold: Cholesky refuses before allocating L, LU stops as
	// soon as the limit is passed. Zero means no limit.
	MaxNNZ int
	// SkipSymmetryCheck skips Cholesky's test that A is symmetric.
	SkipSymmetryCheck bool
}

// DefaultPivotTol is LU's default partial-pivoting threshold. The
// diagonal stays the pivot unless it is 10× smaller than the largest
// candidate in its column, which keeps the fill of the symmetric ordering
// on nearly symmetric matrices and bounds the growth per step by 10
// (UMFPACK's symmetric strategy uses 0.001, SuperLU's default is 1).
const DefaultPivotTol = 0.1

// resolve fills in the defaults.
func (s *Settings) resolve() Settings {
	var o Settings
	if s != nil {
		o = *s
	}
	if o.PivotTol == 0 {
		o.PivotTol = DefaultPivotTol
	}
	switch {
	case o.Refine == 0:
		o.Refine = 1
	case o.Refine < 0:
		o.Refine = 0
	}
	return o
}

// check validates the fields with a range.
func (s *Settings) check() error {
	if s == nil {
		return nil
	}
	if !(s.PivotTol >= 0 && s.PivotTol <= 1) {
		return fmt.Errorf("direct: PivotTol = %v, want a value in (0, 1] (0: default)", s.PivotTol)
	}
	if s.MaxNNZ < 0 {
		return fmt.Errorf("direct: MaxNNZ = %d, want ≥ 0", s.MaxNNZ)
	}
	if s.Ordering < 0 || int(s.Ordering) >= len(orderingNames) {
		return fmt.Errorf("direct: unknown ordering %v", s.Ordering)
	}
	return nil
}

// checkMatrix returns an error unless a is square, well formed and
// finite.
func checkMatrix(name string, a *sparse.CSR) error {
	if r, c := a.Dims(); r != c {
		return fmt.Errorf("%w: %s needs a square matrix, got %d×%d", ErrDimension, name, r, c)
	}
	if err := a.CheckStructure(); err != nil {
		return fmt.Errorf("direct: %s: %w", name, err)
	}
	if err := a.CheckFinite(); err != nil {
		return fmt.Errorf("direct: %s: %w", name, err)
	}
	return nil
}

// refineSolve sets dst = A⁻¹·b by solve (which uses its third argument as
// scratch) followed by steps of iterative refinement against a. It fails
// when the solution is not finite (a factor too ill-conditioned for b).
func refineSolve(dst, b []float64, a *sparse.CSR, n, steps int, solve func(dst, b, work []float64)) error {
	work := make([]float64, n)
	solve(dst, b, work)
	if steps > 0 {
		r := make([]float64, n)
		d := make([]float64, n)
		for range steps {
			a.MulVecTo(r, dst)
			for i := range r {
				r[i] = b[i] - r[i]
			}
			solve(d, r, work)
			for i := range dst {
				dst[i] += d[i]
			}
		}
	}
	for i, v := range dst {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: solution entry %d is %v (the matrix is numerically singular)", ErrSingular, i, v)
		}
	}
	return nil
}

// Factorization is a factored matrix: Cholesky or LU.
type Factorization interface {
	// SolveTo solves A·x = b into dst, with iterative refinement.
	SolveTo(dst, b []float64) error
	// SolveManyTo solves A·X = B for the columns of b (n×k), blocked.
	SolveManyTo(dst, b *mat.Dense) error
	// Apply sets dst = A⁻¹·r without refinement (a preconditioner).
	Apply(dst, r []float64)
	// NNZ returns the nonzeros of the factors.
	NNZ() int
}

// Factor factors a by Cholesky when it is symmetric with a positive
// diagonal and by LU otherwise, or when Cholesky meets a non-positive
// pivot (a symmetric indefinite matrix).
func Factor(a *sparse.CSR, s *Settings) (Factorization, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := checkMatrix("Factor", a); err != nil {
		return nil, err
	}
	if a.IsSymmetric(1e-10) && positiveDiagonal(a) {
		o := s.resolve()
		o.SkipSymmetryCheck = true
		c, err := NewCholesky(a, &o)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, ErrNotPositiveDefinite) {
			return nil, err
		}
	}
	return NewLU(a, s)
}

func positiveDiagonal(a *sparse.CSR) bool {
	for _, k := range a.DiagIndex() {
		if k < 0 || !(a.Val[k] > 0) {
			return false
		}
	}
	return true
}
