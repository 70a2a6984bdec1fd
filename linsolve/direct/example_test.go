package direct_test

import (
	"fmt"
	"math"

	"github.com/pdekit/pdekit/linsolve/direct"
	"github.com/pdekit/pdekit/pde"
	"github.com/pdekit/pdekit/sparse"
)

// Factor a 2D Poisson matrix once with nested dissection and solve.
func ExampleNewCholesky() {
	a, _ := pde.Laplacian(pde.MustGrid(63, 63), nil)
	c, err := direct.NewCholesky(a, nil) // nil: nested dissection, one refinement step
	if err != nil {
		fmt.Println(err)
		return
	}
	b := make([]float64, a.Dim())
	for i := range b {
		b[i] = 1
	}
	x := make([]float64, a.Dim())
	if err := c.SolveTo(x, b); err != nil {
		fmt.Println(err)
		return
	}
	r := make([]float64, a.Dim())
	a.MulVecTo(r, x)
	var rr float64
	for i := range r {
		rr += (b[i] - r[i]) * (b[i] - r[i])
	}
	fmt.Println(math.Sqrt(rr/float64(len(b))) < 1e-12, c.NNZ() < 4*a.NNZ())
	// Output:
	// true true
}

// A matrix with zero diagonal entries, which ILU(0) refuses; LU pivots
// where it must.
func ExampleNewLU() {
	t := sparse.NewTriplet(3, 3, 6)
	t.Append(0, 1, 2)
	t.Append(1, 0, 1)
	t.Append(1, 2, 1)
	t.Append(2, 1, 1)
	t.Append(2, 2, 1)
	t.Append(1, 1, 0) // stored, but zero
	a := t.ToCSR()
	f, err := direct.NewLU(a, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := make([]float64, 3)
	if err := f.SolveTo(x, []float64{2, 2, 2}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.3g\n", x)
	// A singular matrix is an error naming the column.
	s := sparse.NewTriplet(2, 2, 2)
	s.Append(0, 0, 1)
	s.Append(1, 0, 1)
	_, err = direct.NewLU(s.ToCSR(), nil)
	fmt.Println(err)
	// Output:
	// [1 1 1]
	// direct: matrix is singular: column 1 (elimination step 0) has no entry in the rows not yet pivotal (structurally singular)
}
