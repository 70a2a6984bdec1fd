package sparse_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/pdekit/pdekit/sparse"
)

// Assemble the 1D Laplacian tridiag(−1, 2, −1) and multiply it by a vector.
func ExampleTriplet() {
	const n = 4
	t := sparse.NewTriplet(n, n, 3*n)
	for i := range n {
		t.Append(i, i, 2)
		if i > 0 {
			t.Append(i, i-1, -1)
		}
		if i < n-1 {
			t.Append(i, i+1, -1)
		}
	}
	a := t.ToCSR()
	y := make([]float64, n)
	a.MulVecTo(y, []float64{1, 2, 3, 4})
	fmt.Println(a.NNZ(), a.IsSymmetric(0), y)
	// Output:
	// 10 true [0 0 0 5]
}

func ExampleWriteMatrixMarket() {
	t := sparse.NewTriplet(2, 2, 3)
	t.Append(0, 0, 4)
	t.Append(1, 0, -1)
	t.Append(0, 1, -1)
	t.Append(1, 1, 4)
	if err := sparse.WriteMatrixMarket(os.Stdout, t.ToCSR(), true); err != nil {
		fmt.Println(err)
	}
	// Output:
	// %%MatrixMarket matrix coordinate real symmetric
	// 2 2 3
	// 1 1 4
	// 2 1 -1
	// 2 2 4
}

func ExampleReadMatrixMarket() {
	const file = `%%MatrixMarket matrix coordinate real symmetric
% the 1D Laplacian, lower triangle
3 3 5
1 1 2
2 1 -1
2 2 2
3 2 -1
3 3 2
`
	a, err := sparse.ReadMatrixMarket(strings.NewReader(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.NNZ(), a.At(0, 1), a.At(1, 0), a.IsSymmetric(0))
	_, err = sparse.ReadMatrixMarket(strings.NewReader("%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1\n"))
	fmt.Println(err)
	// Output:
	// 7 -1 -1 true
	// sparse: malformed Matrix Market data: truncated after line 3: missing entry 2 of 2
}
